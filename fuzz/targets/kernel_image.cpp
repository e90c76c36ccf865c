// The Multiboot kernel file (`ia32emu run KERNEL`): ELF or a.out kludge, placed into the RAM of a
// 128 MiB board's memory map as the machine does, then asked what a crash line would ask.
#include "fuzz/fuzz_target.h"

#include <vector>

#include "emu/introspect/kernel_image.h"

IA32EMU_FUZZ_TARGET(kernel_image) {
    using namespace ia32emu;
    try {
        KernelImage image = KernelImage::parse(std::vector<uint8_t>(data, data + size), "fuzz.elf");
        // The default board's usable RAM: below the EBDA, and from 1 MiB to the top of RAM.
        image.place({{0, 0x9fc00}, {0x100000, 128u << 20}});
        (void)image.loaded_end();
        for (uint32_t address : {0u, 0x100000u, image.header().entry_addr, 0xfffffff0u}) (void)image.describe_address(address);
        (void)image.find_symbol("kernel_main");
        (void)image.find_object("jiffies");
    } catch (const ImageError &e) {
        fuzz::expect_one_line(e);
    }
}
