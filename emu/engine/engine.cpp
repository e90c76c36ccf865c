// Unicorn set-up, the hooks that connect it to the board, and the run loop.
#include "emu/engine/engine.h"

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "emu/engine/cpu_flags_probe.h"
#include "emu/engine/exception_state.h"
#include "emu/board/host_memory.h"
#include "emu/bounds/host_bounds.h"

namespace ia32emu {
namespace {
constexpr uint64_t kLegacyHoleStart = 0xA0000;
constexpr uint64_t kLegacyHoleEnd = 0x100000;
constexpr uint64_t kRomSize = 0x10000;
constexpr uint64_t kLowRomBase = 0xF0000;
// Expansion-ROM space below the BIOS: no option ROM is fitted, but kernels scan it for ROM
// signatures and ACPI tables (Linux's probe_roms, the RSDP search from 0xE0000), so it reads as
// empty ROM instead of faulting, as on a PC without add-in cards.
constexpr uint64_t kOptionRomBase = 0xC0000;
constexpr uint64_t kHighRomBase = 0xFFFF0000;
constexpr uint32_t kPageFaultVector = 14;
constexpr uint32_t kEflagsIf = 1u << 9;

void check(uc_err err, const char *what) {
    if (err != UC_ERR_OK)
        throw std::runtime_error(std::string(what) + ": " + uc_strerror(err));
}

} // namespace

Engine::Engine(const EngineSetup &setup)
    : setup_(setup), cpuid_(setup.cpu), blocks_(setup.costs, setup.core, setup.decoded_block_bytes),
      translations_(setup.ram_bytes) {
    if (setup.rom.size() != kRomSize)
        throw std::runtime_error("firmware image must be exactly 64 KiB");
    if (setup.ram_bytes < (2ull << 20) || setup.ram_bytes % 4096 != 0)
        throw std::runtime_error("RAM size must be a multiple of 4 KiB and at least 2 MiB");

    // UC_MODE_16 would make every later uc_emu_start truncate EIP to 16 bits, so the engine opens
    // in 32-bit mode and is put into real mode by hand below.
    check(uc_open(UC_ARCH_X86, UC_MODE_32, &uc_), "uc_open");
    // Unicorn 2.1 would reserve 1 GiB for generated code and keep every page of it it touched;
    // bounded, a full buffer makes it flush all translations and start again. It is read when the
    // engine initialises, so it must come before any other control.
    check(uc_ctl_set_tcg_buffer_size(uc_, uint32_t(bounds::kTranslationBufferBytes)), "bounding the translation buffer");
    // The host owns translation: it models the TLBs and must see every virtual address.
    check(uc_ctl_tlb_mode(uc_, UC_TLB_VIRTUAL), "selecting the virtual TLB mode");
    // An empty set of exits: the run stops only when a hook asks. With a single `until` address
    // instead, Unicorn translates that address after every stop to drop its code, and where the
    // guest does not map it (Linux leaves 0xfffff000 unmapped) that refused fill reached the guest
    // as a page fault.
    check(uc_ctl_exits_enable(uc_), "enabling the exits mechanism");
    // Read back after initialisation: the size Unicorn really allocated.
    uint32_t tcg_buffer = 0;
    check(uc_ctl_get_tcg_buffer_size(uc_, &tcg_buffer), "reading the translation buffer's size");
    if (tcg_buffer != bounds::kTranslationBufferBytes)
        throw std::runtime_error("Unicorn allocated a translation buffer of " + std::to_string(tcg_buffer) +
                                 " bytes, not the bound of " + std::to_string(bounds::kTranslationBufferBytes));

    ram_ = std::make_unique<HostMemory>(setup.ram_bytes);
    check(uc_mem_map_ptr(uc_, 0, kLegacyHoleStart, UC_PROT_ALL, ram_->data()), "mapping low RAM");
    check(uc_mem_map_ptr(uc_, kLegacyHoleEnd, setup.ram_bytes - kLegacyHoleEnd, UC_PROT_ALL,
                         ram_->data() + kLegacyHoleEnd),
          "mapping RAM");
    // Both ROM windows alias one buffer, as the chipset decodes them to the same flash part.
    setup_.rom = setup.rom;
    check(uc_mem_map_ptr(uc_, kLowRomBase, kRomSize, UC_PROT_READ | UC_PROT_EXEC, setup_.rom.data()),
          "mapping the low ROM window");
    check(uc_mem_map_ptr(uc_, kHighRomBase, kRomSize, UC_PROT_READ | UC_PROT_EXEC, setup_.rom.data()),
          "mapping the high ROM window");
    empty_option_roms_.assign(kLowRomBase - kOptionRomBase, 0);
    check(uc_mem_map_ptr(uc_, kOptionRomBase, empty_option_roms_.size(), UC_PROT_READ, empty_option_roms_.data()),
          "mapping the expansion-ROM space");

    uc_hook h;
    check(uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void *>(&Engine::on_port_in), this, 1, 0, UC_X86_INS_IN),
          "hooking IN");
    check(uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void *>(&Engine::on_port_out), this, 1, 0, UC_X86_INS_OUT),
          "hooking OUT");
    check(uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void *>(&Engine::on_cpuid), this, 1, 0, UC_X86_INS_CPUID),
          "hooking CPUID");
    check(uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void *>(&Engine::on_sysenter), this, 1, 0,
                      UC_X86_INS_SYSENTER),
          "hooking SYSENTER");
    check(uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void *>(&Engine::on_interrupt), this, 1, 0),
          "hooking exceptions");
    check(uc_hook_add(uc_, &h, UC_HOOK_INSN_INVALID, reinterpret_cast<void *>(&Engine::on_invalid_insn), this, 1, 0),
          "hooking invalid opcodes");
    check(uc_hook_add(uc_, &h, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
                      reinterpret_cast<void *>(&Engine::on_unmapped), this, 1, 0),
          "hooking wild accesses");
    if (setup.instrumentation == Instrumentation::Full) {
        keep_paging_regs_ = true;
        check(uc_hook_add(uc_, &block_hook_, UC_HOOK_BLOCK, reinterpret_cast<void *>(&Engine::on_block), this, 1, 0),
              "hooking blocks");
        check(uc_hook_add(uc_, &h, UC_HOOK_EDGE_GENERATED, reinterpret_cast<void *>(&Engine::on_translated), this, 1,
                          0),
              "hooking translation of code");
    }
    else if (setup.instrumentation == Instrumentation::EmptyMemoryHooks)
        check(uc_hook_add(uc_, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                          reinterpret_cast<void *>(&Engine::on_mem_empty), this, 1, 0),
              "hooking memory accesses");
    check(uc_hook_add(uc_, &h, UC_HOOK_TLB_FILL, reinterpret_cast<void *>(&Engine::on_tlb_fill), this, 1, 0),
          "hooking translation");

    // Reset state (Intel SDM Vol. 3A, 9.1.1): real mode; CS=F000 reaches the ROM through its
    // alias below 1 MiB rather than through the FFFF0000 base the real part loads.
    set_reg(UC_X86_REG_CR0, 0x60000010);
    for (int seg : {UC_X86_REG_CS, UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_SS, UC_X86_REG_FS, UC_X86_REG_GS})
        set_reg(seg, seg == UC_X86_REG_CS ? 0xF000 : 0);
    set_reg(UC_X86_REG_EIP, 0xFFF0);
    set_reg(UC_X86_REG_EDX, 0x600 | (setup.cpu.family << 8) | (setup.cpu.model << 4) | setup.cpu.stepping);
    uint32_t fpcw = 0x37F, mxcsr = 0x1F80;
    check(uc_reg_write(uc_, UC_X86_REG_FPCW, &fpcw), "setting the FPU control word");
    check(uc_reg_write(uc_, UC_X86_REG_MXCSR, &mxcsr), "setting MXCSR");

    check(uc_context_alloc(uc_, &context_), "allocating a CPU context");
    exception_state_offset_ = find_exception_state_offset();
    hflags_offset_ = find_hflags_offset();
}

