// Configuration mechanism #1 and BAR decode bookkeeping.
#include "emu/board/pci_bus.h"

#include <stdexcept>
#include <string>


namespace ia32emu {

namespace {
constexpr uint32_t kEnable = 0x80000000u;
// Bits 30:24 are reserved and bits 1:0 select the type-0/1 cycle; neither is stored.
constexpr uint32_t kAddressWritable = 0x80fffffcu;
}  // namespace

PciBus::PciBus(PortBus& ports, uint64_t window_start, uint64_t window_end)
    : ports_(ports), window_start_(window_start), window_end_(window_end) {
    if (window_start >= window_end || window_end > 0x100000000ull)
        throw std::invalid_argument("PCI MMIO window must be a non-empty range below 4 GiB");
    ports_.attach(PCI_CONFIG_ADDRESS, 8, *this);
}

void PciBus::add(unsigned slot, PciFunction& fn) {
    if (slot >= kSlots)
        throw std::invalid_argument("PCI slot " + std::to_string(slot) + " out of range");
    if (slots_[slot].fn != nullptr)
        throw std::invalid_argument("PCI slot " + std::to_string(slot) + " already taken");
    slots_[slot].fn = &fn;
    update_decoding(slot);
}

std::optional<uint32_t> PciBus::decoded_base(unsigned slot, unsigned bar) const {
    if (slot >= kSlots || bar >= kPciBarCount)
        return std::nullopt;
    return slots_[slot].decoded[bar];
}

PciFunction* PciBus::selected(unsigned& offset) const {
    if (!(address_ & kEnable))
        return nullptr;
    const unsigned bus = (address_ >> 16) & 0xff;
    const unsigned slot = (address_ >> 11) & 0x1f;
    const unsigned function = (address_ >> 8) & 0x7;
    if (bus != 0 || function != 0)
        return nullptr;
    offset = address_ & 0xfc;
    return slots_[slot].fn;
}

uint32_t PciBus::io_read(uint16_t port, unsigned size) {
    if (port < PCI_CONFIG_DATA)
        return port == PCI_CONFIG_ADDRESS && size == 4 ? address_ : all_ones(size);
    unsigned offset = 0;
    PciFunction* fn = selected(offset);
    if (fn == nullptr)
        return all_ones(size);
    return fn->config_read(offset + (port - PCI_CONFIG_DATA), size);
}

void PciBus::io_write(uint16_t port, unsigned size, uint32_t value) {
    if (port < PCI_CONFIG_DATA) {
        if (port == PCI_CONFIG_ADDRESS && size == 4)
            address_ = value & kAddressWritable;
        return;
    }
    unsigned offset = 0;
    PciFunction* fn = selected(offset);
    if (fn == nullptr)
        return;
    fn->config_write(offset + (port - PCI_CONFIG_DATA), size, value);
    update_decoding((address_ >> 11) & 0x1f);
}

std::optional<uint32_t> PciBus::should_decode(const PciFunction& fn, unsigned index) const {
    const PciBar* bar = fn.bar(index);
    if (bar == nullptr)
        return std::nullopt;
    const uint64_t base = fn.bar_base(index);
    if (bar->space == BarSpace::memory) {
        if (fn.memory_enabled() && base >= window_start_ && base + bar->size <= window_end_)
            return static_cast<uint32_t>(base);
        return std::nullopt;
    }
    if (fn.io_enabled() && base != 0 && base + bar->size <= 0x10000)
        return static_cast<uint32_t>(base);
    return std::nullopt;
}

void PciBus::update_decoding(unsigned slot) {
    Slot& s = slots_[slot];
    for (unsigned i = 0; i < kPciBarCount; ++i) {
        const std::optional<uint32_t> now = should_decode(*s.fn, i);
        const std::optional<uint32_t> before = s.decoded[i];
        if (now == before)
            continue;
        const PciBar& bar = *s.fn->bar(i);
        if (before) {
            if (bar.space == BarSpace::io)
                ports_.detach(static_cast<uint16_t>(*before), bar.size, s.io[i]);
            else if (listener_)
                listener_(*s.fn, i, *before, bar.size, false);
        }
        s.decoded[i] = now;
        if (now) {
            if (bar.space == BarSpace::io) {
                s.io[i].target = bar.port;
                s.io[i].base = static_cast<uint16_t>(*now);
                ports_.attach(static_cast<uint16_t>(*now), bar.size, s.io[i]);
            } else if (listener_) {
                listener_(*s.fn, i, *now, bar.size, true);
            }
        }
    }
}

uint32_t PciBus::IoWindow::io_read(uint16_t port, unsigned size) {
    return target->io_read(static_cast<uint16_t>(port - base), size);
}

void PciBus::IoWindow::io_write(uint16_t port, unsigned size, uint32_t value) {
    target->io_write(static_cast<uint16_t>(port - base), size, value);
}

}  // namespace ia32emu
