// `ia32emu bench`: the price of observation, as guest MIPS with no hooks, empty hooks, the full model.
#pragma once

#include <filesystem>
#include <string>

namespace ia32emu {

struct BenchRequest {
    std::filesystem::path kernel;
    std::string cmdline;
    std::string board = "default";
    std::filesystem::path firmware;
    unsigned repeat = 3;   // runs per configuration; the fastest counts
};

int bench_command(const BenchRequest &req);

} // namespace ia32emu
