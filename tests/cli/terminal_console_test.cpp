// COM1 on a terminal, as `qemu-system-i386 -nographic` gives it: ia32emu runs with a pty's slave
// as stdin and stdout, the test types at the master, and the interrupt-driven console guest
// (tests/guests/uart_irq.c) prints back each line it receives. The terminal's settings after the
// run, however it ended, must be the ones before it.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/support/child_pipes.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

using namespace std::chrono_literals;

constexpr const char *kBanner = "uart_irq: IRQ4 console up, 16550A FIFO trigger 8\n";

bool same_settings(const termios &a, const termios &b) {
    return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag && a.c_lflag == b.c_lflag &&
           std::memcmp(a.c_cc, b.c_cc, sizeof a.c_cc) == 0;
}

std::string describe(const termios &t) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "iflag=%#o oflag=%#o cflag=%#o lflag=%#o", unsigned(t.c_iflag), unsigned(t.c_oflag),
                  unsigned(t.c_cflag), unsigned(t.c_lflag));
    return buf;
}

// One ia32emu run on a fresh pty, in a session of its own (the pty is not its controlling terminal,
// so nothing here touches the terminal the tests run from). stderr goes to a pipe.
class PtyRun {
public:
    explicit PtyRun(const std::vector<std::string> &args) {
        if (::openpty(&master_, &slave_, nullptr, nullptr, nullptr) != 0)
            fail_errno("openpty", errno);
        if (::tcgetattr(slave_, &before) != 0)
            fail_errno("tcgetattr", errno);
        std::vector<std::string> argv{ia32emu_binary().string(), "run"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char *> cargv;
        for (std::string &a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ < 0)
            fail_errno("fork", errno);
        if (pid_ == 0) {
            // Only async-signal-safe calls between fork and exec.
            ::setsid();
            ::dup2(slave_, STDIN_FILENO);
            ::dup2(slave_, STDOUT_FILENO);
            ::dup2(err_.write_end, STDERR_FILENO);
            ::close(master_);
            ::close(slave_);
            // The crash-signal test must not leave a core file behind.
            const struct rlimit no_core {0, 0};
            ::setrlimit(RLIMIT_CORE, &no_core);
            ::execv(cargv[0], cargv.data());
            ::_exit(127);
        }
        started_ = std::chrono::steady_clock::now();
        err_.close_write();
        ::fcntl(err_.read_end, F_SETFL, O_NONBLOCK);
        ::fcntl(master_, F_SETFL, O_NONBLOCK);
    }

    ~PtyRun() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            int status;
            ::waitpid(pid_, &status, 0);
        }
        ::close(master_);
        ::close(slave_);
    }

    // Waits until the terminal has shown `text`; false when `limit` passed first.
    bool wait_for(std::string_view text, std::chrono::milliseconds limit = 60s) {
        return wait_until([&] { return screen.find(text) != std::string::npos; }, limit);
    }
    bool wait_until(const std::function<bool()> &done, std::chrono::milliseconds limit = 60s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline)
                return false;
            pump(20ms);
        }
        return true;
    }

    void type(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::write(master_, bytes.data(), bytes.size());
            if (n < 0 && errno != EINTR && errno != EAGAIN)
                fail_errno("write to the pty", errno);
            if (n > 0)
                bytes.remove_prefix(size_t(n));
        }
    }

    termios settings_now() const {
        termios t{};
        if (::tcgetattr(slave_, &t) != 0)
            fail_errno("tcgetattr", errno);
        return t;
    }

    void signal(int signo) const { ::kill(pid_, signo); }

    // Waits for the process to end (a hard kill after `limit` fails the test). Reads the settings
    // the terminal was left in.
    void finish(std::chrono::milliseconds limit = 60s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        int status = 0;
        for (;;) {
            pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_)
                break;
            if (std::chrono::steady_clock::now() > deadline) {
                ADD_FAILURE() << "ia32emu did not end within " << limit.count() << " ms; screen: " << screen;
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            pump(20ms);
        }
        exited_ = true;
        wall = std::chrono::steady_clock::now() - started_;
        pump(0ms);
        exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        after = settings_now();
    }

    std::string what() const {
        return "exit " + std::to_string(exit_status) + ", signal " + std::to_string(term_signal) + "; screen: " +
               screen + "; stderr: " + err;
    }

    termios before{}, after{};
    std::string screen;   // what the terminal showed, without the CRs output processing adds
    std::string err;
    int exit_status = -1;
    int term_signal = 0;
    std::chrono::duration<double> wall{0};

