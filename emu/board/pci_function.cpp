// PCI type-0 configuration space semantics.
#include "emu/board/pci_function.h"

#include <stdexcept>
#include <string>

#include "devices/abi/pci.h"

namespace ia32emu {

namespace {
// Command bits a driver may change: I/O, memory, bus master, and INTx disable (Linux writes it).
constexpr uint16_t kCommandWritable = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE;
constexpr unsigned kDeviceSpecificStart = 0x40;
constexpr unsigned kCacheLineSize = 0x0c;
constexpr unsigned kLatencyTimer = 0x0d;

bool power_of_two(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }
}  // namespace

PciFunction::PciFunction(const PciIds& ids) : ids_(ids) {
    put16(PCI_VENDOR_ID, ids.vendor);
    put16(PCI_DEVICE_ID, ids.device);
    put8(PCI_REVISION_ID, ids.revision);
    put8(PCI_CLASS_PROG, static_cast<uint8_t>(ids.class_code));
    put16(PCI_CLASS_DEVICE, static_cast<uint16_t>(ids.class_code >> 8));
    put8(PCI_HEADER_TYPE, 0x00);
    put16(PCI_SUBSYSTEM_VENDOR_ID, ids.subsystem_vendor);
    put16(PCI_SUBSYSTEM_ID, ids.subsystem);
    put8(PCI_INTERRUPT_PIN, ids.interrupt_pin);
    writable_[PCI_COMMAND] = static_cast<uint8_t>(kCommandWritable);
    writable_[PCI_COMMAND + 1] = static_cast<uint8_t>(kCommandWritable >> 8);
    writable_[kCacheLineSize] = 0xff;
    writable_[kLatencyTimer] = 0xff;
    writable_[PCI_INTERRUPT_LINE] = 0xff;
}

void PciFunction::declare(unsigned index, const PciBar& bar, uint32_t type_bits,
                          uint32_t address_mask) {
    if (index >= kPciBarCount)
        throw std::invalid_argument("PCI BAR index " + std::to_string(index) + " out of range");
    if (declared_[index])
        throw std::invalid_argument("PCI BAR " + std::to_string(index) + " declared twice");
    bars_[index] = bar;
    declared_[index] = true;
    const unsigned offset = PCI_BAR0 + index * 4;
    put32(offset, type_bits);
    const uint32_t writable = ~(bar.size - 1) & address_mask;
    for (unsigned i = 0; i < 4; ++i)
        writable_[offset + i] = static_cast<uint8_t>(writable >> (i * 8));
}

void PciFunction::add_memory_bar(unsigned index, uint32_t size, bool prefetchable,
                                 MmioDevice& registers) {
    if (!power_of_two(size) || size < 16 || size > 0x80000000u)
        throw std::invalid_argument("PCI memory BAR size must be a power of two in 16 B..2 GiB");
    PciBar bar{BarSpace::memory, size, prefetchable, &registers, nullptr, nullptr};
    declare(index, bar, prefetchable ? PCI_BAR_MEM_PREFETCH : 0u, 0xfffffff0u);
}

void PciFunction::add_memory_bar(unsigned index, uint32_t size, bool prefetchable, uint8_t* host,
                                 uint64_t host_size) {
    if (!power_of_two(size) || size < 16 || size > 0x80000000u)
        throw std::invalid_argument("PCI memory BAR size must be a power of two in 16 B..2 GiB");
    if (host == nullptr || host_size < size)
        throw std::invalid_argument("PCI memory BAR host buffer is smaller than the BAR");
    PciBar bar{BarSpace::memory, size, prefetchable, nullptr, host, nullptr};
    declare(index, bar, prefetchable ? PCI_BAR_MEM_PREFETCH : 0u, 0xfffffff0u);
}

void PciFunction::add_io_bar(unsigned index, uint16_t size, PortDevice& registers) {
    if (!power_of_two(size) || size < 4)
        throw std::invalid_argument("PCI I/O BAR size must be a power of two of at least 4");
    PciBar bar{BarSpace::io, size, false, nullptr, nullptr, &registers};
    // Only 16 address bits decode on x86, so the upper half stays zero.
    declare(index, bar, PCI_BAR_IO, 0x0000fffcu);
}

void PciFunction::add_device_register(unsigned offset, uint8_t reset, uint8_t writable) {
    if (offset < kDeviceSpecificStart || offset >= kPciConfigSize)
        throw std::invalid_argument("PCI device register at " + std::to_string(offset) +
                                    " is outside the device-specific space 0x40-0xff");
    config_[offset] = reset;
    writable_[offset] = writable;
}

void PciFunction::set_intx(bool asserted) {
    intx_ = asserted;
    if (asserted)
        config_[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    else
        config_[PCI_STATUS] &= static_cast<uint8_t>(~PCI_STATUS_INTERRUPT);
    drive_intx();
}

void PciFunction::connect_intx(IrqLine line) {
    intx_line_ = std::move(line);
    wire_ = false;
    drive_intx();
}

void PciFunction::drive_intx() {
    const bool level = intx_ && !(command() & PCI_COMMAND_INTX_DISABLE);
    if (level == wire_)
        return;
    wire_ = level;
    if (intx_line_)
        intx_line_(level);
}

const PciBar* PciFunction::bar(unsigned index) const {
    return index < kPciBarCount && declared_[index] ? &bars_[index] : nullptr;
}

uint32_t PciFunction::bar_base(unsigned index) const {
    const PciBar* b = bar(index);
    if (b == nullptr)
        return 0;
    const uint32_t raw = get32(PCI_BAR0 + index * 4);
    return b->space == BarSpace::io ? raw & ~3u : raw & ~15u;
}

uint32_t PciFunction::config_read(unsigned offset, unsigned size) const {
    uint32_t value = 0;
    for (unsigned i = 0; i < size && i < 4; ++i) {
        const unsigned at = offset + i;
        const uint32_t byte = at < kPciConfigSize ? config_[at] : 0xffu;
        value |= byte << (i * 8);
    }
    return value;
}

void PciFunction::config_write(unsigned offset, unsigned size, uint32_t value) {
    for (unsigned i = 0; i < size && i < 4; ++i) {
        const unsigned at = offset + i;
        if (at >= kPciConfigSize)
            break;
        const auto byte = static_cast<uint8_t>(value >> (i * 8));
        config_[at] = static_cast<uint8_t>((config_[at] & ~writable_[at]) | (byte & writable_[at]));
    }
    drive_intx();
    if (write_listener_)
        write_listener_(offset, size);
}

uint16_t PciFunction::command() const { return static_cast<uint16_t>(config_read(PCI_COMMAND, 2)); }
bool PciFunction::io_enabled() const { return command() & PCI_COMMAND_IO; }
bool PciFunction::memory_enabled() const { return command() & PCI_COMMAND_MEMORY; }
bool PciFunction::bus_master_enabled() const { return command() & PCI_COMMAND_MASTER; }

void PciFunction::put16(unsigned offset, uint16_t value) {
    config_[offset] = static_cast<uint8_t>(value);
    config_[offset + 1] = static_cast<uint8_t>(value >> 8);
}

void PciFunction::put32(unsigned offset, uint32_t value) {
    put16(offset, static_cast<uint16_t>(value));
    put16(offset + 2, static_cast<uint16_t>(value >> 16));
}

uint32_t PciFunction::get32(unsigned offset) const { return config_read(offset, 4); }

}  // namespace ia32emu
