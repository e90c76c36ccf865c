// Escaping text taken from a guest, a report or an input file into CSV fields, HTML and messages.
#pragma once

#include <string>
#include <string_view>

namespace ia32emu {

// RFC 4180: quoted (with quotes doubled) only when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text);
// &, <, > and " as entities: safe in element content and in double-quoted attributes.
std::string html_escape(std::string_view text);
// Control characters (line breaks above all) as \n, \r, \t or \xNN: an error message that
// quotes input, a key or a file name stays the one line on stderr that bad input promises.
std::string one_line(std::string_view text);

} // namespace ia32emu