Engine::~Engine() {
    if (context_)
        uc_context_free(context_);
    if (uc_)
        uc_close(uc_);
}

uint8_t *Engine::ram() const { return ram_->data(); }
uint64_t Engine::ram_size() const { return ram_->size(); }

void Engine::set_port_handlers(PortRead read, PortWrite write) {
    port_read_ = std::move(read);
    port_write_ = std::move(write);
}

namespace {

uint64_t mmio_read_thunk(uc_engine *, uint64_t offset, unsigned size, void *user) {
    return static_cast<MmioHandlers *>(user)->read(offset, size);
}

void mmio_write_thunk(uc_engine *, uint64_t offset, unsigned size, uint64_t value, void *user) {
    static_cast<MmioHandlers *>(user)->write(offset, size, uint32_t(value));
}

} // namespace

// Unicorn 2.1 invalidates translated code over a changed region by looking the region's PHYSICAL
// address up as a VIRTUAL one. While the map changes, translations are therefore identity, and
// afterwards Unicorn's TLB is dropped so that none of those identity entries survive.
template <typename Change>
void Engine::change_memory_map(Change &&change) {
    identity_fills_ = true;
    change();
    identity_fills_ = false;
    set_reg(UC_X86_REG_CR3, reg(UC_X86_REG_CR3));
    translations_.clear();
}

