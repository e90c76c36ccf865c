// `ia32emu board`: every parameter of a board with its resolved value, unit and provenance.
#pragma once

#include <string>
#include <vector>

namespace ia32emu {

int board_command(const std::string &board, const std::vector<std::string> &overrides);

} // namespace ia32emu
