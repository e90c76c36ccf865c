// A Linux/x86 bzImage and the boot_params ("zero page") a boot loader hands it, per the kernel's
// boot protocol (Documentation/arch/x86/boot.rst), for the 32-bit entry QEMU's -kernel also uses.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ia32emu {

// Whether the file starts like a bzImage: boot-sector signature and the "HdrS" setup header.
bool is_linux_bzimage(const std::filesystem::path &path);

struct E820Entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
};

class LinuxImage {
public:
    // Reads and validates the file; throws ImageError with one line naming the problem.
    static LinuxImage load(const std::filesystem::path &path);
    static LinuxImage parse(std::vector<uint8_t> bytes, const std::string &name);

    uint16_t protocol() const { return protocol_; }
    // The 32-bit part, loaded at code32_start and entered there.
    const std::vector<uint8_t> &protected_mode_kernel() const { return kernel_; }
    uint32_t code32_start() const { return code32_start_; }
    // Memory the kernel claims from where it runs (the higher of code32_start and pref_address)
    // while it decompresses itself and sets up.
    uint32_t init_size() const { return init_size_; }
    uint64_t kernel_end() const;
    uint32_t initrd_addr_max() const { return initrd_addr_max_; }
    uint32_t cmdline_size() const { return cmdline_size_; }
    // Where the decompressed kernel runs (LOAD_PHYSICAL_ADDR), and its compressed payload's
    // place in protected_mode_kernel() (boot.rst: pref_address, payload_offset, payload_length).
    uint32_t pref_address() const { return pref_address_; }
    uint32_t payload_offset() const { return payload_offset_; }
    uint32_t payload_length() const { return payload_length_; }

    // Where an initrd of `size` bytes goes: page-aligned, as high as both the kernel's limit and
    // the RAM below `ram_top` allow (QEMU's choice). Throws ImageError if it cannot fit above
    // the decompressed kernel and its init_size.
    uint32_t initrd_address(uint32_t size, uint64_t ram_top) const;

    // The 4 KiB boot_params with the kernel's own setup header and what the loader fills in.
    std::vector<uint8_t> boot_params(const std::vector<E820Entry> &e820, uint32_t cmdline_addr, uint32_t initrd_addr,
                                     uint32_t initrd_size) const;

private:
    std::vector<uint8_t> setup_header_;  // bytes 0x1f1 .. end of the header, verbatim from the file
    std::vector<uint8_t> kernel_;
    uint16_t protocol_ = 0;
    uint32_t code32_start_ = 0;
    uint32_t init_size_ = 0;
    uint32_t initrd_addr_max_ = 0;
    uint32_t cmdline_size_ = 0;
    uint32_t pref_address_ = 0;
    uint32_t payload_offset_ = 0;
    uint32_t payload_length_ = 0;
};

} // namespace ia32emu
