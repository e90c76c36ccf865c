// The 8259A pair through its ports: initialization, masking, priority, EOIs, cascade, spurious
// IRQ7/15, level triggering and poll mode, as the datasheet and QEMU's i8259 define them.
#include "devices/pic8259.h"

#include <gtest/gtest.h>

#include "devices/abi/pic8259.h"

namespace ia32emu {
namespace {

class Pic8259Test : public ::testing::Test {
protected:
    void SetUp() override {
        ports.attach(PIC_MASTER_CMD, 2, pic);
        ports.attach(PIC_SLAVE_CMD, 2, pic);
        ports.attach(PIC_ELCR_MASTER, 2, pic);
    }
    // What every PC kernel does first: vectors 0x20-0x2f, cascade on IR2, 8086 mode.
    void remap(uint8_t icw4 = PIC_ICW4_8086) {
        ports.write(PIC_MASTER_CMD, 1, PIC_ICW1_INIT | PIC_ICW1_ICW4);
        ports.write(PIC_SLAVE_CMD, 1, PIC_ICW1_INIT | PIC_ICW1_ICW4);
        ports.write(PIC_MASTER_DATA, 1, 0x20);
        ports.write(PIC_SLAVE_DATA, 1, 0x28);
        ports.write(PIC_MASTER_DATA, 1, 4);
        ports.write(PIC_SLAVE_DATA, 1, 2);
        ports.write(PIC_MASTER_DATA, 1, icw4);
        ports.write(PIC_SLAVE_DATA, 1, icw4);
    }
    void pulse(unsigned irq) {
        pic.set_irq(irq, true);
        pic.set_irq(irq, false);
    }
    uint8_t read_isr(uint16_t cmd) {
        ports.write(cmd, 1, PIC_OCW3_READ_ISR);
        return uint8_t(ports.read(cmd, 1));
    }
    uint8_t read_irr(uint16_t cmd) {
        ports.write(cmd, 1, PIC_OCW3_READ_IRR);
        return uint8_t(ports.read(cmd, 1));
    }
    PortBus ports;
    Pic8259 pic;
};

TEST_F(Pic8259Test, EdgeRequestIsLatchedAcknowledgedAndEnded) {
    remap();
    EXPECT_EQ(ports.read(PIC_MASTER_DATA, 1), 0u);   // ICW1 cleared the mask
    pulse(0);
    EXPECT_EQ(read_irr(PIC_MASTER_CMD), 0x01);
    ASSERT_TRUE(pic.intr());
    EXPECT_EQ(pic.acknowledge(), 0x20);
    EXPECT_EQ(read_irr(PIC_MASTER_CMD), 0x00);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x01);
    EXPECT_FALSE(pic.intr());
    ports.write(PIC_MASTER_CMD, 1, PIC_OCW2_EOI);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x00);
}

TEST_F(Pic8259Test, MaskedRequestWaitsInIrrUntilUnmasked) {
    remap();
    ports.write(PIC_MASTER_DATA, 1, 0xfe);
    EXPECT_EQ(ports.read(PIC_MASTER_DATA, 1), 0xfeu);
    pulse(1);
    EXPECT_EQ(read_irr(PIC_MASTER_CMD), 0x02);
    EXPECT_FALSE(pic.intr());
    ports.write(PIC_MASTER_DATA, 1, 0xfc);
    ASSERT_TRUE(pic.intr());
    EXPECT_EQ(pic.acknowledge(), 0x21);
}

TEST_F(Pic8259Test, HigherPriorityNestsLowerWaitsForEoi) {
    remap();
    pulse(3);
    EXPECT_EQ(pic.acknowledge(), 0x23);
    pulse(5);
    EXPECT_FALSE(pic.intr()) << "IR5 must wait while IR3 is in service";
    pulse(1);
    ASSERT_TRUE(pic.intr()) << "IR1 outranks IR3 in service";
    EXPECT_EQ(pic.acknowledge(), 0x21);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x0a);
    ports.write(PIC_MASTER_CMD, 1, PIC_OCW2_EOI);   // ends IR1, the highest in service
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x08);
    EXPECT_FALSE(pic.intr());
    ports.write(PIC_MASTER_CMD, 1, PIC_OCW2_EOI);
    ASSERT_TRUE(pic.intr());
    EXPECT_EQ(pic.acknowledge(), 0x25);
}

TEST_F(Pic8259Test, SpecificEoiEndsTheNamedLevel) {
    remap();
    pulse(4);
    pic.acknowledge();
    pulse(2 + 0);   // IR2 edge on the master: a cascade request with no slave request behind it
    pic.acknowledge();
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x14);
    ports.write(PIC_MASTER_CMD, 1, PIC_OCW2_SPECIFIC_EOI | 4);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x04);
}

