// Every host structure whose size the guest (or its image) controls has one cap here. Past a cap
// the host drops the new item and counts it; the report's "dropped" object lists each count that
// is not zero. The caps together keep the host's own memory below a fixed overhead on top of
// guest RAM (README, "Hostile input").
#pragma once

#include <cstddef>
#include <cstdint>

namespace ia32emu::bounds {

// Symbol-table entries read from the kernel image, over all its symbol tables (a real vmlinux
// has about 10^5; Debian 6.1's System.map lists 45,166). Symbol tables that are the same bytes are
// read once. Each kept symbol costs about 160 bytes in the two indexes (by address and by name):
// 2^20 of them took 230 MB.
inline constexpr uint64_t kSymbolEntries = 1u << 18;
// Bytes of one symbol's name (longer names are cut), and of all the names kept together.
inline constexpr size_t kSymbolNameBytes = 256;
inline constexpr uint64_t kSymbolNameBytesTotal = 8u << 20;
// Faults the report lists per kind ("stale_tlb", "region_mismatch", ...); later ones are counted.
inline constexpr size_t kFaultsPerKind = 1000;
// Warnings logged to stderr per kind of repeated event (a rejected DMA, ...); the report counts
// all of them.
inline constexpr uint64_t kLogLinesPerKind = 32;
// Bytes of one fault's detail line.
inline constexpr size_t kFaultDetailBytes = 1024;
// Distinct region names the guest may open, and how deeply regions may nest.
inline constexpr size_t kRegionNames = 1024;
inline constexpr size_t kOpenRegions = 256;
// Cycle samples kept for percentiles, over all paths and regions together (8 bytes each: 32 MiB);
// totals, means and maxima stay exact past it.
inline constexpr size_t kCycleSamples = 4u << 20;
// Distinct callees listed under one path or region.
inline constexpr size_t kCallees = 256;
// Distinct callers listed under one path (its call sites).
inline constexpr size_t kCallSites = 256;
// Completed calls and regions kept on the timeline for --trace (about 48 bytes each here and
// 200 bytes of JSON); later ones are counted.
inline constexpr size_t kTimelineSlices = 1u << 18;
// Distinct call stacks (chains of open paths and regions) kept for --folded.
inline constexpr size_t kFoldedStacks = 1u << 16;
// Bytes of those stacks' text together (a stack of 256 nested regions is 16 KiB of names); the
// --folded file is about this size at most.
inline constexpr size_t kFoldedStackBytes = 16u << 20;
// Live allocations the allocation tracker follows (about 240 bytes each; our kernel's
// scenarios keep a few thousand).
inline constexpr size_t kTrackedAllocations = 1u << 18;
// Frames those allocations cover together (a frame held by two allocations counts twice):
// 2 GiB of 4 KiB frames, twice the default board's RAM.
inline constexpr uint64_t kTrackedFrames = 1u << 19;
// Frames whose last freed allocation is remembered (for "free; last held by"), about 200
// bytes each: every frame of the default board's 1 GiB.
inline constexpr uint64_t kFreedFrames = 1u << 18;
// Bytes typed or pasted at the terminal that COM1's far end has not sent yet: a guest that never
// reads (RTS off, a full FIFO) leaves them all waiting.
inline constexpr size_t kSerialBacklog = 1u << 20;

// Unicorn's buffer of generated host code. When it is full Unicorn drops every translation and
// starts again, so this is all the memory generated code can hold.
inline constexpr uint64_t kTranslationBufferBytes = 64u << 20;
// The timing model's decoded blocks (about 370 bytes for a short block, up to 4 KiB for one of
// 512 instructions). Past it every decoded block is dropped at once, as Unicorn drops its
// translations, and decoded again when it next runs; the blocks of the last round stay allocated
// until the next drop (pointers to the running block are live across one block boundary), so
// this is at most twice as much memory. Our kernel's bench and a Debian boot to init drop none.
inline constexpr size_t kDecodedBlockBytes = 32u << 20;
// Translations Unicorn makes while one block hook is registered. Unicorn 2.1 remembers every
// block a block hook instrumented (start and size, about 100 bytes each in its heap: 0.1 GB per
// million blocks) so that deleting the hook can drop their code, and forgets them only then. Past
// this many translations (at most about 16 MB of records) the engine flushes Unicorn's
// translations and registers the hook again, which releases them (about 0.1 s of CPU); our
// kernel's bench and a Debian boot to init do not reach it.
inline constexpr uint64_t kTranslationsPerBlockHook = 1u << 17;
// Distinct addresses of rdtsc, invlpg, wbinvd and mov-to-CR instructions the guest has run: the
// engine puts a code hook on each (the guest must read the modelled clock, and the TLB model must
// see the flush), and Unicorn keeps its hooks in one list that every translation checks each
// instruction against. Dropping a hook would let the host's TSC through, so past this many the
// run ends, as a crash with that reason; Linux and our kernel run a few hundred.
inline constexpr size_t kCodeHookSites = 1u << 14;
// Instructions whose memory operands the engine decoded (for a fault's CR2, an access through a
// frame mapped twice, invlpg and control-register writes), about 100 bytes each; past it all are
// dropped and decoded again when needed. One entry per EIP: a guest with such instructions all
// over its RAM would otherwise keep one per byte.
inline constexpr size_t kDecodedOperands = 1u << 16;

} // namespace ia32emu::bounds
