// The x86 I/O port space: devices claim port ranges, the engine's IN/OUT hooks call read/write.
#pragma once

#include <cstdint>
#include <vector>

namespace ia32emu {

// A device reached through IN/OUT. `port` is the absolute port number; `size` is 1, 2 or 4.
class PortDevice {
public:
    virtual ~PortDevice() = default;
    virtual uint32_t io_read(uint16_t port, unsigned size) = 0;
    virtual void io_write(uint16_t port, unsigned size, uint32_t value) = 0;
};

// All ones of an access size, which is what an unclaimed bus returns on a PC.
constexpr uint32_t all_ones(unsigned size) {
    return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1u;
}

// Routes port accesses to the device claiming the first port of the access. Ranges may overlap:
// the most recently attached range wins, as a PCI I/O BAR programmed over a legacy device would
// on a real chipset (the outcome there is undefined; this choice keeps it deterministic).
class PortBus {
public:
    void attach(uint16_t first, uint32_t count, PortDevice& device);
    // Removes the range attached with exactly these arguments; returns false if there is none.
    bool detach(uint16_t first, uint32_t count, PortDevice& device);

    // Unclaimed reads return all ones of `size`; sizes other than 1, 2, 4 are treated as 4.
    uint32_t read(uint16_t port, unsigned size);
    // Unclaimed writes are ignored.
    void write(uint16_t port, unsigned size, uint32_t value);

    bool claimed(uint16_t port) const { return find(port) != nullptr; }

private:
    struct Range {
        uint32_t first;
        uint32_t count;
        PortDevice* device;
    };
    PortDevice* find(uint16_t port) const;
    std::vector<Range> ranges_;
};

}  // namespace ia32emu
