// 16550A register file, receive FIFO on modelled time, and the interrupt identification logic.
#include "devices/uart16550.h"

#include <algorithm>

#include "devices/abi/uart16550.h"

namespace ia32emu {

namespace {
constexpr uint8_t kIerWritable = 0x0f;
constexpr uint8_t kMcrWritable = 0x1f;
constexpr uint8_t kFcrSticky = 0xc9;   // enable, DMA mode and trigger; the clear bits self-reset
constexpr size_t kFifoBytes = 16;
constexpr unsigned kTimeoutCharacters = 4;
// With no modem attached the lines a terminal would drive read as asserted (CTS, DSR, DCD).
constexpr uint8_t kMsrIdle = 0xb0;
}  // namespace

Uart16550::Uart16550(uint16_t base, ByteSink sink, Clock now, uint64_t cpu_hz, EventQueue &events, IrqLine irq)
    : base_(base), sink_(std::move(sink)), now_(std::move(now)), cpu_hz_(cpu_hz ? cpu_hz : 1), events_(events),
      irq_(std::move(irq)) {}

bool Uart16550::dlab() const { return lcr_ & UART_LCR_DLAB; }
bool Uart16550::loopback() const { return mcr_ & UART_MCR_LOOP; }
bool Uart16550::fifo_enabled() const { return fcr_ & UART_FCR_ENABLE; }
size_t Uart16550::receive_capacity() const { return fifo_enabled() ? kFifoBytes : 1; }

unsigned Uart16550::trigger_level() const {
    static constexpr unsigned kLevels[] = {1, 4, 8, 14};
    return kLevels[(fcr_ & UART_FCR_TRIGGER_MASK) >> 6];
}

// Start bit, 5-8 data bits, an optional parity bit and 1 or 2 stop bits (LCR bits 0-3), at
// UART_BAUD_BASE / divisor baud. The datasheet leaves divisor 0 undefined; it counts as 65536.
uint64_t Uart16550::character_cycles() const {
    unsigned bits = 1 + 5 + (lcr_ & 0x03) + ((lcr_ & 0x08) ? 1 : 0) + ((lcr_ & 0x04) ? 2 : 1);
    uint64_t div = divisor() ? divisor() : 0x10000;
    return std::max<uint64_t>(1, (cpu_hz_ * bits * div + UART_BAUD_BASE - 1) / UART_BAUD_BASE);
}

void Uart16550::set_input(std::vector<uint8_t> bytes) {
    input_ = std::move(bytes);
    input_pos_ = 0;
    schedule_arrival();
}

void Uart16550::add_input(std::span<const uint8_t> bytes) {
    // What was sent already goes, so that a long interactive run keeps only its backlog.
    input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(input_pos_));
    input_pos_ = 0;
    input_.insert(input_.end(), bytes.begin(), bytes.end());
    schedule_arrival();
}

uint32_t Uart16550::io_read(uint16_t port, unsigned size) {
    // Wider accesses read consecutive registers, as the ISA bus would split them.
    uint32_t value = 0;
    for (unsigned i = 0; i < size; ++i)
        value |= static_cast<uint32_t>(read_register((port - base_ + i) & 7)) << (i * 8);
    return value;
}

void Uart16550::io_write(uint16_t port, unsigned size, uint32_t value) {
    for (unsigned i = 0; i < size; ++i)
        write_register((port - base_ + i) & 7, static_cast<uint8_t>(value >> (i * 8)));
}

// The datasheet's priority order; the character timeout is masked by IER.RDI like received data.
uint8_t Uart16550::pending_source() const {
    if ((ier_ & UART_IER_RLSI) && overrun_)
        return UART_IIR_RLSI;
    if ((ier_ & UART_IER_RDI) && timeout_pending_)
        return UART_IIR_CTI;
    if ((ier_ & UART_IER_RDI) && !rx_.empty() && (!fifo_enabled() || rx_.size() >= trigger_level()))
        return UART_IIR_RDI;
    if ((ier_ & UART_IER_THRI) && thr_pending_)
        return UART_IIR_THRI;
    return UART_IIR_NO_INT;
}

void Uart16550::update_irq() {
    bool level = pending_source() != UART_IIR_NO_INT;
    if (level == irq_level_)
        return;
    irq_level_ = level;
    if (irq_)
        irq_(level);
}

