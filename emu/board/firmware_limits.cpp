#include "emu/board/firmware_limits.h"

#include <algorithm>
#include <cstdio>

#include "emu/board/pci_bus.h"
#include "firmware/layout.h"

namespace ia32emu {

void check_cmdline_fits(const std::string &cmdline) {
    if (cmdline.size() + 1 > CMDLINE_AREA_SIZE)
        throw ConfigError("--cmdline: the kernel command line (the kernel's path, a space and --cmdline) is " +
                          std::to_string(cmdline.size()) + " bytes; the firmware takes at most " +
                          std::to_string(CMDLINE_AREA_SIZE - 1));
}

void check_memory_bars_fit(const std::vector<std::pair<std::string, const PciFunction *>> &functions,
                           uint64_t pci_hole_start) {
    struct Bar {
        std::string name;
        uint64_t size;
    };
    std::vector<Bar> bars;
    for (const auto &[name, fn] : functions)
        for (unsigned i = 0; i < kPciBarCount; ++i)
            if (const PciBar *b = fn->bar(i); b && b->space == BarSpace::memory)
                bars.push_back({name + " BAR" + std::to_string(i), b->size});
    std::stable_sort(bars.begin(), bars.end(), [](const Bar &a, const Bar &b) { return a.size > b.size; });
    uint64_t base = pci_hole_start;
    for (const Bar &b : bars) {
        base = (base + b.size - 1) & ~(b.size - 1);
        if (base + b.size > PciBus::kDefaultWindowEnd) {
            char buf[200];
            std::snprintf(buf, sizeof buf,
                          "memory.pci_hole_start=0x%llx leaves no room for the %s (%llu KiB) below 0x%llx, where the "
                          "firmware stops placing BARs; lower memory.pci_hole_start",
                          static_cast<unsigned long long>(pci_hole_start), b.name.c_str(),
                          static_cast<unsigned long long>(b.size >> 10),
                          static_cast<unsigned long long>(PciBus::kDefaultWindowEnd));
            throw ConfigError(buf);
        }
        base += b.size;
    }
}

} // namespace ia32emu
