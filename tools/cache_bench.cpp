// Micro-benchmark of the per-access model cost (DTLB lookup + cache hierarchy) on synthetic
// access streams, so the hot path can be checked against the 50 MIPS target without a guest.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "emu/cache/cache_hierarchy.h"
#include "emu/mmu/tlb.h"

using namespace ia32emu;

namespace {

CacheParams level(const char *name, uint64_t size, uint32_t ways, uint32_t latency, ReplacementPolicy policy) {
    CacheParams p;
    p.name = name;
    p.size_bytes = size;
    p.ways = ways;
    p.latency = latency;
    p.policy = policy;
    return p;
}

// A Pentium M-like shape: 32 KiB 8-way L1s, 2 MiB 8-way L2, a fully associative DTLB of 128
// entries (64 under tree-PLRU, which covers at most 64 ways).
struct Model {
    CacheHierarchy caches;
    TlbSystem tlbs;

    static CacheHierarchyParams cache_params(ReplacementPolicy policy) {
        CacheHierarchyParams p;
        p.l1i = level("l1i", 32 * 1024, 8, 3, policy);
        p.l1d = level("l1d", 32 * 1024, 8, 3, policy);
        p.l2 = level("l2", 2 * 1024 * 1024, 8, 10, policy);
        p.memory_latency = 150;
        return p;
    }
    static TlbSystemParams tlb_params(ReplacementPolicy policy) {
        TlbSystemParams p;
        p.itlb.name = "itlb";
        p.itlb.small = {128, 4};
        p.itlb.policy = policy;
        p.dtlb.name = "dtlb";
        uint32_t entries = policy == ReplacementPolicy::TreePlru ? 64 : 128;
        p.dtlb.small = {entries, entries};
        p.dtlb.large = {8, 8};
        p.dtlb.policy = policy;
        return p;
    }
    explicit Model(ReplacementPolicy policy) : caches(cache_params(policy)), tlbs(tlb_params(policy)) {}

    uint64_t access(uint32_t va, AccessKind kind) {
        Tlb &dtlb = tlbs.dtlb();
        TlbLookup t = dtlb.lookup(va);
        const TlbEntry *e = t.entry;
        if (e == nullptr) {
            TlbEntry fill;
            fill.va_base = va & ~0xfffu;
            fill.pa_base = fill.va_base;
            fill.flags.writable = true;
            e = dtlb.insert(fill, va);
        }
        return t.cycles + caches.access(e->translate(va), kind, 4);
    }
};

// argv[1], when given, selects one workload by name and argv[2] the number of accesses (for
// profiling one at a time).
const char *only = nullptr;

template <class NextVa> void run(const char *name, ReplacementPolicy policy, uint64_t n, NextVa next) {
    if (only && std::string(only) != name) return;
    Model m(policy);
    uint64_t cycles = 0;
    auto start = std::chrono::steady_clock::now();
    for (uint64_t i = 0; i < n; ++i) cycles += m.access(next(i), (i & 3) == 3 ? AccessKind::Write : AccessKind::Read);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%-14s %-6s %8.1f M accesses/s  %6.2f ns/access  l1d miss %5.1f%%  dtlb miss %5.1f%%  (cycles %llu)\n",
                name, std::string(replacement_policy_name(policy)).c_str(), double(n) / secs / 1e6, secs * 1e9 / double(n),
                100.0 * double(m.caches.l1d().stats().misses) / double(n),
                100.0 * double(m.tlbs.dtlb().first().stats().misses) / double(n), (unsigned long long)cycles);
}

} // namespace

int main(int argc, char **argv) {
    if (argc > 1) only = argv[1];
    const uint64_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 40'000'000;
    for (ReplacementPolicy policy : {ReplacementPolicy::Lru, ReplacementPolicy::TreePlru}) {
        run("l1-stride", policy, n, [](uint64_t i) { return uint32_t(0x100000 + (i * 4) % (16 * 1024)); });
        run("l2-stride", policy, n, [](uint64_t i) { return uint32_t(0x100000 + (i * 64) % (1024 * 1024)); });
        uint32_t x = 12345;
        run("random-64MiB", policy, n, [&x](uint64_t) {
            x = x * 1664525u + 1013904223u;
            return 0x100000 + (x >> 6);
        });
    }
    return 0;
}
