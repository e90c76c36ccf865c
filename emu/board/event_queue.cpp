// A binary heap with lazy cancellation: a device reprogrammed many times cancels many events, and
// removing them from the middle of the heap would cost more than skipping them at the top.
#include "emu/board/event_queue.h"

#include <algorithm>

namespace ia32emu {

bool EventQueue::later(const Event &a, const Event &b) {
    return a.cycle != b.cycle ? a.cycle > b.cycle : a.sequence > b.sequence;
}

EventQueue::Id EventQueue::schedule(uint64_t cycle, Callback callback) {
    Id id = ++next_sequence_;
    heap_.push_back(Event{cycle, id, id, std::move(callback)});
    std::push_heap(heap_.begin(), heap_.end(), later);
    next_due_ = heap_.front().cycle;
    return id;
}

void EventQueue::cancel(Id id) {
    if (std::none_of(heap_.begin(), heap_.end(), [id](const Event &e) { return e.id == id; }))
        return;
    cancelled_.push_back(id);
    drop_cancelled_top();
}

void EventQueue::drop_cancelled_top() {
    while (!heap_.empty()) {
        auto it = std::find(cancelled_.begin(), cancelled_.end(), heap_.front().id);
        if (it == cancelled_.end())
            break;
        cancelled_.erase(it);
        std::pop_heap(heap_.begin(), heap_.end(), later);
        heap_.pop_back();
    }
    next_due_ = heap_.empty() ? kNever : heap_.front().cycle;
}

void EventQueue::run_due(uint64_t now) {
    while (!heap_.empty() && heap_.front().cycle <= now) {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        Event e = std::move(heap_.back());
        heap_.pop_back();
        next_due_ = heap_.empty() ? kNever : heap_.front().cycle;
        e.callback(e.cycle);
        drop_cancelled_top();
    }
}

} // namespace ia32emu
