// Block decoding with Capstone (x86-32, detail on) into BlockInfo, and the two-level block cache.
#include "emu/timing/block_decoder.h"

#include "emu/timing/issue_schedule.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace ia32emu {

namespace {

uint64_t fnv1a(std::span<const uint8_t> bytes) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint8_t b : bytes) {
        h ^= b;
        h *= 0x100000001b3ull;
    }
    return h;
}

// The 32-bit register holding `r` (al, ah, ax -> eax), so that a write to one part and an address
// using another are seen as the same register.
unsigned full_register(unsigned r) {
    switch (r) {
    case X86_REG_AL: case X86_REG_AH: case X86_REG_AX: return X86_REG_EAX;
    case X86_REG_BL: case X86_REG_BH: case X86_REG_BX: return X86_REG_EBX;
    case X86_REG_CL: case X86_REG_CH: case X86_REG_CX: return X86_REG_ECX;
    case X86_REG_DL: case X86_REG_DH: case X86_REG_DX: return X86_REG_EDX;
    case X86_REG_SIL: case X86_REG_SI: return X86_REG_ESI;
    case X86_REG_DIL: case X86_REG_DI: return X86_REG_EDI;
    case X86_REG_BPL: case X86_REG_BP: return X86_REG_EBP;
    case X86_REG_SPL: case X86_REG_SP: return X86_REG_ESP;
    default: return r;
    }
}

// The schedule's index of a register, or kNoRegister for one it does not track: flags (a branch is
// predicted, not waited for), segment and system registers, and ESP, whose pushes and pops both
// cores track in the front end rather than as a dependency chain.
uint8_t scheduled_register(unsigned r) {
    switch (full_register(r)) {
    case X86_REG_EAX: return 0;
    case X86_REG_ECX: return 1;
    case X86_REG_EDX: return 2;
    case X86_REG_EBX: return 3;
    case X86_REG_EBP: return 5;
    case X86_REG_ESI: return 6;
    case X86_REG_EDI: return 7;
    default: break;
    }
    if (r >= X86_REG_MM0 && r <= X86_REG_MM7) return uint8_t(8 + (r - X86_REG_MM0));
    if (r >= X86_REG_XMM0 && r <= X86_REG_XMM7) return uint8_t(16 + (r - X86_REG_XMM0));
    return kNoRegister;
}

template <size_t N>
void put_registers(const cs_regs regs, uint8_t count, std::array<uint8_t, N> &out) {
    size_t n = 0;
    for (uint8_t i = 0; i < count && n < N; ++i) {
        uint8_t r = scheduled_register(regs[i]);
        if (r != kNoRegister && std::find(out.begin(), out.begin() + long(n), r) == out.begin() + long(n))
            out[n++] = r;
    }
}

ScheduledInsn scheduled(csh handle, const cs_insn &insn, const InsnCost &cost) {
    ScheduledInsn s;
    s.cls = cost.cls;
    s.latency = cost.cycles;
    s.reads_memory = cost.flags & kInsnReadsMemory;
    s.writes_memory = cost.flags & kInsnWritesMemory;
    cs_regs read{}, written{};
    uint8_t nread = 0, nwritten = 0;
    if (cs_regs_access(handle, &insn, read, &nread, written, &nwritten) == CS_ERR_OK) {
        put_registers(read, nread, s.sources);
        put_registers(written, nwritten, s.results);
    }
    return s;
}

// Calls `use` with the schedule's index of each register the instruction's memory operands address with.
template <class Use>
void for_address_registers(const cs_insn &insn, Use &&use) {
    const cs_x86 &x = insn.detail->x86;
    for (uint8_t i = 0; i < x.op_count; ++i) {
        if (x.operands[i].type != X86_OP_MEM) continue;
        for (unsigned r : {unsigned(x.operands[i].mem.base), unsigned(x.operands[i].mem.index)}) {
            uint8_t sr = r == X86_REG_INVALID ? kNoRegister : scheduled_register(r);
            if (sr != kNoRegister) use(sr);
        }
    }
}

// How many loads of a block can miss together: each load's depth is one more than the deepest load
// feeding its address registers; a register's depth is the deepest load its value came from.
class LoadChains {
public:
    void add(const cs_insn &insn, const ScheduledInsn &s) {
        unsigned through = 0;
        for (uint8_t r : s.sources)
            if (r != kNoRegister) through = std::max(through, depth_[r]);
        if (s.reads_memory) {
            unsigned address = 0;
            for_address_registers(insn, [&](uint8_t r) { address = std::max(address, depth_[r]); });
            ++loads_;
            longest_ = std::max(longest_, address + 1);
            through = std::max(through, address + 1);
        }
        for (uint8_t r : s.results)
            if (r != kNoRegister) depth_[r] = through;
    }
    uint32_t parallelism() const { return longest_ ? uint32_t((loads_ + longest_ - 1) / longest_) : 1; }

private:
    std::array<unsigned, kScheduledRegisters> depth_{};
    unsigned loads_ = 0, longest_ = 0;
};

