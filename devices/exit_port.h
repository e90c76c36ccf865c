// The exit port (isa-debug-exit compatible): a write asks the board to end the run with a code.
#pragma once

#include <cstdint>

#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at EXIT_PORT with a count of 4, like QEMU's `iobase=0xf4,iosize=0x04`. A write of any
// size records the value as the exit code; the first write wins, because QEMU exits at once and
// later writes in the same translation block must not change the outcome. Reads return 0, as
// measured on QEMU 7.2's isa-debug-exit (an unclaimed port would read all ones). The device only
// records the request; the engine stops the CPU and the CLI maps the code to the process status.
class ExitPort : public PortDevice {
public:
    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    bool requested() const { return requested_; }
    uint32_t code() const { return code_; }

private:
    bool requested_ = false;
    uint32_t code_ = 0;
};

}  // namespace ia32emu
