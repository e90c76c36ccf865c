// What a debugger (emu/debug/) and the engine's run loop say to each other. The engine stops only
// at instruction boundaries and never charges the timing model twice for a block it stopped in,
// so a debugged run measures what an undebugged one does.
#pragma once

#include <cstdint>

#include "emu/engine/run_outcome.h"

namespace ia32emu {

// The i386 register file in gdb's numbering (gdb/features/i386/32bit-core.xml and 32bit-sse.xml):
// general registers, EIP, EFLAGS and the six selectors (4 bytes each), the x87 stack ST0-ST7 (10
// bytes each, as FSAVE stores them) and its control registers, XMM0-XMM7 (16 bytes) and MXCSR.
enum class DebugReg : unsigned {
    Eax, Ecx, Edx, Ebx, Esp, Ebp, Esi, Edi, Eip, Eflags, Cs, Ss, Ds, Es, Fs, Gs,
    St0, St1, St2, St3, St4, St5, St6, St7,
    Fctrl, Fstat, Ftag, Fiseg, Fioff, Foseg, Fooff, Fop,
    Xmm0, Xmm1, Xmm2, Xmm3, Xmm4, Xmm5, Xmm6, Xmm7,
    Mxcsr,
    Count
};
inline constexpr unsigned kDebugRegCount = unsigned(DebugReg::Count);

// Bytes of one register as gdb transfers it.
constexpr unsigned debug_reg_size(DebugReg r) {
    if (r >= DebugReg::St0 && r <= DebugReg::St7)
        return 10;
    if (r >= DebugReg::Xmm0 && r <= DebugReg::Xmm7)
        return 16;
    return 4;
}

enum class WatchKind { Write, Read, Access };

struct DebugStop {
    enum class Why {
        Attached,          // before the first instruction (--gdb-wait), or when gdb connected mid-run
        Breakpoint,        // a software breakpoint (gdb's Z0)
        HardwareBreakpoint,// a hardware breakpoint (Z1)
        Watchpoint,        // after the instruction that accessed a watched range
        Step,              // one instruction (or one exception/interrupt delivery) done
        Interrupted,       // gdb sent Ctrl-C
    };
    Why why = Why::Attached;
    uint32_t eip = 0;
    WatchKind watch = WatchKind::Write;
    uint32_t watch_address = 0;   // the watched address the access touched
};

enum class DebugResume {
    Continue,
    Step,
    Kill,     // end the run now, as SIGKILL would (status 137; the report is written)
    Detach,   // forget the debugger, remove its breakpoints and run on
};

// The engine calls these from its run loop, on the thread that runs the guest.
class Debugger {
public:
    virtual ~Debugger() = default;
    // Polled every few hundred blocks while the guest runs: true stops the guest at the block
    // about to run (Ctrl-C from gdb, or a debugger connecting).
    virtual bool wants_stop() = 0;
    // The guest is stopped; the debugger inspects and changes state through the engine, then says
    // how to go on. The wall clock spent here does not count against --timeout.
    virtual DebugResume stopped(const DebugStop &stop) = 0;
    // The run is over (guest exit, halt, crash, limit or signal): tell gdb the target is gone.
    virtual void ended(const RunOutcome &outcome) = 0;
};

} // namespace ia32emu
