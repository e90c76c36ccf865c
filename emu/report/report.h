// The run report: what one run measured, in the shape the JSON schema "ia32emu-report/3" writes
// (documented in the README's "The report").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emu/timing/path_accounting.h"

namespace ia32emu {

inline constexpr const char *kReportSchema = "ia32emu-report/3";
// Below this many calls a 99th percentile is only the maximum under another name: not reported.
inline constexpr uint64_t kMinSamplesForP99 = 100;

struct AccessCounts {
    uint64_t accesses = 0;
    uint64_t misses = 0;
};

struct ReportTotals {
    uint64_t instructions = 0;
    uint64_t cycles = 0;
    AccessCounts l1i, l1d, l2, itlb, dtlb;
    uint64_t page_walks = 0;
    uint64_t tlb_flushes = 0;
    uint32_t clock_mhz = 0;   // the board's cpu.clock_mhz: turns cycles into modelled time
};

struct ReportFault {
    std::string kind;     // e.g. "stale_tlb", "dma_rejected", "page_fault"
    uint32_t eip = 0;
    std::string symbol;   // the guest function holding eip, "" when unknown
    std::string detail;   // one line
    uint64_t cycles = 0;  // the modelled cycle count when it was recorded
    // Structured fields a fault kind adds (the DMA sanitizer's rule/check, mapping, owners,
    // backtrace), written after the common ones.
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
};

// --fail-on: the kinds asked for and, per kind, how many faults matched.
struct ReportFailOn {
    struct Match {
        std::string kind;
        uint64_t count = 0;
    };
    std::vector<std::string> kinds;
    std::vector<Match> matched;
};

struct ReportExit {
    int code = 0;         // the process exit status
    std::string reason;   // RunOutcome::reason_name(), plus the diagnostic for a crash if any
    std::string signal;   // for reason "signal": its name, e.g. "SIGTERM"
    ReportFailOn fail_on;
};

// The only part of the report that may differ from run to run.
struct ReportHost {
    double wall_seconds = 0;
    double mips = 0;
};

struct ReportDma {
    uint64_t transfers = 0;
    uint64_t bytes = 0;
    uint64_t cycles = 0;
    std::string note;   // which DMA checks were off on this kernel and why; empty when all ran
    std::map<std::string, uint64_t> dropped_faults;   // by rule or check, past the per-name cap
};

// What ran: reports of different kernels, command lines or boards measure different things.
struct RunIdentity {
    std::string kernel_path;     // as the user gave it
    std::string kernel_sha256;   // of the file's bytes, lower-case hex
    uint64_t kernel_bytes = 0;
    std::string cmdline;
    std::string board_name;      // board.name
    std::string board_sha256;    // of the `board` object as compact JSON: every resolved parameter
    // The initrd and Multiboot modules, in load order: how many and one SHA-256 over their
    // digests, so that two boots of one kernel with different initramfs contents do not compare.
    uint64_t payload_files = 0;
    std::string payload_sha256;  // empty when there are none
    // What COM1 received: empty for nothing, "file" or "stdin" for fixed bytes (counted and
    // hashed), "terminal" for keys typed during the run, which no other run repeats.
    std::string serial_input;
    uint64_t serial_input_bytes = 0;
    std::string serial_input_sha256;
};

struct Report {
    RunIdentity run;
    nlohmann::ordered_json board = nlohmann::ordered_json::object();   // BoardConfig::to_json()
    ReportTotals totals;
    std::vector<PathStats> paths;
    std::vector<PathStats> regions;
    std::vector<ReportFault> faults;
    ReportExit exit;
    ReportHost host;
    ReportDma dma;
    // What the host did not keep because a cap in emu/bounds/host_bounds.h was reached, by what it
    // was ("faults.stale_tlb", "region_names", ...); only nonzero counts.
    std::map<std::string, uint64_t> dropped;
};

} // namespace ia32emu
