// Published measurements of the real chips our presets name, each with its source, and the guest
// microbenchmark that measures the same quantity on ia32emu. The README (timing model, "Validated against the real chips") shows
// the table with the values ia32emu gives; published_agreement_test.cpp asserts the agreement.
//
// Sources:
//   [7CPU]  7-cpu.com, "Intel Atom": Atom N270 C0 at 1600 MHz, 533 MT/s FSB, i945GSE, DDR2-533:
//           latency by working set (24 K: 3; 64 K: 15; 256 K: 22 = 15 + 7 L1-TLB miss; 512 K:
//           38 = 22 + 16 L2-TLB miss; RAM: 38 + 115 ns), L1/L2 TLB miss penalties 7 and 16,
//           L2 read/write B/W at 64-byte stride 15 and 13 cycles per line, RAM read/write B/W at
//           4-byte stride 2900 and 1070 MB/s, branch misprediction penalty 17 cycles.
//   [ORM]   Intel 64 and IA-32 Architectures Optimization Reference Manual, Pentium M: L1 data
//           latency 3 cycles; L2 latency 10 cycles on model 13 (Dothan).
//   [AGNER] Agner Fog, "The microarchitecture of Intel, AMD and VIA CPUs": "the misprediction
//           penalty is approximately 13 clock cycles in the PM". Agner Fog, "Instruction tables":
//           ADD r,r/i latency 1 on both cores, reciprocal throughput 0.33 on the Pentium M (three
//           per clock) and 0.5 on the Atom (two per clock, in order).
//   [HEXUS] HEXUS.net, "Dell Inspiron XPS Gen 2 laptop" (2005), page 5: ScienceMark 2.0 measures
//           2.65 GB/s of memory bandwidth on a Pentium M 770 (Sonoma, 533 MT/s FSB) whose DDR2
//           could deliver 6.4 GB/s: the figure is bounded by the same 533 MT/s bus as our board.
// Not published that we could find, hence not asserted: rep movsd/stosd throughput on either
// core, Dothan DRAM latency on the 915PM in a form we could read (iXBT's RightMark articles give
// it as charts), Dothan TLB miss penalties, 64-byte-stride RAM bandwidth on either core, and any
// measurement of independent against dependent misses (memory-level parallelism) on either core.
#pragma once

#include <string>

