// Saved attributes live in globals so that a signal handler can put them back with tcsetattr,
// which is async-signal-safe.
#include "emu/cli/terminal_mode.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <string>

#include <termios.h>
#include <unistd.h>

namespace ia32emu {
namespace {

int g_fd = -1;
struct termios g_saved;
std::atomic<bool> g_raw{false};
static_assert(std::atomic<bool>::is_always_lock_free, "read from signal handlers");

// Stop signals go on to their previous handler (the run ends with a report); crash signals end
// the process as they would have.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGQUIT};
struct sigaction g_previous_stop[std::size(kStopSignals)];
struct sigaction g_previous_crash[std::size(kCrashSignals)];

void restore_saved() {
    if (!g_raw.exchange(false))
        return;
    while (::tcsetattr(g_fd, TCSANOW, &g_saved) != 0 && errno == EINTR) {
    }
}

void on_stop_signal(int signo) {
    const int saved_errno = errno;
    restore_saved();
    for (size_t i = 0; i < std::size(kStopSignals); ++i) {
        if (kStopSignals[i] != signo)
            continue;
        const struct sigaction &prev = g_previous_stop[i];
        if (prev.sa_flags & SA_SIGINFO) {
            siginfo_t info{};
            info.si_signo = signo;
            prev.sa_sigaction(signo, &info, nullptr);
        } else if (prev.sa_handler == SIG_DFL) {
            ::sigaction(signo, &prev, nullptr);
            ::raise(signo);
        } else if (prev.sa_handler != SIG_IGN) {
            prev.sa_handler(signo);
        }
    }
    errno = saved_errno;
}

// Whatever handled the signal before (the default: end the process) gets it again once this
// handler returns.
void on_crash_signal(int signo) {
    restore_saved();
    for (size_t i = 0; i < std::size(kCrashSignals); ++i)
        if (kCrashSignals[i] == signo)
            ::sigaction(signo, &g_previous_crash[i], nullptr);
    ::raise(signo);
}

void install(const int *signals, size_t count, void (*handler)(int), struct sigaction *previous) {
    struct sigaction sa {};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < count; ++i)
        ::sigaction(signals[i], &sa, &previous[i]);
}

void uninstall(const int *signals, size_t count, const struct sigaction *previous) {
    for (size_t i = 0; i < count; ++i)
        ::sigaction(signals[i], &previous[i], nullptr);
}

} // namespace

RawTerminal::RawTerminal(int fd) {
    if (g_fd >= 0)
        throw std::runtime_error("the terminal is already in raw mode");
    struct termios saved;
    if (::tcgetattr(fd, &saved) != 0)
        throw std::runtime_error(std::string("cannot read the terminal's settings: ") + std::strerror(errno));
    struct termios raw = saved;
    raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cflag &= ~tcflag_t(CSIZE | PARENB);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    g_fd = fd;
    g_saved = saved;
    // The handlers are in place before the mode changes, so no signal finds the terminal raw
    // without a way back.
    install(kStopSignals, std::size(kStopSignals), on_stop_signal, g_previous_stop);
    install(kCrashSignals, std::size(kCrashSignals), on_crash_signal, g_previous_crash);
    g_raw = true;
    if (::tcsetattr(fd, TCSANOW, &raw) != 0) {
        const int err = errno;
        g_raw = false;
        uninstall(kCrashSignals, std::size(kCrashSignals), g_previous_crash);
        uninstall(kStopSignals, std::size(kStopSignals), g_previous_stop);
        g_fd = -1;
        throw std::runtime_error(std::string("cannot put the terminal in raw mode: ") + std::strerror(err));
    }
}

RawTerminal::~RawTerminal() {
    restore_saved();
    uninstall(kCrashSignals, std::size(kCrashSignals), g_previous_crash);
    uninstall(kStopSignals, std::size(kStopSignals), g_previous_stop);
    g_fd = -1;
}

} // namespace ia32emu