// Where the values of the eight general registers come from across a block: the registers at its
// start, and its loads (BlockInfo::loaded_out, address_from, carried_from).
class RegisterOrigins {
public:
    void add(const cs_insn &insn, const ScheduledInsn &s) {
        uint8_t from = 0;
        bool loaded = false;
        for (uint8_t r : s.sources)
            if (r < 8) {
                from |= from_[r];
                loaded = loaded || loaded_[r];
            }
        if (s.reads_memory) {
            uint8_t address = 0;
            for_address_registers(insn, [&](uint8_t r) {
                if (r < 8) address = uint8_t(address | from_[r]);
            });
            address_from_ |= address;
            from |= address;
            loaded = true;
        }
        for (uint8_t r : s.results)
            if (r < 8) {
                from_[r] = from;
                loaded_[r] = loaded;
            }
    }
    void store(BlockInfo &info) const {
        info.address_from = address_from_;
        info.carried_from = from_;
        info.loaded_out = 0;
        for (unsigned r = 0; r < 8; ++r)
            if (loaded_[r]) info.loaded_out = uint8_t(info.loaded_out | 1u << r);
    }

private:
    std::array<uint8_t, 8> from_{1, 2, 4, 8, 16, 32, 64, 128};
    std::array<bool, 8> loaded_{};
    uint8_t address_from_ = 0;
};

// The registers one instruction loads from memory into, and those its memory operands address with.
struct Dataflow {
    std::array<unsigned, 2> loaded{};
    std::array<unsigned, 4> address{};
};

Dataflow dataflow_of(const cs_insn &insn, bool reads_memory) {
    Dataflow d;
    const cs_x86 &x = insn.detail->x86;
    size_t nl = 0, na = 0;
    for (uint8_t i = 0; i < x.op_count; ++i) {
        const cs_x86_op &op = x.operands[i];
        if (op.type == X86_OP_MEM) {
            for (unsigned r : {unsigned(op.mem.base), unsigned(op.mem.index)})
                if (r != X86_REG_INVALID && na < d.address.size()) d.address[na++] = full_register(r);
        } else if (op.type == X86_OP_REG && reads_memory && (op.access & CS_AC_WRITE) && nl < d.loaded.size()) {
            d.loaded[nl++] = full_register(op.reg);
        }
    }
    return d;
}

bool feeds(const Dataflow &load, const Dataflow &use) {
    for (unsigned l : load.loaded)
        for (unsigned a : use.address)
            if (l != 0 && l == a) return true;
    return false;
}

uint64_t pc_size(uint32_t pc, uint32_t size) { return uint64_t(pc) << 32 | size; }

size_t recent_slot(uint32_t pc, uint32_t size) { return ((pc >> 2) ^ (pc >> 14) ^ size) & 4095; }

// Only the block's last instruction can be a branch (a branch ends a translation block).
void note_branch(BlockInfo &info, const cs_insn &insn, bool &loops_to_start) {
    info.conditional_branch = false;
    const cs_x86 &x = insn.detail->x86;
    bool jump = false, call = false;
    for (uint8_t i = 0; i < insn.detail->groups_count; ++i) {
        jump = jump || insn.detail->groups[i] == X86_GRP_JUMP;
        call = call || insn.detail->groups[i] == X86_GRP_CALL;
    }
    info.ends_in_call = call;
    if (!jump || x.op_count != 1 || x.operands[0].type != X86_OP_IMM) return;
    uint32_t target = uint32_t(x.operands[0].imm);
    loops_to_start = target == info.pc;
    if (insn.id == X86_INS_JMP || insn.id == X86_INS_LJMP) return;
    info.conditional_branch = true;
    info.branch_pc = uint32_t(insn.address);
    info.branch_target = target;
}

// What one kept block costs: the block, its vectors, and its entries in the two maps (a node and
// a bucket each, about 64 bytes together per map).
size_t footprint(const BlockInfo &b) {
    return sizeof(BlockInfo) + b.insns.capacity() * sizeof(InsnStart) + b.rdtsc.capacity() * sizeof(RdtscSite) +
           b.port_io.capacity() * sizeof(PortIoSite) + 128;
}

bool chases(const std::vector<Dataflow> &flows, bool loops_to_start) {
    for (size_t i = 0; i < flows.size(); ++i) {
        if (flows[i].loaded[0] == 0) continue;
        for (size_t j = i + 1; j < flows.size(); ++j)
            if (feeds(flows[i], flows[j])) return true;
        if (loops_to_start)
            for (size_t j = 0; j <= i; ++j)
                if (feeds(flows[i], flows[j])) return true;
    }
    return false;
}

} // namespace

size_t BlockDecoder::KeyHash::operator()(const Key &k) const { return size_t(k.hash ^ pc_size(k.pc, k.size) * 31); }

