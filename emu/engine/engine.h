// The only owner of the Unicorn instance: memory map, hooks, CPU glue and the run loop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "emu/engine/cpuid_model.h"
#include "emu/engine/debug_control.h"
#include "emu/engine/operand_decoder.h"
#include "emu/engine/run_outcome.h"
#include "emu/board/event_queue.h"
#include "emu/board/host_input.h"
#include "emu/board/interrupt_source.h"
#include "emu/mmu/translation_map.h"
#include "emu/mmu/walk_memo.h"
#include "emu/timing/block_decoder.h"
#include "emu/timing/path_probes.h"
#include "emu/timing/timing_model.h"

struct uc_struct;
struct uc_context;
struct uc_tb;

namespace ia32emu {

class HostMemory;

// How much the engine observes; the lesser levels exist to measure what observation costs.
enum class Instrumentation {
    Full,              // blocks, memory accesses and the timing model
    EmptyMemoryHooks,  // memory hooks that do nothing, no block hook
    None,              // only what running the guest needs (translation, ports, exceptions)
};

struct EngineSetup {
    uint64_t ram_bytes = 1ull << 30;   // RAM from physical 0 up to this, minus the legacy hole
    std::vector<uint8_t> rom;          // firmware image: 64 KiB, reset vector in its last 16 bytes
    CpuConfig cpu;
    CostConfig costs;
    CoreParams core;
    size_t decoded_block_bytes = bounds::kDecodedBlockBytes;   // smaller in tests of the drop
    uint64_t translations_per_block_hook = bounds::kTranslationsPerBlockHook;   // and of the renewal
    uint64_t max_instructions = 0;     // 0: no budget; counts exception deliveries as well
    double timeout_seconds = 0;        // 0: no wall-clock limit
    // When the wall clock started: the command's start, so that loading counts against the limit.
    // Unset: the start of run().
    std::optional<std::chrono::steady_clock::time_point> started;
    Instrumentation instrumentation = Instrumentation::Full;
    // Set asynchronously (a signal handler) to a signal's number: the run stops at the next block.
    const std::atomic<int> *stop_signal = nullptr;
    // Called every few thousand blocks from the run loop, e.g. to draw progress; may be empty.
    std::function<void()> tick;
};

struct Registers {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eip, eflags;
    uint32_t cr0, cr2, cr3, cr4;
    uint16_t cs, ss, ds;
};

struct MmioHandlers {
    std::function<uint32_t(uint64_t offset, unsigned size)> read;
    std::function<void(uint64_t offset, unsigned size, uint32_t value)> write;
};

class Engine : public GuestView {
public:
    using PortRead = std::function<uint32_t(uint16_t port, unsigned size)>;
    using PortWrite = std::function<void(uint16_t port, unsigned size, uint32_t value)>;

    explicit Engine(const EngineSetup &setup);
    ~Engine() override;
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    void set_port_handlers(PortRead read, PortWrite write);
    void map_mmio(uint64_t base, uint64_t size, MmioHandlers handlers);
    void map_host_memory(uint64_t base, uint64_t size, uint8_t *buffer);
    void unmap(uint64_t base, uint64_t size);
    // The timing model hears every block, and with `model_memory` every data access too; the
    // probes hear every block and port access, to place tracked calls and regions on its clock.
    void set_timing(TimingModel *timing, PathProbes *probes, bool model_memory);

    uint8_t *ram() const;
    uint64_t ram_size() const;

    // Ends the run after the current instruction with the guest's exit code.
    void request_exit(uint32_t code);
    // Ends the run as a crash with a one-line diagnostic (e.g. a device detected wild DMA).
    void request_crash(std::string diagnostic);
    // The user ended the run from outside the guest (the terminal's escape); `how` says with what.
    void request_quit(const std::string &how);
    // The guest drove the CPU's reset line (`how` says through what): the run ends there, as
    // QEMU's -no-reboot ends it, with the EIP and symbol of the instruction that did it.
    void request_reset(const std::string &how);

    RunOutcome run();

