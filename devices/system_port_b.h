// System control port B (port 0x61) of the PC/AT: channel 2's gate and the speaker enable, and
// read-only status bits that Linux's TSC calibration polls (OUT2, the refresh toggle).
#pragma once

#include "devices/pit8254.h"
#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at SYSTEM_PORT_B with a count of 1. Bit 0 drives the PIT's channel 2 gate, bit 1 the
// speaker (recorded; there is no sound), bits 4 and 5 read the refresh toggle (every 18 PIT ticks,
// 15.085 us, as the DRAM refresh on channel 1 makes it) and channel 2's OUT. Parity and channel
// check bits (6, 7) read 0: no NMI source is modelled.
class SystemPortB : public PortDevice {
public:
    explicit SystemPortB(Pit8254 &pit) : pit_(pit) {}

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    bool speaker_enabled() const { return speaker_; }

private:
    Pit8254 &pit_;
    bool speaker_ = false;
};

} // namespace ia32emu
