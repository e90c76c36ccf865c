// 16550A register behaviour, through the port bus on a clock the test moves: what a polling
// driver relies on, and the interrupt identification and receive timing Linux's 8250 driver uses.
#include "devices/uart16550.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "devices/abi/uart16550.h"

namespace ia32emu {
namespace {

// 100 CPU cycles per bit at 115200 baud: an 8N1 character at divisor 1 takes 1000 cycles.
constexpr uint64_t kCpuHz = uint64_t(UART_BAUD_BASE) * 100;
constexpr uint64_t kChar8N1 = 1000;

class UartTest : public ::testing::Test {
protected:
    UartTest() { ports.attach(UART_COM1_BASE, 8, uart); }
    uint8_t rd(unsigned reg) { return static_cast<uint8_t>(ports.read(static_cast<uint16_t>(UART_COM1_BASE + reg), 1)); }
    void wr(unsigned reg, uint8_t v) { ports.write(static_cast<uint16_t>(UART_COM1_BASE + reg), 1, v); }
    void advance(uint64_t cycles) {
        cycle += cycles;
        events.run_due(cycle);
    }
    // 115200 8N1, as Linux's console and our kernel program it.
    void set_115200_8n1() {
        wr(UART_LCR, UART_LCR_DLAB);
        wr(UART_DLL, 1);
        wr(UART_DLM, 0);
        wr(UART_LCR, 0x03);
    }
    void input(std::string_view bytes) { uart.set_input(std::vector<uint8_t>(bytes.begin(), bytes.end())); }

    std::string out;
    uint64_t cycle = 0;
    EventQueue events;
    bool irq = false;
    int irq_edges = 0;
    Uart16550 uart{UART_COM1_BASE, [this](uint8_t b) { out.push_back(static_cast<char>(b)); }, [this] { return cycle; },
                   kCpuHz, events, [this](bool level) {
                       if (level && !irq)
                           ++irq_edges;
                       irq = level;
                   }};
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

TEST_F(UartTest, EnablingThriRaisesThreAndReadingIirAcknowledgesIt) {
    EXPECT_FALSE(irq);
    wr(UART_IER, UART_IER_THRI);
    EXPECT_TRUE(irq);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_THRI);
    EXPECT_FALSE(irq);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_NO_INT);
    // Each character leaves at once, so THR is empty again: a fresh edge per written byte.
    wr(UART_THR, 'a');
    EXPECT_TRUE(irq);
    wr(UART_THR, 'b');
    EXPECT_EQ(irq_edges, 3);
    EXPECT_EQ(out, "ab");
    // Writing IER with THRI still set does not re-sample THRE; only a 0 -> 1 change does.
    EXPECT_EQ(rd(UART_IIR), UART_IIR_THRI);
    wr(UART_IER, UART_IER_THRI | UART_IER_RDI);
    EXPECT_FALSE(irq);
    wr(UART_IER, 0);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_NO_INT);
}

// serial8250_do_startup (Linux drivers/tty/serial/8250/8250_port.c) marks a port UART_BUG_THRE
// when toggling IER.THRI does not show THRE in IIR each time; the driver then falls back to a timer.
TEST_F(UartTest, LinuxThreReassertionProbeSeesThreBothTimes) {
    wr(UART_IER, UART_IER_THRI);
    uint8_t iir1 = rd(UART_IIR);
    wr(UART_IER, 0);
    wr(UART_IER, UART_IER_THRI);
    uint8_t iir = rd(UART_IIR);
    wr(UART_IER, 0);
    EXPECT_EQ(iir1 & UART_IIR_NO_INT, 0);
    EXPECT_EQ(iir & UART_IIR_NO_INT, 0);
    EXPECT_NE(rd(UART_LSR) & UART_LSR_TEMT, 0);
}

TEST_F(UartTest, InputWaitsForRtsAndArrivesOneCharacterTimeApart) {
    set_115200_8n1();
    input("hi");
    advance(10 * kChar8N1);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, 0) << "nothing is sent before the guest asserts RTS";
    wr(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    wr(UART_IER, UART_IER_RDI);
    advance(kChar8N1 - 1);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
    EXPECT_FALSE(irq);
    advance(1);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
    EXPECT_TRUE(irq);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_RDI);
    // With FIFOs off RBR holds one character: the far end waits for it to be read.
    advance(5 * kChar8N1);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_OE, 0);
    EXPECT_EQ(rd(UART_RBR), 'h');
    EXPECT_FALSE(irq);
    advance(kChar8N1);
    EXPECT_EQ(rd(UART_RBR), 'i');
    EXPECT_EQ(uart.input_left(), 0u);
    advance(10 * kChar8N1);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
}

TEST_F(UartTest, CharacterTimeFollowsDivisorAndFrame) {
    wr(UART_LCR, UART_LCR_DLAB);
    wr(UART_DLL, 12);   // 9600 baud
    wr(UART_LCR, 0x02 | 0x08 | 0x04);   // 7 data bits, parity, 2 stop bits: 11 bits a character
    EXPECT_EQ(uart.character_cycles(), 12 * 11 * 100u);
    wr(UART_LCR, 0x03);
    EXPECT_EQ(uart.character_cycles(), 12 * 10 * 100u);
}

