// The parameter table, TOML loading with `base` inheritance, --set overrides and validation.
#include "emu/board/board_config.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include <toml++/toml.h>

#include "emu/board/civil_time.h"
#include "emu/board/presets.h"
#include "emu/board/source_tags.h"
#include "emu/board/toml_depth.h"
#include "emu/report/text_escape.h"

namespace ia32emu {

namespace {

constexpr uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;
constexpr uint64_t kMaxCount = 1u << 20;      // entries, ways, cycles: far above any real part
constexpr uint64_t kMaxCycles = 100'000'000;

#define FIELD(kind, type, member) kind{[](BoardConfig &c) -> type & { return c.member; }}
#define U64(member) FIELD(U64Field, uint64_t, member)
#define U32(member) FIELD(U32Field, uint32_t, member)
#define BOOL(member) FIELD(BoolField, bool, member)
#define STR(member) FIELD(StringField, std::string, member)
#define REAL(member) FIELD(RealField, double, member)
#define POLICY(member) FIELD(PolicyField, ReplacementPolicy, member)

// The defaults are those of the `pentium-m` preset, whose file cites each number; rows without a
// hardware counterpart say so. Units: see ParamDescriptor.
const ParamDescriptor kParams[] = {
    {"board.name", "", "pentium-m", "name of the board, copied into the report", 0, 0, false, STR(name)},
    {"board.description", "", "Pentium M 760 (Dothan, 2.0 GHz) notebook, 1 GiB", "one line for humans", 0, 0, false,
     STR(description)},

    {"cpu.vendor", "", "GenuineIntel", "CPUID leaf 0 vendor string (12 characters)", 0, 0, false, STR(cpu.vendor)},
    {"cpu.brand", "", "Intel(R) Pentium(R) M processor 2.00GHz", "CPUID brand string (at most 47 characters)", 0, 0,
     false, STR(cpu.brand)},
    {"cpu.family", "", "6", "CPUID family (Pentium M: 6)", 3, 15, false, U32(cpu.family)},
    {"cpu.model", "", "13", "CPUID model (Dothan: 13)", 0, 255, false, U32(cpu.model)},
    {"cpu.stepping", "", "8", "CPUID stepping (signature 06D8h)", 0, 15, false, U32(cpu.stepping)},
    {"cpu.clock_mhz", "MHz", "2000", "core clock, used only to report modelled time", 1, 100'000, false,
     U32(cpu.clock_mhz)},
    {"cpu.features.pse", "", "true", "CPUID.1:EDX.PSE, 4 MiB pages", 0, 0, false, BOOL(cpu.pse)},
    {"cpu.features.pae", "", "true", "CPUID.1:EDX.PAE, 3-level paging", 0, 0, false, BOOL(cpu.pae)},
    {"cpu.features.pge", "", "true", "CPUID.1:EDX.PGE, global pages", 0, 0, false, BOOL(cpu.pge)},

    {"memory.ram_size", "bytes", "1GiB",
     "installed RAM (at least the first MiB and one more); what lies above memory.pci_hole_start is not mapped",
     2 * MiB, 4 * GiB, false, U64(memory.ram_size)},
    {"memory.pci_hole_start", "bytes", "0xE0000000", "physical address where RAM below 4 GiB ends and PCI space begins",
     16 * MiB, 0xFE000000, false, U64(memory.pci_hole_start)},
    {"memory.latency", "cycles", "200", "load-to-use cycles of a line fill from DRAM", 1, kMaxCycles, false,
     U32(cache.memory_latency)},
    {"memory.uncached_latency", "cycles", "200", "cycles of one access to an uncached (PCD) RAM page", 1, kMaxCycles,
     false, U32(memory.uncached_latency)},
    {"memory.mmio_latency", "cycles", "1000", "cycles of one access to a device register or MMIO BAR", 1, kMaxCycles,
     false, U32(memory.mmio_latency)},

    {"core.issue_width", "instructions", "3",
     "instructions (fused uops) issued per cycle; with core.out_of_order false they pair in program order", 1, 8,
     false, U32(core.issue_width)},
    {"core.out_of_order", "", "true",
     "instructions wait only for their operands, and independent misses overlap inside the reorder window", 0, 0,
     false, BOOL(core.out_of_order)},
    {"core.rob_entries", "uops", "40", "reorder buffer: how far past a stalled miss the core finds another one", 1,
     1024, false, U32(core.rob_entries)},

    {"cost.alu", "cycles", "1", "integer ALU, moves between registers, lea, other simple instructions", 0,
     kMaxCycles, false, U32(cost.alu)},
    {"cost.mul", "cycles", "4", "integer multiply (latency)", 0, kMaxCycles, false, U32(cost.mul)},
    {"cost.div", "cycles", "39", "integer divide (latency, 32-bit operand)", 0, kMaxCycles, false, U32(cost.div)},
    {"cost.branch", "cycles", "1", "jumps, calls, returns, loops (prediction is not modelled)", 0, kMaxCycles, false,
     U32(cost.branch)},
    {"cost.load", "cycles", "1", "issue cost of a memory read; the cache model adds the hit latency", 0, kMaxCycles,
     false, U32(cost.load)},
    {"cost.store", "cycles", "1", "issue cost of a memory write; the cache model adds the hit latency", 0,
     kMaxCycles, false, U32(cost.store)},
    {"cost.string_element", "cycles", "1", "one element of movs/stos/lods/scas/cmps (each rep iteration)", 0,
     kMaxCycles, false, U32(cost.string_element)},
    {"cost.fpu", "cycles", "3", "x87 instruction (fadd latency)", 0, kMaxCycles, false, U32(cost.fpu)},
    {"cost.sse", "cycles", "4", "MMX/SSE/SSE2 instruction", 0, kMaxCycles, false, U32(cost.sse)},
    {"cost.port_io", "cycles", "1000", "in/out/ins/outs, one element", 0, kMaxCycles, false, U32(cost.port_io)},
    {"cost.cr_write", "cycles", "20", "mov to CR0/CR2/CR4 (serializing)", 0, kMaxCycles, false, U32(cost.cr_write)},
    {"cost.cr3_write", "cycles", "30", "mov to CR3; the TLB refills are charged by the TLB model", 0, kMaxCycles,
     false, U32(cost.cr3_write)},
    {"cost.invlpg", "cycles", "25", "invlpg", 0, kMaxCycles, false, U32(cost.invlpg)},
    {"cost.exception", "cycles", "44",
     "delivering an exception or interrupt through a gate, on top of the pipeline refill (branch.mispredict_penalty)",
     0, kMaxCycles, false, U32(cost.exception)},
    {"cost.exception_ring_change", "cycles", "27", "extra for a delivery that switches to the ring-0 stack", 0,
     kMaxCycles, false, U32(cost.exception_ring_change)},
    {"cost.ad_update", "cycles", "20",
     "the page walker's locked read-modify-write of an entry whose Accessed or Dirty bit it sets", 0, kMaxCycles,
     false, U32(cost.ad_update)},
    {"cost.serializing", "cycles", "40", "cpuid, wbinvd, lgdt/lidt, iret, rdtsc, hlt and other system instructions",
     0, kMaxCycles, false, U32(cost.serializing)},

    {"tlb.itlb.entries_4k", "entries", "128", "instruction TLB, 4 KiB pages", 1, kMaxCount, false,
     U32(tlb.itlb.small.entries)},
    {"tlb.itlb.ways_4k", "ways", "4", "its associativity (= entries: fully associative)", 1, kMaxCount, false,
     U32(tlb.itlb.small.ways)},
    {"tlb.itlb.entries_large", "entries", "2", "instruction TLB, 4 MiB/2 MiB pages (0: held as 4 KiB fragments)", 0,
     kMaxCount, false, U32(tlb.itlb.large.entries)},
    {"tlb.itlb.ways_large", "ways", "2", "its associativity", 1, kMaxCount, false, U32(tlb.itlb.large.ways)},
    {"tlb.itlb.latency", "cycles", "0", "cycles a hit adds (0: overlaps the L1 access)", 0, kMaxCycles, false,
     U32(tlb.itlb.hit_latency)},
    {"tlb.itlb.replacement", "", "lru", "lru, plru, fifo or random", 0, 0, false, POLICY(tlb.itlb.policy)},
    {"tlb.dtlb.entries_4k", "entries", "128", "data TLB, 4 KiB pages", 1, kMaxCount, false,
     U32(tlb.dtlb.small.entries)},
    {"tlb.dtlb.ways_4k", "ways", "4", "its associativity (= entries: fully associative)", 1, kMaxCount, false,
     U32(tlb.dtlb.small.ways)},
    {"tlb.dtlb.entries_large", "entries", "8", "data TLB, 4 MiB/2 MiB pages (0: held as 4 KiB fragments)", 0,
     kMaxCount, false, U32(tlb.dtlb.large.entries)},
    {"tlb.dtlb.ways_large", "ways", "4", "its associativity", 1, kMaxCount, false, U32(tlb.dtlb.large.ways)},
    {"tlb.dtlb.latency", "cycles", "0", "cycles a hit adds (0: overlaps the L1 access)", 0, kMaxCycles, false,
     U32(tlb.dtlb.hit_latency)},
    {"tlb.dtlb.replacement", "", "lru", "lru, plru, fifo or random", 0, 0, false, POLICY(tlb.dtlb.policy)},
    {"tlb.l2.entries_4k", "entries", "0", "second-level TLB behind both first levels, 4 KiB pages (0: none)", 0,
     kMaxCount, false, U32(tlb.stlb.small.entries)},
    {"tlb.l2.ways_4k", "ways", "4", "its associativity (= entries: fully associative)", 1, kMaxCount, false,
     U32(tlb.stlb.small.ways)},
    {"tlb.l2.entries_large", "entries", "0", "second-level TLB, 4 MiB/2 MiB pages (0: held as 4 KiB fragments)", 0,
     kMaxCount, false, U32(tlb.stlb.large.entries)},
    {"tlb.l2.ways_large", "ways", "4", "its associativity", 1, kMaxCount, false, U32(tlb.stlb.large.ways)},
    {"tlb.l2.latency", "cycles", "0", "cycles a first-level miss that hits here adds", 0, kMaxCycles, false,
     U32(tlb.stlb.hit_latency)},
    {"tlb.l2.replacement", "", "lru", "lru, plru, fifo or random", 0, 0, false, POLICY(tlb.stlb.policy)},
    {"tlb.walk_cycles", "cycles", "8", "page walker's own cycles; PDE/PTE reads are charged through the caches", 0,
     kMaxCycles, false, U32(page_walk_cycles)},

    {"cache.l1i.size", "bytes", "32KiB", "L1 instruction cache", 1, GiB, false, U64(cache.l1i.size_bytes)},
    {"cache.l1i.ways", "ways", "8", "its associativity", 1, 1024, false, U32(cache.l1i.ways)},
    {"cache.l1i.line", "bytes", "64", "its line size", 16, 4096, true, U32(cache.l1i.line_bytes)},
    {"cache.l1i.latency", "cycles", "0", "fetch hit cost (0: hidden by the pipeline)", 0, kMaxCycles, false,
     U32(cache.l1i.latency)},
    {"cache.l1i.replacement", "", "plru", "lru, plru, fifo or random", 0, 0, false, POLICY(cache.l1i.policy)},
    {"cache.l1d.size", "bytes", "32KiB", "L1 data cache", 1, GiB, false, U64(cache.l1d.size_bytes)},
    {"cache.l1d.ways", "ways", "8", "its associativity", 1, 1024, false, U32(cache.l1d.ways)},
    {"cache.l1d.line", "bytes", "64", "its line size", 16, 4096, true, U32(cache.l1d.line_bytes)},
    {"cache.l1d.latency", "cycles", "3", "load-to-use cycles of a hit", 0, kMaxCycles, false, U32(cache.l1d.latency)},
    {"cache.l1d.replacement", "", "plru", "lru, plru, fifo or random", 0, 0, false, POLICY(cache.l1d.policy)},
    {"cache.l2.size", "bytes", "2MiB", "unified L2 cache", 1, GiB, false, U64(cache.l2.size_bytes)},
    {"cache.l2.ways", "ways", "8", "its associativity", 1, 1024, false, U32(cache.l2.ways)},
    {"cache.l2.line", "bytes", "64", "its line size", 16, 4096, true, U32(cache.l2.line_bytes)},
    {"cache.l2.latency", "cycles", "10", "load-to-use cycles of a hit (total, not added to L1)", 0, kMaxCycles, false,
     U32(cache.l2.latency)},
    {"cache.l2.replacement", "", "plru", "lru, plru, fifo or random", 0, 0, false, POLICY(cache.l2.policy)},
    {"cache.l3.size", "bytes", "0", "unified L3 cache (0: none)", 0, GiB, false, U64(cache.l3.size_bytes)},
    {"cache.l3.ways", "ways", "16", "its associativity", 1, 1024, false, U32(cache.l3.ways)},
    {"cache.l3.line", "bytes", "64", "its line size", 16, 4096, true, U32(cache.l3.line_bytes)},
    {"cache.l3.latency", "cycles", "40", "load-to-use cycles of a hit (total)", 0, kMaxCycles, false,
     U32(cache.l3.latency)},
    {"cache.l3.replacement", "", "lru", "lru, plru, fifo or random", 0, 0, false, POLICY(cache.l3.policy)},

    {"bus.ratio", "cycles", "15", "core cycles per front-side-bus base clock (2000 MHz / 133 MHz)", 1, 1000, false,
     U32(memory_system.bus.core_cycles_per_bus_cycle)},
    {"bus.bytes_per_cycle", "bytes", "32", "bytes the bus carries per base clock (64-bit, quad pumped)", 1, 4096, false,
     U32(memory_system.bus.bytes_per_bus_cycle)},
    {"bus.line_overhead", "bus cycles", "1", "request and arbitration cycles per line transaction", 0, 1000, false,
     U32(memory_system.bus.line_overhead)},
    {"bus.turnaround", "bus cycles", "1", "cycles lost when the bus changes between reads and write-backs", 0, 1000,
     false, U32(memory_system.bus.turnaround)},
    {"bus.max_outstanding", "lines", "8", "line fills in flight at once (demand and prefetch)", 1, 64, false,
     U32(memory_system.bus.max_outstanding)},
    {"prefetch.streams", "pages", "16", "4 KiB pages the L2 stream prefetcher tracks (0: off)", 0, 256, false,
     U32(memory_system.prefetch.streams)},
    {"prefetch.distance", "lines", "8", "lines it keeps requested ahead of the demand", 0, 64, false,
     U32(memory_system.prefetch.distance)},
    {"store_buffer.entries", "entries", "12", "stores waiting to drain before a store stalls (0: every store waits)",
     0, 256, false, U32(memory_system.store_buffer.entries)},
    {"branch.entries", "counters", "4096", "2-bit direction counters, a power of two (0: no prediction modelled)", 0,
     1u << 20, false, U32(branch.entries)},
    {"branch.history_bits", "bits", "8", "global history folded into the index (0: bimodal)", 0, 20, false,
     U32(branch.history_bits)},
    {"branch.mispredict_penalty", "cycles", "13", "cycles lost per mispredicted conditional branch", 0, kMaxCycles,
     false, U32(branch.mispredict_penalty)},
    {"string.fast", "", "true", "rep movs/stos move whole cache lines (fast-string operation)", 0, 0, false,
     BOOL(strings.fast)},
    {"string.line_cycles", "cycles", "8", "cycles per destination line of a fast rep movs/stos", 0, kMaxCycles, false,
     U32(strings.line_cycles)},

    {"dma.mask_bits", "bits", "28", "DMA address width of the edu-style engine (QEMU's edu: 28)", 12, 32, false,
     U32(dma.mask_bits)},
    {"dma.latency", "cycles", "1000", "doorbell to first byte of a transfer", 0, kMaxCycles, false, U32(dma.latency)},
    {"dma.bytes_per_cycle", "bytes/cycle", "0.0667", "sustained DMA rate (32-bit/33 MHz PCI at a 2 GHz core)", 1, 64,
     false, REAL(dma.bytes_per_cycle)},

    {"rtc.base", "", "2024-01-01T00:00:00",
     "what the CMOS clock reads at power-on (QEMU: -rtc base=...,clock=vm); it then follows modelled time", 0, 0,
     false, STR(rtc.base)},

    {"budget.max_insns", "instructions", "0", "default instruction budget (0: unlimited)", 0,
     uint64_t(std::numeric_limits<int64_t>::max()), false, U64(budget.max_insns)},
    {"budget.timeout_seconds", "seconds", "600", "default wall-clock limit (0: unlimited)", 0, 86'400 * 365, false,
     U32(budget.timeout_seconds)},
};

#undef FIELD
#undef U64
#undef U32
#undef BOOL
#undef STR
#undef REAL
#undef POLICY

const std::array<std::string_view, 3> kPresetNames = {"atom-n270", "default", "pentium-m"};

const ParamDescriptor *find_param(std::string_view key) {
    for (const auto &p : kParams)
        if (p.key == key) return &p;
    return nullptr;
}

[[noreturn]] void fail(const std::string &where, const std::string &message) {
    throw ConfigError(one_line("board: " + (where.empty() ? std::string() : where + ": ") + message));
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool is_integer_field(const ParamDescriptor &p) {
    return std::holds_alternative<U64Field>(p.field) || std::holds_alternative<U32Field>(p.field);
}

std::string expectation(const ParamDescriptor &p) {
    if (is_integer_field(p)) return p.min >= 1 ? "a positive integer" : "a non-negative integer";
    if (std::holds_alternative<BoolField>(p.field)) return "true or false";
    if (std::holds_alternative<RealField>(p.field)) return "a positive number";
    if (std::holds_alternative<PolicyField>(p.field)) return "one of lru, plru, fifo, random";
    return "a string";
}

// Decimal or 0x-hex, with an optional binary size suffix (K, KiB, M, MiB, G, GiB) for byte counts.
std::optional<uint64_t> parse_integer(std::string_view text, bool sizes) {
    text = trim(text);
    uint64_t scale = 1;
    if (sizes) {
        static const std::pair<std::string_view, uint64_t> suffixes[] = {
            {"KiB", KiB}, {"MiB", MiB}, {"GiB", GiB}, {"K", KiB}, {"M", MiB}, {"G", GiB}};
        for (const auto &[suffix, factor] : suffixes) {
            if (text.size() > suffix.size() && text.ends_with(suffix)) {
                text.remove_suffix(suffix.size());
                scale = factor;
                break;
            }
        }
    }
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    if (text.empty()) return std::nullopt;
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (value > std::numeric_limits<uint64_t>::max() / scale) return std::nullopt;
    return value * scale;
}

void store_integer(BoardConfig &config, const ParamDescriptor &p, uint64_t value, const std::string &where,
                   const std::string &shown) {
    if (value < p.min || value > p.max)
        fail(where, std::string(p.key) + ": expected an integer in [" + std::to_string(p.min) + ", " +
                        std::to_string(p.max) + "], got " + shown);
    if (p.power_of_two && value != 0 && !std::has_single_bit(value))
        fail(where, std::string(p.key) + ": expected a power of two, got " + shown);
    if (auto f = std::get_if<U64Field>(&p.field)) (*f)(config) = value;
    else (*std::get_if<U32Field>(&p.field))(config) = uint32_t(value);
}

// The smallest real a board accepts: every real is a rate, and a rate this small already stretches
// one 4 KiB DMA transfer to 2^32 cycles; 1e-300 would overflow the cycle arithmetic.
constexpr double kMinReal = 1.0 / 1048576;

void store_real(BoardConfig &config, const ParamDescriptor &p, double value, const std::string &where,
                const std::string &shown) {
    if (!std::isfinite(value) || value < kMinReal || value > double(p.max))
        fail(where, std::string(p.key) + ": expected a number in [2^-20, " + std::to_string(p.max) + "], got " + shown);
    (*std::get<RealField>(p.field))(config) = value;
}

void store_policy(BoardConfig &config, const ParamDescriptor &p, std::string_view text, const std::string &where) {
    auto policy = parse_replacement_policy(text);
    if (!policy) fail(where, std::string(p.key) + ": expected " + expectation(p) + ", got " + in_quotes(text));
    (*std::get<PolicyField>(p.field))(config) = *policy;
}

// A value written as text, as on the command line.
void set_from_text(BoardConfig &config, const ParamDescriptor &p, std::string_view text, const std::string &where) {
    const std::string shown = in_quotes(text);
    auto bad = [&]() { fail(where, std::string(p.key) + ": expected " + expectation(p) + ", got " + shown); };
    if (is_integer_field(p)) {
        auto value = parse_integer(text, p.unit == "bytes");
        if (!value) bad();
        store_integer(config, p, *value, where, std::string(trim(text)));
    } else if (auto b = std::get_if<BoolField>(&p.field)) {
        auto t = trim(text);
        if (t == "true") (*b)(config) = true;
        else if (t == "false") (*b)(config) = false;
        else bad();
    } else if (std::holds_alternative<RealField>(p.field)) {
        auto t = trim(text);
        double value = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
        if (t.empty() || ec != std::errc() || end != t.data() + t.size()) bad();
        store_real(config, p, value, where, std::string(t));
    } else if (std::holds_alternative<PolicyField>(p.field)) {
        store_policy(config, p, trim(text), where);
    } else {
        (*std::get<StringField>(p.field))(config) = std::string(text);
    }
}

std::string describe(const toml::node &node) {
    if (auto s = node.as_string()) return in_quotes(s->get());
    if (auto i = node.as_integer()) return std::to_string(i->get());
    if (auto f = node.as_floating_point()) {
        std::ostringstream out;
        out << f->get();
        return out.str();
    }
    if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
    if (node.is_array()) return "an array";
    if (node.is_table()) return "a table";
    return "a date or time";
}

// A value from a TOML file: its TOML type must match, except that integers may be written as
// size strings ("32KiB") and reals as integers.
void set_from_toml(BoardConfig &config, const ParamDescriptor &p, const toml::node &node, const std::string &where) {
    auto bad = [&]() { fail(where, std::string(p.key) + ": expected " + expectation(p) + ", got " + describe(node)); };
    if (is_integer_field(p)) {
        if (auto i = node.as_integer()) {
            if (i->get() < 0) bad();
            store_integer(config, p, uint64_t(i->get()), where, describe(node));
        } else if (auto s = node.as_string()) {
            set_from_text(config, p, s->get(), where);
        } else {
            bad();
        }
    } else if (auto b = std::get_if<BoolField>(&p.field)) {
        auto v = node.as_boolean();
        if (!v) bad();
        (*b)(config) = v->get();
    } else if (std::holds_alternative<RealField>(p.field)) {
        if (auto f = node.as_floating_point()) store_real(config, p, f->get(), where, describe(node));
        else if (auto i = node.as_integer()) store_real(config, p, double(i->get()), where, describe(node));
        else bad();
    } else if (std::holds_alternative<PolicyField>(p.field)) {
        auto s = node.as_string();
        if (!s) bad();
        store_policy(config, p, s->get(), where);
    } else {
        auto s = node.as_string();
        if (!s) bad();
        (*std::get<StringField>(p.field))(config) = s->get();
    }
}

void apply_table(BoardConfig &config, const toml::table &table, const std::string &prefix, const std::string &source,
                 const std::vector<std::string_view> &lines) {
    for (auto &&[key, node] : table) {
        std::string dotted = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
        if (prefix.empty() && dotted == "base") continue;
        if (auto sub = node.as_table()) {
            apply_table(config, *sub, dotted, source, lines);
            continue;
        }
        const size_t line = node.source().begin.line;
        std::string where = source + ":" + std::to_string(line);
        const ParamDescriptor *p = find_param(dotted);
        if (!p) fail(where, "unknown key '" + dotted + "'");
        set_from_toml(config, *p, node, where);
        const std::string tags = line >= 1 && line <= lines.size() ? source_tags(lines[line - 1]) : std::string();
        config.provenance[dotted] = where + (tags.empty() ? "" : " " + tags);
    }
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const size_t nl = text.find('\n');
        lines.push_back(text.substr(0, nl));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

constexpr int kMaxBaseDepth = 8;

BoardConfig load_any(std::string_view name_or_path, const std::filesystem::path &relative_to, int depth);

// Parses one board document (a preset's text or a file's) on top of its base.
BoardConfig load_document(std::string_view text, const std::string &source, const std::filesystem::path &folder,
                          int depth) {
    toml::table table;
    if (auto deep = excessive_toml_nesting(text))
        fail(source + ":" + std::to_string(deep->line),
             std::string(deep->what) + " nested more than " + std::to_string(kMaxTomlNesting) + " levels deep");
    try {
        table = toml::parse(text, source);
    } catch (const toml::parse_error &e) {
        fail(source + ":" + std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column),
             std::string(e.description()));
    }
    BoardConfig config = BoardConfig::defaults();
    if (auto base = table.get("base")) {
        auto name = base->as_string();
        if (!name) fail(source, "base: expected a board name or file, got " + describe(*base));
        if (depth >= kMaxBaseDepth) fail(source, "base: more than 8 levels of base (a cycle?)");
        config = load_any(name->get(), folder, depth + 1);
        // A file that changes its base is another board: unless it names itself, it is named
        // after the file, with the base it started from.
        if (!source.starts_with("preset ")) {
            config.name = std::filesystem::path(source).stem().string();
            config.description = "board file " + source + " (based on " + std::string(name->get()) + ")";
        }
    }
    apply_table(config, table, "", source, split_lines(text));
    config.sync_derived();
    return config;
}

BoardConfig load_any(std::string_view name_or_path, const std::filesystem::path &relative_to, int depth) {
    if (const BoardPreset *preset = find_board_preset(name_or_path))
        return load_document(preset->toml, "preset " + std::string(preset->name), {}, depth);
    std::filesystem::path path(name_or_path);
    if (path.is_relative() && !relative_to.empty()) path = relative_to / path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        if (name_or_path.find('/') == std::string_view::npos && !name_or_path.ends_with(".toml")) {
            std::string names;
            for (auto n : kPresetNames) names += (names.empty() ? "" : ", ") + std::string(n);
            fail("", "unknown board '" + std::string(name_or_path) + "' (presets: " + names + "; or a .toml file)");
        }
        fail("", "cannot read '" + path.string() + "': " +
                     (std::filesystem::is_directory(path, ec) ? "it is a directory" : "no such file"));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) fail("", "cannot read '" + path.string() + "'");
    return load_document(text.str(), path.string(), path.parent_path(), depth);
}

void validate_cache(const CacheParams &c, const std::string &level) {
    const std::string key = "cache." + level;
    uint64_t way_bytes = uint64_t(c.ways) * c.line_bytes;
    if (c.size_bytes % way_bytes != 0)
        fail("", key + ".size: " + std::to_string(c.size_bytes) + " bytes is not a multiple of ways x line (" +
                     std::to_string(c.ways) + " x " + std::to_string(c.line_bytes) + ")");
    uint64_t sets = c.size_bytes / way_bytes;
    if (!std::has_single_bit(sets))
        fail("", key + ".size: gives " + std::to_string(sets) +
                     " sets; the number of sets (size / (ways x line)) must be a power of two");
    if (auto why = replacement_geometry_error(c.policy, c.ways); !why.empty()) fail("", key + ".replacement: " + why);
}

void validate_tlb_array(const TlbArrayParams &a, const std::string &level, const std::string &size,
                        ReplacementPolicy policy) {
    if (a.entries == 0) return;
    const std::string key = "tlb." + level + ".entries_" + size;
    if (a.entries % a.ways != 0)
        fail("", key + ": " + std::to_string(a.entries) + " entries do not divide into " + std::to_string(a.ways) +
                     " ways");
    if (!std::has_single_bit(a.entries / a.ways))
        fail("", key + ": gives " + std::to_string(a.entries / a.ways) +
                     " sets; the number of sets must be a power of two");
    if (auto why = replacement_geometry_error(policy, a.ways); !why.empty())
        fail("", "tlb." + level + ".replacement: " + why + " (for " + key + ")");
}

void validate_order(uint32_t upper, const std::string &upper_key, uint32_t lower, const std::string &lower_key) {
    if (lower < upper)
        fail("", lower_key + ": " + std::to_string(lower) + " is below " + upper_key + " (" + std::to_string(upper) +
                     "); a farther level cannot be faster");
}

void validate_line(const CacheParams &upper, const std::string &upper_level, const CacheParams &lower,
                   const std::string &lower_level) {
    if (lower.line_bytes < upper.line_bytes)
        fail("", "cache." + lower_level + ".line: " + std::to_string(lower.line_bytes) + " is smaller than cache." +
                     upper_level + ".line (" + std::to_string(upper.line_bytes) +
                     "); a line must fit in one line of the level below");
}

} // namespace

std::span<const ParamDescriptor> BoardConfig::parameters() { return kParams; }

std::span<const std::string_view> BoardConfig::preset_names() { return kPresetNames; }

BoardConfig BoardConfig::defaults() {
    static const BoardConfig cached = [] {
        BoardConfig config;
        for (const auto &p : kParams) set_from_text(config, p, p.default_text, "default of " + std::string(p.key));
        config.sync_derived();
        config.validate();
        return config;
    }();
    return cached;
}

BoardConfig BoardConfig::load(std::string_view name_or_path) {
    BoardConfig config = load_any(name_or_path, {}, 0);
    config.validate();
    return config;
}

BoardConfig BoardConfig::parse(std::string_view text, const std::string &source) {
    BoardConfig config = load_document(text, source, {}, 0);
    config.validate();
    return config;
}

void BoardConfig::apply_override(std::string_view assignment) {
    auto eq = assignment.find('=');
    std::string_view key = trim(assignment.substr(0, eq));
    if (eq == std::string_view::npos || key.empty())
        fail("", "--set expects key=value, got " + in_quotes(assignment));
    const ParamDescriptor *p = find_param(key);
    if (!p) fail("", "unknown key '" + std::string(key) + "'");
    std::string_view value = assignment.substr(eq + 1);
    set_from_text(*this, *p, trim(value), "");
    provenance[std::string(key)] = "--set";
    sync_derived();
}

int64_t RtcConfig::base_seconds() const { return parse_rtc_base(base).value_or(0); }

void BoardConfig::validate() const {
    if (cpu.vendor.size() != 12)
        fail("", "cpu.vendor: expected 12 characters, got " + std::to_string(cpu.vendor.size()) + " (" +
                     in_quotes(cpu.vendor) + ")");
    if (cpu.brand.size() > 47)
        fail("", "cpu.brand: at most 47 characters fit in CPUID, got " + std::to_string(cpu.brand.size()));
    if (!parse_rtc_base(rtc.base))
        fail("", "rtc.base: expected YYYY-MM-DDTHH:MM:SS between 1900 and 2199, got " + in_quotes(rtc.base));
    if (memory.ram_size % (4 * KiB) != 0)
        fail("", "memory.ram_size: " + std::to_string(memory.ram_size) + " is not a multiple of 4 KiB");
    if (memory.pci_hole_start % MiB != 0)
        fail("", "memory.pci_hole_start: " + std::to_string(memory.pci_hole_start) + " is not a multiple of 1 MiB");

    validate_cache(cache.l1i, "l1i");
    validate_cache(cache.l1d, "l1d");
    validate_cache(cache.l2, "l2");
    if (cache.has_l3) validate_cache(cache.l3, "l3");
    validate_line(cache.l1i, "l1i", cache.l2, "l2");
    validate_line(cache.l1d, "l1d", cache.l2, "l2");
    if (cache.has_l3) validate_line(cache.l2, "l2", cache.l3, "l3");
    validate_order(cache.l1d.latency, "cache.l1d.latency", cache.l2.latency, "cache.l2.latency");
    validate_order(cache.l1i.latency, "cache.l1i.latency", cache.l2.latency, "cache.l2.latency");
    uint32_t last = cache.l2.latency;
    std::string last_key = "cache.l2.latency";
    if (cache.has_l3) {
        validate_order(last, last_key, cache.l3.latency, "cache.l3.latency");
        last = cache.l3.latency;
        last_key = "cache.l3.latency";
    }
    validate_order(last, last_key, cache.memory_latency, "memory.latency");

    for (auto [level, t] : {std::pair<std::string, const TlbLevelParams *>{"itlb", &tlb.itlb}, {"dtlb", &tlb.dtlb},
                            {"l2", &tlb.stlb}}) {
        validate_tlb_array(t->small, level, "4k", t->policy);
        validate_tlb_array(t->large, level, "large", t->policy);
    }

    // The models' own checks, so that whatever passes here can be built; ours above name the keys
    // first, these only catch what they might add later.
    if (auto why = cache_hierarchy_params_error(cache); !why.empty()) fail("", "cache: " + why);
    if (auto why = memory_bus_params_error(memory_system.bus); !why.empty()) fail("", why);
    if (auto why = stream_prefetcher_params_error(memory_system.prefetch); !why.empty()) fail("", why);
    if (auto why = branch_predictor_params_error(branch); !why.empty()) fail("", why);
    if (auto why = core_params_error(core); !why.empty()) fail("", why);
    if (auto why = tlb_system_params_error(tlb); !why.empty()) fail("", "tlb: " + why);
}

TimingParams BoardConfig::timing_params() const {
    TimingParams p;
    p.core = core;
    p.cost = cost;
    p.cache = cache;
    p.memory_system = memory_system;
    p.tlb = tlb;
    p.branch = branch;
    p.strings = strings;
    p.page_walk_cycles = page_walk_cycles;
    p.uncached_latency = memory.uncached_latency;
    p.mmio_latency = memory.mmio_latency;
    return p;
}

void BoardConfig::sync_derived() {
    cache.l1i.name = "l1i";
    cache.l1d.name = "l1d";
    cache.l2.name = "l2";
    cache.l3.name = "l3";
    cache.has_l3 = cache.l3.size_bytes != 0;
    tlb.itlb.name = "itlb";
    tlb.dtlb.name = "dtlb";
    tlb.stlb.name = "stlb";
    tlb.has_stlb = tlb.stlb.small.entries != 0 || tlb.stlb.large.entries != 0;
    memory_system.bus.dram_latency = cache.memory_latency;
    memory_system.bus.line_bytes = cache.l2.line_bytes;
    memory_system.prefetch.line_bytes = cache.l2.line_bytes;
}

std::string BoardConfig::get(std::string_view key) const {
    const ParamDescriptor *p = find_param(key);
    if (!p) fail("", "unknown key '" + std::string(key) + "'");
    // The table's accessors are written once, for the mutable case; reading through them is safe.
    auto &self = const_cast<BoardConfig &>(*this);
    return std::visit(
        [&](auto field) -> std::string {
            const auto &value = field(self);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, bool>) return value ? "true" : "false";
            else if constexpr (std::is_same_v<T, std::string>) return value;
            else if constexpr (std::is_same_v<T, ReplacementPolicy>) return std::string(replacement_policy_name(value));
            else if constexpr (std::is_same_v<T, double>) {
                std::ostringstream out;
                out << value;
                return out.str();
            } else return std::to_string(value);
        },
        p->field);
}

nlohmann::ordered_json BoardConfig::to_json() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    // As in get(): the accessors only read here.
    auto &self = const_cast<BoardConfig &>(*this);
    for (const auto &p : kParams) {
        nlohmann::ordered_json *node = &out;
        std::string_view rest = p.key;
        for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
            node = &(*node)[std::string(rest.substr(0, dot))];
            rest.remove_prefix(dot + 1);
        }
        std::visit(
            [&](auto field) {
                const auto &value = field(self);
                using T = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<T, ReplacementPolicy>)
                    (*node)[std::string(rest)] = std::string(replacement_policy_name(value));
                else (*node)[std::string(rest)] = value;
            },
            p.field);
    }
    return out;
}

} // namespace ia32emu
