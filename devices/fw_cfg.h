// Firmware configuration device, modelled on QEMU's fw_cfg port interface (see devices/abi/fw_cfg.h).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at FW_CFG_PORT_SEL with a count of 2. A 16-bit write to the selector port selects a key
// and rewinds it; an 8-bit read of either port returns the next byte of the selected item (as on
// QEMU, whose combined port reads data at both addresses). Past the end of an item, or for a key
// with no item, reads return 0. Other access sizes read all ones and writes of them are ignored.
// The signature "QEMU" and ID = 1 (the traditional port interface only, no DMA) are built in.
class FwCfg : public PortDevice {
public:
    FwCfg();

    // Replaces the item under `key`, rewinding it if it is selected.
    void set_item(uint16_t key, std::vector<uint8_t> bytes);
    void set_u32(uint16_t key, uint32_t value);
    void set_u64(uint16_t key, uint64_t value);

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    uint16_t selected() const { return selector_; }

private:
    std::map<uint16_t, std::vector<uint8_t>> items_;
    uint16_t selector_ = 0;
    uint64_t offset_ = 0;
};

}  // namespace ia32emu
