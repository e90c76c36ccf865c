// Fast-string rep movs/stos, as the board file gives it (the strings.* keys).
#pragma once

#include <cstdint>

namespace ia32emu {

// The manuals' fast-string operation moves whole cache lines.
struct StringConfig {
    bool fast = true;               // rep movs/stos charged by cache line, not by element
    uint32_t line_cycles = 0;       // core cycles per destination line moved or filled
};

} // namespace ia32emu
