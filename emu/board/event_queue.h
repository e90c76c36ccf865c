// Device events on modelled time: a device asks to be called back at an absolute cycle, and the
// engine runs what is due at block boundaries (and jumps to the next one when the CPU halts).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace ia32emu {

// Ordered by (cycle, order of scheduling), so two events due at the same cycle always run in the
// same order: the queue never looks at the host's clock, which is what makes interrupt arrival
// reproducible bit for bit.
class EventQueue {
public:
    // Called with the cycle it was due at, so a periodic device does not drift by the lateness.
    using Callback = std::function<void(uint64_t due)>;
    using Id = uint64_t;
    static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

    // The callback runs once, at the first boundary at or after `cycle`; it may schedule more.
    Id schedule(uint64_t cycle, Callback callback);
    // Forgets a pending event; an id that already ran or was cancelled is ignored.
    void cancel(Id id);

    // The cycle of the earliest pending event, kNever when there is none. Inline: the engine reads
    // it on every block.
    uint64_t next_due() const { return next_due_; }
    bool empty() const { return heap_.empty(); }
    // Runs every event due at or before `now`, earliest first, including ones they schedule.
    void run_due(uint64_t now);

private:
    struct Event {
        uint64_t cycle;
        uint64_t sequence;
        Id id;
        Callback callback;
    };
    static bool later(const Event &a, const Event &b);
    void drop_cancelled_top();

    std::vector<Event> heap_;
    std::vector<Id> cancelled_;
    uint64_t next_sequence_ = 0;
    uint64_t next_due_ = kNever;
};

} // namespace ia32emu
