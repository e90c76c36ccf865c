// fw_cfg port protocol: signature, ID, select/rewind, reads past the end, unknown keys.
#include "devices/fw_cfg.h"

#include <gtest/gtest.h>

#include <string>

#include "devices/abi/fw_cfg.h"

namespace ia32emu {
namespace {

class FwCfgTest : public ::testing::Test {
protected:
    FwCfgTest() { ports.attach(FW_CFG_PORT_SEL, 2, cfg); }
    void select(uint16_t key) { ports.write(FW_CFG_PORT_SEL, 2, key); }
    std::string read_bytes(unsigned n) {
        std::string s;
        for (unsigned i = 0; i < n; ++i)
            s.push_back(static_cast<char>(ports.read(FW_CFG_PORT_DATA, 1)));
        return s;
    }
    uint32_t read_u32() {
        uint32_t v = 0;
        for (unsigned i = 0; i < 4; ++i)
            v |= ports.read(FW_CFG_PORT_DATA, 1) << (8 * i);
        return v;
    }

    PortBus ports;
    FwCfg cfg;
};

TEST_F(FwCfgTest, SignatureAndIdAreBuiltIn) {
    select(FW_CFG_SIGNATURE);
    EXPECT_EQ(read_bytes(4), "QEMU");
    select(FW_CFG_SIGNATURE);
    EXPECT_EQ(read_u32(), FW_CFG_SIGNATURE_VALUE);
    select(FW_CFG_ID);
    EXPECT_EQ(read_u32(), 1u);
}

TEST_F(FwCfgTest, SelectRewindsAndReadsPastTheEndGiveZero) {
    cfg.set_item(FW_CFG_CMDLINE_DATA, {'a', 'b', 'c', 0});
    select(FW_CFG_CMDLINE_DATA);
    EXPECT_EQ(read_bytes(2), "ab");
    select(FW_CFG_CMDLINE_DATA);
    EXPECT_EQ(read_bytes(4), std::string("abc\0", 4));
    EXPECT_EQ(ports.read(FW_CFG_PORT_DATA, 1), 0u);
    EXPECT_EQ(ports.read(FW_CFG_PORT_DATA, 1), 0u);
    EXPECT_EQ(cfg.selected(), FW_CFG_CMDLINE_DATA);
}

TEST_F(FwCfgTest, UnknownKeysReadZero) {
    select(0x4242);
    EXPECT_EQ(read_u32(), 0u);
}

TEST_F(FwCfgTest, LittleEndianHelpersAndReplacement) {
    cfg.set_u64(FW_CFG_RAM_SIZE, 0x0000000140000000ull);
    select(FW_CFG_RAM_SIZE);
    EXPECT_EQ(read_u32(), 0x40000000u);
    EXPECT_EQ(read_u32(), 0x1u);
    cfg.set_u32(FW_CFG_RAM_SIZE, 0xdeadbeef);  // replacing the selected item rewinds it
    EXPECT_EQ(read_u32(), 0xdeadbeefu);
}

TEST_F(FwCfgTest, OnlyWordWritesToTheSelectorSelect) {
    cfg.set_u32(FW_CFG_KERNEL_SIZE, 99);
    select(FW_CFG_KERNEL_SIZE);
    ports.write(FW_CFG_PORT_SEL, 1, FW_CFG_ID);
    ports.write(FW_CFG_PORT_DATA, 2, FW_CFG_ID);
    EXPECT_EQ(read_u32(), 99u);
    EXPECT_EQ(ports.read(FW_CFG_PORT_DATA, 4), 0xffffffffu);
}

}  // namespace
}  // namespace ia32emu
