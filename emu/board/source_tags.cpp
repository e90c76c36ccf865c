#include "emu/board/source_tags.h"

namespace ia32emu {
namespace {

bool tag_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

} // namespace

std::string source_tags(std::string_view line) {
    size_t hash = std::string_view::npos;
    char quote = 0;
    for (size_t i = 0; i < line.size() && hash == std::string_view::npos; ++i) {
        const char c = line[i];
        if (quote) {
            if (c == '\\' && quote == '"') ++i;
            else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '#') {
            hash = i;
        }
    }
    if (hash == std::string_view::npos) return {};
    std::string tags;
    const std::string_view comment = line.substr(hash + 1);
    for (size_t open = comment.find('['); open != std::string_view::npos; open = comment.find('[', open + 1)) {
        size_t end = open + 1;
        while (end < comment.size() && tag_char(comment[end])) ++end;
        const size_t len = end - open - 1;
        if (end < comment.size() && comment[end] == ']' && len >= 2 && len <= 12) {
            const std::string tag(comment.substr(open, len + 2));
            if (tags.find(tag) == std::string::npos) tags += (tags.empty() ? "" : " ") + tag;
        }
    }
    return tags;
}

} // namespace ia32emu
