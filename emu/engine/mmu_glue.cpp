// Translation is the host's: Unicorn asks on every miss of its own TLB, and the page-table walker
// answers, so the host sees each virtual page the guest uses and computes #PF error codes itself.
#include <unicorn/unicorn.h>

#include <cstdio>
#include <cstring>

#include "emu/engine/engine.h"
#include "emu/board/host_memory.h"
#include "emu/mmu/page_walker.h"

namespace ia32emu {
namespace {

constexpr uint32_t kPageMask = 0xFFFu;
constexpr uint32_t kPageFaultVector = 14;

void apply_updates(const WalkResult &r, HostMemory &ram) {
    for (unsigned i = 0; i < r.num_writes; ++i) {
        const EntryWrite &w = r.writes[i];
        if (ram.contains(w.pa, w.bytes))
            std::memcpy(ram.data() + w.pa, &w.value, w.bytes);
    }
}

} // namespace

bool Engine::on_tlb_fill(uc_struct *, uint64_t vaddr, int type, void *result, void *self) {
    auto *e = static_cast<Engine *>(self);
    auto *entry = static_cast<uc_tlb_entry *>(result);
    e->paging_regs_.reset();
    PagingRegs regs = e->paging();
    uint32_t va = uint32_t(vaddr);
    if (!(regs.cr0 & kCr0Pg) || e->identity_fills_) {
        entry->paddr = vaddr & ~uint64_t(kPageMask);
        entry->perms = UC_PROT_ALL;
        e->translations_.on_fill(va & ~kPageMask, entry->paddr);
        return true;
    }
    AccessKind kind = type == UC_MEM_WRITE ? AccessKind::Write : type == UC_MEM_FETCH ? AccessKind::Fetch
                                                                                        : AccessKind::Read;
    uint16_t cs = 0;
    uc_reg_read(e->uc_, UC_X86_REG_CS, &cs);
    // The CPU reads descriptor tables and the TSS with supervisor rights even at CPL 3 (a user
    // `mov gs`, or the interrupt delivery that reloads SS and CS). Unicorn does not say which MMU
    // index asked, so those pages are walked as supervisor: a user-mode read of such a page is not
    // refused here as it would be on hardware.
    Privilege priv = (cs & 3) == 3 && !e->holds_descriptor_table(va & ~kPageMask) ? Privilege::User
                                                                               : Privilege::Supervisor;
    WalkResult r = walk_page_tables(PhysView{e->ram_->data(), e->ram_->size()}, regs, va, kind, priv);
    apply_updates(r, *e->ram_);
    // The engine's walk is the first to see a clear Accessed/Dirty bit, so the update is charged here.
    if (e->timing_ && e->model_memory_)
        for (unsigned i = 0; i < r.num_writes; ++i)
            e->timing_->on_paging_entry_update(r.writes[i].pa, r.writes[i].bytes);
    if (!r.ok()) {
        // After a refusal Unicorn probes further pages while it unwinds; the first refusal is the fault.
        if (!e->pending_fault_) {
            e->pending_fault_ = Fault{kPageFaultVector, true, r.error_code, va};
            e->pending_fault_fetch_ = kind == AccessKind::Fetch;
        }
        return false;
    }
    entry->paddr = r.pa & ~uint64_t(kPageMask);
    int perms = UC_PROT_READ | UC_PROT_EXEC;
    // Write permission is granted only once D is set, so the first write walks again and sets it.
    if (r.flags.dirty && access_permitted(r.flags, AccessKind::Write, priv, regs.cr0 & kCr0Wp))
        perms |= UC_PROT_WRITE;
    entry->perms = uc_prot(perms);
    e->translations_.on_fill(va & ~kPageMask, entry->paddr);
    return true;
}

bool Engine::holds_descriptor_table(uint32_t page) const {
    for (int table : {UC_X86_REG_GDTR, UC_X86_REG_IDTR, UC_X86_REG_LDTR, UC_X86_REG_TR}) {
        uc_x86_mmr r{};
        uc_reg_read(uc_, table, &r);
        if (table == UC_X86_REG_LDTR && (r.selector & 0xfffc) == 0)
            continue;
        uint64_t base = uint32_t(r.base), last = base + r.limit;
        if (base <= uint64_t(page) + kPageMask && last >= page)
            return true;
    }
    return false;
}

std::optional<uint64_t> Engine::translate(uint32_t va) const {
    const PagingRegs regs = paging();
    const PhysView ram{ram_->data(), ram_->size()};
    if (std::optional<uint64_t> pa = read_walk_.recall(ram, regs, va))
        return pa;
    WalkResult r = walk_page_tables(ram, regs, va, AccessKind::Read, Privilege::Supervisor);
    read_walk_.remember(regs, va, r);
    if (!r.ok())
        return std::nullopt;
    return r.pa;
}

bool Engine::read_virtual(uint32_t va, void *out, size_t len) const {
    auto *dst = static_cast<uint8_t *>(out);
    while (len > 0) {
        size_t chunk = std::min<size_t>(len, 0x1000 - (va & kPageMask));
        auto pa = translate(va);
        if (!pa)
            return false;
        if (ram_->contains(*pa, chunk)) {
            std::memcpy(dst, ram_->data() + *pa, chunk);
        } else if (*pa >= 0xF0000 && *pa + chunk <= 0x100000) {
            std::memcpy(dst, setup_.rom.data() + (*pa - 0xF0000), chunk);
        } else if (*pa >= 0xFFFF0000 && *pa + chunk <= 0x100000000ull) {
            std::memcpy(dst, setup_.rom.data() + (*pa - 0xFFFF0000), chunk);
        } else {
            return false;
        }
        dst += chunk;
        va += uint32_t(chunk);
        len -= chunk;
    }
    return true;
}

std::optional<Engine::Fault> Engine::system_access(uint32_t va, void *buf, size_t len, bool write) {
    const PagingRegs regs = paging();
    auto *p = static_cast<uint8_t *>(buf);
    uint64_t pas[2];
    size_t chunks[2];
    unsigned n = 0;
    // Translate every page first so that a fault on the second page leaves memory untouched.
    for (uint32_t v = va; len > 0; ++n) {
        size_t chunk = std::min<size_t>(len, 0x1000 - (v & kPageMask));
        WalkResult r = walk_page_tables(PhysView{ram_->data(), ram_->size()}, regs, v,
                                        write ? AccessKind::Write : AccessKind::Read, Privilege::Supervisor);
        apply_updates(r, *ram_);
        if (!r.ok())
            return Fault{kPageFaultVector, true, r.error_code, v};
        if (!ram_->contains(r.pa, chunk)) {
            char what[160];
            std::snprintf(what, sizeof what, "the CPU's own access left RAM (%s of %zu bytes at 0x%08x, physical 0x%08llx)",
                          write ? "exception frame push" : "IDT gate read", chunk, v,
                          static_cast<unsigned long long>(r.pa));
            stop(StopReason::Crash, crash_line(what, nullptr));
            return std::nullopt;
        }
        pas[n] = r.pa;
        chunks[n] = chunk;
        v += uint32_t(chunk);
        len -= chunk;
    }
    for (unsigned i = 0; i < n; ++i) {
        if (write)
            std::memcpy(ram_->data() + pas[i], p, chunks[i]);
        else
            std::memcpy(p, ram_->data() + pas[i], chunks[i]);
        p += chunks[i];
    }
    return std::nullopt;
}

} // namespace ia32emu
