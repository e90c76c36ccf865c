#include "emu/sweep/sweep_progress.h"

#include <cstdio>

#include <unistd.h>

namespace ia32emu {

SweepProgress::SweepProgress(size_t total, size_t kept) : total_(total), done_(kept), tty_(::isatty(2) == 1) {}

void SweepProgress::redraw(size_t running) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::fprintf(stderr, "\rsweep: %zu/%zu done, %zu failed, %zu running, %.0f s \x1b[K", done_, total_, failed_,
                 running, elapsed);
    std::fflush(stderr);
    drawn_ = true;
}

void SweepProgress::finished(const std::string &id, bool ok, const std::string &message, double wall_seconds,
                             size_t running) {
    ++done_;
    if (!ok) ++failed_;
    if (tty_) {
        if (!ok) std::fprintf(stderr, "\rsweep: point %s failed: %s\x1b[K\n", id.c_str(), message.c_str());
        redraw(running);
        return;
    }
    std::fprintf(stderr, "sweep: [%zu/%zu] %s %s (%.2f s)%s%s\n", done_, total_, id.c_str(), ok ? "ok" : "failed",
                 wall_seconds, ok ? "" : ": ", ok ? "" : message.c_str());
}

void SweepProgress::running(size_t running) {
    if (tty_) redraw(running);
}

void SweepProgress::close() {
    if (tty_ && drawn_) std::fputc('\n', stderr);
    drawn_ = false;
}

} // namespace ia32emu
