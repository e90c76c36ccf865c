// `ia32emu sweep`: expand a sweep file into points and run them here or as a Slurm job array;
// `sweep collect` gathers their results; `sweep run-point` is what one array task runs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ia32emu {

struct SweepRequest {
    std::filesystem::path file;
    std::filesystem::path out;
    unsigned jobs = 0;                     // 0: the CPUs this process may use
    bool force = false;
    bool yes = false;
    bool slurm = false;
    std::string partition;
    std::string time;
    std::vector<std::string> sbatch_args;
    unsigned throttle = 0;
    bool no_wait = false;
    std::string metric;
};

int sweep_command(const SweepRequest &req, const std::filesystem::path &binary);
int sweep_collect_command(const std::filesystem::path &dir, const std::string &metric);
int sweep_run_point_command(const std::filesystem::path &dir, const std::string &index);

} // namespace ia32emu
