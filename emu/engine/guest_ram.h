// Host memory that backs guest RAM: one anonymous mapping, committed lazily by the host kernel.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ia32emu {

class GuestRam {
public:
    explicit GuestRam(uint64_t bytes);
    ~GuestRam();
    GuestRam(const GuestRam &) = delete;
    GuestRam &operator=(const GuestRam &) = delete;

    uint8_t *data() const { return data_; }
    uint64_t size() const { return size_; }
    bool contains(uint64_t pa, uint64_t len) const { return pa <= size_ && len <= size_ - pa; }

private:
    uint8_t *data_ = nullptr;
    uint64_t size_ = 0;
};

} // namespace ia32emu
