// struct module keeps state, a list head and the name first (offset 12 since Linux 2.6), but the
// offset of its `kallsyms` pointer moves with the configuration. So the pointer is found by what
// it points to: a struct mod_kallsyms {symtab, num_symtab, strtab, ...} holding a whole ELF
// symbol table. At do_init_module that table is the module's, addresses already relocated.
#include "emu/introspect/linux_module_symbols.h"

#include <array>
#include <cctype>

namespace ia32emu {
namespace {

constexpr uint32_t kNameOffset = 12;
constexpr size_t kNameMax = 56;            // MODULE_NAME_LEN on 32-bit kernels
constexpr uint32_t kScanEnd = 2048;        // struct module is under 1 KiB on i386
constexpr uint32_t kMaxSymbols = 65536;
constexpr uint32_t kKernelSpace = 0xC0000000;
constexpr size_t kSymbolNameMax = 128;
constexpr uint8_t kSttFunc = 2;

struct ElfSym {
    uint32_t name, value, size;
    uint8_t info, other;
    uint16_t shndx;
};
static_assert(sizeof(ElfSym) == 16);

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$'; }

// A NUL-terminated identifier at `va`, or "" if there is none.
std::string read_identifier(const GuestMemory &memory, uint32_t va, size_t max) {
    std::string out;
    for (size_t i = 0; i < max; ++i) {
        char c = 0;
        if (!memory.read(va + uint32_t(i), &c, 1))
            return "";
        if (c == 0)
            return out;
        if (!identifier_char(c))
            return "";
        out.push_back(c);
    }
    return "";
}

// The functions of the symbol table that `kallsyms` points to, or nothing if it is no plausible
// struct mod_kallsyms: a kernel-space symtab and strtab, a sane count, the null symbol first,
// every named entry an identifier, and at least one function in kernel space. The first entries
// of a module's table are its sections (unnamed), so the whole table is read before judging.
std::vector<Symbol> functions_at(const GuestMemory &memory, uint32_t kallsyms, const std::string &module) {
    if (kallsyms < kKernelSpace)
        return {};
    std::array<uint32_t, 3> head{};
    if (!memory.read(kallsyms, head.data(), sizeof head))
        return {};
    uint32_t symtab = head[0], count = head[1], strtab = head[2];
    if (symtab < kKernelSpace || strtab < kKernelSpace || count < 2 || count > kMaxSymbols)
        return {};
    ElfSym null{};
    if (!memory.read(symtab, &null, sizeof null) || null.name || null.value || null.size || null.info || null.shndx)
        return {};
    std::vector<Symbol> out;
    for (uint32_t i = 1; i < count; ++i) {
        ElfSym s{};
        if (!memory.read(symtab + 16 * i, &s, sizeof s))
            return {};
        if (!s.name)
            continue;
        std::string name = read_identifier(memory, strtab + s.name, kSymbolNameMax);
        if (name.empty())
            return {};
        if ((s.info & 0xf) == kSttFunc && s.value >= kKernelSpace)
            out.push_back({name + " [" + module + "]", s.value, s.size});
    }
    return out;
}

} // namespace

LinuxModuleSymbols read_linux_module_symbols(const GuestMemory &memory, uint32_t module) {
    LinuxModuleSymbols out;
    std::string name = read_identifier(memory, module + kNameOffset, kNameMax);
    if (name.empty())
        return out;
    for (uint32_t off = kNameOffset + kNameMax; off < kScanEnd; off += 4) {
        std::vector<Symbol> functions = functions_at(memory, memory.word(module + off), name);
        if (!functions.empty()) {
            out.module = name;
            out.functions = std::move(functions);
            break;
        }
    }
    return out;
}

} // namespace ia32emu