BlockDecoder::BlockDecoder(const CostConfig &costs, const CoreParams &core, size_t max_bytes)
    : costs_(costs), core_(core), load_slot_(costs.load), store_slot_(costs.store), max_bytes_(max_bytes) {
    csh handle = 0;
    if (cs_err err = cs_open(CS_ARCH_X86, CS_MODE_32, &handle); err != CS_ERR_OK)
        throw std::runtime_error(std::string("timing: cannot open Capstone: ") + cs_strerror(err));
    cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
    handle_ = handle;
    insn_ = cs_malloc(handle);
    if (!insn_) {
        cs_close(&handle);
        throw std::runtime_error("timing: Capstone could not allocate an instruction");
    }
}

BlockDecoder::~BlockDecoder() {
    csh handle = handle_;
    cs_free(insn_, 1);
    cs_close(&handle);
}

const BlockInfo &BlockDecoder::decode(uint32_t pc, std::span<const uint8_t> bytes) {
    const Key key{pc, uint32_t(bytes.size()), hash_of(bytes)};
    auto found = blocks_.find(key);
    if (found == blocks_.end()) {
        auto info = std::make_unique<BlockInfo>();
        info->pc = pc;
        info->size = uint32_t(bytes.size());
        info->bytes_hash = key.hash;
        const uint8_t *code = bytes.data();
        size_t left = bytes.size();
        uint64_t address = pc;
        std::vector<Dataflow> flows;
        bool loops_to_start = false;
        IssueSchedule schedule(core_, load_slot_, store_slot_);
        LoadChains chains;
        RegisterOrigins origins;
        while (left > 0 && cs_disasm_iter(csh(handle_), &code, &left, &address, insn_)) {
            InsnCost cost = costs_.classify(*insn_);
            flows.push_back(dataflow_of(*insn_, cost.flags & kInsnReadsMemory));
            note_branch(*info, *insn_, loops_to_start);
            ScheduledInsn s = scheduled(csh(handle_), *insn_, cost);
            chains.add(*insn_, s);
            origins.add(*insn_, s);
            const uint64_t before = schedule.cycles();
            info->insns.push_back({uint32_t(insn_->address - pc), uint32_t(before)});
            schedule.add(s);
            const uint64_t through = schedule.cycles();
            if (cost.flags & kInsnPortIo)
                info->port_io.push_back({uint32_t(insn_->address - pc), info->icount, before, uint32_t(through - before)});
            info->icount += 1;
            info->flags = uint16_t(info->flags | cost.flags);
            if (cost.flags & kInsnRdtsc)
                info->rdtsc.push_back({uint32_t(address - pc), info->icount, through});
        }
        info->chases = chases(flows, loops_to_start);
        info->load_parallelism = chains.parallelism();
        origins.store(*info);
        info->static_cycles = schedule.cycles();
        if (left > 0) {
            // Unicorn ends a block at an instruction it cannot run (#UD); we cannot either.
            info->fully_decoded = false;
            info->insns.push_back({uint32_t(address - pc), uint32_t(info->static_cycles)});
            info->icount += 1;
            info->static_cycles += costs_.class_cost(InsnClass::Alu);
        }
        const size_t cost = footprint(*info);
        // The running block's pointer (engine and timing model) survives one drop, whose blocks
        // are retired, not freed; it is replaced before a second drop, which needs two more
        // decodes: only a hook that stops to place special-instruction hooks decodes a block
        // without running it, and the hook that resumes it runs the block it decodes.
        if (bytes_ + cost > max_bytes_ && blocks_.size() >= 2)
            drop_all();
        bytes_ += cost;
        found = blocks_.emplace(key, std::move(info)).first;
    }
    const BlockInfo *block = found->second.get();
    current_[pc_size(pc, key.size)] = block;
    recent_[recent_slot(pc, key.size)] = {pc, key.size, block};
    return *block;
}

uint64_t BlockDecoder::hash_of(std::span<const uint8_t> bytes) { return fnv1a(bytes); }

bool BlockDecoder::forget_if_decoded_from_other(uint32_t pc, std::span<const uint8_t> bytes) {
    const uint32_t size = uint32_t(bytes.size());
    auto it = current_.find(pc_size(pc, size));
    if (it == current_.end() || it->second->bytes_hash == hash_of(bytes))
        return false;
    current_.erase(it);
    Recent &slot = recent_[recent_slot(pc, size)];
    if (slot.pc == pc && slot.size == size)
        slot = {};
    return true;
}

void BlockDecoder::drop_all() {
    dropped_blocks_ += blocks_.size();
    retired_ = std::move(blocks_);
    blocks_ = Store();
    bytes_ = 0;
    current_.clear();
    recent_.fill({});
}

const BlockInfo *BlockDecoder::lookup(uint32_t pc, uint32_t size) const {
    Recent &slot = recent_[recent_slot(pc, size)];
    if (slot.block && slot.pc == pc && slot.size == size) return slot.block;
    auto it = current_.find(pc_size(pc, size));
    if (it == current_.end()) return nullptr;
    slot = {pc, size, it->second};
    return it->second;
}

} // namespace ia32emu
