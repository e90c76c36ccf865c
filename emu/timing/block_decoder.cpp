// Block decoding with Capstone (x86-32, detail on) into BlockInfo, and the two-level block cache.
#include "emu/timing/block_decoder.h"

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
    bool jump = false;
    for (uint8_t i = 0; i < insn.detail->groups_count; ++i)
        jump = jump || insn.detail->groups[i] == X86_GRP_JUMP;
    if (!jump || x.op_count != 1 || x.operands[0].type != X86_OP_IMM) return;
    uint32_t target = uint32_t(x.operands[0].imm);
    loops_to_start = target == info.pc;
    if (insn.id == X86_INS_JMP || insn.id == X86_INS_LJMP) return;
    info.conditional_branch = true;
    info.branch_pc = uint32_t(insn.address);
    info.branch_target = target;
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

BlockDecoder::BlockDecoder(const CostConfig &costs) : costs_(costs) {
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
    const Key key{pc, uint32_t(bytes.size()), fnv1a(bytes)};
    auto found = blocks_.find(key);
    if (found == blocks_.end()) {
        auto info = std::make_unique<BlockInfo>();
        info->pc = pc;
        info->size = uint32_t(bytes.size());
        const uint8_t *code = bytes.data();
        size_t left = bytes.size();
        uint64_t address = pc;
        std::vector<Dataflow> flows;
        bool loops_to_start = false;
        while (left > 0 && cs_disasm_iter(csh(handle_), &code, &left, &address, insn_)) {
            InsnCost cost = costs_.classify(*insn_);
            flows.push_back(dataflow_of(*insn_, cost.flags & kInsnReadsMemory));
            note_branch(*info, *insn_, loops_to_start);
            if (cost.flags & kInsnPortIo)
                info->port_io.push_back({uint32_t(insn_->address - pc), info->icount, info->static_cycles, cost.cycles});
            info->icount += 1;
            info->static_cycles += cost.cycles;
            info->flags = uint16_t(info->flags | cost.flags);
            if (cost.flags & kInsnRdtsc)
                info->rdtsc.push_back({uint32_t(address - pc), info->icount, info->static_cycles});
        }
        info->chases = chases(flows, loops_to_start);
        if (left > 0) {
            // Unicorn ends a block at an instruction it cannot run (#UD); we cannot either.
            info->fully_decoded = false;
            info->icount += 1;
            info->static_cycles += costs_.class_cost(InsnClass::Alu);
        }
        found = blocks_.emplace(key, std::move(info)).first;
    }
    const BlockInfo *block = found->second.get();
    current_[pc_size(pc, key.size)] = block;
    recent_[recent_slot(pc, key.size)] = {pc, key.size, block};
    return *block;
}

void BlockDecoder::forget_current() {
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
