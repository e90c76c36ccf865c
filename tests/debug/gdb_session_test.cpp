// The protocol's meaning against a fake target: which register goes where in `g`, how memory
// errors and partial reads are answered, what Z/z do, what the stop and exit replies say.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <map>

#include "emu/debug/gdb_session.h"

namespace ia32emu {
namespace {

class FakeTarget : public GdbTarget {
public:
    uint8_t regs[kDebugRegCount][16] = {};
    std::map<uint32_t, uint8_t> memory;   // mapped bytes
    std::map<uint32_t, bool> breakpoints;
    struct Watch {
        uint32_t va, len;
        WatchKind kind;
        bool on;
    };
    std::vector<Watch> watch_calls;

    void read_register(DebugReg r, uint8_t *out) override { std::memcpy(out, regs[unsigned(r)], debug_reg_size(r)); }
    bool write_register(DebugReg r, const uint8_t *in) override {
        std::memcpy(regs[unsigned(r)], in, debug_reg_size(r));
        return true;
    }
    size_t read_memory(uint32_t va, uint8_t *out, size_t len) override {
        size_t n = 0;
        for (; n < len && memory.count(va + uint32_t(n)); ++n)
            out[n] = memory[va + uint32_t(n)];
        return n;
    }
    bool write_memory(uint32_t va, const uint8_t *in, size_t len) override {
        for (size_t i = 0; i < len; ++i)
            if (!memory.count(va + uint32_t(i)))
                return false;
        for (size_t i = 0; i < len; ++i)
            memory[va + uint32_t(i)] = in[i];
        return true;
    }
    void set_breakpoint(uint32_t va, bool hardware, bool on) override {
        if (on)
            breakpoints[va] = hardware;
        else
            breakpoints.erase(va);
    }
    void set_watchpoint(uint32_t va, uint32_t len, WatchKind kind, bool on) override {
        watch_calls.push_back({va, len, kind, on});
    }
};

class GdbSessionTest : public ::testing::Test {
protected:
    std::string ask(std::string_view packet) {
        GdbReply r = session.handle(packet, DebugStop{});
        EXPECT_TRUE(r.payload.has_value()) << packet;
        return r.payload.value_or("");
    }
    FakeTarget target;
    GdbSession session{target};
};

TEST_F(GdbSessionTest, RegistersFollowGdbsI386Numbering) {
    target.regs[unsigned(DebugReg::Eax)][0] = 0x11;
    target.regs[unsigned(DebugReg::Eip)][0] = 0x78;
    target.regs[unsigned(DebugReg::Eip)][3] = 0x12;
    target.regs[unsigned(DebugReg::St0)][9] = 0x40;
    target.regs[unsigned(DebugReg::Mxcsr)][1] = 0x1f;
    std::string g = ask("g");
    ASSERT_EQ(g.size(), 2u * 308);
    EXPECT_EQ(g.substr(0, 8), "11000000");
    EXPECT_EQ(g.substr(8 * 8, 8), "78000012") << "eip is register 8, little-endian";
    EXPECT_EQ(g.substr(2 * 64, 20), "00000000000000000040") << "st0 follows gs: 10 bytes";
    EXPECT_EQ(g.substr(g.size() - 8), "001f0000") << "mxcsr is last";
    EXPECT_EQ(ask("p8"), "78000012");
    EXPECT_EQ(ask("p28"), "001f0000") << "register 0x28 = 40 is mxcsr";
    EXPECT_EQ(ask("p29"), "E16");
    EXPECT_EQ(ask("P0=efbeadde"), "OK");
    EXPECT_EQ(target.regs[0][3], 0xde);
    EXPECT_EQ(ask("P0=efbead"), "E16") << "wrong size";
    std::string all(2 * 308, '0');
    all.replace(8 * 2 * 4, 8, "00001000");
    EXPECT_EQ(ask("G" + all), "OK");
    EXPECT_EQ(target.regs[unsigned(DebugReg::Eip)][2], 0x10);
    EXPECT_EQ(ask("G00"), "E16");
}

TEST_F(GdbSessionTest, MemoryReadsArePartialAtTheFirstUnmappedByteAndErrorsAreE14) {
    for (uint32_t a = 0x1000; a < 0x1004; ++a)
        target.memory[a] = uint8_t(a);
    EXPECT_EQ(ask("m1000,4"), "00010203");
    EXPECT_EQ(ask("m1002,8"), "0203") << "a short read";
    EXPECT_EQ(ask("m2000,4"), "E14");
    EXPECT_EQ(ask("M1000,2:aabb"), "OK");
    EXPECT_EQ(target.memory[0x1001], 0xbb);
    EXPECT_EQ(ask("M1003,2:aabb"), "E14");
    EXPECT_EQ(ask("M1000,2:aa"), "E16") << "length and data disagree";
    EXPECT_EQ(ask("X1000,1:}\x03"), "OK") << "binary write with an escaped '#'";
    EXPECT_EQ(target.memory[0x1000], '#');
    EXPECT_EQ(ask("X1000,0:"), "OK") << "gdb's probe for X support";
}

TEST_F(GdbSessionTest, BreakpointsAndWatchpointsGoToTheTarget) {
    EXPECT_EQ(ask("Z0,c0100000,1"), "OK");
    EXPECT_EQ(ask("Z1,c0100010,1"), "OK");
    EXPECT_EQ((target.breakpoints), (std::map<uint32_t, bool>{{0xc0100000, false}, {0xc0100010, true}}));
    EXPECT_EQ(ask("z0,c0100000,1"), "OK");
    EXPECT_EQ(target.breakpoints.count(0xc0100000), 0u);
    EXPECT_EQ(ask("Z2,1000,4"), "OK");
    EXPECT_EQ(ask("Z3,1000,2"), "OK");
    EXPECT_EQ(ask("z4,1000,1"), "OK");
    ASSERT_EQ(target.watch_calls.size(), 3u);
    EXPECT_EQ(target.watch_calls[0].kind, WatchKind::Write);
    EXPECT_EQ(target.watch_calls[1].kind, WatchKind::Read);
    EXPECT_EQ(target.watch_calls[2].kind, WatchKind::Access);
    EXPECT_FALSE(target.watch_calls[2].on);
    EXPECT_EQ(ask("Z2,1000,0"), "E16");
    EXPECT_EQ(ask("Z9,1000,1"), "") << "an unknown type is unsupported, not an error";
}

TEST_F(GdbSessionTest, ResumeCommandsAndStopReplies) {
    GdbReply r = session.handle("vCont;s:1;c", DebugStop{});
    EXPECT_EQ(r.resume, DebugResume::Step);
    EXPECT_FALSE(r.payload);
    r = session.handle("vCont;c", DebugStop{});
    EXPECT_EQ(r.resume, DebugResume::Continue);
    r = session.handle("cc0100000", DebugStop{});
    EXPECT_EQ(r.resume, DebugResume::Continue);
    EXPECT_EQ(target.regs[unsigned(DebugReg::Eip)][3], 0xc0) << "`c ADDR` resumes at ADDR";
    r = session.handle("C05", DebugStop{});
    EXPECT_EQ(r.resume, DebugResume::Continue);
    r = session.handle("k", DebugStop{});
    EXPECT_EQ(r.resume, DebugResume::Kill);
    EXPECT_FALSE(r.payload) << "gdb does not wait for an answer to k";
    r = session.handle("D", DebugStop{});
    EXPECT_EQ(r.resume, DebugResume::Detach);
    EXPECT_EQ(r.payload, "OK");

    DebugStop bp{DebugStop::Why::Breakpoint};
    EXPECT_EQ(session.stop_reply(bp), "T05thread:01;") << "no swbreak before gdb says it knows it";
    ask("qSupported:multiprocess+;swbreak+;hwbreak+");
    EXPECT_EQ(session.stop_reply(bp), "T05thread:01;swbreak:;");
    EXPECT_EQ(session.stop_reply(DebugStop{DebugStop::Why::HardwareBreakpoint}), "T05thread:01;hwbreak:;");
    EXPECT_EQ(session.stop_reply(DebugStop{DebugStop::Why::Interrupted}), "T02thread:01;");
    DebugStop w{DebugStop::Why::Watchpoint};
    w.watch = WatchKind::Read;
    w.watch_address = 0xc0125000;
    EXPECT_EQ(session.stop_reply(w), "T05thread:01;rwatch:c0125000;");
}

TEST_F(GdbSessionTest, ExitRepliesCarryTheStatusOrASignal) {
    RunOutcome o;
    o.reason = StopReason::GuestExit;
    o.guest_code = 3;
    EXPECT_EQ(GdbSession::exit_reply(o), "W03");
    o.reason = StopReason::Halted;
    EXPECT_EQ(GdbSession::exit_reply(o), "W7b") << "status 123, as the process exits";
    o.reason = StopReason::Crash;
    EXPECT_EQ(GdbSession::exit_reply(o), "X0b");
    o.reason = StopReason::Signal;
    o.signal = 15;
    EXPECT_EQ(GdbSession::exit_reply(o), "X0f");
}

TEST_F(GdbSessionTest, TheTargetDescriptionComesInPiecesAndEnds) {
    std::string xml;
    for (uint32_t offset = 0;;) {
        char req[64];
        std::snprintf(req, sizeof req, "qXfer:features:read:target.xml:%x,100", offset);
        std::string part = ask(req);
        ASSERT_FALSE(part.empty());
        xml += part.substr(1);
        offset += uint32_t(part.size() - 1);
        if (part[0] == 'l')
            break;
        ASSERT_EQ(part[0], 'm');
    }
    EXPECT_EQ(xml.find("<architecture>i386</architecture>"), xml.find("<architecture>"));
    EXPECT_NE(xml.find("name=\"mxcsr\""), std::string::npos);
    EXPECT_EQ(ask("qXfer:features:read:other.xml:0,100"), "E00");
    EXPECT_EQ(ask("QStartNoAckMode"), "OK");
    EXPECT_TRUE(session.handle("QStartNoAckMode", DebugStop{}).start_no_ack);
}

} // namespace
} // namespace ia32emu
