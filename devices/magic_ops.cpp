// Region markers cost the guest one OUT each and nothing on a board without this device.
#include "devices/magic_ops.h"

#include "devices/abi/magic_ops.h"

namespace ia32emu {

uint32_t MagicOps::io_read(uint16_t, unsigned) { return 0; }

void MagicOps::io_write(uint16_t port, unsigned size, uint32_t value) {
    if (size != 4)
        return;
    if (port == ROI_BEGIN_PORT)
        handler_(RegionOp::Begin, value);
    else if (port == ROI_END_PORT)
        handler_(RegionOp::End, value);
    else if (port == ROI_FAIL_PORT)
        handler_(RegionOp::Fail, value);
}

} // namespace ia32emu
