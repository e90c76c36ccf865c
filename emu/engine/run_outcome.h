// Why a run ended, and the process exit statuses that stand for each reason.
#pragma once

#include <cstdint>
#include <string>

namespace ia32emu {

enum class StopReason {
    GuestExit,      // the guest wrote its exit code to the exit port
    Crash,          // triple fault, unhandled CPU error, wild access
    Halted,         // hlt with interrupts disabled, or with nothing left that could interrupt
    Reset,          // the guest asked the board to reset (the 8042's reset line)
    Budget,         // the instruction budget ran out
    Timeout,        // the wall-clock limit ran out
    Signal,         // SIGINT, SIGTERM or SIGHUP asked the run to stop
    Quit,           // the user ended the run at the terminal (Ctrl-A x)
};

// Documented in the README; chosen above the codes our guest uses so they cannot be confused.
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitReset = 122;
inline constexpr int kExitHalted = 123;
inline constexpr int kExitTimeout = 124;
inline constexpr int kExitBudget = 125;
inline constexpr int kExitCrash = 126;
// --fail-on: the guest ended but recorded a fault of a kind the user asked to fail on.
inline constexpr int kExitFailOn = 121;
// The user ended an interactive run with the terminal's escape (QEMU exits 0 there, which would
// read as the guest's own success).
inline constexpr int kExitQuit = 120;

// The names the report uses for the signals that stop a run.
inline std::string signal_name(int signo) {
    switch (signo) {
    case 1: return "SIGHUP";
    case 2: return "SIGINT";
    case 9: return "SIGKILL";
    case 15: return "SIGTERM";
    default: return "signal " + std::to_string(signo);
    }
}

struct RunOutcome {
    StopReason reason = StopReason::Crash;
    uint32_t guest_code = 0;   // valid for GuestExit
    uint32_t eip = 0;          // where the guest was when the run ended
    int signal = 0;            // valid for Signal: the signal's number
    std::string diagnostic;    // one line for a crash, budget or timeout

    int process_status() const {
        switch (reason) {
        case StopReason::GuestExit: return int(guest_code & 0xff);
        case StopReason::Budget: return kExitBudget;
        case StopReason::Timeout: return kExitTimeout;
        case StopReason::Halted: return kExitHalted;
        case StopReason::Reset: return kExitReset;
        // As a shell reports a process its signal ended: 130 for SIGINT, 143 for SIGTERM.
        case StopReason::Signal: return 128 + signal;
        case StopReason::Quit: return kExitQuit;
        case StopReason::Crash: break;
        }
        return kExitCrash;
    }
    const char *reason_name() const {
        switch (reason) {
        case StopReason::GuestExit: return "guest_exit";
        case StopReason::Budget: return "instruction_budget";
        case StopReason::Timeout: return "timeout";
        case StopReason::Halted: return "halted";
        case StopReason::Reset: return "reset";
        case StopReason::Signal: return "signal";
        case StopReason::Quit: return "quit";
        case StopReason::Crash: break;
        }
        return "crash";
    }
};

} // namespace ia32emu
