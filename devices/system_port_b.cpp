// Port 0x61: the writable bits go to the PIT's gate, the status bits are read off modelled time.
#include "devices/system_port_b.h"

#include "devices/abi/pit8254.h"

namespace ia32emu {
namespace {
constexpr uint64_t kRefreshTicks = 18;
}  // namespace

uint32_t SystemPortB::io_read(uint16_t, unsigned) {
    // The refresh toggle runs off the same crystal as the PIT, so it is read from PIT ticks.
    bool refresh = (pit_.ticks_at(pit_.now_cycle()) / kRefreshTicks) & 1;
    return (pit_.gate(2) ? PORT_B_GATE2 : 0) | (speaker_ ? PORT_B_SPEAKER : 0) | (refresh ? PORT_B_REFRESH : 0) |
           (pit_.out(2) ? PORT_B_OUT2 : 0);
}

void SystemPortB::io_write(uint16_t, unsigned, uint32_t value) {
    speaker_ = value & PORT_B_SPEAKER;
    pit_.set_gate(2, value & PORT_B_GATE2);
}

} // namespace ia32emu
