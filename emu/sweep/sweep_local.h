// The local engine: a sweep's points as child processes, at most `jobs` at a time.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "emu/sweep/sweep_folder.h"

namespace ia32emu {

struct LocalSweepResult {
    size_t ran = 0;          // points that ran to an end and were recorded
    size_t failed = 0;       // of those, the ones that did not exit 0
    bool interrupted = false;
};

// Runs manifest.points[i] for each i in `todo` (already prepared), `kept` finished ones counting
// toward the progress line. Ctrl-C or SIGTERM stops the running points, drops their partial files
// and returns with `interrupted`: those points run again next time.
LocalSweepResult run_points_locally(const std::filesystem::path &sweep_dir, const SweepManifest &manifest,
                                    const std::vector<size_t> &todo, size_t kept, unsigned jobs);

// One point, in the foreground: what a Slurm array task runs. Returns the point's exit status
// (0 ok, 1 failed), or 130 when stopped before it ended (nothing recorded then).
int run_point_in_foreground(const std::filesystem::path &sweep_dir, const PlannedPoint &point);

} // namespace ia32emu
