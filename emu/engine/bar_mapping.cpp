// The engine's map of the memory BARs follows the BAR layout: fragments that went away are
// unmapped, new ones mapped, each reaching its BAR at the fragment's offset.
#include <algorithm>

#include "emu/engine/machine.h"

namespace ia32emu {

void Machine::remap_memory_bars() {
    std::vector<BarFragment> wanted = bar_layout_.visible();
    for (const BarFragment &f : mapped_bars_)
        if (std::find(wanted.begin(), wanted.end(), f) == wanted.end())
            engine_.unmap(f.base, f.size);
    for (const BarFragment &f : wanted) {
        if (std::find(mapped_bars_.begin(), mapped_bars_.end(), f) != mapped_bars_.end())
            continue;
        const PciBar *bar = f.fn->bar(f.index);
        if (bar->host) {
            engine_.map_host_memory(f.base, f.size, bar->host + f.offset);
        } else if (bar->mmio) {
            MmioDevice *dev = bar->mmio;
            const uint64_t at = f.offset;
            engine_.map_mmio(f.base, f.size,
                             MmioHandlers{[dev, at](uint64_t off, unsigned n) { return dev->mmio_read(at + off, n); },
                                          [dev, at](uint64_t off, unsigned n, uint32_t v) {
                                              dev->mmio_write(at + off, n, v);
                                          }});
        }
    }
    mapped_bars_ = std::move(wanted);
}

} // namespace ia32emu
