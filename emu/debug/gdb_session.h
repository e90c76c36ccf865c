// What each GDB remote-protocol packet asks of the target, and what to answer. No sockets and no
// engine here: the target is an interface, so the protocol can be tested against a fake one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "emu/engine/debug_control.h"
#include "emu/engine/run_outcome.h"

namespace ia32emu {

class GdbTarget {
public:
    virtual ~GdbTarget() = default;
    virtual void read_register(DebugReg r, uint8_t *out) = 0;
    virtual bool write_register(DebugReg r, const uint8_t *in) = 0;
    // Guest-virtual memory: how many bytes from va on could be read (a short read stops at the
    // first unmapped byte).
    virtual size_t read_memory(uint32_t va, uint8_t *out, size_t len) = 0;
    virtual bool write_memory(uint32_t va, const uint8_t *in, size_t len) = 0;
    virtual void set_breakpoint(uint32_t va, bool hardware, bool on) = 0;
    virtual void set_watchpoint(uint32_t va, uint32_t len, WatchKind kind, bool on) = 0;
};

struct GdbReply {
    std::optional<std::string> payload;   // to send now; none after a resume (the stop reply comes later) or `k`
    std::optional<DebugResume> resume;    // leave the prompt
    bool start_no_ack = false;            // once payload is sent, neither side acknowledges packets
};

class GdbSession {
public:
    // The largest packet we accept, announced in qSupported.
    static constexpr size_t kPacketSize = 0x4000;

    explicit GdbSession(GdbTarget &target) : target_(target) {}

    GdbReply handle(std::string_view packet, const DebugStop &current);
    // `T05thread:01;swbreak:;` and friends.
    std::string stop_reply(const DebugStop &stop) const;
    // `W` with the exit status for a guest that ended on its own, `X` with a signal otherwise.
    static std::string exit_reply(const RunOutcome &outcome);

private:
    std::string read_registers();
    std::string write_registers(std::string_view hex);
    std::string read_register(std::string_view args);
    std::string write_register(std::string_view args);
    std::string read_memory(std::string_view args);
    std::string write_memory(std::string_view args, bool binary);
    std::string breakpoint(std::string_view args, bool insert);
    std::string features(std::string_view args);
    GdbReply resume(std::string_view address, DebugResume how);
    GdbReply vcont(std::string_view args);

    GdbTarget &target_;
    bool swbreak_ = false;   // gdb understands `swbreak:`/`hwbreak:` stop reasons
    bool hwbreak_ = false;
};

} // namespace ia32emu