// Unicorn 2.1's uc_ctl_remove_cache takes a VIRTUAL address and invalidates the code of the
// frame it translates to, one page at a time. With identity fills (and Unicorn's TLB emptied
// before and after, so that no other translation of those addresses answers or survives) the
// frame's own address names it. Dropping Unicorn's translations is all a device's write needs:
// the engine checks its own decodes when Unicorn translates the code again (revalidate_code).
void Engine::invalidate_code(uint64_t pa, uint64_t len) {
    if (len == 0 || pa >= ram_->size())
        return;
    // Past this many pages one flush of everything is cheaper than page-by-page removal.
    constexpr uint64_t kPagesRemovedOneByOne = 64;
    const uint64_t first = pa >> 12, last = (std::min(pa + len, ram_->size()) - 1) >> 12;
    if (last - first >= kPagesRemovedOneByOne) {
        uc_ctl_flush_tb(uc_);
    } else {
        identity_fills_ = true;
        uc_ctl_flush_tlb(uc_);
        for (uint64_t pfn = first; pfn <= last; ++pfn)
            uc_ctl_remove_cache(uc_, pfn << 12, (pfn + 1) << 12);
        identity_fills_ = false;
        uc_ctl_flush_tlb(uc_);
        translations_.clear();
    }
}

// Deleting a block hook is the only way Unicorn 2.1 forgets the blocks it recorded under it. The
// deletion drops the code of each recorded block, looking its start up as a virtual address:
// after a flush there is no code left to drop, and identity fills (as above) keep those look-ups
// from walking the guest's page tables, which would set Accessed bits and charge the walks.
void Engine::renew_block_hook() {
    hooked_blocks_dropped_ += translations_under_block_hook_;
    translations_under_block_hook_ = 0;
    uc_ctl_flush_tb(uc_);
    identity_fills_ = true;
    uc_ctl_flush_tlb(uc_);
    check(uc_hook_del(uc_, block_hook_), "removing the block hook");
    identity_fills_ = false;
    uc_ctl_flush_tlb(uc_);
    translations_.clear();
    check(uc_hook_add(uc_, &block_hook_, UC_HOOK_BLOCK, reinterpret_cast<void *>(&Engine::on_block), this, 1, 0),
          "hooking blocks");
}

