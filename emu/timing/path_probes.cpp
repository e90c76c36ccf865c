#include "emu/timing/path_probes.h"

namespace ia32emu {

PathProbes::PathProbes(const TimingModel &model, const GuestView &guest)
    : model_(model), guest_(guest), watch_bits_(kWatchBits / 64, 0) {}

void PathProbes::watch(uint32_t pc) {
    const size_t s = watch_slot(pc);
    watch_bits_[s / 64] |= 1ull << (s % 64);
}

void PathProbes::track_function(const std::string &name, uint32_t entry, FailureRule failure) {
    const PathAccounting::PathId path = paths_.add_path(name);
    entries_[entry] = path;
    paths_.set_failure_rule(path, failure);
    watch(entry);
}

void PathProbes::on_watched_block(uint32_t pc, bool entered_by_call) {
    if (auto it = entries_.find(pc); entered_by_call && it != entries_.end()) {
        const uint32_t esp = guest_.esp();
        uint32_t ret = 0;
        const bool have_ret = guest_.read_virtual(esp, &ret, sizeof ret);
        paths_.on_call(it->second, esp, model_.snapshot(), ret);
        if (have_ret && return_sites_.insert(ret).second)
            watch(ret);
    }
    if (return_sites_.count(pc))
        paths_.on_return(guest_.esp(), model_.snapshot(), guest_.eax());
}

// The block's static cost was charged at its start; what belongs to the instructions after the
// marker is taken back out of the snapshot. Memory costs are charged as they happen, so the
// clock holds none of the later instructions'. (EIP cannot place the marker: the engine syncs it
// only at memory accesses and block starts.)
CounterSnapshot PathProbes::snapshot_at_port(bool after) const {
    CounterSnapshot s = model_.snapshot();
    const BlockInfo *block = model_.current_block();
    if (!block || port_accesses_in_block_ == 0 || port_accesses_in_block_ > block->port_io.size())
        return s;
    const PortIoSite &site = block->port_io[port_accesses_in_block_ - 1];
    const uint64_t insns = site.insns_before + (after ? 1 : 0);
    const uint64_t cycles = site.cycles_before + (after ? site.own_cycles : 0);
    s.instructions -= block->icount - insns;
    s.cycles -= block->static_cycles - cycles;
    return s;
}

void PathProbes::region_begin(const std::string &name) { paths_.region_begin(name, snapshot_at_port(true)); }

bool PathProbes::region_end(const std::string &name) { return paths_.region_end(name, snapshot_at_port(false)); }

bool PathProbes::region_fail(const std::string &name) { return paths_.region_fail(name); }

} // namespace ia32emu
