// The checks mirror firmware/kernel_load.c, elf_load.c, aout_load.c and load_target.c one for
// one: the host refuses first, the firmware's own checks stay as the last line of defence.
#include "emu/introspect/kernel_image.h"

#include <cstdio>
#include <cstring>

#include "devices/abi/fw_cfg.h"
#include "firmware/layout.h"

namespace ia32emu {
namespace {

constexpr size_t kHeaderSearch = 8192;   // the header lies in the first 8 KiB of the file
constexpr size_t kHeaderWords = 12;      // magic, flags, checksum, 5 kludge words, 4 video words

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

std::optional<MultibootHeader> find_header(const std::vector<uint8_t> &bytes) {
    const size_t limit = std::min(bytes.size(), kHeaderSearch);
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t w[kHeaderWords] = {};
        std::memcpy(w, bytes.data() + off, std::min(sizeof w, bytes.size() - off));
        if (w[0] != MultibootHeader::kMagic || uint32_t(w[0] + w[1] + w[2]) != 0)
            continue;
        MultibootHeader h;
        h.offset = uint32_t(off);
        h.flags = w[1];
        h.header_addr = w[3];
        h.load_addr = w[4];
        h.load_end_addr = w[5];
        h.bss_end_addr = w[6];
        h.entry_addr = w[7];
        h.mode_type = w[8];
        h.width = w[9];
        h.height = w[10];
        h.depth = w[11];
        return h;
    }
    return std::nullopt;
}

std::string segment_flags(uint32_t f) {
    std::string s;
    s += (f & 4) ? 'R' : '-';
    s += (f & 2) ? 'W' : '-';
    s += (f & 1) ? 'X' : '-';
    return s;
}

struct FirmwareArea {
    uint64_t base, end;
    const char *what;
};
// RAM the memory map calls usable but the firmware keeps for itself while it loads (layout.h).
constexpr FirmwareArea kFirmwareAreas[] = {
    {HANDOFF_AREA_START, HANDOFF_AREA_END, "the firmware's hand-off area (Multiboot information, memory map, command lines, modules list)"},
    {WORK_AREA_START, WORK_AREA_END, "the firmware's scratch memory and stack"},
};

constexpr const char *kLinkAdvice =
    "link the kernel at 1 MiB or above, in RAM: `ld -N -Ttext 0x100000`, or a linker script that starts with `. = 1M;`";

} // namespace

KernelImage KernelImage::load(const std::filesystem::path &path) {
    return parse(ElfImage::read_file(path), path.string());
}

KernelImage KernelImage::parse(std::vector<uint8_t> bytes, const std::string &name) {
    KernelImage k;
    k.name_ = name;
    auto header = find_header(bytes);
    if (header)
        k.header_ = *header;

    if (header && (header->flags & MultibootHeader::kAoutKludge)) {
        const MultibootHeader &h = *header;
        const std::string q = "'" + name + "': Multiboot a.out-kludge header at file offset " + hex(h.offset);
        if (uint64_t(h.offset) + 32 > bytes.size())
            throw ImageError("truncated kernel file: " + q + " runs past the end of the file");
        if (h.header_addr < h.load_addr || h.header_addr - h.load_addr > h.offset)
            throw ImageError(q + " has an inconsistent load_addr " + hex(h.load_addr) + " (header_addr " +
                             hex(h.header_addr) + " must lie at most " + hex(h.offset) + " bytes above it)");
        const uint64_t file_offset = h.offset - (h.header_addr - h.load_addr);
        uint64_t load_size;
        if (h.load_end_addr == 0) {
            load_size = bytes.size() - file_offset;
        } else {
            if (h.load_end_addr < h.load_addr)
                throw ImageError(q + " has load_end_addr " + hex(h.load_end_addr) + " below load_addr " + hex(h.load_addr));
            load_size = h.load_end_addr - h.load_addr;
        }
        if (load_size > bytes.size() - file_offset)
            throw ImageError("truncated kernel file: " + q + " asks for " + hex(load_size) +
                             " bytes from file offset " + hex(file_offset) + ", past the end of the file");
        uint64_t mem_size = load_size;
        if (h.bss_end_addr != 0) {
            if (h.bss_end_addr < h.load_addr || h.bss_end_addr - h.load_addr < load_size)
                throw ImageError(q + " has bss_end_addr " + hex(h.bss_end_addr) + " below the end of the loaded image " +
                                 hex(h.load_addr + load_size));
            mem_size = h.bss_end_addr - h.load_addr;
        }
        k.candidates_.push_back({"the a.out-kludge image", file_offset, h.load_addr, load_size, mem_size});
        k.may_skip_.push_back(false);
        k.phdr_index_.push_back(0);
        // A kludge kernel is often an ELF too: its symbols still name addresses in diagnostics.
        if (bytes.size() >= 4 && std::memcmp(bytes.data(), "\x7f" "ELF", 4) == 0) {
            try {
                k.elf_ = ElfImage::parse(bytes, name);
            } catch (const ImageError &) {
            }
        }
        k.bytes_ = std::move(bytes);
    } else {
        // ELF problems first: "not an i386 ELF" says more than "no Multiboot header".
        ElfImage elf = ElfImage::parse(std::move(bytes), name);
        if (!header) {
            std::string where;
            const auto &b = elf.bytes();
            for (size_t off = kHeaderSearch; off + 12 <= b.size() && where.empty(); off += 4) {
                uint32_t w[3];
                std::memcpy(w, b.data() + off, sizeof w);
                if (w[0] == MultibootHeader::kMagic && uint32_t(w[0] + w[1] + w[2]) == 0)
                    where = "; its header is at file offset " + hex(off) +
                            ": put it first (in .text, or a .multiboot section a linker script keeps first)";
            }
            throw ImageError("'" + name + "' has no Multiboot v1 header in its first 8 KiB" + where);
        }
        if (elf.program_headers() > FW_CFG_MAX_PHDRS)
            throw ImageError("'" + name + "' has " + std::to_string(elf.program_headers()) +
                             " program headers; the loader takes at most " + std::to_string(FW_CFG_MAX_PHDRS) +
                             " (link with fewer segments, e.g. a linker script with one PHDRS entry per kind)");
        for (const LoadSegment &s : elf.segments()) {
            k.candidates_.push_back({"program header " + std::to_string(s.index) + " (file offset " + hex(s.offset) +
                                         ", " + segment_flags(s.flags) + ")",
                                     s.offset, s.paddr, s.file_size, s.mem_size, (s.flags & 2) != 0});
            k.may_skip_.push_back(s.headers_only);
            k.phdr_index_.push_back(s.index);
        }
        k.elf_ = std::move(elf);
    }
    return k;
}

