// A rejected DMA transfer, as a device reports it to whoever keeps the run's fault record.
#pragma once

#include <cstdint>
#include <string>

namespace ia32emu {

struct DmaFault {
    std::string device;  // e.g. "edu"
    std::string rule;    // bus_master_off, device_buffer_range, above_dma_mask, not_ram, or the checker's
    std::string detail;
    uint64_t bus_addr = 0;
    uint64_t len = 0;
    bool to_ram = false;  // direction: device -> RAM when true
    uint64_t cycle = 0;   // the doorbell's cycle
};

// The sink adds what the device cannot know (the driver's EIP and symbol, frame provenance).
class DmaFaultSink {
public:
    virtual ~DmaFaultSink() = default;
    virtual void dma_rejected(const DmaFault& fault) = 0;
};

}  // namespace ia32emu