namespace ia32emu::test {

enum class Metric {
    CyclesPerLoad,   // validate_latency: (long - short) / loads
    MegabytesPerSec, // validate_bandwidth: bytes moved in the steady region / its modelled time
    CyclesPerLine,   // validate_bandwidth: steady cycles / lines touched
    BranchPenalty,   // validate_branch: 2 x (random - fixed) / iterations
    IndependentCpi,  // validate_issue: cycles / instructions of the independent adds
    DependentCpi,    // validate_issue: cycles / instructions of the dependent adds
};

struct PublishedFigure {
    const char *name;        // test name and table row
    const char *board;       // preset
    const char *cmdline;     // the guest microbenchmark
    Metric metric;
    double published;        // the published value, in the metric's unit
    double offset;           // published figures subtracted from the measurement first (an L1 hit under a TLB penalty)
    double tolerance;        // relative: latency 0.15, bandwidth 0.25 (issue 9)
    const char *source;
};

// The benchmarks' sizes: the latency rows pick working sets inside the published row's range
// (24 KiB L1 -> 16 KiB; RAM -> 16 MiB); the TLB rows walk 48 pages (over the 16-entry DTLB,
// within the 64-entry L2 TLB) or 256 pages (over both) one line each, in address order, so under
// LRU every load misses; bandwidth over RAM uses 8 MiB, over L2 256 KiB.
inline const PublishedFigure kPublished[] = {
    {"atom_latency_16k", "atom-n270", "scenario=validate_latency size=16384 loads=16384", Metric::CyclesPerLoad, 3, 0,
     0.15, "[7CPU] 24 K: 3"},
    {"atom_latency_64k", "atom-n270", "scenario=validate_latency size=65536 loads=16384", Metric::CyclesPerLoad, 15,
     0, 0.15, "[7CPU] 64 K: 15"},
    {"atom_latency_256k", "atom-n270", "scenario=validate_latency size=262144 loads=16384", Metric::CyclesPerLoad, 22,
     0, 0.15, "[7CPU] 256 K: 22"},
    {"atom_latency_ram", "atom-n270", "scenario=validate_latency size=16777216 loads=16384", Metric::CyclesPerLoad,
     38 + 115 * 1.6, 0, 0.15, "[7CPU] RAM: 38 + 115 ns at 1.6 GHz"},
    {"atom_l1_tlb_miss", "atom-n270", "scenario=validate_latency size=199680 stride=4160 random=0 loads=16384",
     Metric::CyclesPerLoad, 7, 3, 0.15, "[7CPU] L1 TLB miss penalty 7 (over the 3-cycle L1 hit)"},
    {"atom_l2_tlb_miss", "atom-n270", "scenario=validate_latency size=1064960 stride=4160 random=0 loads=16384",
     Metric::CyclesPerLoad, 16, 3 + 7, 0.15, "[7CPU] L2 TLB miss penalty 16 (over L1 hit and L1 TLB miss)"},
    {"atom_ram_read_4", "atom-n270", "scenario=validate_bandwidth mode=read stride=4 size=8388608 passes=2",
     Metric::MegabytesPerSec, 2900, 0, 0.25, "[7CPU] RAM Read B/W (4 Bytes stride) 2900 MB/s"},
    {"atom_ram_write_4", "atom-n270", "scenario=validate_bandwidth mode=write stride=4 size=8388608 passes=2",
     Metric::MegabytesPerSec, 1070, 0, 0.25, "[7CPU] RAM Write B/W (4 Bytes stride) 1070 MB/s"},
    {"atom_l2_read_64", "atom-n270", "scenario=validate_bandwidth mode=read stride=64 size=262144 passes=8",
     Metric::CyclesPerLine, 15, 0, 0.25, "[7CPU] L2 Read B/W (64 Bytes stride) 15 cycles per line"},
    {"atom_l2_write_64", "atom-n270", "scenario=validate_bandwidth mode=write stride=64 size=262144 passes=8",
     Metric::CyclesPerLine, 13, 0, 0.25, "[7CPU] L2 Write B/W (64 Bytes stride) 13 cycles per line"},
    {"atom_branch_mispredict", "atom-n270", "scenario=validate_branch iterations=100000", Metric::BranchPenalty, 17,
     0, 0.15, "[7CPU] branch misprediction penalty 17"},
    {"pentium_m_latency_l1", "pentium-m", "scenario=validate_latency size=16384 loads=16384", Metric::CyclesPerLoad,
     3, 0, 0.15, "[ORM] L1 data latency 3"},
    {"pentium_m_latency_l2", "pentium-m", "scenario=validate_latency size=262144 loads=16384", Metric::CyclesPerLoad,
     10, 0, 0.15, "[ORM] L2 latency 10 (Dothan)"},
    {"pentium_m_branch_mispredict", "pentium-m", "scenario=validate_branch iterations=100000", Metric::BranchPenalty,
     13, 0, 0.15, "[AGNER] approximately 13"},
    {"atom_add_throughput", "atom-n270", "scenario=validate_issue iterations=10000", Metric::IndependentCpi, 0.5, 0,
     0.15, "[AGNER] ADD r,i reciprocal throughput 0.5"},
    {"atom_add_latency", "atom-n270", "scenario=validate_issue iterations=10000", Metric::DependentCpi, 1, 0, 0.15,
     "[AGNER] ADD r,i latency 1"},
    {"pentium_m_add_throughput", "pentium-m", "scenario=validate_issue iterations=10000", Metric::IndependentCpi,
     1.0 / 3, 0, 0.15, "[AGNER] ADD r,i reciprocal throughput 0.33"},
    {"pentium_m_add_latency", "pentium-m", "scenario=validate_issue iterations=10000", Metric::DependentCpi, 1, 0,
     0.15, "[AGNER] ADD r,i latency 1"},
    {"pentium_m_ram_read_4", "pentium-m", "scenario=validate_bandwidth mode=read stride=4 size=8388608 passes=2",
     Metric::MegabytesPerSec, 2650, 0, 0.25, "[HEXUS] ScienceMark 2.0 memory bandwidth 2.65 GB/s, 533 MT/s FSB"},
};

} // namespace ia32emu::test
