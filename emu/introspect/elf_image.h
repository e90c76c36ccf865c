// An ELF32 i386 executable: validated headers, its loadable segments and its symbols.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ia32emu {

// Raised for any file that cannot be booted; the message is one line naming the problem.
class ImageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct LoadSegment {
    unsigned index;        // position in the program header table
    uint64_t offset;       // in the file
    uint64_t paddr;
    uint64_t vaddr;
    uint64_t file_size;
    uint64_t mem_size;
    uint32_t flags;        // PF_R, PF_W, PF_X
    // Its bytes are only the ELF and program headers and no allocated section lies in it: what
    // binutils emits below the first section when the link gives no room for the headers.
    bool headers_only;
};

struct Symbol {
    std::string name;
    uint32_t address;
    uint32_t size;
};

class ElfImage {
public:
    // Reads and validates the file; throws ImageError.
    static ElfImage load(const std::filesystem::path &path);
    static ElfImage parse(std::vector<uint8_t> bytes, const std::string &name);
    // The file's bytes, for loaders that find out what kind of file it is.
    static std::vector<uint8_t> read_file(const std::filesystem::path &path);
    // Symbols without a file (emu/introspect/symbol_map.cpp).
    static ElfImage from_symbols(const std::vector<Symbol> &functions, const std::map<std::string, uint32_t> &objects);

    const std::vector<uint8_t> &bytes() const { return bytes_; }
    const std::vector<LoadSegment> &segments() const { return segments_; }
    unsigned program_headers() const { return program_headers_; }
    uint32_t entry() const { return entry_; }

    // Function symbols, by address; the nearest one at or below an address names it.
    std::optional<Symbol> find_symbol(const std::string &name) const;
    std::string describe_address(uint32_t address) const;
    // The function symbol an address lies in, if any.
    std::optional<Symbol> function_at(uint32_t address) const;
    // The address of a data object (a global variable), by name.
    std::optional<uint32_t> find_object(const std::string &name) const;
    // Symbol-table entries past bounds::kSymbolEntries, not read.
    uint64_t symbol_entries_dropped() const { return symbol_entries_dropped_; }

private:
    std::vector<uint8_t> bytes_;
    std::vector<LoadSegment> segments_;
    unsigned program_headers_ = 0;
    uint32_t entry_ = 0;
    std::map<uint32_t, Symbol> functions_;
    std::map<std::string, uint32_t> by_name_;
    std::map<std::string, uint32_t> objects_;
    uint64_t symbol_entries_dropped_ = 0;
};

} // namespace ia32emu
