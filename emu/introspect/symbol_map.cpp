#include "emu/introspect/symbol_map.h"

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace ia32emu {

ElfImage load_symbol_map(const std::filesystem::path &path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw ImageError("--symbols: '" + path.string() + "' does not exist or is not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ImageError("--symbols: cannot open '" + path.string() + "'");
    std::ostringstream listing;
    listing << in.rdbuf();
    return parse_symbol_map(listing.str(), path.string());
}

ElfImage parse_symbol_map(std::string_view listing, const std::string &source) {
    std::istringstream in{std::string(listing)};
    std::map<uint32_t, std::string> text;
    std::map<std::string, uint32_t> objects;
    std::string line;
    unsigned number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty())
            continue;
        std::istringstream fields(line);
        std::string address, type, name;
        fields >> address >> type >> name;
        char *end = nullptr;
        unsigned long long value = std::strtoull(address.c_str(), &end, 16);
        if (address.empty() || *end != '\0' || value > 0xffffffffull || type.size() != 1 || name.empty())
            throw ImageError("--symbols: '" + source + "' line " + std::to_string(number) +
                             " is not 'ADDRESS TYPE NAME' (System.map format)");
        switch (type[0]) {
        case 'T': case 't': case 'W': case 'w':
            // The first name at an address wins: kallsyms lists aliases after the real name.
            text.emplace(uint32_t(value), name);
            break;
        case 'D': case 'd': case 'B': case 'b': case 'R': case 'r':
            objects.emplace(name, uint32_t(value));
            break;
        default:
            break;
        }
    }
    if (text.empty())
        throw ImageError("--symbols: '" + source + "' lists no functions");
    std::vector<Symbol> functions;
    for (auto it = text.begin(); it != text.end(); ++it) {
        auto next = std::next(it);
        functions.push_back({it->second, it->first, next == text.end() ? 0 : next->first - it->first});
    }
    return ElfImage::from_symbols(functions, objects);
}

} // namespace ia32emu
