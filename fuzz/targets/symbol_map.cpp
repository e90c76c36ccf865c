// A System.map listing (--symbols FILE), then the lookups a crash line makes.
#include "fuzz/fuzz_target.h"

#include "emu/introspect/symbol_map.h"

IA32EMU_FUZZ_TARGET(symbol_map) {
    using namespace ia32emu;
    try {
        const ElfImage symbols = parse_symbol_map(fuzz::as_text(data, size), "fuzz.map");
        for (uint32_t address : {0u, 0xc1000000u, 0xffffffffu}) (void)symbols.describe_address(address);
        (void)symbols.find_symbol("startup_32");
    } catch (const ImageError &e) {
        fuzz::expect_one_line(e);
    }
}