    // External interrupts: the controller's INTR pin is sampled at every block boundary, after the
    // events due by then have run, and accepted when EFLAGS.IF is set and no `sti`/`mov ss`
    // shadow is in force. Without the block hook (reduced instrumentation) only `hlt` takes them.
    void attach_interrupts(InterruptSource *controller, EventQueue *events);
    // Modelled time in cycles: the timing model's clock, plus the time spent halted.
    uint64_t now() const { return timing_ ? timing_->cycles() : instructions_ + idle_cycles_; }
    // Input from outside modelled time (COM1 on a terminal): taken every 4096 blocks, and waited
    // for when the guest halts. While it is attached, a halted guest's modelled time passes at the
    // host's pace, so that a key can come before the next event, and a halt with interrupts
    // enabled and nothing scheduled waits for the input instead of ending the run.
    void attach_host_input(HostInput *input) { host_input_ = input; }

    Registers registers() const;
    uint64_t instructions() const { return instructions_; }
    // Decoded blocks dropped at bounds::kDecodedBlockBytes (each decoded again if it runs again).
    uint64_t decoded_blocks_dropped() const { return blocks_.dropped_blocks(); }
    // Operand decodes dropped at bounds::kDecodedOperands.
    uint64_t decoded_operands_dropped() const { return operands_.dropped(); }
    // Blocks Unicorn's block hook had recorded when the hook was registered again
    // (bounds::kTranslationsPerBlockHook): translations counted up to each renewal.
    uint64_t hooked_blocks_dropped() const { return hooked_blocks_dropped_; }

    // Guest-virtual access through the current page tables, for introspection; false on a fault.
    bool read_virtual(uint32_t va, void *out, size_t len) const override;
    uint32_t esp() const override;
    uint32_t eip() const override;
    uint32_t eax() const override;
    PagingRegs paging() const override;
    // The physical address of `va` for a supervisor read, through the current page tables.
    std::optional<uint64_t> translate(uint32_t va) const;

    // Calls into guest function `entry`, the way Valgrind intercepts malloc: `on_entry` runs at
    // the function's first instruction (ESP points at the return address) and may return a
    // continuation that runs when the call returns, with the function's result (EAX).
    using ReturnHandler = std::function<void(uint32_t result)>;
    using EntryHandler = std::function<ReturnHandler(uint32_t esp)>;
    void intercept(uint32_t entry, EntryHandler on_entry);

    // A device wrote RAM behind the CPU: translated code from those bytes is dropped, so the CPU
    // runs what is there now, as on hardware and QEMU.
    void invalidate_code(uint64_t pa, uint64_t len);

    // CPU data accesses to watched RAM frames reach `on_access` (with the physical address), for
    // checks that care about a few frames at a time (DMA buffers the device owns). It needs the
    // memory hooks, so it hears nothing when the memory model is off. Cheap while nothing is watched.
    using DataWatch = std::function<void(uint64_t pa, unsigned size, bool write)>;
    void set_data_watch(DataWatch on_access) { data_watch_ = std::move(on_access); }
    void watch_frame(uint64_t pfn, bool watched);

    // A debugger (emu/debug/) in the run loop; `stop_first` stops before the first instruction.
    // Breakpoints and watchpoints never patch guest memory: hooks compare EIP and access addresses.
    void attach_debugger(Debugger *debugger, bool stop_first);
    void set_breakpoint(uint32_t va, bool hardware, bool on);
    void set_watchpoint(uint32_t va, uint32_t len, WatchKind kind, bool on);
    // One register as gdb transfers it (little-endian, debug_reg_size bytes); writes change only
    // what differs, so that writing back an unchanged selector reloads nothing.
    void read_debug_reg(DebugReg r, uint8_t *out) const;
    bool write_debug_reg(DebugReg r, const uint8_t *in);
    // Through the current page tables, ignoring write protection as a debugger does; false when a
    // page is not mapped or not RAM. Translated code over the bytes is dropped.
    bool write_virtual(uint32_t va, const void *in, size_t len);

