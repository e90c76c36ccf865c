// Exit port: the first write of any size records the code; reads return 0 as on QEMU.
#include "devices/exit_port.h"

#include <gtest/gtest.h>

#include "devices/abi/exit_port.h"

namespace ia32emu {
namespace {

TEST(ExitPort, ThirtyTwoBitWriteRecordsTheCode) {
    PortBus ports;
    ExitPort exit_port;
    ports.attach(EXIT_PORT, 4, exit_port);
    EXPECT_FALSE(exit_port.requested());
    ports.write(EXIT_PORT, 4, 0x1234);
    EXPECT_TRUE(exit_port.requested());
    EXPECT_EQ(exit_port.code(), 0x1234u);
    ports.write(EXIT_PORT, 4, 7);  // the first request stands
    EXPECT_EQ(exit_port.code(), 0x1234u);
}

TEST(ExitPort, ByteWriteAnywhereInTheRangeCounts) {
    PortBus ports;
    ExitPort exit_port;
    ports.attach(EXIT_PORT, 4, exit_port);
    ports.write(EXIT_PORT + 2, 1, 0x1ff);
    EXPECT_TRUE(exit_port.requested());
    EXPECT_EQ(exit_port.code(), 0xffu);
}

TEST(ExitPort, ReadsReturnZeroAndRequestNothing) {
    PortBus ports;
    ExitPort exit_port;
    ports.attach(EXIT_PORT, 4, exit_port);
    EXPECT_EQ(ports.read(EXIT_PORT, 1), 0u);
    EXPECT_EQ(ports.read(EXIT_PORT, 4), 0u);
    EXPECT_FALSE(exit_port.requested());
}

}  // namespace
}  // namespace ia32emu
