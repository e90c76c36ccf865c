// The terminal COM1 runs on, in the mode a serial line needs, and back as it was on every way out.
#pragma once

namespace ia32emu {

// While it lives, the terminal on `fd` passes every key through at once: no echo, no line
// editing, no signals from Ctrl-C or Ctrl-Z, no flow control, CR not turned into NL (as QEMU's
// -serial stdio sets it). Output processing stays on, so that the guest's "\n" starts a line.
// The attributes saved first are restored by the destructor, and from the signal handlers this
// installs: SIGINT, SIGTERM and SIGHUP restore and then do what they did before (StopSignals
// stops the run); SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and SIGQUIT restore and re-raise.
// One at a time per process.
class RawTerminal {
public:
    // Throws std::runtime_error naming the problem when the attributes cannot be read or set.
    explicit RawTerminal(int fd);
    ~RawTerminal();
    RawTerminal(const RawTerminal &) = delete;
    RawTerminal &operator=(const RawTerminal &) = delete;
};

} // namespace ia32emu