TEST_F(UartTest, FifoRaisesDataAtTheTriggerLevelAndATimeoutBelowIt) {
    set_115200_8n1();
    wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT | UART_FCR_TRIGGER_8);
    wr(UART_MCR, UART_MCR_RTS);
    wr(UART_IER, UART_IER_RDI);
    input("0123456789");
    advance(7 * kChar8N1);
    EXPECT_FALSE(irq) << "seven bytes are below the trigger level of eight";
    advance(kChar8N1);
    EXPECT_TRUE(irq);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_FIFO_ENABLED | UART_IIR_RDI);
    std::string got;
    while (rd(UART_LSR) & UART_LSR_DR)
        got.push_back(char(rd(UART_RBR)));
    EXPECT_EQ(got, "01234567");
    EXPECT_FALSE(irq);
    // The last two arrive below the trigger: the character timeout reports them 4 characters later.
    advance(2 * kChar8N1);
    EXPECT_FALSE(irq);
    advance(4 * kChar8N1 - 1);
    EXPECT_FALSE(irq);
    advance(1);
    EXPECT_TRUE(irq);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_FIFO_ENABLED | UART_IIR_CTI);
    EXPECT_EQ(rd(UART_RBR), '8');
    EXPECT_FALSE(irq) << "reading RBR clears the timeout";
    advance(4 * kChar8N1);
    EXPECT_TRUE(irq) << "data still waiting: the timeout runs again from the read";
    EXPECT_EQ(rd(UART_RBR), '9');
    EXPECT_EQ(rd(UART_IIR), UART_IIR_FIFO_ENABLED | UART_IIR_NO_INT);
}

TEST_F(UartTest, TheFarEndNeverOverrunsTheFifo) {
    set_115200_8n1();
    wr(UART_FCR, UART_FCR_ENABLE);
    wr(UART_MCR, UART_MCR_RTS);
    input(std::string(20, 'x'));
    advance(100 * kChar8N1);
    EXPECT_EQ(uart.input_left(), 4u);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_OE, 0);
    rd(UART_RBR);
    advance(kChar8N1 - 1);
    EXPECT_EQ(uart.input_left(), 4u);
    advance(1);
    EXPECT_EQ(uart.input_left(), 3u);
}

// Keys typed at a terminal join the far end's queue behind what it has not sent yet, at the same
// pace, and once the line is idle the next key starts a character time after it is added.
TEST_F(UartTest, AddedInputQueuesBehindUnsentBytesAtTheLineRate) {
    set_115200_8n1();
    wr(UART_FCR, UART_FCR_ENABLE);
    wr(UART_MCR, UART_MCR_RTS);
    input("ab");
    advance(kChar8N1);
    const uint8_t more[] = {'c', 'd'};
    uart.add_input(more);
    EXPECT_EQ(uart.input_left(), 3u);
    advance(3 * kChar8N1 - 1);
    EXPECT_EQ(uart.input_left(), 1u);
    advance(1);
    EXPECT_EQ(uart.input_left(), 0u);
    std::string got;
    while (rd(UART_LSR) & UART_LSR_DR)
        got.push_back(char(rd(UART_RBR)));
    EXPECT_EQ(got, "abcd");
    advance(100 * kChar8N1);
    const uint8_t late[] = {'e'};
    uart.add_input(late);
    advance(kChar8N1 - 1);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
    advance(1);
    EXPECT_EQ(rd(UART_RBR), 'e');
}

TEST_F(UartTest, LoopbackDisconnectsTheReceiveLine) {
    set_115200_8n1();
    wr(UART_MCR, UART_MCR_RTS);
    input("z");
    advance(kChar8N1 / 2);
    wr(UART_MCR, UART_MCR_RTS | UART_MCR_LOOP);
    advance(10 * kChar8N1);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
    EXPECT_EQ(uart.input_left(), 1u);
    wr(UART_MCR, UART_MCR_RTS);
    advance(kChar8N1);
    EXPECT_EQ(rd(UART_RBR), 'z');
}

TEST_F(UartTest, OverrunRaisesTheLineStatusInterruptUntilLsrIsRead) {
    wr(UART_MCR, UART_MCR_LOOP);
    wr(UART_IER, UART_IER_RLSI | UART_IER_RDI);
    wr(UART_THR, 1);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_RDI);
    wr(UART_THR, 2);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_RLSI);
    EXPECT_EQ(rd(UART_LSR) & UART_LSR_OE, UART_LSR_OE);
    EXPECT_EQ(rd(UART_IIR), UART_IIR_RDI);
    EXPECT_EQ(rd(UART_RBR), 2);
    EXPECT_FALSE(irq);
}

}  // namespace
}  // namespace ia32emu
