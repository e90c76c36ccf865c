// Leaves 0, 1, 2 and the brand string: what an IA-32 kernel of the Pentium M era asks.
#include "emu/engine/cpuid_model.h"

#include <cstring>

namespace ia32emu {
namespace {

uint32_t pack4(const std::string &s, size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
        v |= uint32_t(at + i < s.size() ? uint8_t(s[at + i]) : 0) << (8 * i);
    return v;
}

// Feature bits of leaf 1 EDX (Intel SDM Vol. 2A, CPUID, Table 3-11).
constexpr uint32_t kFpu = 1u << 0, kVme = 1u << 1, kDe = 1u << 2, kPse = 1u << 3, kTsc = 1u << 4,
                   kMsr = 1u << 5, kPae = 1u << 6, kCx8 = 1u << 8, kSep = 1u << 11, kPge = 1u << 13,
                   kCmov = 1u << 15, kClflush = 1u << 19, kMmx = 1u << 23, kFxsr = 1u << 24,
                   kSse = 1u << 25, kSse2 = 1u << 26;

} // namespace

std::array<uint32_t, 4> CpuidModel::query(uint32_t leaf, uint32_t) const {
    switch (leaf) {
    case 0:
        return {2, pack4(id_.vendor, 0), pack4(id_.vendor, 8), pack4(id_.vendor, 4)};
    case 1: {
        uint32_t family = id_.family & 0xf, model = id_.model & 0xf;
        uint32_t eax = (id_.stepping & 0xf) | (model << 4) | (family << 8) | (((id_.model >> 4) & 0xf) << 16);
        uint32_t edx = kFpu | kVme | kDe | kTsc | kMsr | kCx8 | kSep | kCmov | kClflush | kMmx | kFxsr | kSse | kSse2;
        if (id_.pse) edx |= kPse;
        if (id_.pae) edx |= kPae;
        if (id_.pge) edx |= kPge;
        // EBX: CLFLUSH line size 8 (x8 = 64 bytes), one logical processor, APIC id 0.
        return {eax, 0x00010800, 0, edx};
    }
    case 2:
        // Descriptor bytes are not modelled; 0x01 in AL with no descriptors says "ask no more".
        return {0x00000001, 0, 0, 0};
    case 0x80000000:
        return {0x80000004, 0, 0, 0};
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
        size_t at = (leaf - 0x80000002) * 16;
        return {pack4(id_.brand, at), pack4(id_.brand, at + 4), pack4(id_.brand, at + 8), pack4(id_.brand, at + 12)};
    }
    default:
        return {0, 0, 0, 0};
    }
}

} // namespace ia32emu
