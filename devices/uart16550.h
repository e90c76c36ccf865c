// A 16550A UART as a polling driver sees it: transmit to a byte sink, loopback, no interrupts.
#pragma once

#include <cstdint>
#include <functional>

#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at UART_COM1_BASE with a count of 8. Transmission is instant, so LSR always shows
// THRE|TEMT. Nothing arrives from outside; in loopback (MCR bit 4) a transmitted byte lands in
// RBR instead of the sink and sets LSR.DR, and MSR mirrors the MCR outputs as on the chip.
// Interrupts are not modelled (the engine cannot inject them): IIR always reads "none pending",
// with the FIFO-enabled bits when FCR enabled the FIFOs, as drivers probing for a 16550A expect.
class Uart16550 : public PortDevice {
public:
    using ByteSink = std::function<void(uint8_t)>;

    explicit Uart16550(uint16_t base, ByteSink sink);

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    uint16_t divisor() const { return static_cast<uint16_t>(dlm_ << 8 | dll_); }
    uint8_t line_control() const { return lcr_; }

private:
    uint8_t read_register(unsigned reg);
    void write_register(unsigned reg, uint8_t value);
    bool dlab() const;
    bool loopback() const;

    uint16_t base_;
    ByteSink sink_;
    uint8_t rbr_ = 0;
    bool data_ready_ = false;
    bool overrun_ = false;
    uint8_t ier_ = 0;
    uint8_t fcr_ = 0;
    uint8_t lcr_ = 0;
    uint8_t mcr_ = 0;
    uint8_t scr_ = 0;
    uint8_t dll_ = 0x0c;  // 9600 baud, the usual firmware default
    uint8_t dlm_ = 0;
};

}  // namespace ia32emu
