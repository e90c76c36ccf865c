// Child processes for guest tests: posix_spawn, both pipes drained with poll, a hard kill as safety net.
#include "tests/support/guest_run.h"
#include "tests/support/child_pipes.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

extern char **environ;

namespace ia32emu::test {
namespace {

// Reads what is available on fd into sink; returns false at end of file.
bool drain(int fd, std::string &sink) {
    std::array<char, 65536> buf;
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n > 0) {
            sink.append(buf.data(), size_t(n));
            return true;
        }
        if (n == 0)
            return false;
        if (errno != EINTR)
            fail_errno("read from child", errno);
    }
}

std::string exit_description(const ProcessResult &r) {
    std::ostringstream s;
    if (r.killed_by_safety_net)
        s << "killed by the test's safety net after " << r.wall.count() << " s";
    else if (r.term_signal)
        s << "killed by signal " << r.term_signal << " (" << strsignal(r.term_signal) << ")";
    else
        s << "exit status " << r.exit_status;
    return s.str();
}

bool starts_with_any(std::string_view line, std::initializer_list<std::string_view> prefixes) {
    for (std::string_view p : prefixes)
        if (line.starts_with(p))
            return true;
    return false;
}

} // namespace

std::string file_contents(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> ProcessResult::out_lines() const { return split_lines(out); }
std::vector<std::string> ProcessResult::err_lines() const { return split_lines(err); }

std::string ProcessResult::describe() const {
    std::string s = exit_description(*this);
    if (!err.empty())
        s += "; stderr: " + err;
    return s;
}

ProcessResult run_process(const std::vector<std::string> &argv, std::chrono::milliseconds safety_limit) {
    return run_process(argv, SignalWhen{}, safety_limit);
}

ProcessResult run_process(const std::vector<std::string> &argv, const SignalWhen &plan,
                          std::chrono::milliseconds safety_limit) {
    if (argv.empty())
        throw std::invalid_argument("run_process: empty argv");
    Pipe out, err;
    SpawnActions fa;
    posix_spawn_file_actions_addopen(&fa.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa.actions, out.write_end, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa.actions, err.write_end, STDERR_FILENO);

    std::vector<char *> cargv;
    for (const std::string &a : argv)
        cargv.push_back(const_cast<char *>(a.c_str()));
    cargv.push_back(nullptr);

    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + safety_limit;
    pid_t pid = -1;
    if (int rc = posix_spawn(&pid, argv[0].c_str(), &fa.actions, nullptr, cargv.data(), environ); rc != 0)
        fail_errno("cannot start '" + argv[0] + "'", rc);
    out.close_write();
    err.close_write();

    ProcessResult result;
    bool out_open = true, err_open = true;
    bool signalled = !plan.ready;
    while (out_open || err_open) {
        if (!signalled && plan.ready(result)) {
            ::kill(pid, plan.signal);
            signalled = true;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 && !result.killed_by_safety_net) {
            // Only the child we started, by its id; it holds the only write ends, so EOF follows.
            ::kill(pid, SIGKILL);
            result.killed_by_safety_net = true;
        }
        std::array<pollfd, 2> fds{{{out.read_end, POLLIN, 0}, {err.read_end, POLLIN, 0}}};
        int timeout_ms = result.killed_by_safety_net ? -1 : int(std::max<long long>(1, left.count()));
        if (!signalled)
            timeout_ms = std::min(timeout_ms, 20);
        int n = ::poll(fds.data(), fds.size(), timeout_ms);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail_errno("poll", errno);
        }
        if (out_open && fds[0].revents)
            out_open = drain(out.read_end, result.out);
        if (err_open && fds[1].revents)
            err_open = drain(err.read_end, result.err);
        if (!out_open)
            out.close_read();
        if (!err_open)
            err.close_read();
    }

    int status = 0;
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR)
            fail_errno("wait4", errno);
    }
    result.peak_rss_kib = usage.ru_maxrss;
    result.wall = std::chrono::steady_clock::now() - start;
    if (WIFEXITED(status))
        result.exit_status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.term_signal = WTERMSIG(status);
    return result;
}

std::filesystem::path build_dir() { return IA32EMU_BUILD_DIR; }
std::filesystem::path ia32emu_binary() { return build_dir() / "ia32emu"; }
std::filesystem::path our_kernel() { return build_dir() / "guest" / "kernel.elf"; }
std::filesystem::path test_guest(std::string_view name) {
    return build_dir() / "tests" / "guests" / (std::string(name) + ".elf");
}

ScratchDir::ScratchDir() {
    const char *tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/ia32emu-test-XXXXXX";
    if (!::mkdtemp(templ.data()))
        fail_errno("mkdtemp " + templ, errno);
    path_ = templ;
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path ScratchDir::write(std::string_view name, std::string_view bytes) const {
    std::filesystem::path p = file(name);
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), std::streamsize(bytes.size()));
    if (!f)
        throw std::runtime_error("cannot write " + p.string());
    return p;
}

