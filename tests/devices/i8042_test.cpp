// The keyboard controller's commands through ports 0x60/0x64, as BIOSes, Linux's i8042 driver
// and course kernels issue them with nothing plugged in; and port 0x80 as a write sink.
#include "devices/i8042.h"

#include <gtest/gtest.h>

#include "devices/abi/i8042.h"
#include "devices/post_code_port.h"

namespace ia32emu {
namespace {

class I8042Test : public ::testing::Test {
protected:
    I8042Test() {
        ports.attach(I8042_DATA_PORT, 1, kbc);
        ports.attach(I8042_STATUS_PORT, 1, kbc);
    }
    uint8_t status() { return uint8_t(ports.read(I8042_STATUS_PORT, 1)); }
    uint8_t data() { return uint8_t(ports.read(I8042_DATA_PORT, 1)); }
    void cmd(uint8_t c) { ports.write(I8042_STATUS_PORT, 1, c); }
    void put(uint8_t v) { ports.write(I8042_DATA_PORT, 1, v); }

    bool irq1 = false, irq12 = false;
    int resets = 0;
    I8042 kbc{[this](bool l) { irq1 = l; }, [this](bool l) { irq12 = l; }, [this] { ++resets; }};
    PortBus ports;
};

TEST_F(I8042Test, SelfTestAnswers55AndSetsTheSystemFlag) {
    EXPECT_EQ(status(), I8042_STR_CMDDAT | I8042_STR_KEYLOCK);
    cmd(I8042_CMD_SELF_TEST);
    EXPECT_EQ(status() & (I8042_STR_OBF | I8042_STR_SYSFLAG), I8042_STR_OBF | I8042_STR_SYSFLAG);
    EXPECT_TRUE(irq1) << "the reply is keyboard data and the command byte enables IRQ1";
    EXPECT_EQ(data(), I8042_SELF_TEST_PASSED);
    EXPECT_EQ(status() & I8042_STR_OBF, 0);
    EXPECT_FALSE(irq1);
    EXPECT_EQ(data(), I8042_SELF_TEST_PASSED) << "an empty buffer reads its last byte again";
}

// Linux's i8042_controller_init: read the command byte, write it back with interrupts off.
TEST_F(I8042Test, CommandByteRoundTripsAndGatesTheInterrupts) {
    cmd(I8042_CMD_READ_CTR);
    EXPECT_EQ(data(), I8042_CTR_KBDINT | I8042_CTR_AUXINT);
    cmd(I8042_CMD_WRITE_CTR);
    EXPECT_EQ(status() & I8042_STR_CMDDAT, I8042_STR_CMDDAT);
    put(I8042_CTR_XLATE | I8042_CTR_SYSFLAG);
    EXPECT_EQ(status() & I8042_STR_CMDDAT, 0);
    cmd(I8042_CMD_READ_CTR);
    EXPECT_FALSE(irq1);
    EXPECT_EQ(data(), I8042_CTR_XLATE | I8042_CTR_SYSFLAG);
    cmd(I8042_CMD_KBD_DISABLE);
    cmd(I8042_CMD_AUX_DISABLE);
    EXPECT_EQ(kbc.command_byte(), I8042_CTR_XLATE | I8042_CTR_SYSFLAG | I8042_CTR_KBDDIS | I8042_CTR_AUXDIS);
    cmd(I8042_CMD_KBD_ENABLE);
    cmd(I8042_CMD_AUX_ENABLE);
    EXPECT_EQ(kbc.command_byte(), I8042_CTR_XLATE | I8042_CTR_SYSFLAG);
}

TEST_F(I8042Test, InterfaceTestsPortsAndLoopback) {
    cmd(I8042_CMD_KBD_TEST);
    cmd(I8042_CMD_AUX_TEST);
    cmd(I8042_CMD_READ_OUTPUT);
    EXPECT_EQ(data(), 0x00);
    EXPECT_EQ(data(), 0x00);
    EXPECT_EQ(data(), 0xcf);
    cmd(I8042_CMD_DISABLE_A20);
    EXPECT_EQ(kbc.output_port(), 0xcd);
    cmd(I8042_CMD_AUX_LOOP);
    put(0x5a);
    EXPECT_EQ(status() & (I8042_STR_OBF | I8042_STR_AUXDATA), I8042_STR_OBF | I8042_STR_AUXDATA);
    EXPECT_TRUE(irq12);
    EXPECT_FALSE(irq1);
    EXPECT_EQ(data(), 0x5a);
    EXPECT_FALSE(irq12);
    // Keyboard commands go nowhere: no keyboard, no reply.
    put(0xff);
    EXPECT_EQ(status() & I8042_STR_OBF, 0);
}

// Output-port bit 0 is the CPU's reset line: 0xFE (and any pulse with bit 0 clear) or an output
// port written with bit 0 clear resets, as QEMU's pckbd; pulses of other bits do nothing.
TEST_F(I8042Test, ResetLineThroughPulseAndOutputPort) {
    cmd(0xff);
    cmd(0xf1);
    EXPECT_EQ(resets, 0);
    cmd(I8042_CMD_PULSE_RESET);
    EXPECT_EQ(resets, 1);
    cmd(0xf0);
    EXPECT_EQ(resets, 2);
    cmd(I8042_CMD_WRITE_OUTPUT);
    put(0x03);
    EXPECT_EQ(resets, 2);
    cmd(I8042_CMD_WRITE_OUTPUT);
    put(0x02);
    EXPECT_EQ(resets, 3);
}

TEST(PostCodePortTest, AcceptsWritesAndReadsAllOnes) {
    PortBus ports;
    PostCodePort post;
    ports.attach(POST_CODE_PORT, 1, post);
    ports.write(POST_CODE_PORT, 1, 0x42);
    EXPECT_EQ(post.last_code(), 0x42);
    EXPECT_EQ(post.writes(), 1u);
    EXPECT_EQ(ports.read(POST_CODE_PORT, 1), 0xffu);
}

}  // namespace
}  // namespace ia32emu
