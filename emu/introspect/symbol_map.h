// A symbol listing in the System.map / /proc/kallsyms format ("c1000000 T startup_32"), for
// kernels whose file carries no symbol table (a bzImage) or a stub System.map (Debian's).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "emu/introspect/elf_image.h"

namespace ia32emu {

// Text symbols (T, t, W, w) become functions, data (D, d, B, b, R, r) objects; a function's size
// runs to the next one. Throws ImageError naming the file and line for anything else.
ElfImage load_symbol_map(const std::filesystem::path &path);
// The same from the listing's text; `source` names it in messages.
ElfImage parse_symbol_map(std::string_view text, const std::string &source);

} // namespace ia32emu