    // Symbolizer for diagnostics; set by whoever knows the guest's symbols.
    void set_symbolizer(std::function<std::string(uint32_t)> fn) { symbolizer_ = std::move(fn); }

private:
    struct Fault {
        uint32_t vector;
        bool has_error;
        uint32_t error;
        uint32_t address;   // CR2 for #PF
        bool software = false;  // int n / int3 / into: the gate's DPL is checked against CPL
        uint8_t software_length = 0;  // of that instruction: a fault while delivering it points at it
    };
    // Callbacks registered with Unicorn; they are static so that Unicorn gets plain function pointers.
    static uint32_t on_port_in(uc_struct *uc, uint32_t port, int size, void *self);
    static void on_port_out(uc_struct *uc, uint32_t port, int size, uint32_t value, void *self);
    static int on_cpuid(uc_struct *uc, void *self);
    static void on_interrupt(uc_struct *uc, uint32_t intno, void *self);
    static bool on_invalid_insn(uc_struct *uc, void *self);
    static bool on_unmapped(uc_struct *uc, int type, uint64_t address, int size, int64_t value, void *self);
    static void on_block(uc_struct *uc, uint64_t address, uint32_t size, void *self);
    static bool on_tlb_fill(uc_struct *uc, uint64_t vaddr, int type, void *result, void *self);
    bool holds_descriptor_table(uint32_t page) const;
    // Loads and stores hooked apart, so that neither the engine nor the model tests which it is.
    static void on_mem_read(uc_struct *uc, int type, uint64_t address, int size, int64_t value, void *self);
    static void on_mem_write(uc_struct *uc, int type, uint64_t address, int size, int64_t value, void *self);
    template <bool Write>
    [[gnu::always_inline]] void on_data_access(uint64_t address, unsigned size);
    static void on_translated(uc_struct *uc, uc_tb *translated, uc_tb *previous, void *self);
    // Unicorn made a new translation of [pc, pc + size): what the engine knows of the code that
    // was there goes where the bytes are no longer those it was learnt from.
    void revalidate_code(uint32_t pc, uint32_t size);
    static void on_mem_empty(uc_struct *uc, int type, uint64_t address, int size, int64_t value, void *self);
    static void on_special(uc_struct *uc, uint64_t address, uint32_t size, void *self);
    static void on_debug_code(uc_struct *uc, uint64_t address, uint32_t size, void *self);
    static void on_debug_mem(uc_struct *uc, int type, uint64_t address, int size, int64_t value, void *self);

    // emu/engine/debug_run.cpp. An instruction starts at `pc` (at a block's start or inside one):
    // true when the debugger stops the guest there (Unicorn was asked to stop before it runs).
    bool debug_boundary(uint32_t pc, bool block_start);
    // The run loop: hands a stop found by the hooks to the debugger and applies its answer.
    void serve_debug_stop();
    // An exception or interrupt was delivered: a step ends at the handler's first instruction.
    void debug_delivered();
    void update_debug_hooks();
    static void on_sysenter(uc_struct *uc, void *self);
    void enter_sysenter();
    uint32_t msr(uint32_t index) const;

