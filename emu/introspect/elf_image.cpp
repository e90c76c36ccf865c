// ELF32 parsing with bounds checks on every offset: the file is untrusted input.
#include "emu/introspect/elf_image.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <utility>
#include <vector>

#include "emu/bounds/host_bounds.h"

namespace ia32emu {
namespace {

template <typename T>
T read_struct(const std::vector<uint8_t> &b, uint64_t off, const char *what, const std::string &name) {
    if (off > b.size() || b.size() - off < sizeof(T))
        throw ImageError("truncated ELF file: '" + name + "': " + what + " lies past the end of the file");
    T v;
    std::memcpy(&v, b.data() + off, sizeof(T));
    return v;
}

// A segment holding an allocated section is not headers only. `allocated` holds each such
// section's [start, end); merged into disjoint sorted ranges, one binary search per segment.
void clear_headers_only(std::vector<LoadSegment> &segments, std::vector<std::pair<uint64_t, uint64_t>> &allocated) {
    std::sort(allocated.begin(), allocated.end());
    std::vector<std::pair<uint64_t, uint64_t>> merged;
    for (const auto &range : allocated) {
        if (!merged.empty() && range.first <= merged.back().second)
            merged.back().second = std::max(merged.back().second, range.second);
        else
            merged.push_back(range);
    }
    for (LoadSegment &s : segments) {
        if (!s.headers_only)
            continue;
        // The first range ending after the segment starts overlaps it if it starts before the segment ends.
        auto it = std::upper_bound(merged.begin(), merged.end(), s.vaddr,
                                   [](uint64_t at, const std::pair<uint64_t, uint64_t> &r) { return at < r.second; });
        if (it != merged.end() && it->first < s.vaddr + s.mem_size)
            s.headers_only = false;
    }
}

} // namespace

ElfImage ElfImage::load(const std::filesystem::path &path) { return parse(read_file(path), path.string()); }

std::vector<uint8_t> ElfImage::read_file(const std::filesystem::path &path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw ImageError("kernel image '" + path.string() + "' does not exist");
    if (std::filesystem::is_directory(path, ec))
        throw ImageError("kernel image '" + path.string() + "' is a directory");
    if (!std::filesystem::is_regular_file(path, ec))
        throw ImageError("kernel image '" + path.string() + "' is not a regular file");
    // Everything loads below the PCI hole of a 32-bit board; a larger file cannot be a kernel for it.
    constexpr uintmax_t kMaxKernelBytes = 256ull << 20;
    if (std::filesystem::file_size(path, ec) > kMaxKernelBytes)
        throw ImageError("kernel image '" + path.string() + "' is larger than 256 MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ImageError("cannot open kernel image '" + path.string() + "'");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ElfImage ElfImage::parse(std::vector<uint8_t> bytes, const std::string &name) {
    ElfImage img;
    if (bytes.size() < EI_NIDENT || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0)
        throw ImageError("'" + name + "' is not an ELF file");
    if (bytes[EI_CLASS] != ELFCLASS32)
        throw ImageError("'" + name + "' is a 64-bit ELF file; an IA-32 (ELF32) kernel is required");
    if (bytes[EI_DATA] != ELFDATA2LSB)
        throw ImageError("'" + name + "' is not a little-endian ELF file");
    auto eh = read_struct<Elf32_Ehdr>(bytes, 0, "the ELF header", name);
    if (eh.e_machine != EM_386)
        throw ImageError("'" + name + "' is not an i386 ELF file (e_machine " + std::to_string(eh.e_machine) + ")");
    if (eh.e_type != ET_EXEC)
        throw ImageError("'" + name + "' is not an executable ELF file");
    if (eh.e_phentsize != sizeof(Elf32_Phdr) || eh.e_phnum == 0)
        throw ImageError("'" + name + "' has no usable program headers");

    img.program_headers_ = eh.e_phnum;
    img.entry_ = eh.e_entry;
    const uint64_t headers_end = std::max<uint64_t>(eh.e_ehsize, uint64_t(eh.e_phoff) + uint64_t(eh.e_phnum) * sizeof(Elf32_Phdr));
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        auto ph = read_struct<Elf32_Phdr>(bytes, uint64_t(eh.e_phoff) + uint64_t(i) * sizeof(Elf32_Phdr),
                                          "a program header", name);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            throw ImageError("'" + name + "' has a segment whose file size exceeds its memory size");
        if (uint64_t(ph.p_offset) + ph.p_filesz > bytes.size())
            throw ImageError("truncated ELF file: '" + name + "' ends inside a loadable segment");
        bool headers_only = ph.p_offset == 0 && ph.p_filesz == ph.p_memsz && ph.p_filesz <= headers_end;
        img.segments_.push_back({i, ph.p_offset, ph.p_paddr, ph.p_vaddr, ph.p_filesz, ph.p_memsz, ph.p_flags, headers_only});
    }
    if (img.segments_.empty())
        throw ImageError("'" + name + "' has no loadable segments");

    if (eh.e_shoff != 0 && eh.e_shentsize == sizeof(Elf32_Shdr)) {
        // A crafted file can point thousands of section headers at one huge symbol table, or
        // overlap tables a few bytes apart: each table is read once, and all of them only up to a cap.
        std::set<std::pair<uint32_t, uint32_t>> tables_read;
        // [start, end) of every allocated section. Up to 65,535 sections against 65,535 segments:
        // compared after sorting, not pair by pair (4 billion comparisons).
        std::vector<std::pair<uint64_t, uint64_t>> allocated;
        uint64_t entries_left = bounds::kSymbolEntries;
        uint64_t name_bytes_left = bounds::kSymbolNameBytesTotal;
        for (unsigned i = 0; i < eh.e_shnum; ++i) {
            auto sh = read_struct<Elf32_Shdr>(bytes, uint64_t(eh.e_shoff) + uint64_t(i) * sizeof(Elf32_Shdr),
                                              "a section header", name);
            if ((sh.sh_flags & SHF_ALLOC) && sh.sh_size != 0)
                allocated.emplace_back(sh.sh_addr, uint64_t(sh.sh_addr) + sh.sh_size);
            if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh.e_shnum || !tables_read.emplace(sh.sh_offset, sh.sh_size).second)
                continue;
            auto strtab = read_struct<Elf32_Shdr>(
                bytes, uint64_t(eh.e_shoff) + uint64_t(sh.sh_link) * sizeof(Elf32_Shdr), "the string table header", name);
            if (uint64_t(strtab.sh_offset) + strtab.sh_size > bytes.size())
                throw ImageError("truncated ELF file: '" + name + "' ends inside its string table");
            uint64_t entries = sh.sh_size / sizeof(Elf32_Sym);
            uint64_t read = std::min(entries, entries_left);
            img.symbol_entries_dropped_ += entries - read;
            entries_left -= read;
            for (uint64_t off = sh.sh_offset; off < uint64_t(sh.sh_offset) + read * sizeof(Elf32_Sym);
                 off += sizeof(Elf32_Sym)) {
                auto sym = read_struct<Elf32_Sym>(bytes, off, "a symbol", name);
                int type = ELF32_ST_TYPE(sym.st_info);
                if ((type != STT_FUNC && type != STT_NOTYPE && type != STT_OBJECT) || sym.st_name >= strtab.sh_size ||
                    sym.st_value == 0)
                    continue;
                const char *s = reinterpret_cast<const char *>(bytes.data() + strtab.sh_offset + sym.st_name);
                size_t len = strnlen(s, std::min<size_t>(strtab.sh_size - sym.st_name, bounds::kSymbolNameBytes));
                if (len == 0 || s[0] == '.' || s[0] == '$')
                    continue;
                if (len > name_bytes_left) {
                    ++img.symbol_entries_dropped_;
                    continue;
                }
                name_bytes_left -= len;
                std::string sname(s, len);
                if (type == STT_OBJECT) {
                    img.objects_[sname] = sym.st_value;
                    continue;
                }
                if (type == STT_FUNC || !img.functions_.count(sym.st_value))
                    img.functions_[sym.st_value] = {sname, sym.st_value, sym.st_size};
                if (type == STT_FUNC || !img.by_name_.count(sname))
                    img.by_name_[sname] = sym.st_value;
            }
        }
        clear_headers_only(img.segments_, allocated);
    }
    img.bytes_ = std::move(bytes);
    return img;
}

