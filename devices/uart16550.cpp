// 16550A register file.
#include "devices/uart16550.h"

#include "devices/abi/uart16550.h"

namespace ia32emu {

namespace {
constexpr uint8_t kIerWritable = 0x0f;
constexpr uint8_t kMcrWritable = 0x1f;
constexpr uint8_t kFcrEnable = 0x01;
constexpr uint8_t kFcrClearReceive = 0x02;
constexpr uint8_t kIirFifoEnabled = 0xc0;
constexpr uint8_t kLsrOverrun = 0x02;
// With no modem attached the lines a terminal would drive read as asserted (CTS, DSR, DCD).
constexpr uint8_t kMsrIdle = 0xb0;
}  // namespace

Uart16550::Uart16550(uint16_t base, ByteSink sink) : base_(base), sink_(std::move(sink)) {}

bool Uart16550::dlab() const { return lcr_ & UART_LCR_DLAB; }
bool Uart16550::loopback() const { return mcr_ & UART_MCR_LOOP; }

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

uint8_t Uart16550::read_register(unsigned reg) {
    switch (reg) {
    case UART_RBR:
        if (dlab())
            return dll_;
        data_ready_ = false;
        return rbr_;
    case UART_IER:
        return dlab() ? dlm_ : ier_;
    case UART_IIR:
        return UART_IIR_NO_INT | ((fcr_ & kFcrEnable) ? kIirFifoEnabled : 0);
    case UART_LCR:
        return lcr_;
    case UART_MCR:
        return mcr_;
    case UART_LSR: {
        const uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT | (data_ready_ ? UART_LSR_DR : 0) |
                            (overrun_ ? kLsrOverrun : 0);
        overrun_ = false;  // reading LSR clears the error bits
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
        } else if (loopback()) {
            overrun_ = overrun_ || data_ready_;
            rbr_ = value;
            data_ready_ = true;
        } else if (sink_) {
            sink_(value);
        }
        return;
    case UART_IER:
        if (dlab())
            dlm_ = value;
        else
            ier_ = value & kIerWritable;
        return;
    case UART_FCR:
        fcr_ = value;
        if (value & kFcrClearReceive)
            data_ready_ = false;
        return;
    case UART_LCR:
        lcr_ = value;
        return;
    case UART_MCR:
        mcr_ = value & kMcrWritable;
        return;
    case UART_LSR:
    case UART_MSR:
        return;  // read-only on the 16550
    default:
        scr_ = value;
        return;
    }
}

}  // namespace ia32emu
