// The region-of-interest port pair (devices/abi/magic_ops.h): the guest names a region by the
// virtual address of its name; the board resolves the name and tells the timing model.
#pragma once

#include <cstdint>
#include <functional>

#include "emu/board/port_bus.h"

namespace ia32emu {

enum class RegionOp { Begin, End, Fail };

// Attach at ROI_BEGIN_PORT with a count of ROI_PORT_COUNT. Only 32-bit writes count; reads return 0.
class MagicOps : public PortDevice {
public:
    using Handler = std::function<void(RegionOp op, uint32_t name_va)>;
    explicit MagicOps(Handler handler) : handler_(std::move(handler)) {}

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

private:
    Handler handler_;
};

} // namespace ia32emu
