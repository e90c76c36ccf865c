// One pass over the text, skipping strings and comments. Dots are counted within a run of key
// characters (bare or quoted key parts, whitespace); '=', brackets, commas and line ends end a
// run, so a float's one dot never adds up with anything.
#include "emu/board/toml_depth.h"

#include <string>

namespace ia32emu {
namespace {

bool is_key_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '+' || c == ' ' || c == '\t' || c == ':';
}

} // namespace

std::optional<TomlNesting> excessive_toml_nesting(std::string_view text, unsigned limit) {
    size_t line = 1;
    unsigned dots = 0;
    unsigned brackets = 0;
    size_t i = 0;
    auto skip_string = [&](char quote) {
        const bool multi = text.substr(i, 3) == std::string(3, quote);
        i += multi ? 3 : 1;
        while (i < text.size()) {
            char c = text[i];
            if (c == '\n') {
                ++line;
                if (!multi)
                    return;   // an unterminated one-line string: the parser reports it
            }
            if (c == '\\' && quote == '"') {
                i += 2;
                continue;
            }
            if (c == quote && (!multi || text.substr(i, 3) == std::string(3, quote))) {
                i += multi ? 3 : 1;
                return;
            }
            ++i;
        }
    };
    while (i < text.size()) {
        char c = text[i];
        if (c == '"' || c == '\'') {
            skip_string(c);
            continue;
        }
        if (c == '#') {
            while (i < text.size() && text[i] != '\n')
                ++i;
            continue;
        }
        if (c == '.') {
            if (++dots > limit)
                return TomlNesting{line, "dotted key"};
        } else if (c == '[' || c == '{') {
            dots = 0;
            if (++brackets > limit)
                return TomlNesting{line, "array or inline table"};
        } else if (c == ']' || c == '}') {
            dots = 0;
            if (brackets > 0)
                --brackets;
        } else if (!is_key_char(c)) {
            dots = 0;
        }
        if (c == '\n')
            ++line;
        ++i;
    }
    return std::nullopt;
}

} // namespace ia32emu
