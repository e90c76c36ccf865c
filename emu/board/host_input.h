// Input from outside modelled time, such as a terminal's keys: the engine takes it between blocks
// and waits for it when the guest sleeps with nothing scheduled.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace ia32emu {

class HostInput {
public:
    using Sink = std::function<void(std::span<const uint8_t> bytes)>;
    // The user asked to end the run; `how` names the request (e.g. "Ctrl-A x").
    using Quit = std::function<void(const std::string &how)>;

    virtual ~HostInput() = default;
    // Where the bytes go and who hears a quit; set before the first poll.
    virtual void connect(Sink sink, Quit quit) = 0;
    // Hands over what has arrived, without waiting.
    virtual void poll() = 0;
    // Waits up to `timeout` (less when a signal interrupts the wait) for input, without taking it:
    // true when poll() has something to hand over (or an end to find), so that the caller can
    // first bring modelled time up to the moment it came.
    virtual bool wait(std::chrono::nanoseconds timeout) = 0;
    // Nothing more will come (end of file, a hung-up terminal): a halt is then final as without input.
    virtual bool ended() const = 0;
};

} // namespace ia32emu
