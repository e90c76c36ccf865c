// Exit-port request latch.
#include "devices/exit_port.h"

namespace ia32emu {

uint32_t ExitPort::io_read(uint16_t, unsigned) { return 0; }

void ExitPort::io_write(uint16_t, unsigned size, uint32_t value) {
    if (requested_)
        return;
    requested_ = true;
    code_ = value & all_ones(size);
}

}  // namespace ia32emu
