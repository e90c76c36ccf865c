// A report's `board` object as the flat list of parameters users set with --set: what the HTML
// page tabulates and what `ia32emu diff` names when two boards differ.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ia32emu {

// ("cache.l1d.size", "32768") in the board's own order; strings as they are, other values as JSON.
std::vector<std::pair<std::string, std::string>> board_parameters(const nlohmann::ordered_json &board);

} // namespace ia32emu
