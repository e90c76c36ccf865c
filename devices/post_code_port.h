// Port 0x80, the PC's POST diagnostic port. Nothing decodes it on the board but a POST card, so
// Linux's outb_p and many course kernels write it as an I/O delay: the write is an ISA bus cycle.
#pragma once

#include <cstdint>

#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at POST_CODE_PORT with a count of 1. Writes are kept as the last POST code; reads return
// 0xFF, as on QEMU. The delay is the access's modelled cost, `cost.port_io` cycles like every
// port access (1000: 0.5 us at the default 2 GHz, the order of an 8-bit ISA I/O cycle).
class PostCodePort : public PortDevice {
public:
    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    uint8_t last_code() const { return last_code_; }
    uint64_t writes() const { return writes_; }

private:
    uint8_t last_code_ = 0;
    uint64_t writes_ = 0;
};

}  // namespace ia32emu
