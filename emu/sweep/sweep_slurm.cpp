#include "emu/sweep/sweep_slurm.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu/report/report_json.h"
#include "emu/sweep/sweep_interrupt.h"
#include "emu/sweep/sweep_progress.h"

namespace ia32emu {

namespace {

[[noreturn]] void fail(const std::string &message) { throw SweepError("sweep: " + message); }

struct Captured {
    int status = -1;   // exit status, -1 when it could not run or a signal ended it
    std::string out, err;
};

// Runs a program found in PATH with stdin from /dev/null and both outputs captured.
Captured capture(const std::vector<std::string> &argv) {
    Captured result;
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return result;
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return result;
    }
    std::vector<char *> args;
    for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        SweepInterrupt::unblock_in_child();
        int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) ::dup2(null_fd, 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (pid < 0) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        return result;
    }
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string *sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, size_t(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (pollfd &f : fds)
        if (f.fd >= 0) ::close(f.fd);
    int wait_status = 0;
    while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(wait_status)) result.status = WEXITSTATUS(wait_status);
    return result;
}

bool in_path(const std::string &program) {
    const char *path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string dir = dirs.substr(start, end - start);
        if (dir.empty()) dir = ".";
        if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

std::string single_quoted(const std::string &text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string first_line(const std::string &text) {
    std::string line = text.substr(0, text.find('\n'));
    return line.empty() ? "no message" : line;
}

} // namespace

std::string slurm_array_ranges(const std::vector<size_t> &indices) {
    std::string out;
    for (size_t i = 0; i < indices.size();) {
        size_t j = i;
        while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
        if (!out.empty()) out += ',';
        out += std::to_string(indices[i]);
        if (j > i) out += "-" + std::to_string(indices[j]);
        i = j + 1;
    }
    return out;
}

std::string slurm_array_script(const std::filesystem::path &binary, const std::filesystem::path &sweep_dir,
                               const std::vector<size_t> &indices, const SlurmOptions &options) {
    std::string script = "#!/bin/sh\n";
    script += "# Written by ia32emu sweep: task i runs point i of " + (sweep_dir / "sweep.json").string() + ".\n";
    script += "#SBATCH --job-name=ia32emu-sweep\n";
    script += "#SBATCH --array=" + slurm_array_ranges(indices) +
              (options.throttle ? "%" + std::to_string(options.throttle) : std::string()) + "\n";
    script += "#SBATCH --output=" + (sweep_dir / "slurm" / "%A_%a.out").string() + "\n";
    script += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
    if (!options.partition.empty()) script += "#SBATCH --partition=" + options.partition + "\n";
    if (!options.time.empty()) script += "#SBATCH --time=" + options.time + "\n";
    for (const std::string &arg : options.sbatch_args) script += "#SBATCH " + arg + "\n";
    script += "exec " + single_quoted(binary.string()) + " sweep run-point " + single_quoted(sweep_dir.string()) +
              " \"$SLURM_ARRAY_TASK_ID\"\n";
    return script;
}

void check_slurm_usable(const SlurmOptions &options) {
    for (const char *program : {"sbatch", "squeue", "scancel"})
        if (!in_path(program)) fail(std::string("--slurm: ") + program + " not found in PATH");
    auto one_line = [](const std::string &what, const std::string &text) {
        if (text.find_first_of("\r\n") != std::string::npos) fail("--slurm: " + what + " must be one line");
    };
    one_line("--partition", options.partition);
    one_line("--time", options.time);
    for (const std::string &arg : options.sbatch_args) {
        one_line("--sbatch-arg", arg);
        if (!arg.starts_with("-")) fail("--sbatch-arg '" + arg + "': expected an sbatch option, e.g. --mem=2G");
    }
}

std::string submit_slurm_array(const std::filesystem::path &binary, const std::filesystem::path &sweep_dir,
                               const std::vector<size_t> &indices, const SlurmOptions &options) {
    const std::filesystem::path folder = sweep_dir / "slurm";
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) fail("cannot create " + folder.string() + ": " + ec.message());
    const std::filesystem::path script = folder / "array.sh";
    try {
        write_file_atomically(script, slurm_array_script(binary, sweep_dir, indices, options));
        std::filesystem::permissions(script, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
    } catch (const std::exception &e) {
        fail("cannot write " + script.string() + ": " + e.what());
    }
    Captured sbatch = capture({"sbatch", "--parsable", script.string()});
    if (sbatch.status != 0) fail("sbatch refused the job array: " + first_line(sbatch.err + sbatch.out));
    // --parsable prints "jobid" or "jobid;cluster".
    std::string job_id = sbatch.out.substr(0, sbatch.out.find_first_of(";\n"));
    if (job_id.empty() || job_id.find_first_not_of("0123456789") != std::string::npos)
        fail("sbatch printed no job id: " + first_line(sbatch.out + sbatch.err));
    try {
        write_file_atomically(folder / "job_id", job_id + "\n");
    } catch (const std::exception &) {
        // The id was printed; the file is only a convenience.
    }
    return job_id;
}

SlurmWaitResult wait_for_slurm_array(const std::filesystem::path &sweep_dir, const SweepManifest &manifest,
                                     const std::vector<size_t> &indices, size_t kept, const std::string &job_id) {
    SweepInterrupt interrupt;
    SweepProgress progress(manifest.points.size(), kept);
    SlurmWaitResult result;
    std::set<size_t> pending(indices.begin(), indices.end());
    using Clock = std::chrono::steady_clock;
    auto last_queue_check = Clock::now();
    auto note_finished = [&]() {
        for (auto it = pending.begin(); it != pending.end();) {
            const PlannedPoint &point = manifest.points[*it];
            if (auto status = read_status(point_folder(sweep_dir, point.id))) {
                ++result.finished;
                if (!status->ok) ++result.failed;
                progress.finished(point.id, status->ok, status->message, status->wall_seconds, 0);
                it = pending.erase(it);
            } else {
                ++it;
            }
        }
    };
    while (true) {
        note_finished();
        if (pending.empty()) break;
        if (interrupt.requested()) {
            capture({"scancel", job_id});
            result.interrupted = true;
            break;
        }
        if (Clock::now() - last_queue_check >= std::chrono::seconds(2)) {
            last_queue_check = Clock::now();
            Captured queue = capture({"squeue", "--noheader", "--jobs", job_id, "--format", "%i"});
            // Once a job has left the controller's memory squeue calls its id invalid.
            const bool gone = (queue.status == 0 && queue.out.find_first_not_of(" \n") == std::string::npos) ||
                              (queue.status != 0 && queue.err.find("Invalid job id") != std::string::npos);
            if (gone) {
                note_finished();
                break;
            }
        }
        interrupt.wait(std::chrono::milliseconds(250));
    }
    progress.close();
    return result;
}

} // namespace ia32emu
