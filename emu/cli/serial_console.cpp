// The terminal's bytes through the escape filter to COM1; poll() decides when a read cannot block.
#include "emu/cli/serial_console.h"

#include <cerrno>
#include <cstring>

#include <poll.h>
#include <unistd.h>

namespace ia32emu {

const char kConsoleHelp[] =
    "ia32emu: this terminal is the guest's COM1; after Ctrl-A:\n"
    "  x       end the run (exit status 120)\n"
    "  h or ?  print this help\n"
    "  Ctrl-A  send Ctrl-A to the guest\n";

std::vector<uint8_t> ConsoleEscape::filter(std::span<const uint8_t> in, std::vector<Command> &commands) {
    std::vector<uint8_t> out;
    out.reserve(in.size());
    for (uint8_t b : in) {
        if (!escaped_) {
            if (b == kEscape)
                escaped_ = true;
            else
                out.push_back(b);
            continue;
        }
        escaped_ = false;
        switch (b) {
        case kEscape: out.push_back(b); break;
        case 'x': commands.push_back(Command::Quit); break;
        case 'h':
        case '?': commands.push_back(Command::Help); break;
        default: break;
        }
    }
    return out;
}

void SerialConsole::connect(Sink sink, Quit quit) {
    sink_ = std::move(sink);
    quit_ = std::move(quit);
}

void SerialConsole::poll() {
    if (ended_)
        return;
    struct pollfd p {fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0)
        take();
}

bool SerialConsole::wait(std::chrono::nanoseconds timeout) {
    if (timeout.count() < 0)
        timeout = std::chrono::nanoseconds(0);
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    const struct timespec ts {static_cast<time_t>(secs.count()), static_cast<long>((timeout - secs).count())};
    if (ended_) {
        // Nothing to wait for but the time itself; a signal cuts it short.
        ::ppoll(nullptr, 0, &ts, nullptr);
        return false;
    }
    struct pollfd p {fd_, POLLIN, 0};
    return ::ppoll(&p, 1, &ts, nullptr) > 0;
}

void SerialConsole::take() {
    uint8_t buf[4096];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        // A hung-up terminal reads as end of file or EIO: no key can come any more.
        ended_ = true;
        return;
    }
    std::vector<ConsoleEscape::Command> commands;
    std::vector<uint8_t> bytes = escape_.filter({buf, size_t(n)}, commands);
    if (!bytes.empty() && sink_)
        sink_(bytes);
    for (ConsoleEscape::Command c : commands) {
        if (c == ConsoleEscape::Command::Help) {
            ssize_t ignored = ::write(STDERR_FILENO, kConsoleHelp, sizeof kConsoleHelp - 1);
            (void)ignored;
        } else if (quit_) {
            quit_("Ctrl-A x");
        }
    }
}

} // namespace ia32emu
