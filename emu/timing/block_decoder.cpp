// Block decoding with Capstone (x86-32, detail on) into BlockInfo, and the two-level block cache.
#include "emu/timing/block_decoder.h"

#include <stdexcept>
#include <string>

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

uint64_t pc_size(uint32_t pc, uint32_t size) { return uint64_t(pc) << 32 | size; }

size_t recent_slot(uint32_t pc, uint32_t size) { return ((pc >> 2) ^ (pc >> 14) ^ size) & 4095; }

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
        while (left > 0 && cs_disasm_iter(csh(handle_), &code, &left, &address, insn_)) {
            InsnCost cost = costs_.classify(*insn_);
            if (cost.flags & kInsnPortIo)
                info->port_io.push_back({uint32_t(insn_->address - pc), info->icount, info->static_cycles, cost.cycles});
            info->icount += 1;
            info->static_cycles += cost.cycles;
            info->flags = uint16_t(info->flags | cost.flags);
            if (cost.flags & kInsnRdtsc)
                info->rdtsc.push_back({uint32_t(address - pc), info->icount, info->static_cycles});
        }
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

const BlockInfo *BlockDecoder::lookup(uint32_t pc, uint32_t size) const {
    Recent &slot = recent_[recent_slot(pc, size)];
    if (slot.block && slot.pc == pc && slot.size == size) return slot.block;
    auto it = current_.find(pc_size(pc, size));
    if (it == current_.end()) return nullptr;
    slot = {pc, size, it->second};
    return it->second;
}

} // namespace ia32emu
