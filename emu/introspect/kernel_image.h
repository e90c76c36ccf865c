// A Multiboot v1 kernel file as `qemu-system-i386 -kernel` takes it: an ELF32 executable, or any
// file whose Multiboot header carries the a.out-kludge addresses. The host works out here, before
// the guest runs, everything the firmware will do with the file and everything it would refuse,
// so that bad input ends with one line on stderr instead of a firmware message on the guest's
// serial port.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emu/introspect/elf_image.h"

namespace ia32emu {

// The Multiboot v1 header: the three mandatory words, the a.out-kludge addresses (flag bit 16)
// and the video-mode request (flag bit 2), as the specification lays them out.
struct MultibootHeader {
    static constexpr uint32_t kMagic = 0x1BADB002;
    static constexpr uint32_t kAoutKludge = 1u << 16;
    static constexpr uint32_t kWantsVideo = 1u << 2;

    uint32_t offset = 0;   // in the file
    uint32_t flags = 0;
    uint32_t header_addr = 0, load_addr = 0, load_end_addr = 0, bss_end_addr = 0, entry_addr = 0;
    uint32_t mode_type = 0, width = 0, height = 0, depth = 0;
};

// One range of file bytes the loader copies to physical memory; the rest up to mem_size is zeroed.
struct LoadPiece {
    std::string what;      // "program header 1" or "the a.out-kludge image"
    uint64_t file_offset;
    uint64_t paddr;
    uint64_t file_size;
    uint64_t mem_size;
    bool writable = true;  // false for an ELF segment without PF_W: the kernel's code and constants
};

// Physical memory the kernel may be loaded into: [base, end).
struct RamRange {
    uint64_t base;
    uint64_t end;
};

class KernelImage {
public:
    // Reads and validates the file; throws ImageError with one line naming the problem.
    static KernelImage load(const std::filesystem::path &path);
    static KernelImage parse(std::vector<uint8_t> bytes, const std::string &name);

    // Decides where each piece goes given the board's usable RAM (as its memory map lists it):
    // a segment holding nothing but ELF headers that cannot go where it is linked is skipped with
    // a note, anything else that cannot be loaded is refused (ImageError) with advice on linking.
    void place(const std::vector<RamRange> &usable_ram);

    const std::string &name() const { return name_; }
    const std::vector<uint8_t> &bytes() const { return elf_ && !uses_aout_kludge() ? elf_->bytes() : bytes_; }
    const MultibootHeader &header() const { return header_; }
    bool uses_aout_kludge() const { return header_.flags & MultibootHeader::kAoutKludge; }
    // What the firmware copies, after place().
    const std::vector<LoadPiece> &pieces() const { return pieces_; }
    // Program headers place() left out, one bit each (the firmware's FW_CFG_SKIPPED_PHDRS).
    uint64_t skipped_program_headers() const { return skipped_; }
    // One line per segment left out.
    const std::vector<std::string> &notes() const { return notes_; }
    // The first byte above everything loaded (where QEMU starts placing modules).
    uint64_t loaded_end() const;

    // Symbols, when the file is an ELF with a symbol table (an a.out-kludge file may be one too).
    // Symbols from elsewhere (--symbols), for a kernel whose file has none of its own.
    void set_symbols(ElfImage symbols) { elf_ = std::move(symbols); }
    // Functions of code the kernel loads while it runs (a Linux module), each with its size;
    // an address inside one is named by it before the kernel's own symbols are asked.
    void add_loaded_functions(const std::vector<Symbol> &functions);
    std::optional<Symbol> find_symbol(const std::string &name) const;
    std::string describe_address(uint32_t address) const;
    std::optional<Symbol> function_at(uint32_t address) const;
    std::optional<uint32_t> find_object(const std::string &name) const;
    uint64_t symbol_entries_dropped() const { return elf_ ? elf_->symbol_entries_dropped() : 0; }

private:
    std::string name_;
    std::vector<uint8_t> bytes_;          // an a.out-kludge file's; an ELF keeps its own
    MultibootHeader header_;
    std::optional<ElfImage> elf_;
    std::map<uint32_t, Symbol> loaded_;   // by address
    std::vector<LoadPiece> candidates_;   // every piece, before place()
    std::vector<LoadPiece> pieces_;
    std::vector<bool> may_skip_;          // per candidate: holds only ELF headers
    std::vector<unsigned> phdr_index_;    // per candidate: its program header, for the skip bits
    uint64_t skipped_ = 0;
    std::vector<std::string> notes_;
};

} // namespace ia32emu
