// The CPUID answers of the modelled processor, built from the board's identity and feature switches.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "emu/board/board_config.h"

namespace ia32emu {

class CpuidModel {
public:
    explicit CpuidModel(CpuConfig id) : id_(std::move(id)) {}
    // EAX, EBX, ECX, EDX for one leaf, as the modelled part answers it.
    std::array<uint32_t, 4> query(uint32_t leaf, uint32_t subleaf) const;
    const CpuConfig &identity() const { return id_; }

private:
    CpuConfig id_;
};

} // namespace ia32emu
