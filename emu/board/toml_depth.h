// toml++ parses dotted keys, arrays and inline tables by recursion, so a hostile board file
// ("a.a.a....", 50,000 levels) overflows the host's stack inside the parser. This scan finds such
// nesting first, without recursion, so the board loader can refuse the file as bad input.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ia32emu {

// Deeper than any board key (the deepest is three parts, "tlb.l2.entries_4k") by a wide margin.
inline constexpr unsigned kMaxTomlNesting = 16;

struct TomlNesting {
    size_t line = 0;        // 1-based line where the nesting first exceeds the limit
    const char *what = "";  // "dotted key" or "array or inline table"
};

// The first place where a dotted key has more than `limit` parts beyond the first, or arrays and
// inline tables nest more than `limit` deep; nullopt when there is none.
std::optional<TomlNesting> excessive_toml_nesting(std::string_view text, unsigned limit = kMaxTomlNesting);

} // namespace ia32emu