ElfImage ElfImage::from_symbols(const std::vector<Symbol> &functions, const std::map<std::string, uint32_t> &objects) {
    ElfImage img;
    for (const Symbol &s : functions) {
        img.functions_[s.address] = s;
        img.by_name_.emplace(s.name, s.address);
    }
    img.objects_ = objects;
    return img;
}

std::optional<Symbol> ElfImage::find_symbol(const std::string &name) const {
    auto it = by_name_.find(name);
    if (it == by_name_.end())
        return std::nullopt;
    return functions_.at(it->second);
}

std::optional<uint32_t> ElfImage::find_object(const std::string &name) const {
    auto it = objects_.find(name);
    if (it == objects_.end())
        return std::nullopt;
    return it->second;
}

std::optional<Symbol> ElfImage::function_at(uint32_t address) const {
    auto it = functions_.upper_bound(address);
    if (it == functions_.begin())
        return std::nullopt;
    --it;
    const Symbol &s = it->second;
    // A label without a size (assembly's, or a linker symbol like stack_top) names at most the
    // page after it; far-off addresses are no part of it.
    constexpr uint32_t kUnsizedReach = 0x1000;
    if (address - s.address >= (s.size != 0 ? s.size : kUnsizedReach))
        return std::nullopt;
    return s;
}

std::string ElfImage::describe_address(uint32_t address) const {
    std::optional<Symbol> s = function_at(address);
    if (!s)
        return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "+0x%x", address - s->address);
    return s->name + buf;
}

} // namespace ia32emu