    template <typename Change>
    void change_memory_map(Change &&change);
    void deliver(Fault fault, uint32_t return_eip);
    std::optional<Fault> try_deliver(const Fault &fault, uint32_t return_eip);
    uint32_t selector_error_code(uint32_t eip);
    // The length of the int n / int3 / into that ends just before `return_eip`, 0 if none does.
    uint8_t software_interrupt_at(uint32_t return_eip, uint32_t vector);
    bool interrupt_window_open();
    void take_interrupt();
    // `hlt` just retired: advance modelled time to the next event until one interrupts; false when
    // nothing can (IF clear, or no event left within the idle limit).
    bool wait_for_interrupt();
    // Modelled time moves on to `cycle` while the CPU is halted.
    void idle_until(uint64_t cycle);
    // Halted with host input attached and the next event `due` (or none): waits on the host as long
    // as modelled time has to pass, or until input arrives, and advances modelled time by what the
    // host waited. False when the run stops meanwhile (a signal, the wall-clock limit, a quit).
    bool idle_for_host_input(uint64_t due);
    struct Descriptor {
        uint32_t lo, hi;
    };
    // A GDT descriptor through the guest's page tables; nullopt for null, LDT or out-of-limit selectors.
    std::optional<Descriptor> descriptor(uint16_t selector);
    std::optional<Fault> push_frame(uint16_t new_cs, uint32_t handler, const Fault &fault, uint32_t return_eip,
                                    bool interrupt_gate);
    // A supervisor access the CPU itself makes (IDT read, frame push); returns the #PF it raises.
    std::optional<Fault> system_access(uint32_t va, void *buf, size_t len, bool write);
    void stop(StopReason reason, std::string diagnostic);
    bool past_deadline() const;
    void stop_for_timeout();
    // The block hook reads the clock only every kBlocksPerDeadlineCheck blocks, but one block can
    // cost the host far more than usual: a translation checks each instruction against every code
    // hook (up to bounds::kCodeHookSites of them), and so does every hooked instruction run. After
    // such work the clock is read, and a deadline found past makes the next block's check due, so
    // that the run still stops before a block, as any timeout does.
    void check_deadline_at_next_block() {
        if (past_deadline())
            blocks_seen_ |= kBlocksPerDeadlineCheck - 1;
    }
    static constexpr uint64_t kBlocksPerDeadlineCheck = 4096;
    // Hooked instructions and device accesses: each can make the host walk a list the guest grew
    // (every code hook; every live DMA mapping a refused transfer is checked against), so every
    // kCostlyCallsPerDeadlineCheck-th of them reads the clock.
    void count_costly_call() {
        if (++costly_calls_ % kCostlyCallsPerDeadlineCheck == 0)
            check_deadline_at_next_block();
    }
    static constexpr uint64_t kCostlyCallsPerDeadlineCheck = 64;
    // Stops the run (and returns true) once instructions plus deliveries exceed the budget.
    bool stop_if_over_budget();
    bool stop_for_signal();
    // Both asked at every block, so inline.
    bool over_budget() const {
        return setup_.max_instructions && instructions_ + deliveries_ > setup_.max_instructions;
    }
    bool signal_pending() const {
        return setup_.stop_signal && setup_.stop_signal->load(std::memory_order_relaxed) != 0;
    }
    // Stops from the block hook, before the block runs, with EIP at the block.
    void stop_before_block(uint32_t pc);
    std::string crash_line(const std::string &what, const Fault *fault) const;
    const BlockInfo *block_info(uint32_t pc, uint32_t size, bool &retranslate);
    bool hook_special_instructions(const BlockInfo &block);
    uint32_t resolve_alias(uint64_t pa, const uint32_t *aliases, unsigned count);
    uint32_t reg(int id) const;
    PagingRegs read_paging_regs() const;
    uint32_t capstone_register(int capstone_reg) const;
    void set_reg(int id, uint32_t value);

    uc_struct *uc_ = nullptr;
    std::unique_ptr<HostMemory> ram_;
    std::vector<uint8_t> empty_option_roms_;
    EngineSetup setup_;
    CpuidModel cpuid_;
    PortRead port_read_;
    PortWrite port_write_;
    std::unordered_map<uint64_t, std::unique_ptr<MmioHandlers>> mmio_;   // by base of the mapping
    TimingModel *timing_ = nullptr;
    PathProbes *probes_ = nullptr;
    bool model_memory_ = false;
    BlockDecoder blocks_;
    mutable OperandDecoder operands_;
    TranslationMap translations_;
    // CR0, CR3 and CR4, read at most once a block with the block hook on. Only an instruction that
    // ends its block changes them (mov to CR, a task switch), so they are forgotten by the block
    // hook, an exception, a TLB fill or translation (which come between blocks), a register write
    // of the host's or the debugger's, and every return from uc_emu_start.
    mutable std::optional<PagingRegs> paging_regs_;
    bool keep_paging_regs_ = false;
    // translate()'s last walk: the host's reads of guest memory come in runs on a few pages.
    mutable WalkMemo read_walk_;
    // Instructions the engine cannot report (invlpg, control-register writes, wbinvd) and the
    // instruction after each rdtsc get a code hook of their own, keyed by address.
    enum class SpecialKind : uint8_t { Invlpg, CrWrite, Wbinvd, RdtscResume };
    struct Special {
        SpecialKind kind;
        uint32_t block_pc;
        RdtscSite rdtsc;
        uint32_t block_size;      // the decoded block it came from: pc, size and bytes' hash,
        uint64_t block_hash;      // which must still match for the hook to stay
        size_t hook = 0;          // the code hook's uc_hook
    };
    std::map<uint32_t, Special> specials_;   // ordered, for revalidate_code's range
    bool special_still_there(const Special &sp);
    const BlockInfo *current_block_ = nullptr;
    struct PendingReturn {
        uint32_t address;
        uint32_t esp;     // ESP once the callee has returned
        ReturnHandler handler;
    };
    void run_intercepts(uint32_t pc);
    std::vector<uint64_t> intercept_bits_;
    std::unordered_map<uint32_t, EntryHandler> intercepts_;
    std::vector<PendingReturn> pending_returns_;
    bool retranslate_ = false;
    bool identity_fills_ = false;
    // The block hook and what Unicorn has recorded under it: see bounds::kTranslationsPerBlockHook.
    size_t block_hook_ = 0;
    uint64_t translations_under_block_hook_ = 0;
    uint64_t hooked_blocks_dropped_ = 0;
    bool stopped_to_renew_block_hook_ = false;
    void renew_block_hook();
    uint32_t retranslate_pc_ = 0, retranslate_size_ = 0;
    std::function<std::string(uint32_t)> symbolizer_;
    DataWatch data_watch_;
    std::vector<uint64_t> watched_frames_;   // one bit per RAM frame
    uint64_t watched_count_ = 0;

