// COM1's far end on the user's terminal, as QEMU's -serial stdio (-nographic) gives it: keys go to
// the guest as typed, and Ctrl-A starts a command, as in QEMU.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "emu/board/host_input.h"

namespace ia32emu {

// The escape byte and the commands after it: x ends the run, h (or ?) prints help, a second
// Ctrl-A sends one Ctrl-A to the guest. Any other byte after Ctrl-A is dropped, as QEMU drops it.
class ConsoleEscape {
public:
    static constexpr uint8_t kEscape = 0x01;   // Ctrl-A
    enum class Command { Quit, Help };

    // The bytes of `in` that go to the guest; the commands found are appended to `commands`. An
    // escape at the end of `in` applies to the first byte of the next call.
    std::vector<uint8_t> filter(std::span<const uint8_t> in, std::vector<Command> &commands);

private:
    bool escaped_ = false;
};

// The help Ctrl-A h prints, one command a line.
extern const char kConsoleHelp[];

// Reads the terminal on `fd` (which RawTerminal has put in raw mode) with poll() and read(),
// never changing the descriptor's flags, which it shares with the shell.
class SerialConsole : public HostInput {
public:
    explicit SerialConsole(int fd) : fd_(fd) {}

    void connect(Sink sink, Quit quit) override;
    void poll() override;
    bool wait(std::chrono::nanoseconds timeout) override;
    bool ended() const override { return ended_; }

private:
    // Reads what is waiting (a poll said there is).
    void take();

    int fd_;
    bool ended_ = false;
    ConsoleEscape escape_;
    Sink sink_;
    Quit quit_;
};

} // namespace ia32emu
