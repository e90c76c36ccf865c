// Signal handlers only store the signal's number: everything else happens on the normal path.
#include "emu/cli/run_control.h"

#include <csignal>

#include <unistd.h>

namespace ia32emu {

namespace {

std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the flag is written from a signal handler");

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[3];

void on_stop_signal(int signo) {
    int expected = 0;
    // The first signal decides the exit status.
    g_stop_signal.compare_exchange_strong(expected, signo, std::memory_order_relaxed);
}

} // namespace

StopSignals::StopSignals() {
    g_stop_signal.store(0);
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    // Restarting keeps the serial output's writes whole when a signal arrives mid-write.
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < std::size(kStopSignals); ++i)
        sigaction(kStopSignals[i], &sa, &g_previous[i]);
}

StopSignals::~StopSignals() {
    for (size_t i = 0; i < std::size(kStopSignals); ++i)
        sigaction(kStopSignals[i], &g_previous[i], nullptr);
}

const std::atomic<int> *StopSignals::flag() const { return &g_stop_signal; }

ProgressLine::ProgressLine(uint32_t clock_mhz)
    : enabled_(::isatty(STDERR_FILENO) == 1), clock_mhz_(clock_mhz), started_(std::chrono::steady_clock::now()),
      next_(started_ + std::chrono::seconds(1)) {}

ProgressLine::~ProgressLine() {
    if (drawn_) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
    }
}

void ProgressLine::update(uint64_t instructions, uint64_t cycles) {
    if (!enabled_)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_)
        return;
    next_ = now + std::chrono::seconds(1);
    const double wall = std::chrono::duration<double>(now - started_).count();
    std::fprintf(stderr, "\r\033[Kia32emu: %.1f M instructions, %.1f MIPS", double(instructions) / 1e6,
                 double(instructions) / wall / 1e6);
    if (clock_mhz_)
        std::fprintf(stderr, ", modelled %.3f s", double(cycles) / (double(clock_mhz_) * 1e6));
    std::fflush(stderr);
    drawn_ = true;
}

} // namespace ia32emu
