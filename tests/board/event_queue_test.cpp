// The event queue: due order, same-cycle order, cancellation, and events scheduled by events.
#include "emu/board/event_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace ia32emu {
namespace {

TEST(EventQueue, RunsDueEventsEarliestFirstAndLeavesTheRest) {
    EventQueue q;
    std::vector<int> ran;
    q.schedule(300, [&](uint64_t) { ran.push_back(3); });
    q.schedule(100, [&](uint64_t) { ran.push_back(1); });
    q.schedule(200, [&](uint64_t) { ran.push_back(2); });
    EXPECT_EQ(q.next_due(), 100u);
    q.run_due(250);
    EXPECT_EQ(ran, (std::vector<int>{1, 2}));
    EXPECT_EQ(q.next_due(), 300u);
    q.run_due(299);
    EXPECT_EQ(ran.size(), 2u);
}

TEST(EventQueue, SameCycleEventsRunInSchedulingOrder) {
    EventQueue q;
    std::vector<int> ran;
    for (int i = 0; i < 8; ++i)
        q.schedule(50, [&ran, i](uint64_t) { ran.push_back(i); });
    q.run_due(50);
    EXPECT_EQ(ran, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(q.next_due(), EventQueue::kNever);
}

TEST(EventQueue, CallbackGetsItsDueCycleNotTheLateBoundary) {
    EventQueue q;
    uint64_t seen = 0;
    q.schedule(1000, [&](uint64_t due) { seen = due; });
    q.run_due(1234);
    EXPECT_EQ(seen, 1000u);
}

TEST(EventQueue, CancelledEventsNeverRun) {
    EventQueue q;
    int ran = 0;
    auto first = q.schedule(10, [&](uint64_t) { ran += 1; });
    q.schedule(20, [&](uint64_t) { ran += 10; });
    auto third = q.schedule(30, [&](uint64_t) { ran += 100; });
    q.cancel(third);
    q.cancel(first);
    EXPECT_EQ(q.next_due(), 20u);
    q.cancel(first);   // twice is harmless
    q.run_due(100);
    EXPECT_EQ(ran, 10);
    EXPECT_TRUE(q.empty());
}

TEST(EventQueue, PeriodicEventReschedulesItselfFromItsDueCycle) {
    EventQueue q;
    std::vector<uint64_t> fired;
    std::function<void(uint64_t)> tick = [&](uint64_t due) {
        fired.push_back(due);
        q.schedule(due + 100, tick);
    };
    q.schedule(100, tick);
    q.run_due(450);   // one late boundary catches up on every period that fell before it
    EXPECT_EQ(fired, (std::vector<uint64_t>{100, 200, 300, 400}));
    EXPECT_EQ(q.next_due(), 500u);
}

} // namespace
} // namespace ia32emu
