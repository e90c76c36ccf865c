// The board description: every model parameter, its unit, default and provenance, loaded from TOML.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "emu/cache/replacement.h"

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
    uint32_t latency = 0;           // cycles for a cacheable line fill from DRAM
    uint32_t uncached_latency = 0;  // cycles for one access to a PCD/UC page of RAM
    uint32_t mmio_latency = 0;      // cycles for one access to a device register or MMIO BAR
};

// Cycles charged per instruction class; see emu/timing/cost_table.h for what each class holds.
struct CostConfig {
    uint32_t alu = 0, mul = 0, div = 0, branch = 0, load = 0, store = 0, string_element = 0;
    uint32_t fpu = 0, sse = 0, port_io = 0, cr_write = 0, cr3_write = 0, invlpg = 0, serializing = 0;
};

// One TLB array. ways == entries means fully associative; entries == 0 means the array is absent.
struct TlbArrayConfig {
    uint32_t entries = 0;
    uint32_t ways = 0;
    uint32_t sets() const { return ways ? entries / ways : 0; }
};

struct TlbConfig {
    TlbArrayConfig itlb_4k, itlb_large, dtlb_4k, dtlb_large;
    TlbArrayConfig l2;                  // second level behind the first-level TLBs; optional
    uint32_t l2_latency = 0;            // cycles added by a first-level miss that hits the L2 TLB
    ReplacementPolicy replacement = ReplacementPolicy::Lru;
    uint32_t walk_cycles = 0;           // walker's own cycles; its PDE/PTE reads go through the caches
};

// One cache level; size == 0 means the level is absent (only L3 may be).
struct CacheLevelConfig {
    uint64_t size = 0;      // bytes
    uint32_t ways = 0;
    uint32_t line = 0;      // bytes
    uint32_t latency = 0;   // load-to-use cycles of a hit at this level (total, not added to the level above)
    ReplacementPolicy replacement = ReplacementPolicy::Lru;
    bool present() const { return size != 0; }
    uint32_t sets() const { return present() ? uint32_t(size / (uint64_t(ways) * line)) : 0; }
};

struct CacheConfig {
    CacheLevelConfig l1i, l1d, l2, l3;
};

struct DmaConfig {
    uint32_t mask_bits = 0;         // the device can address [0, 2^mask_bits)
    uint32_t latency = 0;           // cycles from the doorbell to the first byte
    double bytes_per_cycle = 0;     // sustained transfer rate
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
    CpuConfig cpu;
    MemoryConfig memory;
    CostConfig cost;
    TlbConfig tlb;
    CacheConfig cache;
    DmaConfig dma;
    BudgetConfig budget;

    // The table's defaults (those of the `default` board), validated.
    static BoardConfig defaults();
    // A preset name (see preset_names()) or a TOML file; a file may say `base = "NAME|PATH"` to
    // start from another board (a relative PATH is taken from the including file's folder).
    // The result is validated.
    static BoardConfig load(std::string_view name_or_path);
    // "key=value" as given to --set. Checks the value's type and range only: call validate()
    // after the last override, since one override may be valid only together with the next.
    void apply_override(std::string_view assignment);
    // Cross-parameter rules: geometry of every cache and TLB, latencies ordered by level, RAM and
    // PCI hole alignment, string lengths. Throws ConfigError naming the first broken key.
    void validate() const;
    // The resolved configuration, nested by the dotted keys in table order.
    nlohmann::ordered_json to_json() const;
    // The value of one parameter as text, as a --set would spell it.
    std::string get(std::string_view key) const;

    static std::span<const ParamDescriptor> parameters();
    static std::span<const std::string_view> preset_names();
};

} // namespace ia32emu