void Engine::map_mmio(uint64_t base, uint64_t size, MmioHandlers handlers) {
    auto &slot = mmio_[base];
    slot = std::make_unique<MmioHandlers>(MmioHandlers{
        [this, read = std::move(handlers.read)](uint64_t offset, unsigned bytes) {
            count_costly_call();
            return read(offset, bytes);
        },
        [this, write = std::move(handlers.write)](uint64_t offset, unsigned bytes, uint32_t value) {
            count_costly_call();
            write(offset, bytes, value);
        }});
    MmioHandlers *h = slot.get();
    change_memory_map([&] {
        check(uc_mmio_map(uc_, base, size, &mmio_read_thunk, h, &mmio_write_thunk, h), "mapping an MMIO region");
    });
}

void Engine::map_host_memory(uint64_t base, uint64_t size, uint8_t *buffer) {
    change_memory_map([&] {
        check(uc_mem_map_ptr(uc_, base, size, UC_PROT_READ | UC_PROT_WRITE, buffer), "mapping device memory");
    });
}

void Engine::unmap(uint64_t base, uint64_t size) {
    change_memory_map([&] { check(uc_mem_unmap(uc_, base, size), "unmapping a region"); });
    // Handlers live as long as their mapping, so a guest that moves a BAR again and again does not grow them.
    mmio_.erase(base);
}

void Engine::set_timing(TimingModel *timing, PathProbes *probes, bool model_memory) {
    if (setup_.instrumentation != Instrumentation::Full)
        return;
    timing_ = timing;
    probes_ = probes;
    model_memory_ = model_memory;
    uc_hook h;
    if (model_memory) {
        check(uc_hook_add(uc_, &h, UC_HOOK_MEM_READ, reinterpret_cast<void *>(&Engine::on_mem_read), this, 1, 0),
              "hooking memory reads");
        check(uc_hook_add(uc_, &h, UC_HOOK_MEM_WRITE, reinterpret_cast<void *>(&Engine::on_mem_write), this, 1, 0),
              "hooking memory writes");
    }
}

uint32_t Engine::esp() const { return reg(UC_X86_REG_ESP); }
uint32_t Engine::eip() const { return reg(UC_X86_REG_EIP); }
uint32_t Engine::eax() const { return reg(UC_X86_REG_EAX); }
PagingRegs Engine::read_paging_regs() const {
    return {reg(UC_X86_REG_CR0), reg(UC_X86_REG_CR3), reg(UC_X86_REG_CR4)};
}

PagingRegs Engine::paging() const {
    if (paging_regs_)
        return *paging_regs_;
    PagingRegs regs = read_paging_regs();
    if (keep_paging_regs_)
        paging_regs_ = regs;
    return regs;
}

uint32_t Engine::capstone_register(int capstone_reg) const {
    switch (capstone_reg) {
    case X86_REG_EAX: return reg(UC_X86_REG_EAX);
    case X86_REG_EBX: return reg(UC_X86_REG_EBX);
    case X86_REG_ECX: return reg(UC_X86_REG_ECX);
    case X86_REG_EDX: return reg(UC_X86_REG_EDX);
    case X86_REG_ESI: return reg(UC_X86_REG_ESI);
    case X86_REG_EDI: return reg(UC_X86_REG_EDI);
    case X86_REG_EBP: return reg(UC_X86_REG_EBP);
    case X86_REG_ESP: return reg(UC_X86_REG_ESP);
    case X86_REG_EIP: return reg(UC_X86_REG_EIP);
    case X86_REG_SI: return reg(UC_X86_REG_ESI) & 0xffff;
    case X86_REG_DI: return reg(UC_X86_REG_EDI) & 0xffff;
    case X86_REG_BX: return reg(UC_X86_REG_EBX) & 0xffff;
    case X86_REG_BP: return reg(UC_X86_REG_EBP) & 0xffff;
    default: return 0;
    }
}

uint32_t Engine::reg(int id) const {
    uint32_t v = 0;
    uc_reg_read(uc_, id, &v);
    return v;
}