TEST_F(Pic8259Test, SlaveRequestCascadesThroughIr2) {
    remap();
    pulse(12);
    ASSERT_TRUE(pic.intr());
    EXPECT_EQ(pic.acknowledge(), 0x2c);
    EXPECT_EQ(read_isr(PIC_SLAVE_CMD), 0x10);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x04);
    // Linux's and every tutorial's order: slave first, then master.
    ports.write(PIC_SLAVE_CMD, 1, PIC_OCW2_EOI);
    ports.write(PIC_MASTER_CMD, 1, PIC_OCW2_EOI);
    EXPECT_EQ(read_isr(PIC_SLAVE_CMD), 0x00);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x00);
}

TEST_F(Pic8259Test, AcknowledgeWithNothingPendingIsSpuriousIrq7) {
    remap();
    EXPECT_EQ(pic.acknowledge(), 0x27);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x00) << "a spurious IRQ7 is not put in service";
}

TEST_F(Pic8259Test, SlaveRequestGoneBeforeAcknowledgeIsSpuriousIrq15) {
    remap();
    ports.write(PIC_ELCR_SLAVE, 1, 0x04);   // IRQ10 level-triggered, as a PCI line is
    pic.set_irq(10, true);
    ASSERT_TRUE(pic.intr());
    pic.set_irq(10, false);                 // the device withdrew it; the master's IR2 edge stays
    EXPECT_EQ(pic.acknowledge(), 0x2f);
    EXPECT_EQ(read_isr(PIC_SLAVE_CMD), 0x00);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x04) << "the master did acknowledge its IR2";
}

TEST_F(Pic8259Test, EdgeNeedsANewRisingTransitionLevelDoesNot) {
    remap();
    pic.set_irq(3, true);
    EXPECT_EQ(pic.acknowledge(), 0x23);
    ports.write(PIC_MASTER_CMD, 1, PIC_OCW2_EOI);
    EXPECT_FALSE(pic.intr()) << "an edge input held high requests once";

    ports.write(PIC_ELCR_MASTER, 1, 0x20);  // IRQ5 level-triggered
    EXPECT_EQ(ports.read(PIC_ELCR_MASTER, 1), 0x20u);
    pic.set_irq(5, true);
    EXPECT_EQ(pic.acknowledge(), 0x25);
    ports.write(PIC_MASTER_CMD, 1, PIC_OCW2_EOI);
    ASSERT_TRUE(pic.intr()) << "a level input still high requests again after EOI";
    pic.set_irq(5, false);
    EXPECT_FALSE(pic.intr());
}

TEST_F(Pic8259Test, ElcrCannotMakeTimerOrCascadeLevelTriggered) {
    ports.write(PIC_ELCR_MASTER, 1, 0xff);
    ports.write(PIC_ELCR_SLAVE, 1, 0xff);
    EXPECT_EQ(ports.read(PIC_ELCR_MASTER, 1), 0xf8u);
    EXPECT_EQ(ports.read(PIC_ELCR_SLAVE, 1), 0xdeu);
}

TEST_F(Pic8259Test, AutoEoiLeavesNothingInService) {
    remap(PIC_ICW4_8086 | PIC_ICW4_AUTO_EOI);
    pulse(0);
    EXPECT_EQ(pic.acknowledge(), 0x20);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x00);
    pulse(0);
    EXPECT_TRUE(pic.intr()) << "with nothing in service the next tick is taken at once";
}

TEST_F(Pic8259Test, PollReadAcknowledgesTheHighestRequest) {
    remap();
    ports.write(PIC_MASTER_DATA, 1, 0xff);   // polling works with the INT output masked off
    pulse(6);
    pulse(4);
    EXPECT_FALSE(pic.intr());
    ports.write(PIC_MASTER_DATA, 1, 0x00);
    ports.write(PIC_MASTER_CMD, 1, PIC_OCW3_POLL);
    EXPECT_EQ(ports.read(PIC_MASTER_CMD, 1), 0x84u);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x10);
    ports.write(PIC_MASTER_CMD, 1, PIC_OCW3_POLL);
    EXPECT_EQ(ports.read(PIC_MASTER_CMD, 1), 0x00u) << "IR6 is below IR4 in service";
}

TEST_F(Pic8259Test, RotatingEoiMakesTheEndedLevelLowest) {
    remap();
    pulse(0);
    pic.acknowledge();
    ports.write(PIC_MASTER_CMD, 1, 0xa0);   // rotate on non-specific EOI: IR0 becomes lowest
    pulse(0);
    pulse(5);
    EXPECT_EQ(pic.acknowledge(), 0x25) << "after rotation IR5 outranks IR0";
}

TEST_F(Pic8259Test, ReinitializationClearsMasksAndServiceState) {
    remap();
    ports.write(PIC_MASTER_DATA, 1, 0x5a);
    pulse(1);
    pic.acknowledge();
    remap();
    EXPECT_EQ(ports.read(PIC_MASTER_DATA, 1), 0u);
    EXPECT_EQ(read_isr(PIC_MASTER_CMD), 0x00);
    EXPECT_EQ(read_irr(PIC_MASTER_CMD), 0x00);
}

} // namespace
} // namespace ia32emu
