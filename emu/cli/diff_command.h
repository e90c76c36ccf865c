// `ia32emu diff A.json B.json [--threshold PCT|METRIC=PCT|METRIC=off]...`: exit 0, 1 (a regression
// past its threshold) or 2 (bad input, reports that cannot be compared).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ia32emu {

struct DiffRequest {
    std::filesystem::path a, b;
    std::vector<std::string> thresholds;
};

int diff_command(const DiffRequest &req);

} // namespace ia32emu
