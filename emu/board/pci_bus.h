// PCI bus 0 behind configuration mechanism #1 (ports 0xCF8..0xCFF), with BAR decode tracking.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "devices/abi/pci.h"
#include "emu/board/pci_function.h"
#include "emu/board/port_bus.h"

namespace ia32emu {

// CONFIG_ADDRESS (0xCF8) is a 32-bit register: other sizes are ignored on write and read all ones.
// CONFIG_DATA is 0xCFC..0xCFF; an access at 0xCFC + k reaches register (reg & ~3) + k, in 8, 16
// or 32 bits. With the enable bit clear, or for a bus other than 0, a function other than 0 or
// an empty slot, reads give all ones and writes are dropped.
//
// After every configuration write the bus recomputes which BARs decode. A memory BAR decodes
// when the function's memory bit is set and the whole BAR lies inside the PCI MMIO window given
// to the constructor (so a BAR left at 0 or parked at all ones while sizing never overlays RAM or
// the firmware ROM). The BAR listener hears each change: (fn, bar, old base, size, false) when a
// BAR stops decoding, then (fn, bar, new base, size, true) when it starts, so a move is an unmap
// followed by a map. I/O BARs decode when the I/O bit is set and the BAR is non-zero and below
// 0x10000; the bus attaches them to the PortBus itself.
class PciBus : public PortDevice {
public:
    using BarListener = std::function<void(PciFunction& fn, unsigned bar, uint64_t base,
                                           uint64_t size, bool mapped)>;

    static constexpr unsigned kSlots = 32;
    static constexpr uint64_t kDefaultWindowEnd = 0xfec00000;  // the IOAPIC sits above

    // Attaches itself to `ports` at 0xCF8..0xCFF.
    explicit PciBus(PortBus& ports, uint64_t window_start = PCI_DEFAULT_HOLE_START,
                    uint64_t window_end = kDefaultWindowEnd);
    PciBus(const PciBus&) = delete;
    PciBus& operator=(const PciBus&) = delete;

    // Function 0 of `slot`; std::invalid_argument if the slot is taken or not below 32.
    void add(unsigned slot, PciFunction& fn);
    void set_bar_listener(BarListener listener) { listener_ = std::move(listener); }

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    uint32_t config_address() const { return address_; }
    // Where a BAR currently decodes, or nothing.
    std::optional<uint32_t> decoded_base(unsigned slot, unsigned bar) const;

private:
    // Presents an I/O BAR's target with the offset inside the BAR instead of the absolute port.
    class IoWindow : public PortDevice {
    public:
        PortDevice* target = nullptr;
        uint16_t base = 0;
        uint32_t io_read(uint16_t port, unsigned size) override;
        void io_write(uint16_t port, unsigned size, uint32_t value) override;
    };
    struct Slot {
        PciFunction* fn = nullptr;
        std::array<std::optional<uint32_t>, kPciBarCount> decoded{};
        std::array<IoWindow, kPciBarCount> io{};
    };

    PciFunction* selected(unsigned& offset) const;
    void update_decoding(unsigned slot);
    std::optional<uint32_t> should_decode(const PciFunction& fn, unsigned bar) const;

    PortBus& ports_;
    uint64_t window_start_;
    uint64_t window_end_;
    uint32_t address_ = 0;
    std::array<Slot, kSlots> slots_{};
    BarListener listener_;
};

}  // namespace ia32emu
