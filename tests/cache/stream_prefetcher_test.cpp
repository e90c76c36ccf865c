// StreamPrefetcher: adjacent-line misses start a stream that keeps `distance` lines requested
// ahead, upwards or downwards, never past the 4 KiB page; scattered misses request nothing.
#include "emu/cache/stream_prefetcher.h"

#include <gtest/gtest.h>

#include <vector>

namespace ia32emu {
namespace {

std::vector<uint64_t> access(StreamPrefetcher &p, uint64_t pa) {
    std::vector<uint64_t> out;
    p.on_l2_access(pa, [&](uint64_t line) { out.push_back(line); });
    return out;
}

StreamPrefetcher make(uint32_t streams = 4, uint32_t distance = 4) {
    StreamPrefetcherParams params;
    params.streams = streams;
    params.distance = distance;
    params.line_bytes = 64;
    return StreamPrefetcher(params);
}

TEST(StreamPrefetcher, AscendingMissesPrefetchAheadWithinThePage) {
    StreamPrefetcher p = make();
    EXPECT_TRUE(access(p, 0x10000).empty());
    EXPECT_EQ(access(p, 0x10040), (std::vector<uint64_t>{0x10080, 0x100c0, 0x10100, 0x10140}));
    // Each further demand line keeps four ahead: one new request each.
    EXPECT_EQ(access(p, 0x10080), (std::vector<uint64_t>{0x10180}));
    // Near the end of the page the stream stops at its last line.
    for (uint64_t a = 0x100c0; a < 0x10f00; a += 64) access(p, a);
    EXPECT_EQ(access(p, 0x10f00), (std::vector<uint64_t>{}));
    EXPECT_EQ(p.issued(), 4u + 1 + (0x10fc0 - 0x10180) / 64);
}

TEST(StreamPrefetcher, DescendingMissesPrefetchDownwards) {
    StreamPrefetcher p = make();
    access(p, 0x20fc0);
    EXPECT_EQ(access(p, 0x20f80), (std::vector<uint64_t>{0x20f40, 0x20f00, 0x20ec0, 0x20e80}));
}

TEST(StreamPrefetcher, NeverCrossesIntoTheNextPage) {
    StreamPrefetcher p = make();
    access(p, 0x30f80);
    EXPECT_EQ(access(p, 0x30fc0), (std::vector<uint64_t>{}));
    // The next page starts afresh: its first miss alone requests nothing.
    EXPECT_TRUE(access(p, 0x31000).empty());
}

TEST(StreamPrefetcher, ScatteredMissesRequestNothing) {
    StreamPrefetcher p = make();
    for (uint64_t a : {0x40000, 0x40200, 0x40100, 0x40800, 0x40400}) EXPECT_TRUE(access(p, a).empty());
    EXPECT_EQ(p.issued(), 0u);
}

TEST(StreamPrefetcher, OffWithNoStreams) {
    StreamPrefetcher p = make(0);
    access(p, 0x50000);
    EXPECT_TRUE(access(p, 0x50040).empty());
}

TEST(StreamPrefetcher, TracksSeveralPagesAtOnce) {
    StreamPrefetcher p = make(2);
    access(p, 0x60000);
    access(p, 0x70000);
    EXPECT_EQ(access(p, 0x60040).size(), 4u);
    EXPECT_EQ(access(p, 0x70040).size(), 4u);
}

} // namespace
} // namespace ia32emu
