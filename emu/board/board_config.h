// The board description: every model parameter, its unit, default and provenance, loaded from TOML.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "emu/cache/cache_params.h"
#include "emu/cache/memory_system.h"
#include "emu/cache/replacement.h"
#include "emu/mmu/tlb_params.h"
#include "emu/timing/branch_predictor.h"
#include "emu/timing/core_params.h"
#include "emu/timing/cost_config.h"
#include "emu/timing/string_config.h"
#include "emu/timing/timing_params.h"

namespace ia32emu {

// Every load, override and validation failure; what() is one line starting "board: " that names
// the key or the file, so the CLI can print it as is and exit 2.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CpuConfig {
    std::string vendor;       // 12 characters, CPUID leaf 0
    std::string brand;        // at most 47 characters, CPUID leaves 0x80000002-4
    uint32_t family = 0;
    uint32_t model = 0;       // above 15 it is encoded with the extended-model field
    uint32_t stepping = 0;
    uint32_t clock_mhz = 0;   // only turns cycles into seconds in reports
    bool pse = false;
    bool pae = false;
    bool pge = false;
};

struct MemoryConfig {
    uint64_t ram_size = 0;          // bytes
    uint64_t pci_hole_start = 0;    // physical address where RAM below 4 GiB stops
    uint32_t uncached_latency = 0;  // cycles for one access to a PCD/UC page of RAM
    uint32_t mmio_latency = 0;      // cycles for one access to a device register or MMIO BAR
};

struct DmaConfig {
    uint32_t mask_bits = 0;         // the device can address [0, 2^mask_bits)
    uint32_t latency = 0;           // cycles from the doorbell to the first byte
    double bytes_per_cycle = 0;     // sustained transfer rate
};

// The CMOS clock's reading at cycle 0, as QEMU's -rtc base= (then it follows modelled time).
struct RtcConfig {
    std::string base;               // "YYYY-MM-DDTHH:MM:SS"
    int64_t base_seconds() const;   // seconds since 1970; the text was validated
};

struct BudgetConfig {
    uint64_t max_insns = 0;         // 0: unlimited
    uint32_t timeout_seconds = 0;   // 0: unlimited
};

struct BoardConfig;

// How a descriptor reaches its field: a plain function from the configuration to the member.
using U64Field = uint64_t &(*)(BoardConfig &);
using U32Field = uint32_t &(*)(BoardConfig &);
using BoolField = bool &(*)(BoardConfig &);
using StringField = std::string &(*)(BoardConfig &);
using RealField = double &(*)(BoardConfig &);
using PolicyField = ReplacementPolicy &(*)(BoardConfig &);
using FieldRef = std::variant<U64Field, U32Field, BoolField, StringField, RealField, PolicyField>;

// One row of the parameter table (board_config.cpp): the only place a parameter is declared.
struct ParamDescriptor {
    std::string_view key;           // dotted, e.g. "cache.l1d.size"
    std::string_view unit;          // "bytes", "cycles", "entries", "ways", "MHz", "" ...
    std::string_view default_text;  // parsed like a --set value to build the defaults
    std::string_view description;   // one line, with where the default comes from
    uint64_t min = 0;               // for integers and reals (reals compare > 0 when min == 1)
    uint64_t max = 0;
    bool power_of_two = false;      // for integers; 0 is allowed when min == 0
    FieldRef field;
};

struct BoardConfig {
    std::string name;
    std::string description;
    // Where each value not left at the table's default came from: "preset atom-n270:91 [SDM2]
    // [7CPU]" (the file, its line and the source tags its comment cites), a board file's path and
    // line, or "--set"; keys absent here have the default the parameter table describes.
    std::map<std::string, std::string> provenance;
    CpuConfig cpu;
    MemoryConfig memory;
    CostConfig cost;
    CoreParams core;
    // The cache and TLB models' own parameter structs, filled from the cache.* and tlb.* keys
    // (cache.memory_latency is memory.latency). has_l3 follows cache.l3.size != 0 and has_stlb
    // follows tlb.l2.entries_4k/entries_large != 0; names are "l1i", "l1d", "l2", "l3", "itlb",
    // "dtlb", "stlb".
    CacheHierarchyParams cache;
    TlbSystemParams tlb;
    uint32_t page_walk_cycles = 0;   // tlb.walk_cycles: the walker's own work; PDE/PTE reads go through the caches
    // The bus, prefetcher and store buffer (bus.*, prefetch.*, store_buffer.*); the bus's DRAM
    // latency and line size follow memory.latency and cache.l2.line.
    MemorySystemParams memory_system;
    BranchPredictorParams branch;
    StringConfig strings;
    DmaConfig dma;
    RtcConfig rtc;
    BudgetConfig budget;

    // The table's defaults (those of the `default` board), validated.
    static BoardConfig defaults();
    // A preset name (see preset_names()) or a TOML file; a file may say `base = "NAME|PATH"` to
    // start from another board (a relative PATH is taken from the including file's folder).
    // The result is validated.
    static BoardConfig load(std::string_view name_or_path);
    // The same from a board file's text; `source` names it in messages, and a relative base is
    // taken from the working folder.
    static BoardConfig parse(std::string_view text, const std::string &source);
    // "key=value" as given to --set. Checks the value's type and range only: call validate()
    // after the last override, since one override may be valid only together with the next.
    void apply_override(std::string_view assignment);
    // Cross-parameter rules: geometry of every cache and TLB (and the models' own checks), latencies
    // ordered by level, RAM and PCI hole alignment, string lengths. Throws ConfigError naming the
    // first broken key.
    void validate() const;
    // The resolved configuration, nested by the dotted keys in table order.
    nlohmann::ordered_json to_json() const;
    // The value of one parameter as text, as a --set would spell it.
    std::string get(std::string_view key) const;

    // The timing model's parameters, taken from the fields above.
    TimingParams timing_params() const;

    // Recomputes has_l3, has_stlb and the level names from the keyed fields; load, defaults and
    // apply_override call it, code that edits the fields directly must too.
    void sync_derived();

    static std::span<const ParamDescriptor> parameters();
    static std::span<const std::string_view> preset_names();
};

} // namespace ia32emu
