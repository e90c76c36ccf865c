// `ia32emu diff A.json B.json [--threshold PCT|METRIC=PCT|METRIC=off]... [--force]`: exit 0, 1 (a
// regression past its threshold) or 2 (bad input, reports that cannot be compared, or reports of
// different kernels, command lines or boards without --force).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ia32emu {

struct DiffRequest {
    std::filesystem::path a, b;
    std::vector<std::string> thresholds;
    bool force = false;   // compare reports of different runs, saying how they differ
};

int diff_command(const DiffRequest &req);

} // namespace ia32emu
