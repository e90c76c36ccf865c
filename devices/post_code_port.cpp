// Port 0x80: a sink that remembers the last diagnostic code.
#include "devices/post_code_port.h"

namespace ia32emu {

uint32_t PostCodePort::io_read(uint16_t, unsigned size) { return all_ones(size); }

void PostCodePort::io_write(uint16_t, unsigned, uint32_t value) {
    last_code_ = uint8_t(value);
    ++writes_;
}

}  // namespace ia32emu
