// The bzImage setup header (`ia32emu run bzImage`): parsed, then the zero page and an initrd
// placement computed as for a 128 MiB board, and the payload unpacked as --linux-decompress host
// does when the kernel fits that board (the run refuses a larger init_size before unpacking).
#include "fuzz/fuzz_target.h"

#include <vector>

#include "emu/introspect/elf_image.h"
#include "emu/introspect/linux_image.h"
#include "emu/introspect/linux_payload.h"

IA32EMU_FUZZ_TARGET(linux_image) {
    using namespace ia32emu;
    try {
        LinuxImage image = LinuxImage::parse(std::vector<uint8_t>(data, data + size), "fuzz.bzImage");
        const std::vector<E820Entry> e820 = {{0, 0x9fc00, 1}, {0x100000, (128u << 20) - 0x100000, 1}};
        const uint32_t initrd = image.initrd_address(1u << 20, 128u << 20);
        (void)image.boot_params(e820, 0x20000, initrd, 1u << 20);
        if (image.kernel_end() <= (128u << 20))
            (void)unpack_linux_kernel(image, "fuzz.bzImage");
    } catch (const ImageError &e) {
        fuzz::expect_one_line(e);
    }
}