void Engine::set_reg(int id, uint32_t value) {
    paging_regs_.reset();
    if (id == UC_X86_REG_CS || id == UC_X86_REG_SS || id == UC_X86_REG_DS || id == UC_X86_REG_ES ||
        id == UC_X86_REG_FS || id == UC_X86_REG_GS) {
        uint16_t v16 = uint16_t(value);
        uc_reg_write(uc_, id, &v16);
        return;
    }
    if (id == UC_X86_REG_CR2) {
        // Unicorn 2.1.1 writes a CR2 value into CR3 as well; put CR3 back.
        uint32_t cr3 = reg(UC_X86_REG_CR3);
        uc_reg_write(uc_, id, &value);
        uc_reg_write(uc_, UC_X86_REG_CR3, &cr3);
        return;
    }
    if (id == UC_X86_REG_EFLAGS)
        interrupts_masked_ = false;
    uc_reg_write(uc_, id, &value);
}

Registers Engine::registers() const {
    Registers r{};
    r.eax = reg(UC_X86_REG_EAX);
    r.ebx = reg(UC_X86_REG_EBX);
    r.ecx = reg(UC_X86_REG_ECX);
    r.edx = reg(UC_X86_REG_EDX);
    r.esi = reg(UC_X86_REG_ESI);
    r.edi = reg(UC_X86_REG_EDI);
    r.ebp = reg(UC_X86_REG_EBP);
    r.esp = reg(UC_X86_REG_ESP);
    r.eip = reg(UC_X86_REG_EIP);
    r.eflags = reg(UC_X86_REG_EFLAGS);
    r.cr0 = reg(UC_X86_REG_CR0);
    r.cr2 = reg(UC_X86_REG_CR2);
    r.cr3 = reg(UC_X86_REG_CR3);
    r.cr4 = reg(UC_X86_REG_CR4);
    uint16_t s = 0;
    uc_reg_read(uc_, UC_X86_REG_CS, &s);
    r.cs = s;
    uc_reg_read(uc_, UC_X86_REG_SS, &s);
    r.ss = s;
    uc_reg_read(uc_, UC_X86_REG_DS, &s);
    r.ds = s;
    return r;
}

void Engine::request_exit(uint32_t code) {
    if (stop_requested_)
        return;
    exit_code_ = code;
    stop(StopReason::GuestExit, "");
}

void Engine::request_crash(std::string diagnostic) {
    if (stop_requested_)
        return;
    stop(StopReason::Crash, std::move(diagnostic));
}

void Engine::request_quit(const std::string &how) {
    if (stop_requested_)
        return;
    stop(StopReason::Quit, "ended from the terminal with " + how);
}

void Engine::request_reset(const std::string &how) {
    if (stop_requested_)
        return;
    uint32_t eip = reg(UC_X86_REG_EIP);
    char at[32];
    std::snprintf(at, sizeof at, "0x%08x", eip);
    std::string sym = symbolizer_ ? symbolizer_(eip) : "";
    stop(StopReason::Reset, "guest reset the machine: " + how + " at " + at + (sym.empty() ? "" : " (" + sym + ")"));
}

bool Engine::past_deadline() const {
    return setup_.timeout_seconds > 0 && std::chrono::steady_clock::now() > deadline_;
}

void Engine::stop_for_timeout() {
    char buf[64];
    std::snprintf(buf, sizeof buf, "wall-clock timeout of %g s", setup_.timeout_seconds);
    stop(StopReason::Timeout, std::string(buf) + " at eip=" + crash_line("", nullptr));
}

bool Engine::stop_if_over_budget() {
    if (!over_budget())
        return false;
    stop(StopReason::Budget, "instruction budget of " + std::to_string(setup_.max_instructions) +
                                 " exhausted at eip=" + crash_line("", nullptr));
    return true;
}

bool Engine::stop_for_signal() {
    if (!setup_.stop_signal)
        return false;
    const int signo = setup_.stop_signal->load(std::memory_order_relaxed);
    if (signo == 0)
        return false;
    stop_signal_number_ = signo;
    stop(StopReason::Signal, std::string(signal_name(signo)) + " at eip=" + crash_line("", nullptr));
    return true;
}

