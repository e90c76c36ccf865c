// Everything the sweep can refuse is refused before the first point starts: the file, every
// point's board, the metric, the output folder and, with --slurm, the Slurm client tools.
#include "emu/cli/sweep_command.h"

#include <algorithm>
#include <cstdio>

#include <sched.h>

#include "emu/board/board_config.h"
#include "emu/engine/run_outcome.h"
#include "emu/sweep/sweep_collect.h"
#include "emu/sweep/sweep_folder.h"
#include "emu/sweep/sweep_local.h"
#include "emu/sweep/sweep_slurm.h"
#include "emu/sweep/sweep_spec.h"

namespace ia32emu {

namespace {

constexpr int kExitSomePointFailed = 1;
constexpr int kExitInterrupted = 130;

unsigned usable_cpus() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return unsigned(CPU_COUNT(&set));
    return 1;
}

int report_collected(const std::filesystem::path &dir, const std::string &metric) {
    SweepTables tables = collect_sweep_to_files(dir, metric);
    std::fprintf(stderr, "sweep: %zu ok, %zu failed, %zu without a result; %s, %s\n", tables.ok, tables.failed,
                 tables.missing, (dir / "results.csv").c_str(), (dir / "results.html").c_str());
    return tables.failed || tables.missing ? kExitSomePointFailed : 0;
}

} // namespace

int sweep_command(const SweepRequest &req, const std::filesystem::path &binary) {
    try {
        const std::string metric = req.metric.empty() ? std::string(kDefaultSweepMetric) : req.metric;
        auto metrics = sweep_metrics();
        if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end())
            throw SweepError("sweep: unknown metric '" + metric + "' (e.g. cycles_p50, l1d_misses, dtlb_misses)");
        if (req.out.empty()) throw SweepError("sweep: --out DIR is required (the folder for the points' results)");
        std::error_code ec;
        if (std::filesystem::exists(req.out, ec) && !std::filesystem::is_directory(req.out, ec))
            throw SweepError("sweep: --out " + req.out.string() + " exists and is not a folder");
        SlurmOptions slurm{req.partition, req.time, req.sbatch_args, req.throttle};
        if (!req.slurm && (!req.partition.empty() || !req.time.empty() || !req.sbatch_args.empty() || req.throttle ||
                           req.no_wait))
            throw SweepError("sweep: --partition, --time, --sbatch-arg, --throttle and --no-wait need --slurm");
        if (req.slurm) check_slurm_usable(slurm);

        const SweepSpec spec = parse_sweep_file(req.file);
        const std::vector<SweepPoint> points = expand_sweep(spec, req.yes);
        const std::filesystem::path dir = std::filesystem::absolute(req.out).lexically_normal();
        std::vector<std::vector<std::string>> argvs;
        for (const SweepPoint &p : points) argvs.push_back(point_argv(binary, spec, p));
        write_manifest(dir, spec, points, argvs);
        const SweepManifest manifest = read_manifest(dir);

        std::vector<size_t> todo;
        for (size_t i = 0; i < points.size(); ++i) {
            const std::filesystem::path folder = point_folder(dir, points[i].id);
            const std::string board_file = point_board_file(points[i]);
            if (!req.force && point_finished(folder, argvs[i], board_file)) continue;
            prepare_point(folder, argvs[i], board_file);
            todo.push_back(i);
        }
        const size_t kept = points.size() - todo.size();
        const unsigned jobs = req.jobs ? req.jobs : usable_cpus();
        std::fprintf(stderr, "sweep: %zu points in %s: %zu finished and kept, %zu to run %s\n", points.size(),
                     dir.c_str(), kept, todo.size(),
                     req.slurm ? "as a Slurm job array" : ("here, " + std::to_string(jobs) + " at a time").c_str());

        if (!req.slurm) {
            LocalSweepResult run = run_points_locally(dir, manifest, todo, kept, jobs);
            if (run.interrupted) {
                std::fprintf(stderr, "sweep: interrupted; finished points are kept, run the same command to resume\n");
                return kExitInterrupted;
            }
            return report_collected(dir, metric);
        }
        if (todo.empty()) return report_collected(dir, metric);
        const std::string job_id = submit_slurm_array(binary, dir, todo, slurm);
        std::fprintf(stderr, "sweep: submitted Slurm job %s (%zu tasks, script %s)\n", job_id.c_str(), todo.size(),
                     (dir / "slurm" / "array.sh").c_str());
        if (req.no_wait) {
            std::printf("%s\n", job_id.c_str());
            std::fprintf(stderr, "sweep: `ia32emu sweep collect %s` gathers the results whenever they are done\n",
                         dir.c_str());
            return 0;
        }
        SlurmWaitResult waited = wait_for_slurm_array(dir, manifest, todo, kept, job_id);
        if (waited.interrupted) {
            std::fprintf(stderr, "sweep: interrupted; Slurm job %s cancelled, finished points are kept\n", job_id.c_str());
            return kExitInterrupted;
        }
        if (waited.finished < todo.size())
            std::fprintf(stderr, "sweep: job %s ended with %zu points without a status; see %s\n", job_id.c_str(),
                         todo.size() - waited.finished, (dir / "slurm").c_str());
        return report_collected(dir, metric);
    } catch (const SweepError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
        return kExitBadInput;
    } catch (const ConfigError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
        return kExitBadInput;
    }
}

int sweep_collect_command(const std::filesystem::path &dir, const std::string &metric) {
    try {
        return report_collected(dir, metric.empty() ? std::string(kDefaultSweepMetric) : metric);
    } catch (const SweepError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
        return kExitBadInput;
    }
}

int sweep_run_point_command(const std::filesystem::path &dir, const std::string &index) {
    try {
        const SweepManifest manifest = read_manifest(dir);
        size_t i = 0;
        if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos ||
            (i = std::stoul(index)) >= manifest.points.size())
            throw SweepError("sweep: run-point: no point " + index + " in " + dir.string());
        return run_point_in_foreground(dir, manifest.points[i]);
    } catch (const SweepError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
        return kExitBadInput;
    } catch (const std::out_of_range &) {
        std::fprintf(stderr, "ia32emu: sweep: run-point: no point %s in %s\n", index.c_str(), dir.c_str());
        return kExitBadInput;
    }
}

} // namespace ia32emu
