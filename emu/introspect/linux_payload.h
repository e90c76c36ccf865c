// The kernel a bzImage carries: its compressed payload (the setup header's payload_offset and
// payload_length, boot protocol 2.08), unpacked on the host, and the vmlinux ELF inside, laid
// out where the bzImage's own decompressor would put it. Entering that image at its 32-bit entry
// skips the decompressor, as loaders that boot a vmlinux directly do (QEMU's PVH, Firecracker).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emu/introspect/linux_image.h"

namespace ia32emu {

struct UnpackedLinuxKernel {
    uint32_t load_address = 0;    // physical; the kernel's LOAD_PHYSICAL_ADDR (pref_address)
    uint32_t entry = 0;           // physical: startup_32
    std::vector<uint8_t> image;   // from load_address: the loadable segments' file bytes, gaps zeroed
    std::string compression;      // "xz" or "gzip"
};

// Throws ImageError with one line naming the problem: a payload that is not XZ or gzip, corrupt,
// larger than the kernel's init_size, an ELF that is not an i386 kernel, or one that would need
// relocating (a kernel not linked at its own pref_address).
UnpackedLinuxKernel unpack_linux_kernel(const LinuxImage &image, const std::string &name);

} // namespace ia32emu