void Engine::stop(StopReason reason, std::string diagnostic) {
    stop_requested_ = true;
    stop_reason_ = reason;
    stop_diagnostic_ = std::move(diagnostic);
    uc_emu_stop(uc_);
}

uint32_t Engine::on_port_in(uc_struct *, uint32_t port, int size, void *self) {
    auto *e = static_cast<Engine *>(self);
    e->count_costly_call();
    if (e->probes_)
        e->probes_->on_port_access();
    uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return e->port_read_ ? e->port_read_(uint16_t(port), unsigned(size)) & mask : mask;
}

void Engine::on_port_out(uc_struct *, uint32_t port, int size, uint32_t value, void *self) {
    auto *e = static_cast<Engine *>(self);
    e->count_costly_call();
    if (e->probes_)
        e->probes_->on_port_access();
    if (e->port_write_)
        e->port_write_(uint16_t(port), unsigned(size), value);
}

int Engine::on_cpuid(uc_struct *, void *self) {
    auto *e = static_cast<Engine *>(self);
    auto r = e->cpuid_.query(e->reg(UC_X86_REG_EAX), e->reg(UC_X86_REG_ECX));
    e->set_reg(UC_X86_REG_EAX, r[0]);
    e->set_reg(UC_X86_REG_EBX, r[1]);
    e->set_reg(UC_X86_REG_ECX, r[2]);
    e->set_reg(UC_X86_REG_EDX, r[3]);
    return 1;
}

bool Engine::on_unmapped(uc_struct *, int type, uint64_t address, int size, int64_t, void *self) {
    auto *e = static_cast<Engine *>(self);
    const char *what = "accessed unmapped physical memory";
    switch (type) {
    case UC_MEM_WRITE_PROT: what = "wrote to read-only memory (ROM)"; break;
    case UC_MEM_FETCH_UNMAPPED: what = "fetched code from unmapped physical memory"; break;
    case UC_MEM_FETCH_PROT: what = "fetched code from non-executable memory"; break;
    default: break;
    }
    char buf[128];
    std::snprintf(buf, sizeof buf, "guest %s at 0x%08llx (%d bytes)", what, static_cast<unsigned long long>(address),
                  size);
    e->request_crash(e->crash_line(buf, nullptr));
    return false;
}

