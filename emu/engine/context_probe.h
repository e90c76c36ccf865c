// A throwaway engine for the start-up probes that find QEMU-internal fields inside Unicorn's saved
// CPU context: it runs a few bytes of code and keeps raw copies of the context for the caller to
// compare, since Unicorn exposes those fields through no API.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

struct uc_struct;
struct uc_context;

namespace ia32emu {

class ContextProbe {
public:
    // A 32-bit engine with `code` at `base` in one page of RAM; throws if Unicorn cannot open one.
    ContextProbe(uint64_t base, std::span<const uint8_t> code);
    ~ContextProbe();
    ContextProbe(const ContextProbe &) = delete;
    ContextProbe &operator=(const ContextProbe &) = delete;

    uc_struct *uc() const { return uc_; }
    size_t context_size() const { return size_; }
    // Where the CPU state starts in a snapshot. Probes scan from here: the bytes before it are
    // Unicorn's own header, part of which uc_context_alloc never writes (Valgrind: a conditional
    // jump on uninitialised bytes when a scan compared them).
    size_t state_offset() const { return state_offset_; }
    // Copies the engine's current context; hooks call it at the points the probe compares.
    void snapshot();
    const std::vector<std::vector<uint8_t>> &snapshots() const { return snapshots_; }

    template <typename T>
    T field(size_t snapshot, size_t offset) const {
        T v;
        std::memcpy(&v, snapshots_[snapshot].data() + offset, sizeof v);
        return v;
    }

private:
    uc_struct *uc_ = nullptr;
    uc_context *ctx_ = nullptr;
    size_t size_ = 0;
    size_t state_offset_ = 0;
    std::vector<std::vector<uint8_t>> snapshots_;
};

} // namespace ia32emu