    uc_context *context_ = nullptr;
    long exception_state_offset_ = -1;
    long hflags_offset_ = -1;

    InterruptSource *interrupts_ = nullptr;
    EventQueue *events_ = nullptr;
    HostInput *host_input_ = nullptr;
    uint64_t idle_cycles_ = 0;        // time halted, when no timing model keeps the clock
    bool interrupt_taken_ = false;    // the block hook stopped to deliver an external interrupt
    // EFLAGS.IF was clear at the last block boundary and no instruction or register write since
    // could have set it: reading EFLAGS costs more than the rest of the block hook, and a guest
    // that runs with interrupts masked while a request is pending would pay it on every block.
    bool interrupts_masked_ = false;
    bool sysenter_pending_ = false;   // the guest executed SYSENTER; the run loop enters the kernel

    uint64_t instructions_ = 0;
    // Exceptions delivered: progress the engine makes without completing an instruction (a
    // handler that faults on its own first fetch completes none), so the budget counts them too.
    uint64_t deliveries_ = 0;
    uint64_t blocks_seen_ = 0;
    uint64_t costly_calls_ = 0;
    std::chrono::steady_clock::time_point deadline_;

    bool stop_requested_ = false;
    StopReason stop_reason_ = StopReason::Crash;
    uint32_t exit_code_ = 0;
    int stop_signal_number_ = 0;
    std::string stop_diagnostic_;

    // The debugger's breakpoints, watchpoints and where a stop left the guest (debug_run.cpp).
    struct DebugState {
        Debugger *debugger = nullptr;
        bool stop_first = false;
        std::unordered_map<uint32_t, bool> breakpoints;   // active ones, by address: hardware?
        std::unordered_map<uint32_t, size_t> code_hooks;  // a code hook per breakpoint address ever set
        struct Watch {
            uint32_t va, len;
            WatchKind kind;
        };
        std::vector<Watch> watches;
        size_t every_insn_hook = 0;   // while stepping or watching: a code hook on every instruction
        size_t mem_hook = 0;          // while watching
        bool stepping = false;
        std::optional<DebugStop> pending;     // found by a hook, served by the run loop
        std::optional<DebugStop> watch_hit;   // stops at the next instruction boundary
        bool stopped_inside_block = false;    // the stop came after its block was accounted
        // Since the guest last resumed: instruction starts seen; the first is where it resumed
        // and never stops it again (as EFLAGS.RF for a breakpoint the debugger resumes from).
        unsigned boundaries = 0;
        bool boundary_open = false;           // a code hook at last_pc is the instruction already counted
        uint32_t last_pc = 0;
        bool resume_inside_block = false;     // resuming mid-block at resume_pc: its block was accounted
        uint32_t resume_pc = 0;
        bool replay_block = false;            // the block hook at last_pc comes again after a retranslation
        uint32_t polls = 0;
    };
    std::unique_ptr<DebugState> debug_;

    std::optional<Fault> pending_fault_;   // a fault the engine could not deliver through a hook
    bool pending_fault_fetch_ = false;
};

} // namespace ia32emu
