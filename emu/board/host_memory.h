// Host memory behind guest RAM and device memory: one anonymous mapping, zero-filled and committed
// lazily by the host kernel.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ia32emu {

class HostMemory {
public:
    explicit HostMemory(uint64_t bytes);
    ~HostMemory();
    HostMemory(const HostMemory &) = delete;
    HostMemory &operator=(const HostMemory &) = delete;

    uint8_t *data() const { return data_; }
    uint64_t size() const { return size_; }
    bool contains(uint64_t pa, uint64_t len) const { return pa <= size_ && len <= size_ - pa; }

private:
    uint8_t *data_ = nullptr;
    uint64_t size_ = 0;
};

} // namespace ia32emu
