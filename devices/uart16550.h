// A 16550A UART (National Semiconductor PC16550D datasheet) with its interrupts, as Linux's 8250
// driver and course kernels use it; QEMU's hw/char/serial.c is the reference where the datasheet
// leaves room.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <vector>

#include "emu/board/event_queue.h"
#include "emu/board/interrupt_source.h"
#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at UART_COM1_BASE with a count of 8; the interrupt output goes to IRQ4 for COM1.
//
// | reg | read | write |
// |---|---|---|
// | 0 | RBR (DLL with DLAB) | THR (DLL) |
// | 1 | IER (DLM) | IER: RDI, THRI, RLSI, MSI (DLM) |
// | 2 | IIR: source by priority RLS > CTI > RDA > THRE > MSR, 0xC0 with FIFOs | FCR: enable, clears, trigger |
// | 3 | LCR | LCR: frame, DLAB |
// | 4 | MCR | MCR: DTR, RTS, OUT1, OUT2, loopback |
// | 5 | LSR: DR, OE, THRE, TEMT | ignored |
// | 6 | MSR (loopback mirrors MCR) | ignored |
// | 7 | SCR | SCR |
//
// Transmission is instant, as on QEMU: THR is empty again as soon as it is written, so THRE is
// pending again at once (the line drops and rises, an edge for the PIC). THRE also becomes
// pending when IER.THRI goes from 0 to 1, and is cleared by reading IIR while it is the source or
// by writing THR. Received data arrives from `set_input` and `add_input` on modelled time, one
// character per character time at the programmed rate (start, data, parity and stop bits at
// 115200/divisor baud), only while MCR.RTS is set and loopback is off, and never overruns: the far end waits for
// room in the receive FIFO (16 bytes, or RBR alone with FIFOs off), as QEMU's character backends
// do. In FIFO mode the received-data interrupt waits for the trigger level, and data left below
// it raises the character-timeout interrupt 4 character times after the last arrival or read.
// The interrupt output is not gated by OUT2 (QEMU does not gate it; a PC's board does).
// Not modelled: parity, framing and break errors, modem-status deltas (nothing drives the modem
// lines; loopback mirrors MCR without deltas, as QEMU), the transmit FIFO's timing.
class Uart16550 : public PortDevice {
public:
    using ByteSink = std::function<void(uint8_t)>;
    using Clock = std::function<uint64_t()>;

    // `now` counts CPU cycles at `cpu_hz`; `irq` is the interrupt output.
    Uart16550(uint16_t base, ByteSink sink, Clock now, uint64_t cpu_hz, EventQueue &events, IrqLine irq);

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    // The bytes the far end sends, from the next character time on.
    void set_input(std::vector<uint8_t> bytes);
    // More bytes for the far end to send after those it has not sent yet (a terminal's keys).
    void add_input(std::span<const uint8_t> bytes);
    size_t input_left() const { return input_.size() - input_pos_; }

    uint16_t divisor() const { return static_cast<uint16_t>(dlm_ << 8 | dll_); }
    uint8_t line_control() const { return lcr_; }
    bool irq_asserted() const { return irq_level_; }
    // One character on the wire at the programmed rate, in CPU cycles.
    uint64_t character_cycles() const;

private:
    uint8_t read_register(unsigned reg);
    void write_register(unsigned reg, uint8_t value);
    bool dlab() const;
    bool loopback() const;
    bool fifo_enabled() const;
    size_t receive_capacity() const;
    unsigned trigger_level() const;
    uint8_t pending_source() const;
    void update_irq();
    void receive(uint8_t byte, uint64_t when);
    void write_fifo_control(uint8_t value);
    void clear_receiver();
    bool can_accept_input() const;
    void schedule_arrival();
    void schedule_arrival_from(uint64_t start);
    void on_arrival(uint64_t due);
    void arm_timeout(uint64_t from);
    void on_timeout(uint64_t due);

    uint16_t base_;
    ByteSink sink_;
    Clock now_;
    uint64_t cpu_hz_;
    EventQueue &events_;
    IrqLine irq_;
    bool irq_level_ = false;

    std::deque<uint8_t> rx_;
    uint8_t rbr_ = 0;             // what RBR reads with FIFOs off once the byte was taken
    bool overrun_ = false;
    bool thr_pending_ = false;
    bool timeout_pending_ = false;
    std::vector<uint8_t> input_;
    size_t input_pos_ = 0;
    uint64_t last_arrival_ = 0;
    EventQueue::Id arrival_event_ = 0;
    EventQueue::Id timeout_event_ = 0;

    uint8_t ier_ = 0;
    uint8_t fcr_ = 0;
    uint8_t lcr_ = 0;
    uint8_t mcr_ = 0;
    uint8_t scr_ = 0;
    uint8_t dll_ = 0x0c;  // 9600 baud, the usual firmware default
    uint8_t dlm_ = 0;
};

}  // namespace ia32emu
