// Decodes each translation block once with Capstone into its static cost and the facts the engine needs.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "emu/bounds/host_bounds.h"
#include "emu/timing/core_params.h"
#include "emu/timing/cost_table.h"

namespace ia32emu {

// Where a block executes rdtsc: the engine hooks the instruction after it and overwrites EDX:EAX
// with the modelled clock as it stood when the rdtsc ran.
struct RdtscSite {
    uint32_t resume_offset = 0;   // from the block's pc; equals the block size when rdtsc ends it
    uint32_t insns_through = 0;   // instructions of the block up to and including the rdtsc
    uint64_t cycles_through = 0;  // the block's schedule up to and including it
};

// Where a block executes a port access: a region marker written there must see the clock as it
// stood at that instruction, not at the start of the block.
struct PortIoSite {
    uint32_t offset = 0;          // of the in/out instruction, from the block's pc
    uint32_t insns_before = 0;    // instructions of the block before it
    uint64_t cycles_before = 0;   // the block's schedule before it
    uint32_t own_cycles = 0;      // what it adds to the schedule
};

// Where each instruction starts, and the block's schedule up to it: what a block that faults at
// that instruction has executed.
struct InsnStart {
    uint32_t offset = 0;          // from the block's pc
    uint32_t cycles_before = 0;
};

struct BlockInfo {
    uint32_t pc = 0;
    uint32_t size = 0;              // bytes
    uint32_t icount = 0;            // instructions, as Unicorn counts them for the block
    uint64_t bytes_hash = 0;        // of the bytes it was decoded from (BlockDecoder::hash_of)
    uint64_t static_cycles = 0;     // the block's issue schedule on the board's core (issue_schedule.h)
    uint16_t flags = 0;             // OR of InsnFlag over the block's instructions
    bool fully_decoded = true;      // false: Capstone stopped early; the rest counts as one Alu instruction
    // A load's destination register is an address register of a later memory operand in the block
    // (or, in a block that branches back to its own start, of an earlier one): a pointer chase,
    // whose loads wait out each other's whole latency.
    bool chases = false;
    // Loads whose misses the out-of-order core can have in flight together: the block's loads
    // divided by its longest chain of loads each addressed by the one before (1 for a chase).
    uint32_t load_parallelism = 1;
    // Dependence across blocks, over the eight general registers (bit = the schedule's register
    // index): a load in a later block addressed by a register this block loaded cannot issue
    // before this block's load returns, so the overlap model must not overlap their misses.
    uint8_t loaded_out = 0;       // registers whose value at the block's end comes from one of its loads
    uint8_t address_from = 0;     // registers at the block's start that some load's address comes from
    // For each register, the registers at the block's start its value at the end comes from
    // (its own bit when the block leaves it alone).
    std::array<uint8_t, 8> carried_from{1, 2, 4, 8, 16, 32, 64, 128};
    // The block ends in a call: the next block is a function entered through its call edge.
    bool ends_in_call = false;
    // The block ends in a conditional branch at branch_pc to branch_target (else to pc + size).
    bool conditional_branch = false;
    uint32_t branch_pc = 0;
    uint32_t branch_target = 0;
    std::vector<RdtscSite> rdtsc;   // in block order; empty for nearly every block
    std::vector<PortIoSite> port_io; // in block order; empty for nearly every block
    std::vector<InsnStart> insns;    // in block order, one per decoded instruction
};

// Blocks are keyed by (pc, size, hash of the bytes), so code rewritten in place, or different code
// at one address in another address space, gets its own entry, and a block Unicorn retranslates
// unchanged is not decoded again. The store is bounded (bounds::kDecodedBlockBytes): a decode
// that takes it past `max_bytes` drops every block, and what runs next is decoded again. Decoding
// is a function of the bytes alone, so dropping changes no figure. Not thread-safe: the emulation
// thread owns it.
class BlockDecoder {
public:
    // Throws std::runtime_error if Capstone cannot be opened.
    BlockDecoder(const CostConfig &costs, const CoreParams &core, size_t max_bytes = bounds::kDecodedBlockBytes);
    ~BlockDecoder();
    BlockDecoder(const BlockDecoder &) = delete;
    BlockDecoder &operator=(const BlockDecoder &) = delete;

    // Decode once (for UC_HOOK_EDGE_GENERATED / a new TB). The reference stays valid until the
    // store is dropped twice more (two drops are at least two new blocks apart), and the block
    // becomes what lookup(pc, size) answers.
    const BlockInfo &decode(uint32_t pc, std::span<const uint8_t> bytes);
    // The block last decoded at (pc, size), or nullptr; allocation-free, for every block execution.
    const BlockInfo *lookup(uint32_t pc, uint32_t size) const;

    // Unicorn translated [pc, pc + bytes.size()) again: if the decode at that address and size was
    // made from other bytes (the code was rewritten, or another address space holds other code
    // there), forget it, so that lookup misses and the caller decodes what is there now. Whether
    // there was such a decode.
    bool forget_if_decoded_from_other(uint32_t pc, std::span<const uint8_t> bytes);
    static uint64_t hash_of(std::span<const uint8_t> bytes);

    size_t decoded_blocks() const { return blocks_.size(); }
    // Blocks decoded and then dropped at the cap, over the run.
    uint64_t dropped_blocks() const { return dropped_blocks_; }
    const CostTable &costs() const { return costs_; }

private:
    struct Key {
        uint32_t pc, size;
        uint64_t hash;
        bool operator==(const Key &) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key &k) const;
    };
    struct Recent {
        uint32_t pc = 0, size = 0;
        const BlockInfo *block = nullptr;
    };
    static constexpr size_t kRecentSlots = 4096;

    CostTable costs_;
    CoreParams core_;
    uint32_t load_slot_, store_slot_;
    size_t handle_ = 0;   // Capstone's csh
    cs_insn *insn_ = nullptr;
    using Store = std::unordered_map<Key, std::unique_ptr<BlockInfo>, KeyHash>;
    // Drops every block; the previous round's are freed now, this round's at the next drop.
    void drop_all();

    size_t max_bytes_;
    size_t bytes_ = 0;           // blocks_'s estimated footprint
    uint64_t dropped_blocks_ = 0;
    Store blocks_;
    Store retired_;              // dropped, but a caller may still hold the running block
    std::unordered_map<uint64_t, const BlockInfo *> current_;   // (pc << 32 | size) -> latest decode
    mutable std::array<Recent, kRecentSlots> recent_{};
};

} // namespace ia32emu