GuestResult run_ia32emu(const GuestRun &run) {
    std::vector<std::string> argv{ia32emu_binary().string(), "run", run.kernel.string()};
    if (!run.cmdline.empty()) {
        argv.push_back("--cmdline");
        argv.push_back(run.cmdline);
    }
    std::optional<ScratchDir> scratch;
    std::filesystem::path report_file;
    if (run.want_report) {
        scratch.emplace();
        report_file = scratch->file("report.json");
        argv.push_back("--report");
        argv.push_back(report_file.string());
    }
    argv.insert(argv.end(), run.extra_args.begin(), run.extra_args.end());

    GuestResult result;
    static_cast<ProcessResult &>(result) = run_process(argv, run.safety_limit);
    if (run.want_report) {
        std::ifstream in(report_file, std::ios::binary);
        if (!in) {
            result.report_problem = "no report was written to " + report_file.string();
        } else {
            try {
                result.report = nlohmann::json::parse(in);
            } catch (const nlohmann::json::exception &e) {
                result.report_problem = std::string("the report is not valid JSON: ") + e.what();
            }
        }
    }
    return result;
}

ProcessResult run_ia32emu_args(const std::vector<std::string> &args, std::chrono::milliseconds safety_limit) {
    std::vector<std::string> argv{ia32emu_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, safety_limit);
}

std::optional<std::filesystem::path> find_qemu() {
    const char *path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    while (!dirs.empty()) {
        size_t colon = dirs.find(':');
        std::string_view dir = dirs.substr(0, colon);
        dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
        if (dir.empty())
            continue;
        std::filesystem::path candidate = std::filesystem::path(dir) / "qemu-system-i386";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return std::nullopt;
}

ProcessResult run_qemu(const std::filesystem::path &qemu, const QemuRun &run) {
    std::vector<std::string> argv{qemu.string(), "-m", std::to_string(run.memory_mib),
                                  "-kernel", run.kernel.string(), "-append", run.append,
                                  "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                                  "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"};
    argv.insert(argv.end(), run.extra_args.begin(), run.extra_args.end());
    return run_process(argv, run.safety_limit);
}

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        std::string clean;
        for (char c : line)
            if (c != '\r')
                clean += c;
        lines.push_back(std::move(clean));
    }
    return lines;
}

std::vector<std::string> drop_lines(const std::vector<std::string> &lines, const LinePredicate &unwanted) {
    std::vector<std::string> kept;
    for (const std::string &l : lines)
        if (!unwanted(l))
            kept.push_back(l);
    return kept;
}

bool is_bios_line(std::string_view line) {
    return starts_with_any(line, {"SeaBIOS", "iPXE", "Booting from", "Machine UUID", "Press ESC", "PXE ",
                                  "Booting ROM", "Boot failed"});
}

// The default board's PCI hole starts at 0xE0000000 (memory.pci_hole_start); the line's end
// depends on where the board's reserved areas above it begin, so only the start is matched.
bool is_pci_hole_line(std::string_view line) {
    return line.starts_with("mmap: 0x00000000e0000000-") && line.ends_with(" reserved");
}

std::vector<std::string> comparable_lines(std::string_view serial) {
    return drop_lines(split_lines(serial), [](std::string_view l) { return is_bios_line(l) || is_pci_hole_line(l); });
}

GuestResult GuestTest::boot(const std::string &cmdline, std::vector<std::string> extra_args) {
    return boot_kernel(our_kernel(), cmdline, std::move(extra_args));
}

GuestResult GuestTest::boot_with_report(const std::string &cmdline, std::vector<std::string> extra_args) {
    GuestRun run;
    run.cmdline = cmdline;
    run.extra_args = std::move(extra_args);
    run.want_report = true;
    return run_ia32emu(run);
}

GuestResult GuestTest::boot_kernel(const std::filesystem::path &kernel, const std::string &cmdline,
                                   std::vector<std::string> extra_args) {
    GuestRun run;
    run.kernel = kernel;
    run.cmdline = cmdline;
    run.extra_args = std::move(extra_args);
    return run_ia32emu(run);
}

void QemuTest::SetUp() {
    auto q = find_qemu();
    if (!q)
        GTEST_SKIP() << "qemu-system-i386 is not installed (not found in PATH); the QEMU parity tests need it "
                        "(tools/bootstrap.sh installs the Debian package qemu-system-x86)";
    qemu_path_ = *q;
}

ProcessResult QemuTest::qemu(const std::string &append, const std::filesystem::path &kernel) {
    QemuRun run;
    run.kernel = kernel;
    run.append = append;
    return run_qemu(qemu_path_, run);
}

} // namespace ia32emu::test
