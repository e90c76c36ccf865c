// Provenance in board files: the bracketed source tags ("[7CPU]", "[EST]") a `key = value` line's
// comment cites, as the preset files mark each value's published source or estimate.
#pragma once

#include <string>
#include <string_view>

namespace ia32emu {

// The tags in the comment of one TOML line, space-separated in order ("[SDM2] [7CPU]"); "" when
// the line has no comment or cites none. A tag is 2 to 12 capital letters and digits in brackets;
// a '#' inside a quoted string does not start a comment.
std::string source_tags(std::string_view line);

} // namespace ia32emu
