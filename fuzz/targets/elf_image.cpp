// The ELF reader alone (program headers, section headers, symbol tables), which --symbols files
// and Multiboot kernels share; the lookups are the ones crash lines and path tracking make.
#include "fuzz/fuzz_target.h"

#include <vector>

#include "emu/introspect/elf_image.h"

IA32EMU_FUZZ_TARGET(elf_image) {
    using namespace ia32emu;
    try {
        ElfImage elf = ElfImage::parse(std::vector<uint8_t>(data, data + size), "fuzz.elf");
        for (const LoadSegment &s : elf.segments()) {
            (void)elf.describe_address(uint32_t(s.vaddr));
            (void)elf.describe_address(uint32_t(s.vaddr + s.mem_size));
        }
        (void)elf.describe_address(elf.entry());
        (void)elf.describe_address(0xffffffffu);
        (void)elf.find_symbol("main");
        (void)elf.find_object("jiffies");
    } catch (const ImageError &e) {
        fuzz::expect_one_line(e);
    }
}
