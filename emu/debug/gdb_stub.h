// The gdb stub: a Debugger for the engine's run loop that speaks the remote protocol over one TCP
// connection at a time. While the guest runs it polls for Ctrl-C and new connections; while the
// guest is stopped it blocks on gdb's packets.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "emu/debug/gdb_listener.h"
#include "emu/debug/gdb_packet.h"
#include "emu/debug/gdb_session.h"
#include "emu/engine/engine.h"

namespace ia32emu {

class GdbStub : public Debugger, private GdbTarget {
public:
    // `stop_signal`: the run's SIGINT/SIGTERM/SIGHUP flag, so that waiting for gdb can be stopped.
    GdbStub(GdbListener listener, Engine &engine, const std::atomic<int> *stop_signal);
    ~GdbStub() override;
    GdbStub(const GdbStub &) = delete;
    GdbStub &operator=(const GdbStub &) = delete;

    bool wants_stop() override;
    DebugResume stopped(const DebugStop &stop) override;
    void ended(const RunOutcome &outcome) override;

private:
    // GdbTarget, through the engine.
    void read_register(DebugReg r, uint8_t *out) override;
    bool write_register(DebugReg r, const uint8_t *in) override;
    size_t read_memory(uint32_t va, uint8_t *out, size_t len) override;
    bool write_memory(uint32_t va, const uint8_t *in, size_t len) override;
    void set_breakpoint(uint32_t va, bool hardware, bool on) override;
    void set_watchpoint(uint32_t va, uint32_t len, WatchKind kind, bool on) override;

    enum class Input { Packet, Interrupt, Closed, Nothing };
    // The next packet or Ctrl-C from gdb (acks handled here); `wait` false returns Nothing when
    // no whole packet has arrived yet.
    Input next_input(bool wait);
    bool send(const std::string &payload);
    void close_client();

    GdbListener listener_;
    Engine &engine_;
    const std::atomic<int> *stop_signal_;
    std::optional<GdbSession> session_;   // one per connection
    int client_ = -1;
    bool no_ack_ = false;
    bool awaiting_stop_ = false;      // gdb resumed the guest and waits for a stop reply
    bool just_connected_ = false;     // the coming stop is the one a new connection asked for
    bool lost_client_ = false;        // gdb went away while the guest ran
    GdbPacketReader reader_;
    std::string packet_;
    std::string last_sent_;           // framed, for a `-`
    char buffer_[4096];
    size_t buffered_ = 0, consumed_ = 0;
};

} // namespace ia32emu
