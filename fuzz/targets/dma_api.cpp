// A DMA-API description file (--dma-api FILE).
#include "fuzz/fuzz_target.h"

#include "emu/introspect/dma_api.h"

IA32EMU_FUZZ_TARGET(dma_api) {
    using namespace ia32emu;
    try {
        const DmaApiDescription api = DmaApiDescription::parse(std::string(fuzz::as_text(data, size)), "fuzz.dma");
        for (const DmaApiFunction &f : api.functions) (void)role_name(f.role);
    } catch (const DmaApiError &e) {
        fuzz::expect_one_line(e);
    }
}
