// QEMU's hidden CPU flags ("hflags") that Unicorn does not expose: the interrupt shadow after
// `sti`/`mov ss` and the current privilege level. They live at an offset inside the saved CPU
// context that is found by experiment, as for the exception-state marker.
#pragma once

#include <cstdint>

struct uc_struct;
struct uc_context;

namespace ia32emu {

inline constexpr uint32_t kHflagsCplMask = 3;
inline constexpr uint32_t kHflagsInhibitIrq = 1u << 3;

// Runs a throwaway engine through `sti; nop; nop` and returns where hflags lives in a context
// blob; throws if the interrupt-shadow bit is not seen exactly where expected.
long find_hflags_offset();

uint32_t read_hflags(uc_struct *uc, uc_context *scratch, long offset);
// Sets CPL to 0 so that the ring-0 stack and code segments of an interrupt gate can be loaded
// through Unicorn's checked segment writes; the SS load that follows sets CPL from its DPL again.
void enter_ring0(uc_struct *uc, uc_context *scratch, long offset);

} // namespace ia32emu