RunOutcome Engine::run() {
    deadline_ = setup_.started.value_or(std::chrono::steady_clock::now()) +
                std::chrono::microseconds(int64_t(setup_.timeout_seconds * 1e6));
    if (past_deadline())
        stop_for_timeout();
    if (debug_ && debug_->stop_first)
        debug_->pending = DebugStop{DebugStop::Why::Attached};
    while (!stop_requested_) {
        if (debug_ && debug_->pending) {
            serve_debug_stop();
            if (stop_requested_ || stop_for_signal())
                break;
        }
        pending_fault_.reset();
        // Between runs the engine or a debugger may have changed anything, EFLAGS included.
        interrupts_masked_ = false;
        uint64_t begin = reg(UC_X86_REG_EIP);
        uc_err err = uc_emu_start(uc_, begin, 0, 0, 0);
        paging_regs_.reset();
        if (stop_requested_ || stop_for_signal())
            break;
        // A fault whose handler faults again never reaches a block hook; the limit still holds.
        if (past_deadline()) {
            stop_for_timeout();
            break;
        }
        if (translations_under_block_hook_ >= setup_.translations_per_block_hook) {
            renew_block_hook();
            // The block hook stopped before its block for this alone: nothing else is pending.
            if (stopped_to_renew_block_hook_) {
                stopped_to_renew_block_hook_ = false;
                continue;
            }
        }
        if (retranslate_) {
            // New code hooks only reach blocks translated after them. (A full uc_ctl_flush_tb would
            // also clear Unicorn's whole code buffer.)
            retranslate_ = false;
            uc_ctl_remove_cache(uc_, retranslate_pc_, retranslate_pc_ + retranslate_size_);
            continue;
        }
        if (debug_ && debug_->pending)
            continue;
        if (interrupt_taken_) {
            interrupt_taken_ = false;
            take_interrupt();
            debug_delivered();
            continue;
        }
        if (sysenter_pending_) {
            sysenter_pending_ = false;
            enter_sysenter();
            continue;
        }
        if (pending_fault_) {
            Fault f = *pending_fault_;
            if (f.vector == kPageFaultVector)
                f.address = operands_.fault_address(
                    reg(UC_X86_REG_EIP), f.address, pending_fault_fetch_,
                    [this](int r) { return capstone_register(r); },
                    [this](uint32_t va, uint8_t *out, size_t len) { return read_virtual(va, out, len); });
            // A fetch fault comes before its block's hook; any other stopped the block now running.
            if (timing_ && !pending_fault_fetch_)
                timing_->on_fault_at(reg(UC_X86_REG_EIP));
            deliver(f, reg(UC_X86_REG_EIP));
            debug_delivered();
            continue;
        }
        uint32_t eip = reg(UC_X86_REG_EIP);
        if (err == UC_ERR_OK) {
            uint8_t prev = 0;
            if (eip > 0 && read_virtual(eip - 1, &prev, 1) && prev == 0xF4) {
                if (wait_for_interrupt()) {
                    debug_delivered();
                    continue;
                }
                if (stop_requested_)
                    break;
                bool interrupts_on = reg(UC_X86_REG_EFLAGS) & kEflagsIf;
                char at[32];
                std::snprintf(at, sizeof at, "0x%08x", eip - 1);
                std::string sym = symbolizer_ ? symbolizer_(eip - 1) : "";
                stop(StopReason::Halted, std::string("guest halted: hlt at ") + at +
                                             (sym.empty() ? "" : " (" + sym + ")") +
                                             (interrupts_on ? " with no interrupt pending or scheduled"
                                                            : " with interrupts disabled (cli; hlt)"));
                break;
            }
            stop(StopReason::Crash, crash_line("CPU shut down (triple fault inside the engine)", nullptr));
            break;
        }
        stop(StopReason::Crash, crash_line(std::string("engine error: ") + uc_strerror(err), nullptr));
    }
    RunOutcome out;
    out.reason = stop_reason_;
    out.guest_code = exit_code_;
    out.eip = reg(UC_X86_REG_EIP);
    out.diagnostic = stop_diagnostic_;
    out.signal = stop_signal_number_;
    if (debug_ && debug_->debugger)
        debug_->debugger->ended(out);
    return out;
}

std::string Engine::crash_line(const std::string &what, const Fault *fault) const {
    Registers r = registers();
    char buf[512];
    std::string sym = symbolizer_ ? symbolizer_(r.eip) : "";
    if (what.empty()) {
        std::snprintf(buf, sizeof buf, "0x%08x%s%s%s", r.eip, sym.empty() ? "" : " (", sym.c_str(), sym.empty() ? "" : ")");
        return buf;
    }
    std::string line = what;
    if (fault) {
        std::snprintf(buf, sizeof buf, ": vector %u, error code 0x%x", fault->vector, fault->error);
        line += buf;
    }
    std::snprintf(buf, sizeof buf,
                  " at eip=0x%08x%s%s%s cr2=0x%08x | eax=%08x ebx=%08x ecx=%08x edx=%08x esi=%08x edi=%08x "
                  "ebp=%08x esp=%08x eflags=%08x cr0=%08x cr3=%08x cr4=%08x cs=%04x ss=%04x",
                  r.eip, sym.empty() ? "" : " (", sym.c_str(), sym.empty() ? "" : ")", r.cr2, r.eax, r.ebx, r.ecx,
                  r.edx, r.esi, r.edi, r.ebp, r.esp, r.eflags, r.cr0, r.cr3, r.cr4, r.cs, r.ss);
    return line + buf;
}

} // namespace ia32emu
