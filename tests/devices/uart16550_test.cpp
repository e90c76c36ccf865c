// 16550 register behaviour a polling driver relies on, through the port bus.
#include "devices/uart16550.h"

#include <gtest/gtest.h>

#include <string>

#include "devices/abi/uart16550.h"

namespace ia32emu {
namespace {

class UartTest : public ::testing::Test {
protected:
    UartTest() { ports.attach(UART_COM1_BASE, 8, uart); }
    uint8_t rd(unsigned reg) { return static_cast<uint8_t>(ports.read(static_cast<uint16_t>(UART_COM1_BASE + reg), 1)); }
    void wr(unsigned reg, uint8_t v) { ports.write(static_cast<uint16_t>(UART_COM1_BASE + reg), 1, v); }

    std::string out;
    Uart16550 uart{UART_COM1_BASE, [this](uint8_t b) { out.push_back(static_cast<char>(b)); }};
    PortBus ports;
};

TEST_F(UartTest, TransmitGoesToTheSinkAndTheTransmitterIsAlwaysEmpty) {
    EXPECT_EQ(rd(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE | UART_LSR_TEMT);
    wr(UART_THR, 'h');
    wr(UART_THR, 'i');
    EXPECT_EQ(out, "hi");
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
}

TEST_F(UartTest, DivisorLatchIsReachedOnlyWithDlab) {
    wr(UART_LCR, UART_LCR_DLAB | 0x03);
    wr(UART_DLL, 0x01);
    wr(UART_DLM, 0x02);
    EXPECT_EQ(rd(UART_DLL), 0x01);
    EXPECT_EQ(rd(UART_DLM), 0x02);
    EXPECT_EQ(uart.divisor(), 0x0201);
    EXPECT_TRUE(out.empty());  // a DLL write is not a transmitted byte
    wr(UART_LCR, 0x03);
    EXPECT_EQ(rd(UART_LCR), 0x03);
    wr(UART_IER, 0xff);
    EXPECT_EQ(rd(UART_IER), 0x0f);
    EXPECT_EQ(uart.divisor(), 0x0201);
}

TEST_F(UartTest, IirReportsNoInterruptAndFifoState) {
    EXPECT_EQ(rd(UART_IIR), UART_IIR_NO_INT);
    wr(UART_FCR, 0x07);
    EXPECT_EQ(rd(UART_IIR), 0xc0 | UART_IIR_NO_INT);
    wr(UART_FCR, 0x00);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_NO_INT);
}

TEST_F(UartTest, LoopbackReturnsTransmittedBytesInRbr) {
    wr(UART_MCR, UART_MCR_LOOP | 0x0b);
    EXPECT_EQ(rd(UART_MCR), UART_MCR_LOOP | 0x0b);
    wr(UART_THR, 0xae);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
    EXPECT_EQ(rd(UART_RBR), 0xae);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
    EXPECT_EQ(rd(UART_MSR), 0xb0);  // RTS->CTS, DTR->DSR, OUT2->DCD
    wr(UART_MCR, UART_MCR_LOOP | 0x04);
    EXPECT_EQ(rd(UART_MSR), 0x40);  // OUT1->RI
    wr(UART_MCR, 0x03);
    wr(UART_THR, 'x');
    EXPECT_EQ(out, "x");
}

TEST_F(UartTest, LoopbackOverrunIsReportedOnceAndFifoResetDropsData) {
    wr(UART_MCR, UART_MCR_LOOP);
    wr(UART_THR, 1);
    wr(UART_THR, 2);
    EXPECT_EQ(rd(UART_LSR) & 0x02, 0x02);
    EXPECT_EQ(rd(UART_LSR) & 0x02, 0);
    wr(UART_FCR, 0x03);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
}

TEST_F(UartTest, ScratchRegisterHoldsAValueAndLsrIsReadOnly) {
    wr(UART_SCR, 0x5a);
    EXPECT_EQ(rd(UART_SCR), 0x5a);
    wr(UART_LSR, 0x00);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_THRE, UART_LSR_THRE);
    EXPECT_EQ(rd(UART_MSR), 0xb0);
}

}  // namespace
}  // namespace ia32emu
