// One PCI function's type-0 configuration space: IDs, command/status, BARs with sizing, interrupt.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "emu/board/interrupt_source.h"
#include "emu/board/mmio_device.h"
#include "emu/board/port_bus.h"

namespace ia32emu {

struct PciIds {
    uint16_t vendor = 0;
    uint16_t device = 0;
    uint32_t class_code = 0;  // base class << 16 | subclass << 8 | programming interface
    uint8_t revision = 0;
    uint16_t subsystem_vendor = 0;
    uint16_t subsystem = 0;
    uint8_t interrupt_pin = 0;  // 0 none, 1..4 INTA#..INTD#
};

enum class BarSpace { memory, io };

// What a BAR decodes to. A memory BAR targets either a register window (`mmio`) or host memory
// that the engine maps directly (`host`, at least `size` bytes), e.g. a framebuffer. An I/O BAR
// targets a PortDevice that receives the offset within the BAR as its port number.
struct PciBar {
    BarSpace space = BarSpace::memory;
    uint32_t size = 0;
    bool prefetchable = false;
    MmioDevice* mmio = nullptr;
    uint8_t* host = nullptr;
    PortDevice* port = nullptr;
};

constexpr unsigned kPciBarCount = 6;
constexpr unsigned kPciConfigSize = 256;

// Configuration space with per-byte writable masks, so partial (byte/word) writes and BAR sizing
// fall out of one rule: a write changes only the writable bits. A BAR's writable bits are its
// address bits above the size, so writing all ones reads back ~(size-1) with the type bits,
// exactly what sizing code expects. Only 32-bit BARs are modelled; the expansion ROM BAR and
// capabilities are absent (they read 0). INTx# as PCI 2.3 has it: the status register's interrupt
// bit shows what the device drives, and the command register's INTx-disable bit keeps the wire
// to the interrupt router low without losing the device's level.
class PciFunction {
public:
    explicit PciFunction(const PciIds& ids);
    PciFunction(const PciFunction&) = delete;
    PciFunction& operator=(const PciFunction&) = delete;

    // Sizes are powers of two, at least 16 bytes (memory) or 4 bytes (I/O), at most 2 GiB;
    // a BAR index is declared once. Violations are programming errors: std::invalid_argument.
    void add_memory_bar(unsigned index, uint32_t size, bool prefetchable, MmioDevice& registers);
    void add_memory_bar(unsigned index, uint32_t size, bool prefetchable, uint8_t* host,
                        uint64_t host_size);
    void add_io_bar(unsigned index, uint16_t size, PortDevice& registers);

    // A register in the device-specific part of the space (0x40-0xff): its reset value and the
    // bits software may change. std::invalid_argument below 0x40 or past the end.
    void add_device_register(unsigned offset, uint8_t reset, uint8_t writable);
    // Told (offset, size) after every configuration write has changed the bytes.
    void set_write_listener(std::function<void(unsigned offset, unsigned size)> listener) {
        write_listener_ = std::move(listener);
    }

    // The device drives its INTx# pin; the board wires the pin to an interrupt router.
    void set_intx(bool asserted);
    void connect_intx(IrqLine line);
    bool intx_asserted() const { return intx_; }

    const PciBar* bar(unsigned index) const;  // nullptr when the BAR is not declared
    uint32_t bar_base(unsigned index) const;  // the programmed address, type bits removed

    // Accesses past the end of the 256-byte space read all ones and are otherwise ignored.
    uint32_t config_read(unsigned offset, unsigned size) const;
    void config_write(unsigned offset, unsigned size, uint32_t value);

    uint16_t command() const;
    bool io_enabled() const;
    bool memory_enabled() const;
    bool bus_master_enabled() const;
    const PciIds& ids() const { return ids_; }

private:
    void declare(unsigned index, const PciBar& bar, uint32_t type_bits, uint32_t address_mask);
    void put8(unsigned offset, uint8_t value) { config_[offset] = value; }
    void put16(unsigned offset, uint16_t value);
    void put32(unsigned offset, uint32_t value);
    uint32_t get32(unsigned offset) const;
    void drive_intx();

    PciIds ids_;
    std::array<uint8_t, kPciConfigSize> config_{};
    std::array<uint8_t, kPciConfigSize> writable_{};
    std::array<PciBar, kPciBarCount> bars_{};
    std::array<bool, kPciBarCount> declared_{};
    std::function<void(unsigned, unsigned)> write_listener_;
    bool intx_ = false;   // what the device drives
    bool wire_ = false;   // what the router sees
    IrqLine intx_line_;
};

}  // namespace ia32emu
