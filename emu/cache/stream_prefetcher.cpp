// Stream table upkeep: one entry per recently missed page, least recently used replaced.
#include "emu/cache/stream_prefetcher.h"

#include <bit>
#include <stdexcept>

namespace ia32emu {

std::string stream_prefetcher_params_error(const StreamPrefetcherParams &p) {
    if (p.streams > 256) return "prefetch.streams must be at most 256";
    if (p.line_bytes < 8 || !std::has_single_bit(p.line_bytes) || p.line_bytes > StreamPrefetcher::kPageBytes)
        return "prefetcher line size must be a power of two in 8..4096";
    if (p.distance > StreamPrefetcher::kPageBytes / p.line_bytes)
        return "prefetch.distance must be at most the lines in a 4 KiB page";
    return {};
}

static const StreamPrefetcherParams &checked(const StreamPrefetcherParams &p) {
    std::string err = stream_prefetcher_params_error(p);
    if (!err.empty()) throw std::invalid_argument(err);
    return p;
}

StreamPrefetcher::StreamPrefetcher(const StreamPrefetcherParams &params)
    : params_(checked(params)),
      line_shift_(uint32_t(std::countr_zero(params.line_bytes))),
      lines_per_page_(kPageBytes / params.line_bytes),
      streams_(params.distance ? params.streams : 0) {}

StreamPrefetcher::Stream &StreamPrefetcher::find_or_replace(uint64_t page, uint64_t line) {
    Stream *oldest = &streams_[0];
    for (Stream &s : streams_) {
        if (s.page == page) return s;
        if (s.stamp < oldest->stamp) oldest = &s;
    }
    *oldest = Stream{};
    oldest->page = page;
    // A new stream's first access sets no direction: the delta to itself is 0.
    oldest->last_line = line;
    return *oldest;
}

} // namespace ia32emu
