// fw_cfg item store and port protocol.
#include "devices/fw_cfg.h"

#include "devices/abi/fw_cfg.h"

namespace ia32emu {

namespace {
std::vector<uint8_t> little_endian(uint64_t value, unsigned bytes) {
    std::vector<uint8_t> out(bytes);
    for (unsigned i = 0; i < bytes; ++i)
        out[i] = static_cast<uint8_t>(value >> (i * 8));
    return out;
}
}  // namespace

FwCfg::FwCfg() {
    set_u32(FW_CFG_SIGNATURE, FW_CFG_SIGNATURE_VALUE);
    set_u32(FW_CFG_ID, 1);
}

void FwCfg::set_item(uint16_t key, std::vector<uint8_t> bytes) {
    items_[key] = std::move(bytes);
    if (key == selector_)
        offset_ = 0;
}

void FwCfg::set_u32(uint16_t key, uint32_t value) { set_item(key, little_endian(value, 4)); }
void FwCfg::set_u64(uint16_t key, uint64_t value) { set_item(key, little_endian(value, 8)); }

uint32_t FwCfg::io_read(uint16_t, unsigned size) {
    if (size != 1)
        return all_ones(size);
    const auto it = items_.find(selector_);
    if (it == items_.end() || offset_ >= it->second.size())
        return 0;
    return it->second[offset_++];
}

void FwCfg::io_write(uint16_t port, unsigned size, uint32_t value) {
    if (port != FW_CFG_PORT_SEL || size != 2)
        return;
    selector_ = static_cast<uint16_t>(value);
    offset_ = 0;
}

}  // namespace ia32emu