private:
    void pump(std::chrono::milliseconds timeout) {
        struct pollfd fds[2] = {{master_, POLLIN, 0}, {err_.read_end, POLLIN, 0}};
        ::poll(fds, 2, int(timeout.count()));
        char buf[4096];
        ssize_t n;
        while ((n = ::read(master_, buf, sizeof buf)) > 0)
            for (ssize_t i = 0; i < n; ++i)
                if (buf[i] != '\r')
                    screen.push_back(buf[i]);
        while ((n = ::read(err_.read_end, buf, sizeof buf)) > 0) err.append(buf, size_t(n));
    }

    int master_ = -1, slave_ = -1;
    Pipe err_;
    pid_t pid_ = -1;
    bool exited_ = false;
    std::chrono::steady_clock::time_point started_;
};

std::vector<std::string> console_args(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{test_guest("uart_irq").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

TEST(TerminalConsole, TypedLinesReachTheGuestOnInterruptsAndTheTerminalIsRestored) {
    ScratchDir dir;
    const auto report = dir.file("r.json");
    PtyRun run(console_args({"--report", report.string(), "--timeout", "120"}));
    ASSERT_TRUE(run.wait_for(kBanner)) << run.screen << run.err;
    const termios during = run.settings_now();
    EXPECT_FALSE(during.c_lflag & (ECHO | ICANON | ISIG)) << "not raw while the guest runs: " << describe(during);
    EXPECT_FALSE(during.c_iflag & (ICRNL | IXON)) << describe(during);
    EXPECT_TRUE(during.c_oflag & OPOST) << "output processing stays on: " << describe(during);
    run.type("hello tty\n");
    ASSERT_TRUE(run.wait_for("uart_irq: got 'hello tty' (9 bytes)\n")) << run.screen << run.err;
    // Sent in pieces with pauses: the guest sleeps in hlt with nothing scheduled between them.
    run.type("sec");
    std::this_thread::sleep_for(300ms);
    run.type("ond\n");
    ASSERT_TRUE(run.wait_for("uart_irq: got 'second' (6 bytes)\n")) << run.screen << run.err;
    run.type("end\n");
    run.finish();
    EXPECT_EQ(run.exit_status, 0) << run.what();
    EXPECT_NE(run.screen.find("uart_irq: lines=2 received on interrupts, sent on THRE interrupts\n"), std::string::npos)
        << run.screen;
    EXPECT_TRUE(same_settings(run.before, run.after)) << describe(run.before) << " -> " << describe(run.after);
    auto j = nlohmann::json::parse(file_contents(report));
    EXPECT_EQ(j["run"]["serial_input"], (nlohmann::json{{"source", "terminal"}}));
    EXPECT_EQ(j["exit"]["reason"], "guest_exit");

    // Typed input does not repeat: diff will not compare two interactive runs as like for like.
    auto diff = run_ia32emu_args({"diff", report.string(), report.string()});
    EXPECT_EQ(diff.exit_status, 2) << diff.describe();
    EXPECT_NE(diff.err.find("serial input (A terminal, B terminal; typed input is not reproducible)"),
              std::string::npos)
        << diff.err;
    auto shown = run_ia32emu_args({"report", report.string()});
    EXPECT_NE(shown.out.find(", serial input typed at a terminal\n"), std::string::npos) << shown.out;
}

TEST(TerminalConsole, CtrlCAndCtrlZAreBytesForTheGuestAndCtrlACtrlASendsOneCtrlA) {
    PtyRun run(console_args({"--timeout", "120"}));
    ASSERT_TRUE(run.wait_for(kBanner)) << run.screen << run.err;
    run.type("a\x03" "b\x1a" "c\x01\x01" "d\x01qe\n");
    ASSERT_TRUE(run.wait_for("uart_irq: got 'a\x03" "b\x1a" "c\x01" "de' (8 bytes)\n")) << run.screen << run.err;
    run.type("end\n");
    run.finish();
    EXPECT_EQ(run.exit_status, 0) << run.what();
    EXPECT_TRUE(same_settings(run.before, run.after)) << describe(run.before) << " -> " << describe(run.after);
}

TEST(TerminalConsole, CtrlAXEndsTheRunWithStatus120AndCtrlAHPrintsHelp) {
    ScratchDir dir;
    const auto report = dir.file("r.json");
    PtyRun run(console_args({"--report", report.string(), "--timeout", "120"}));
    ASSERT_TRUE(run.wait_for(kBanner)) << run.screen << run.err;
    run.type("\x01h");
    run.wait_until([&] { return run.err.find("Ctrl-A  send Ctrl-A to the guest\n") != std::string::npos; });
    EXPECT_NE(run.err.find("x       end the run (exit status 120)"), std::string::npos) << run.err;
    run.type("half a line\x01x");
    run.finish();
    EXPECT_EQ(run.exit_status, 120) << run.what();
    EXPECT_NE(run.err.find("ia32emu: quit: ended from the terminal with Ctrl-A x"), std::string::npos) << run.err;
    EXPECT_TRUE(same_settings(run.before, run.after)) << describe(run.before) << " -> " << describe(run.after);
    auto j = nlohmann::json::parse(file_contents(report));
    EXPECT_EQ(j["exit"]["reason"], "quit");
    EXPECT_EQ(j["exit"]["code"], 120);
}

struct StopCase {
    int signal;
    const char *name;
};
void PrintTo(const StopCase &c, std::ostream *os) { *os << c.name; }

class TerminalStopSignal : public ::testing::TestWithParam<StopCase> {};

// The guest waits in hlt for keys; a stop signal still ends the run at once, with its report
// status, and the terminal as it was.
TEST_P(TerminalStopSignal, EndsTheWaitAndRestoresTheTerminal) {
    const auto [signo, name] = GetParam();
    PtyRun run(console_args({"--timeout", "120"}));
    ASSERT_TRUE(run.wait_for(kBanner)) << run.screen << run.err;
    std::this_thread::sleep_for(200ms);
    run.signal(signo);
    run.finish(30s);
    EXPECT_EQ(run.exit_status, 128 + signo) << run.what();
    EXPECT_NE(run.err.find(std::string("signal: ") + name), std::string::npos) << run.err;
    EXPECT_LT(run.wall.count(), 60) << "the wait for keys held the signal up";
    EXPECT_TRUE(same_settings(run.before, run.after)) << describe(run.before) << " -> " << describe(run.after);
}

INSTANTIATE_TEST_SUITE_P(Signals, TerminalStopSignal,
                         ::testing::Values(StopCase{SIGTERM, "SIGTERM"}, StopCase{SIGINT, "SIGINT"},
                                           StopCase{SIGHUP, "SIGHUP"}),
                         [](const ::testing::TestParamInfo<StopCase> &c) { return std::string(c.param.name); });

// A signal that ends the process outright still leaves the terminal as it was.
TEST(TerminalConsole, CrashSignalRestoresTheTerminalAndStillEndsTheProcess) {
    PtyRun run(console_args({"--timeout", "120"}));
    ASSERT_TRUE(run.wait_for(kBanner)) << run.screen << run.err;
    run.signal(SIGQUIT);
    run.finish(30s);
    EXPECT_EQ(run.term_signal, SIGQUIT) << run.what();
    EXPECT_TRUE(same_settings(run.before, run.after)) << describe(run.before) << " -> " << describe(run.after);
}

// Halted with interrupts on and nothing scheduled, the run waits for keys instead of ending as
// "halted" (status 123 without a terminal), until --timeout.
TEST(TerminalConsole, WaitingForKeysEndsAtTheTimeout) {
    PtyRun run(console_args({"--timeout", "2"}));
    ASSERT_TRUE(run.wait_for(kBanner)) << run.screen << run.err;
    run.finish(60s);
    EXPECT_EQ(run.exit_status, 124) << run.what();
    EXPECT_GE(run.wall.count(), 1.5) << "ended before the timeout: " << run.what();
    EXPECT_TRUE(same_settings(run.before, run.after)) << describe(run.before) << " -> " << describe(run.after);
}

TEST(TerminalConsole, SerialInNoneKeepsTheTerminalOutOfIt) {
    PtyRun run(console_args({"--serial-in", "none", "--timeout", "120"}));
    run.finish(60s);
    EXPECT_EQ(run.exit_status, 123) << run.what();
    EXPECT_NE(run.err.find("guest halted"), std::string::npos) << run.err;
    EXPECT_TRUE(same_settings(run.before, run.after)) << describe(run.before) << " -> " << describe(run.after);
}

// Not a terminal: what COM1 receives is fixed before the run, so runs repeat.
constexpr std::string_view kPipedInput = "piped line\nend\n";

TEST(TerminalConsole, SerialInDashReadsAPipeAsAFile) {
    ScratchDir dir;
    const auto input = dir.write("in.txt", kPipedInput);
    const auto report = dir.file("r.json");
    auto r = run_process({"/bin/sh", "-c", "cat \"$0\" | \"$@\"", input.string(), ia32emu_binary().string(), "run",
                          test_guest("uart_irq").string(), "--serial-in", "-", "--report", report.string()});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_NE(r.out.find("uart_irq: got 'piped line' (10 bytes)\n"), std::string::npos) << r.out;
    auto j = nlohmann::json::parse(file_contents(report));
    EXPECT_EQ(j["run"]["serial_input"]["source"], "stdin");
    EXPECT_EQ(j["run"]["serial_input"]["bytes"], kPipedInput.size());
    auto sum = run_process({"/usr/bin/sha256sum", "--", input.string()});
    EXPECT_EQ(j["run"]["serial_input"]["sha256"], sum.out.substr(0, 64));

    // The same bytes from the file compare with the piped run; other bytes do not.
    const auto from_file = dir.file("file.json"), other = dir.file("other.json");
    auto f = run_ia32emu_args({"run", test_guest("uart_irq").string(), "--serial-in", input.string(), "--report",
                               from_file.string()});
    EXPECT_EQ(f.exit_status, 0) << f.describe();
    // The guest tracks no paths, so diff finds nothing to compare, but not because the runs differ.
    auto same = run_ia32emu_args({"diff", report.string(), from_file.string()});
    EXPECT_EQ(same.err.find("different runs"), std::string::npos) << same.describe();
    EXPECT_NE(same.err.find("nothing to compare"), std::string::npos) << same.describe();
    auto o = run_ia32emu_args({"run", test_guest("uart_irq").string(), "--serial-in",
                               dir.write("other.txt", "other line\nend\n").string(), "--report", other.string()});
    EXPECT_EQ(o.exit_status, 0) << o.describe();
    auto differs = run_ia32emu_args({"diff", from_file.string(), other.string()});
    EXPECT_EQ(differs.exit_status, 2) << differs.describe();
    EXPECT_NE(differs.err.find("serial input (A file 15 bytes "), std::string::npos) << differs.err;
    auto shown = run_ia32emu_args({"report", report.string()});
    EXPECT_NE(shown.out.find(", serial input stdin 15 bytes (sha256 " + sum.out.substr(0, 12) + ")"), std::string::npos)
        << shown.out;
}

TEST(TerminalConsole, StdinAPipeWithoutSerialInChangesNothing) {
    ScratchDir dir;
    const auto input = dir.write("in.txt", kPipedInput);
    const auto report = dir.file("r.json");
    auto r = run_process({"/bin/sh", "-c", "cat \"$0\" | \"$@\"", input.string(), ia32emu_binary().string(), "run",
                          test_guest("uart_irq").string(), "--report", report.string()});
    EXPECT_EQ(r.exit_status, 123) << r.describe();
    EXPECT_EQ(comparable_lines(r.out), std::vector<std::string>{"uart_irq: IRQ4 console up, 16550A FIFO trigger 8"});
    auto j = nlohmann::json::parse(file_contents(report));
    EXPECT_FALSE(j["run"].contains("serial_input")) << j["run"];
}

TEST(TerminalConsole, SerialInDashWithStdinClosedIsBadInput) {
    auto r = run_process({"/bin/sh", "-c", "exec \"$@\" <&-", "sh", ia32emu_binary().string(), "run",
                          test_guest("uart_irq").string(), "--serial-in", "-"});
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("--serial-in -: standard input is not open"), std::string::npos) << r.err;
}

} // namespace
} // namespace ia32emu::test
