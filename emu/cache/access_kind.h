// The direction of one memory access, shared by the cache and MMU models.
#pragma once

#include <cstdint>

namespace ia32emu {

// Fetch is separate from Read because it goes to the instruction side (L1I, ITLB).
enum class AccessKind : uint8_t { Read, Write, Fetch };

} // namespace ia32emu
