#include "emu/sweep/sweep_local.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <map>

#include <sys/wait.h>

#include "emu/sweep/sweep_interrupt.h"
#include "emu/sweep/sweep_progress.h"

namespace ia32emu {

namespace {

using Clock = std::chrono::steady_clock;

struct Running {
    size_t index;
    Clock::time_point started;
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

} // namespace

LocalSweepResult run_points_locally(const std::filesystem::path &sweep_dir, const SweepManifest &manifest,
                                    const std::vector<size_t> &todo, size_t kept, unsigned jobs) {
    SweepInterrupt interrupt;
    SweepProgress progress(manifest.points.size(), kept);
    LocalSweepResult result;
    std::map<pid_t, Running> running;
    size_t next = 0;
    while (!interrupt.requested()) {
        while (next < todo.size() && running.size() < jobs) {
            const PlannedPoint &point = manifest.points[todo[next]];
            pid_t pid = start_point(point_folder(sweep_dir, point.id), point.argv);
            running.emplace(pid, Running{todo[next], Clock::now()});
            ++next;
            progress.running(running.size());
        }
        if (running.empty()) break;
        bool reaped = false;
        int wait_status = 0;
        pid_t pid;
        while ((pid = ::waitpid(-1, &wait_status, WNOHANG)) > 0) {
            auto it = running.find(pid);
            if (it == running.end()) continue;
            reaped = true;
            const PlannedPoint &point = manifest.points[it->second.index];
            const std::filesystem::path folder = point_folder(sweep_dir, point.id);
            const double wall = seconds_since(it->second.started);
            running.erase(it);
            // A terminal's Ctrl-C reaches the points before the sweep hears of it.
            if (stopped_by_request(wait_status)) {
                interrupt.wait(std::chrono::milliseconds(200));
                if (interrupt.requested()) {
                    discard_partial_run(folder);
                    continue;
                }
            }
            PointStatus status = record_status(folder, point.id, wait_status, wall);
            ++result.ran;
            if (!status.ok) ++result.failed;
            progress.finished(point.id, status.ok, status.message, wall, running.size());
        }
        if (!reaped) interrupt.wait();
    }
    progress.close();
    if (interrupt.requested()) {
        result.interrupted = true;
        for (const auto &[pid, r] : running) ::kill(pid, SIGTERM);
        for (const auto &[pid, r] : running) {
            int ignored = 0;
            while (::waitpid(pid, &ignored, 0) < 0 && errno == EINTR) {}
            discard_partial_run(point_folder(sweep_dir, manifest.points[r.index].id));
        }
    }
    return result;
}

int run_point_in_foreground(const std::filesystem::path &sweep_dir, const PlannedPoint &point) {
    SweepInterrupt interrupt;
    const std::filesystem::path folder = point_folder(sweep_dir, point.id);
    const auto started = Clock::now();
    pid_t pid = start_point(folder, point.argv);
    int wait_status = 0;
    bool forwarded = false;
    while (true) {
        pid_t done = ::waitpid(pid, &wait_status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return 1;
        // The run may sit in another process group than the batch system signals: pass it on.
        if (interrupt.requested() && !forwarded) {
            ::kill(pid, SIGTERM);
            forwarded = true;
        }
        interrupt.wait();
    }
    if (interrupt.requested() || stopped_by_request(wait_status)) {
        discard_partial_run(folder);
        return 130;
    }
    return record_status(folder, point.id, wait_status, seconds_since(started)).ok ? 0 : 1;
}

} // namespace ia32emu
