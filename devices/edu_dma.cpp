// Strict edu DMA engine: register file, rule checks, modelled completion.
#include "devices/edu_dma.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <stdexcept>

#include "devices/abi/edu.h"
#include "devices/abi/qemu_pci_ids.h"
#include "emu/bounds/host_bounds.h"

namespace ia32emu {

namespace {
PciIds edu_ids() {
    PciIds ids;
    ids.vendor = PCI_VENDOR_QEMU;
    ids.device = EDU_DEVICE_ID;
    ids.class_code = EDU_CLASS;
    ids.revision = EDU_REVISION;
    ids.subsystem_vendor = PCI_SUBSYSTEM_VENDOR_QEMU;
    ids.subsystem = PCI_SUBSYSTEM_QEMU;
    ids.interrupt_pin = 1;
    return ids;
}

// A 64-bit DMA register seen as two 32-bit halves; a low-half write clears the high half, as a
// 32-bit write does on QEMU, so 32-bit drivers work and an 8-byte access (low half first) too.
void write_half(uint64_t& reg, bool high, uint32_t value) {
    if (high)
        reg = (reg & 0xffffffffull) | (static_cast<uint64_t>(value) << 32);
    else
        reg = value;
}

uint32_t read_half(uint64_t reg, bool high) { return static_cast<uint32_t>(high ? reg >> 32 : reg); }
}  // namespace

EduDma::EduDma(PhysicalMemory& ram, CycleSource now, EduDmaConfig config)
    : ram_(ram), now_(std::move(now)), config_(config),
      mask_(config.dma_mask_bits >= 64 ? ~0ull : (1ull << config.dma_mask_bits) - 1),
      pci_(edu_ids()) {
    if (!now_)
        throw std::invalid_argument("edu: no cycle source");
    if (config.dma_mask_bits < 1 || config.dma_mask_bits > 64)
        throw std::invalid_argument("edu: DMA mask bits must be in 1..64");
    if (!(config.bytes_per_cycle > 0))
        throw std::invalid_argument("edu: DMA bandwidth must be a positive number of bytes per cycle");
    pci_.add_memory_bar(EDU_MMIO_BAR, EDU_MMIO_SIZE, false, *this);
}

bool EduDma::busy() const { return cmd_ & EDU_DMA_CMD_START; }

void EduDma::settle() {
    if (!busy() || now_() < completion_)
        return;
    cmd_ &= ~EDU_DMA_CMD_START;
    if (cmd_ & EDU_DMA_CMD_IRQ)
        raise_irq(EDU_IRQ_DMA);
}

void EduDma::raise_irq(uint32_t bits) {
    irq_status_ |= bits;
    if (irq_status_ != 0)
        pci_.set_intx(true);
}

void EduDma::lower_irq(uint32_t bits) {
    irq_status_ &= ~bits;
    if (irq_status_ == 0)
        pci_.set_intx(false);
}

uint32_t EduDma::factorial(uint32_t n) {
    // 34! and above have at least 32 factors of two, so they are 0 modulo 2^32; stopping there
    // keeps a guest-chosen n from costing billions of host multiplications.
    if (n >= 34)
        return 0;
    uint32_t result = 1;
    while (n > 0)
        result *= n--;
    return result;
}

uint32_t EduDma::mmio_read(uint64_t offset, unsigned size) {
    settle();
    if (size != 4)
        return 0xffffffffu;
    switch (offset) {
    case EDU_IDENT:
        return EDU_IDENT_VALUE;
    case EDU_LIVENESS:
        return liveness_;
    case EDU_FACTORIAL:
        return factorial_;
    case EDU_STATUS:
        return status_;
    case EDU_IRQ_STATUS:
        return irq_status_;
    case EDU_DMA_SRC:
    case EDU_DMA_SRC + 4:
        return read_half(src_, offset & 4);
    case EDU_DMA_DST:
    case EDU_DMA_DST + 4:
        return read_half(dst_, offset & 4);
    case EDU_DMA_COUNT:
    case EDU_DMA_COUNT + 4:
        return read_half(count_, offset & 4);
    case EDU_DMA_CMD:
        return cmd_;
    case EDU_DMA_CMD + 4:
        return 0;
    default:
        return 0xffffffffu;
    }
}

void EduDma::mmio_write(uint64_t offset, unsigned size, uint32_t value) {
    settle();
    if (size != 4)
        return;
    switch (offset) {
    case EDU_LIVENESS:
        liveness_ = ~value;
        return;
    case EDU_FACTORIAL:
        factorial_ = factorial(value);
        if (status_ & EDU_STATUS_IRQ_FACT)
            raise_irq(EDU_IRQ_FACT);
        return;
    case EDU_STATUS:
        status_ = (status_ & ~EDU_STATUS_IRQ_FACT) | (value & EDU_STATUS_IRQ_FACT);
        if (value & EDU_STATUS_DMA_REJECTED)
            status_ &= ~(EDU_STATUS_DMA_REJECTED | EDU_STATUS_DMA_RULE_MASK);
        return;
    case EDU_IRQ_RAISE:
        raise_irq(value);
        return;
    case EDU_IRQ_ACK:
        lower_irq(value);
        return;
    default:
        break;
    }
    if (busy())
        return;  // QEMU ignores DMA register writes while a transfer runs
    switch (offset) {
    case EDU_DMA_SRC:
    case EDU_DMA_SRC + 4:
        write_half(src_, offset & 4, value);
        return;
    case EDU_DMA_DST:
    case EDU_DMA_DST + 4:
        write_half(dst_, offset & 4, value);
        return;
    case EDU_DMA_COUNT:
    case EDU_DMA_COUNT + 4:
        write_half(count_, offset & 4, value);
        return;
    case EDU_DMA_CMD:
        if (value & EDU_DMA_CMD_START)
            start(value);
        return;
    default:
        return;
    }
}

bool EduDma::check(uint64_t bus, uint64_t device, uint64_t len, bool to_ram, Rejection& why) {
    if (!pci_.bus_master_enabled()) {
        why = {EDU_DMA_RULE_BUS_MASTER_OFF, "bus_master_off",
               "bus mastering is off in the PCI command register"};
        return false;
    }
    if (len == 0)
        return true;
    if (device < EDU_BUFFER_OFFSET || device - EDU_BUFFER_OFFSET > EDU_BUFFER_SIZE ||
        len > EDU_BUFFER_SIZE - (device - EDU_BUFFER_OFFSET)) {
        why = {EDU_DMA_RULE_DEVICE_RANGE, "device_buffer_range",
               fmt::format("device range {:#x}+{:#x} leaves the 4 KiB buffer at {:#x}", device, len,
                           EDU_BUFFER_OFFSET)};
        return false;
    }
    const uint64_t last = bus + (len - 1);
    if (last < bus || last > mask_) {
        why = {EDU_DMA_RULE_ABOVE_MASK, "above_dma_mask",
               fmt::format("bus range {:#x}+{:#x} exceeds the {}-bit DMA mask {:#x}", bus, len,
                           config_.dma_mask_bits, mask_)};
        return false;
    }
    if (!ram_.is_ram(bus, len)) {
        why = {EDU_DMA_RULE_NOT_RAM, "not_ram",
               fmt::format("bus range {:#x}+{:#x} is not RAM", bus, len)};
        return false;
    }
    if (checker_ != nullptr) {
        DmaVerdict verdict = checker_->check(bus, len, to_ram);
        if (!verdict.allowed) {
            why = {EDU_DMA_RULE_NO_MAPPING, verdict.rule.empty() ? "no_live_mapping" : verdict.rule,
                   verdict.detail};
            return false;
        }
    }
    return true;
}

void EduDma::reject(const Rejection& why, bool to_ram, uint64_t bus, uint64_t len, uint64_t cycle) {
    status_ = (status_ & ~EDU_STATUS_DMA_RULE_MASK) | EDU_STATUS_DMA_REJECTED |
              (why.code << EDU_STATUS_DMA_RULE_SHIFT);
    ++stats_.rejected;
    if (stats_.rejected <= bounds::kLogLinesPerKind)
        spdlog::warn("edu: DMA rejected ({}): {} ({} bus {:#x} length {:#x})", why.rule, why.detail,
                     to_ram ? "device->RAM" : "RAM->device", bus, len);
    if (stats_.rejected == bounds::kLogLinesPerKind)
        spdlog::warn("edu: later rejected DMAs are not logged (the report counts them)");
    if (sink_ != nullptr)
        sink_->dma_rejected(DmaFault{"edu", why.rule, why.detail, bus, len, to_ram, cycle});
    if (cmd_ & EDU_DMA_CMD_IRQ)
        raise_irq(EDU_IRQ_DMA);
}

void EduDma::start(uint32_t command) {
    const uint64_t cycle = now_();
    const bool to_ram = command & EDU_DMA_CMD_TO_RAM;
    const uint64_t bus = to_ram ? dst_ : src_;
    const uint64_t device = to_ram ? src_ : dst_;
    const uint64_t len = count_;
    cmd_ = command & ~EDU_DMA_CMD_START;
    Rejection why;
    if (!check(bus, device, len, to_ram, why)) {
        reject(why, to_ram, bus, len, cycle);
        return;
    }
    status_ &= ~(EDU_STATUS_DMA_REJECTED | EDU_STATUS_DMA_RULE_MASK);
    if (len != 0) {
        uint8_t* window = buffer_.data() + (device - EDU_BUFFER_OFFSET);
        // check() proved both ranges valid, so neither copy can fail.
        if (to_ram) {
            ram_.write(bus, window, len);
            if (ram_written_)
                ram_written_(bus, len);
        } else
            ram_.read(bus, window, len);
    }
    const uint64_t duration = config_.latency_cycles + uint64_t(std::ceil(double(len) / config_.bytes_per_cycle));
    completion_ = cycle + duration;
    cmd_ |= EDU_DMA_CMD_START;
    // One event per transfer: DMA registers ignore writes until it has run.
    if (events_ != nullptr)
        events_->schedule(completion_, [this](uint64_t) { settle(); });
    ++stats_.transfers;
    stats_.busy_cycles += duration;
    (to_ram ? stats_.bytes_to_ram : stats_.bytes_to_device) += len;
}

}  // namespace ia32emu
