// QEMU's edu device made strict: a PCI DMA engine that refuses transfers a real bus would corrupt.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "devices/dma_checker.h"
#include "devices/dma_fault.h"
#include "emu/board/event_queue.h"
#include "emu/board/mmio_device.h"
#include "emu/board/pci_function.h"
#include "emu/board/physical_memory.h"

namespace ia32emu {

struct EduDmaConfig {
    unsigned dma_mask_bits = 28;   // 1..64; QEMU's edu default
    uint64_t latency_cycles = 1000;  // doorbell to first byte
    double bytes_per_cycle = 4;      // > 0; below 1 on a slow bus (a 33 MHz PCI device seen from a GHz core)
};

struct EduDmaStats {
    uint64_t transfers = 0;        // accepted DMA commands
    uint64_t bytes_to_device = 0;  // RAM -> device buffer
    uint64_t bytes_to_ram = 0;     // device buffer -> RAM
    uint64_t rejected = 0;
    uint64_t busy_cycles = 0;      // modelled cycles from doorbells to completions
};

// Registers and layout as QEMU's edu (devices/abi/edu.h, 1234:11e8, BAR0 1 MiB), with these
// documented differences:
//  - Timing: the bytes move at the doorbell (the write of a command with the start bit), but the
//    start bit stays set until latency + ceil(count / bytes_per_cycle) cycles have passed on the
//    cycle source; DMA registers ignore writes while it is set, as on QEMU. QEMU waits 100 ms.
//  - A 4096-byte transfer works (QEMU 7.2's bounds check is off by one).
//  - Factorials finish at once (EDU_STATUS_COMPUTING never reads set); the result wraps modulo
//    2^32 as QEMU's does.
//  - Interrupts as QEMU's INTx path: INTA# is asserted while the IRQ status register (0x24) is
//    non-zero; 0x60 ORs bits into it, 0x64 clears them, a DMA command with EDU_DMA_CMD_IRQ sets
//    EDU_IRQ_DMA when it completes and a factorial sets EDU_IRQ_FACT when EDU_STATUS_IRQ_FACT is
//    set. With an event queue (set_event_queue) completion is an event at its cycle, so the
//    interrupt arrives on time while the CPU halts; without one it is noticed at the next
//    register access. No MSI capability (QEMU has one; drivers that do not enable MSI use INTx).
//  - Strict: a DMA command is REJECTED, with no byte moved, EDU_STATUS_DMA_REJECTED and the rule
//    number in the status register, a WARN on the log and a DmaFault to the sink, when in this
//    order: (a) bus mastering is off; the device-side range leaves the 4 KiB buffer (QEMU logs
//    and overruns it); (b) the bus range exceeds the DMA mask (QEMU silently clamps it); (c) the
//    bus range leaves RAM; (d) the mapping checker, when one is set, does not allow the range.
//    A rejected command clears its start bit at once and, if it asked for one, raises the DMA
//    interrupt so that an interrupt-driven driver wakes up and reads the status.
//  - A zero count moves nothing; only rule (a) applies and the command completes after the
//    latency.
// Bus addresses are physical addresses (there is no IOMMU).
class EduDma : public MmioDevice {
public:
    using CycleSource = std::function<uint64_t()>;

    // std::invalid_argument for a null cycle source or a configuration out of range.
    EduDma(PhysicalMemory& ram, CycleSource now, EduDmaConfig config = {});

    PciFunction& pci() { return pci_; }
    void set_mapping_checker(DmaMappingChecker* checker) { checker_ = checker; }
    void set_event_queue(EventQueue* events) { events_ = events; }
    void set_fault_sink(DmaFaultSink* sink) { sink_ = sink; }
    // Told of every range a transfer wrote into RAM, so that caches can drop what it overwrote.
    void set_ram_written(std::function<void(uint64_t pa, uint64_t len)> listener) { ram_written_ = std::move(listener); }

    uint32_t mmio_read(uint64_t offset, unsigned size) override;
    void mmio_write(uint64_t offset, unsigned size, uint32_t value) override;

    // Retires a finished transfer; every register access does this first.
    void settle();
    bool busy() const;
    uint64_t completion_cycle() const { return completion_; }
    bool irq_pending() const { return irq_status_ != 0; }
    uint64_t dma_mask() const { return mask_; }
    const EduDmaStats& stats() const { return stats_; }

private:
    struct Rejection {
        unsigned code;
        std::string rule;
        std::string detail;
    };

    void start(uint32_t command);
    bool check(uint64_t bus, uint64_t device, uint64_t len, bool to_ram, Rejection& why);
    void reject(const Rejection& why, bool to_ram, uint64_t bus, uint64_t len, uint64_t cycle);
    void raise_irq(uint32_t bits);
    void lower_irq(uint32_t bits);
    static uint32_t factorial(uint32_t n);

    PhysicalMemory& ram_;
    CycleSource now_;
    EduDmaConfig config_;
    uint64_t mask_;
    PciFunction pci_;
    DmaMappingChecker* checker_ = nullptr;
    EventQueue* events_ = nullptr;
    DmaFaultSink* sink_ = nullptr;
    std::function<void(uint64_t, uint64_t)> ram_written_;

    uint32_t liveness_ = 0;
    uint32_t factorial_ = 0;
    uint32_t status_ = 0;
    uint32_t irq_status_ = 0;
    uint64_t src_ = 0;
    uint64_t dst_ = 0;
    uint64_t count_ = 0;
    uint32_t cmd_ = 0;
    uint64_t completion_ = 0;
    std::array<uint8_t, 4096> buffer_{};
    EduDmaStats stats_;
};

}  // namespace ia32emu
