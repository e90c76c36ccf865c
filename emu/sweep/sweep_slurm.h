// The Slurm engine: one job array, one task per point still to run, each task running
// `ia32emu sweep run-point DIR INDEX` on whichever node Slurm picks. The only assumptions are a
// folder every node sees at the same path and the emulator at the same path.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "emu/sweep/sweep_folder.h"

namespace ia32emu {

struct SlurmOptions {
    std::string partition;                 // --partition, unless empty
    std::string time;                      // --time, unless empty
    std::vector<std::string> sbatch_args;  // each one more #SBATCH line, e.g. "--mem=2G"
    unsigned throttle = 0;                 // the array's "%N": at most N tasks at once; 0: no limit
};

// "0-3,5,7-9": the indices as Slurm's --array spells them.
std::string slurm_array_ranges(const std::vector<size_t> &indices);
// The batch script: #SBATCH lines, then the task's one command.
std::string slurm_array_script(const std::filesystem::path &binary, const std::filesystem::path &sweep_dir,
                               const std::vector<size_t> &indices, const SlurmOptions &options);

// Checks what can be checked before anything is submitted: sbatch and squeue in PATH, options
// that would break the script. SweepError naming the problem.
void check_slurm_usable(const SlurmOptions &options);
// Writes DIR/slurm/array.sh, submits it with sbatch and returns the job id (also in
// DIR/slurm/job_id). SweepError with sbatch's own message when it refuses.
std::string submit_slurm_array(const std::filesystem::path &binary, const std::filesystem::path &sweep_dir,
                               const std::vector<size_t> &indices, const SlurmOptions &options);

struct SlurmWaitResult {
    size_t finished = 0;     // of the submitted points, those with a status
    size_t failed = 0;
    bool interrupted = false;   // Ctrl-C: the job was cancelled with scancel
};

// Polls the points' status files and squeue until every submitted point has a status or the job
// has no task left in the queue (a task the batch system killed leaves no status: collect shows
// it as missing).
SlurmWaitResult wait_for_slurm_array(const std::filesystem::path &sweep_dir, const SweepManifest &manifest,
                                     const std::vector<size_t> &indices, size_t kept, const std::string &job_id);

} // namespace ia32emu
