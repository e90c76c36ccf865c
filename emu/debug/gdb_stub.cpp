// The engine is only touched from its own thread (the run loop calls in): no locking, and a
// stopped guest is exactly as the run left it.
#include "emu/debug/gdb_stub.h"

#include <cerrno>
#include <cstdio>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ia32emu {

GdbStub::GdbStub(GdbListener listener, Engine &engine, const std::atomic<int> *stop_signal)
    : listener_(std::move(listener)), engine_(engine), stop_signal_(stop_signal) {}

GdbStub::~GdbStub() { close_client(); }

void GdbStub::close_client() {
    if (client_ >= 0)
        ::close(client_);
    client_ = -1;
    session_.reset();
    no_ack_ = false;
    awaiting_stop_ = false;
    buffered_ = consumed_ = 0;
    reader_ = GdbPacketReader();
}

void GdbStub::read_register(DebugReg r, uint8_t *out) { engine_.read_debug_reg(r, out); }
bool GdbStub::write_register(DebugReg r, const uint8_t *in) { return engine_.write_debug_reg(r, in); }

size_t GdbStub::read_memory(uint32_t va, uint8_t *out, size_t len) {
    size_t done = 0;
    while (done < len) {
        const uint32_t at = va + uint32_t(done);
        const size_t chunk = std::min<size_t>(len - done, 0x1000 - (at & 0xFFFu));
        if (!engine_.read_virtual(at, out + done, chunk))
            break;
        done += chunk;
    }
    return done;
}

bool GdbStub::write_memory(uint32_t va, const uint8_t *in, size_t len) { return engine_.write_virtual(va, in, len); }
void GdbStub::set_breakpoint(uint32_t va, bool hardware, bool on) { engine_.set_breakpoint(va, hardware, on); }
void GdbStub::set_watchpoint(uint32_t va, uint32_t len, WatchKind kind, bool on) {
    engine_.set_watchpoint(va, len, kind, on);
}

GdbStub::Input GdbStub::next_input(bool wait) {
    for (;;) {
        while (consumed_ < buffered_) {
            switch (reader_.feed(uint8_t(buffer_[consumed_++]))) {
            case GdbPacketReader::Event::Packet:
                if (!no_ack_)
                    (void)::send(client_, "+", 1, MSG_NOSIGNAL);
                packet_ = reader_.packet();
                return Input::Packet;
            case GdbPacketReader::Event::BadPacket:
                if (!no_ack_)
                    (void)::send(client_, "-", 1, MSG_NOSIGNAL);
                break;
            case GdbPacketReader::Event::Interrupt: return Input::Interrupt;
            case GdbPacketReader::Event::Nak:
                if (!last_sent_.empty())
                    (void)::send(client_, last_sent_.data(), last_sent_.size(), MSG_NOSIGNAL);
                break;
            case GdbPacketReader::Event::Ack:
            case GdbPacketReader::Event::None: break;
            }
        }
        pollfd p{client_, POLLIN, 0};
        int n = ::poll(&p, 1, wait ? -1 : 0);
        if (n < 0 && errno == EINTR) {
            if (stop_signal_ && stop_signal_->load(std::memory_order_relaxed))
                return Input::Closed;
            continue;
        }
        if (n == 0)
            return Input::Nothing;
        if (n < 0)
            return Input::Closed;
        ssize_t got = ::recv(client_, buffer_, sizeof buffer_, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return Input::Closed;
        buffered_ = size_t(got);
        consumed_ = 0;
    }
}

// The `+` for our packet is read (and dropped) with the next input: gdb sends nothing else before it.
bool GdbStub::send(const std::string &payload) {
    last_sent_ = gdb_frame(payload);
    size_t off = 0;
    while (off < last_sent_.size()) {
        ssize_t n = ::send(client_, last_sent_.data() + off, last_sent_.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        off += size_t(n);
    }
    return true;
}

bool GdbStub::wants_stop() {
    if (client_ < 0) {
        client_ = listener_.accept_client(false, stop_signal_);
        if (client_ < 0)
            return false;
        session_.emplace(static_cast<GdbTarget &>(*this));
        just_connected_ = true;
        return true;   // QEMU too stops the machine when gdb connects
    }
    for (;;) {
        switch (next_input(false)) {
        case Input::Interrupt: return true;
        case Input::Closed:
            lost_client_ = true;
            return true;
        case Input::Nothing: return false;
        case Input::Packet: break;   // gdb sends nothing but Ctrl-C while the target runs
        }
    }
}

DebugResume GdbStub::stopped(const DebugStop &stop_in) {
    DebugStop stop = stop_in;
    if (lost_client_) {
        // gdb went away: its breakpoints go with it and the guest runs on, as under QEMU.
        lost_client_ = false;
        close_client();
        return DebugResume::Detach;
    }
    if (client_ < 0) {
        std::fprintf(stderr, "ia32emu: gdb: waiting for a connection on localhost:%u\n", unsigned(listener_.port()));
        client_ = listener_.accept_client(true, stop_signal_);
        if (client_ < 0)
            return DebugResume::Continue;   // a stop signal: the run loop ends the run
        session_.emplace(static_cast<GdbTarget &>(*this));
        just_connected_ = true;
    }
    if (just_connected_) {
        just_connected_ = false;
        awaiting_stop_ = false;
        stop.why = DebugStop::Why::Attached;
    }
    if (awaiting_stop_) {
        awaiting_stop_ = false;
        if (!send(session_->stop_reply(stop))) {
            close_client();
            return DebugResume::Detach;
        }
    }
    for (;;) {
        switch (next_input(true)) {
        case Input::Closed:
            if (stop_signal_ && stop_signal_->load(std::memory_order_relaxed))
                return DebugResume::Continue;
            close_client();
            return DebugResume::Detach;
        case Input::Interrupt:
        case Input::Nothing: continue;
        case Input::Packet: break;
        }
        GdbReply reply = session_->handle(packet_, stop);
        if (reply.payload && !send(*reply.payload)) {
            close_client();
            return DebugResume::Detach;
        }
        if (reply.start_no_ack)
            no_ack_ = true;
        if (!reply.resume)
            continue;
        switch (*reply.resume) {
        case DebugResume::Kill:
        case DebugResume::Detach: close_client(); break;
        case DebugResume::Continue:
        case DebugResume::Step: awaiting_stop_ = true; break;
        }
        return *reply.resume;
    }
}

void GdbStub::ended(const RunOutcome &outcome) {
    if (client_ >= 0 && awaiting_stop_ && send(GdbSession::exit_reply(outcome))) {
        // Closing with gdb's `+` unread would reset the connection and could lose the exit packet:
        // half-close, then wait (briefly) for gdb to close its side.
        ::shutdown(client_, SHUT_WR);
        pollfd p{client_, POLLIN, 0};
        char sink[256];
        while (::poll(&p, 1, 2000) > 0 && ::recv(client_, sink, sizeof sink, 0) > 0) {
        }
    }
    close_client();
}

} // namespace ia32emu
