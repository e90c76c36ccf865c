// Port-range routing for IN/OUT.
#include "emu/board/port_bus.h"

#include <algorithm>
#include <stdexcept>

namespace ia32emu {

namespace {
unsigned normalised(unsigned size) { return size == 1 || size == 2 ? size : 4; }
}  // namespace

void PortBus::attach(uint16_t first, uint32_t count, PortDevice& device) {
    if (count == 0 || first + count > 0x10000u)
        throw std::invalid_argument("PortBus::attach: port range outside 0..0xffff");
    ranges_.push_back({first, count, &device});
}

bool PortBus::detach(uint16_t first, uint32_t count, PortDevice& device) {
    auto it = std::find_if(ranges_.begin(), ranges_.end(), [&](const Range& r) {
        return r.first == first && r.count == count && r.device == &device;
    });
    if (it == ranges_.end())
        return false;
    ranges_.erase(it);
    return true;
}

PortDevice* PortBus::find(uint16_t port) const {
    // Newest first, so later claims shadow earlier ones; there are only a handful of ranges.
    for (auto it = ranges_.rbegin(); it != ranges_.rend(); ++it)
        if (port >= it->first && port - it->first < it->count)
            return it->device;
    return nullptr;
}

uint32_t PortBus::read(uint16_t port, unsigned size) {
    size = normalised(size);
    PortDevice* device = find(port);
    if (device == nullptr)
        return all_ones(size);
    return device->io_read(port, size) & all_ones(size);
}

void PortBus::write(uint16_t port, unsigned size, uint32_t value) {
    size = normalised(size);
    if (PortDevice* device = find(port))
        device->io_write(port, size, value & all_ones(size));
}

}  // namespace ia32emu
