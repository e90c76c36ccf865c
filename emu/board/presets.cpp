// Embeds presets/*.toml at assembly time with .incbin, so the files stay the only copy of the numbers.
#include "emu/board/presets.h"

#include <algorithm>
#include <array>

// The assembler reads the file through the absolute source path the build defines; a preset edit
// needs this file rebuilt (the CMake OBJECT_DEPENDS on presets/*.toml does that).
#define IA32EMU_EMBED_PRESET(symbol, file)                                                     \
    asm(".pushsection .rodata\n"                                                                \
        ".local " #symbol "_begin\n" #symbol "_begin:\n"                                        \
        ".incbin \"" IA32EMU_SOURCE_DIR "/emu/board/presets/" file "\"\n"                       \
        ".local " #symbol "_end\n" #symbol "_end:\n"                                            \
        ".popsection\n");                                                                       \
    extern "C" const char symbol##_begin[];                                                     \
    extern "C" const char symbol##_end[];

IA32EMU_EMBED_PRESET(ia32emu_preset_atom_n270, "atom-n270.toml")
IA32EMU_EMBED_PRESET(ia32emu_preset_pentium_m, "pentium-m.toml")

namespace ia32emu {

static std::string_view embedded(const char *begin, const char *end) { return {begin, size_t(end - begin)}; }

std::span<const BoardPreset> board_presets() {
    static const std::array<BoardPreset, 2> presets = {{
        {"atom-n270", embedded(ia32emu_preset_atom_n270_begin, ia32emu_preset_atom_n270_end)},
        {"pentium-m", embedded(ia32emu_preset_pentium_m_begin, ia32emu_preset_pentium_m_end)},
    }};
    return presets;
}

const BoardPreset *find_board_preset(std::string_view name) {
    if (name == "default") name = kDefaultBoard;
    auto presets = board_presets();
    auto it = std::find_if(presets.begin(), presets.end(), [&](const BoardPreset &p) { return p.name == name; });
    return it == presets.end() ? nullptr : &*it;
}

} // namespace ia32emu
