// The L2 stream prefetcher of the Pentium M and Atom: it watches the L1 misses that reach L2,
// recognises a run of consecutive lines going up or down within one 4 KiB page, and from then on
// requests the next `distance` lines of that run ahead of the demand. It never crosses a 4 KiB
// boundary (the physical address of the next page is unknown to it), as Intel's optimization
// manual documents for these cores, so every page starts a stream afresh.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ia32emu {

struct StreamPrefetcherParams {
    uint32_t streams = 16;    // pages tracked at once (0: prefetcher off)
    uint32_t distance = 4;    // lines requested ahead of the demand once a stream is recognised
    uint32_t line_bytes = 64; // the L2 line
};

std::string stream_prefetcher_params_error(const StreamPrefetcherParams &p);

class StreamPrefetcher {
public:
    static constexpr uint64_t kPageBytes = 4096;

    // Throws std::invalid_argument with stream_prefetcher_params_error's message on bad params.
    explicit StreamPrefetcher(const StreamPrefetcherParams &params);

    // A demand access that missed L1 and reached L2 at physical address `pa`; calls issue(line_pa)
    // for each line to prefetch, nearest first, all inside pa's 4 KiB page.
    template <class Issue> void on_l2_access(uint64_t pa, Issue &&issue) {
        if (streams_.empty()) return;
        uint64_t line = pa >> line_shift_;
        Stream &s = find_or_replace(pa / kPageBytes, line);
        int64_t delta = int64_t(line) - int64_t(s.last_line);
        s.last_line = line;
        s.stamp = ++clock_;
        if (delta != 1 && delta != -1) {
            s.direction = 0;
            return;
        }
        // Two misses on adjacent lines make a stream; a reversal starts one the other way.
        if (s.direction != delta) {
            s.direction = int32_t(delta);
            s.next_line = line;
        }
        // Keep `distance` lines requested beyond the demand; never re-request one.
        uint64_t first_in_page = (pa / kPageBytes) * lines_per_page_;
        for (;;) {
            int64_t next = int64_t(s.next_line) + s.direction;
            if (next < int64_t(first_in_page) || next >= int64_t(first_in_page + lines_per_page_)) break;
            if ((next - int64_t(line)) * s.direction > int64_t(params_.distance)) break;
            s.next_line = uint64_t(next);
            ++issued_;
            issue(uint64_t(next) << line_shift_);
        }
    }

    uint64_t issued() const { return issued_; }

private:
    struct Stream {
        uint64_t page = ~uint64_t(0);
        uint64_t last_line = 0;
        uint64_t next_line = 0;   // the furthest line requested so far
        uint64_t stamp = 0;       // for least-recently-used replacement
        int32_t direction = 0;    // +1, -1, or 0 while untrained
    };
    Stream &find_or_replace(uint64_t page, uint64_t line);

    StreamPrefetcherParams params_;
    uint32_t line_shift_;
    uint64_t lines_per_page_;
    std::vector<Stream> streams_;
    uint64_t clock_ = 0;
    uint64_t issued_ = 0;
};

} // namespace ia32emu
