#include "emu/report/board_parameters.h"

namespace ia32emu {
namespace {

void flatten(const nlohmann::ordered_json &node, const std::string &prefix,
             std::vector<std::pair<std::string, std::string>> &out) {
    if (!node.is_object()) {
        out.emplace_back(prefix, node.is_string() ? node.get<std::string>()
                                                  : node.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        return;
    }
    for (const auto &[key, value] : node.items()) flatten(value, prefix.empty() ? key : prefix + "." + key, out);
}

} // namespace

std::vector<std::pair<std::string, std::string>> board_parameters(const nlohmann::ordered_json &board) {
    std::vector<std::pair<std::string, std::string>> out;
    flatten(board, "", out);
    return out;
}

} // namespace ia32emu