uint8_t Uart16550::read_register(unsigned reg) {
    switch (reg) {
    case UART_RBR: {
        if (dlab())
            return dll_;
        uint8_t value;
        if (fifo_enabled()) {
            value = 0;   // an empty FIFO reads 0, as on QEMU
            if (!rx_.empty()) {
                value = rx_.front();
                rx_.pop_front();
            }
            timeout_pending_ = false;
            if (!rx_.empty())
                arm_timeout(now_());
        } else {
            if (!rx_.empty()) {
                rbr_ = rx_.front();
                rx_.pop_front();
            }
            value = rbr_;
        }
        update_irq();
        schedule_arrival();
        return value;
    }
    case UART_IER:
        return dlab() ? dlm_ : ier_;
    case UART_IIR: {
        uint8_t source = pending_source();
        if (source == UART_IIR_THRI) {
            thr_pending_ = false;   // reading IIR acknowledges THRE
            update_irq();
        }
        return static_cast<uint8_t>(source | (fifo_enabled() ? UART_IIR_FIFO_ENABLED : 0));
    }
    case UART_LCR:
        return lcr_;
    case UART_MCR:
        return mcr_;
    case UART_LSR: {
        const uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT | (rx_.empty() ? 0 : UART_LSR_DR) |
                            (overrun_ ? UART_LSR_OE : 0);
        if (overrun_) {
            overrun_ = false;   // reading LSR clears the error bits and their interrupt
            update_irq();
        }
        return lsr;
    }
    case UART_MSR:
        if (loopback()) {
            // Loopback wires RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
            return static_cast<uint8_t>(((mcr_ & 0x02) << 3) | ((mcr_ & 0x01) << 5) |
                                        ((mcr_ & 0x04) << 4) | ((mcr_ & 0x08) << 4));
        }
        return kMsrIdle;
    default:
        return scr_;
    }
}

void Uart16550::write_register(unsigned reg, uint8_t value) {
    switch (reg) {
    case UART_THR:
        if (dlab()) {
            dll_ = value;
            return;
        }
        thr_pending_ = false;
        update_irq();
        if (loopback())
            receive(value, now_());
        else if (sink_)
            sink_(value);
        thr_pending_ = true;   // the character left at once: THR is empty again
        update_irq();
        return;
    case UART_IER:
        if (dlab()) {
            dlm_ = value;
        } else {
            uint8_t changed = (ier_ ^ value) & kIerWritable;
            ier_ = value & kIerWritable;
            // Only the rising edge of THRI re-samples THRE (as Bochs and QEMU; Windows relies on it).
            if (changed & UART_IER_THRI)
                thr_pending_ = ier_ & UART_IER_THRI;
            update_irq();
        }
        return;
    case UART_FCR:
        write_fifo_control(value);
        return;
    case UART_LCR:
        lcr_ = value;
        return;
    case UART_MCR:
        mcr_ = value & kMcrWritable;
        schedule_arrival();
        return;
    case UART_LSR:
    case UART_MSR:
        return;  // read-only on the 16550
    default:
        scr_ = value;
        return;
    }
}

void Uart16550::write_fifo_control(uint8_t value) {
    // Switching the FIFOs on or off empties them, as the datasheet requires.
    if ((value ^ fcr_) & UART_FCR_ENABLE)
        value |= UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT;
    fcr_ = value & kFcrSticky;
    if (value & UART_FCR_CLEAR_RCVR)
        clear_receiver();
    update_irq();
    schedule_arrival();
}

void Uart16550::clear_receiver() {
    rx_.clear();
    timeout_pending_ = false;
    if (timeout_event_) {
        events_.cancel(timeout_event_);
        timeout_event_ = 0;
    }
}

// One character into the receiver: the FIFO keeps what it has and flags an overrun; with FIFOs
// off the new character replaces the unread one.
void Uart16550::receive(uint8_t byte, uint64_t when) {
    if (rx_.size() >= receive_capacity()) {
        overrun_ = true;
        if (!fifo_enabled()) {
            rx_.clear();
            rx_.push_back(byte);
        }
    } else {
        rx_.push_back(byte);
    }
    if (fifo_enabled())
        arm_timeout(when);
    update_irq();
}

bool Uart16550::can_accept_input() const {
    return input_pos_ < input_.size() && (mcr_ & UART_MCR_RTS) && !loopback() && rx_.size() < receive_capacity();
}

// The far end starts the next character as soon as it may send: now, after a stall, or back to
// back with the previous one (from its arrival cycle, not from when the event happened to run).
void Uart16550::schedule_arrival() { schedule_arrival_from(std::max(now_(), last_arrival_)); }

void Uart16550::schedule_arrival_from(uint64_t start) {
    if (arrival_event_ || !can_accept_input())
        return;
    arrival_event_ = events_.schedule(start + character_cycles(), [this](uint64_t at) { on_arrival(at); });
}

void Uart16550::on_arrival(uint64_t due) {
    arrival_event_ = 0;
    // RTS dropped or the FIFO filled while the character was on its way: it waits for the next chance.
    if (!can_accept_input())
        return;
    last_arrival_ = due;
    receive(input_[input_pos_++], due);
    schedule_arrival_from(due);
}

void Uart16550::arm_timeout(uint64_t from) {
    if (timeout_event_)
        events_.cancel(timeout_event_);
    timeout_event_ = events_.schedule(from + kTimeoutCharacters * character_cycles(),
                                      [this](uint64_t due) { on_timeout(due); });
}

void Uart16550::on_timeout(uint64_t) {
    timeout_event_ = 0;
    if (rx_.empty() || !fifo_enabled())
        return;
    timeout_pending_ = true;
    update_irq();
}

}  // namespace ia32emu