void KernelImage::place(const std::vector<RamRange> &usable_ram) {
    pieces_.clear();
    notes_.clear();
    skipped_ = 0;
    for (size_t i = 0; i < candidates_.size(); ++i) {
        const LoadPiece &p = candidates_[i];
        const uint64_t end = p.paddr + p.mem_size;
        const std::string where = "physical " + hex(p.paddr) + "-" + hex(end - 1);
        std::string problem;
        if (end > (1ull << 32)) {
            problem = "wraps past 4 GiB";
        } else {
            bool in_ram = false;
            for (const RamRange &r : usable_ram)
                in_ram |= p.paddr >= r.base && end <= r.end;
            if (!in_ram)
                problem = "lies outside the board's RAM (not usable per its memory map)";
            for (const FirmwareArea &a : kFirmwareAreas)
                if (problem.empty() && p.paddr < a.end && a.base < end)
                    problem = "overlaps " + std::string(a.what) + " at " + hex(a.base) + "-" + hex(a.end - 1);
        }
        if (problem.empty()) {
            pieces_.push_back(p);
            continue;
        }
        if (may_skip_[i]) {
            skipped_ |= uint64_t(1) << phdr_index_[i];
            notes_.push_back("'" + name_ + "': " + p.what + " at " + where +
                             " holds only the ELF headers and " + problem +
                             "; not loaded (QEMU would copy it there; `ld -N` or a linker script leaves it out)");
            continue;
        }
        throw ImageError("'" + name_ + "': " + p.what + " at " + where + " " + problem + "; " + kLinkAdvice);
    }
    if (pieces_.empty())
        throw ImageError("'" + name_ + "' has no segment that can be loaded; " + kLinkAdvice);
}

uint64_t KernelImage::loaded_end() const {
    uint64_t end = 0;
    for (const LoadPiece &p : pieces_)
        end = std::max(end, p.paddr + p.mem_size);
    return end;
}

std::optional<Symbol> KernelImage::find_symbol(const std::string &name) const {
    return elf_ ? elf_->find_symbol(name) : std::nullopt;
}

void KernelImage::add_loaded_functions(const std::vector<Symbol> &functions) {
    for (const Symbol &f : functions)
        if (f.size != 0)
            loaded_[f.address] = f;
}

std::string KernelImage::describe_address(uint32_t address) const {
    std::optional<Symbol> s = function_at(address);
    if (!s)
        return "";
    char offset[32];
    std::snprintf(offset, sizeof offset, "+0x%x", address - s->address);
    // "fn [module]" reads as /proc/kallsyms and a kernel oops name it: "fn+0x1f [module]".
    std::string name = s->name;
    if (auto bracket = name.find(" ["); bracket != std::string::npos)
        return name.substr(0, bracket) + offset + name.substr(bracket);
    return name + offset;
}

std::optional<Symbol> KernelImage::function_at(uint32_t address) const {
    if (auto it = loaded_.upper_bound(address); it != loaded_.begin()) {
        --it;
        if (address - it->second.address < it->second.size)
            return it->second;
    }
    return elf_ ? elf_->function_at(address) : std::nullopt;
}

std::optional<uint32_t> KernelImage::find_object(const std::string &name) const {
    return elf_ ? elf_->find_object(name) : std::nullopt;
}

} // namespace ia32emu
