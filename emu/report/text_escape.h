// Escaping text taken from a guest or a report into CSV fields and HTML.
#pragma once

#include <string>
#include <string_view>

namespace ia32emu {

// RFC 4180: quoted (with quotes doubled) only when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text);
// &, <, > and " as entities: safe in element content and in double-quoted attributes.
std::string html_escape(std::string_view text);

} // namespace ia32emu
