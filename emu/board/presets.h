// The board presets shipped inside the binary; their TOML files under presets/ are the source.
#pragma once

#include <span>
#include <string_view>

namespace ia32emu {

struct BoardPreset {
    std::string_view name;
    std::string_view toml;
};

// Sorted by name; "default" is an alias resolved by find_board_preset.
std::span<const BoardPreset> board_presets();
// The preset called `name`, or nullptr. "default" answers the default board.
const BoardPreset *find_board_preset(std::string_view name);
inline constexpr std::string_view kDefaultBoard = "pentium-m";

} // namespace ia32emu
