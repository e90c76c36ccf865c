// The gdb stub as a user drives it: Debian's gdb in batch mode against `ia32emu run --gdb PORT
// --gdb-wait`, and a raw protocol client for what batch gdb cannot do (Ctrl-C, malformed input).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <elf.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "emu/debug/gdb_packet.h"
#include "tests/debug/gdb_harness.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

class GdbStubTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(kGdb))
            GTEST_SKIP() << "gdb is not installed (tools/bootstrap.sh installs Debian's gdb)";
    }
};

TEST_F(GdbStubTest, BreaksOnASymbolReadsRegistersAndMemoryStepsOneInstructionAndRunsToTheEnd) {
    const uint16_t port = free_port();
    ScratchDir dir;
    const fs::path report = dir.file("report.json");
    Background emu(emu_args(our_kernel(), port, {"--report", report.string()}));
    auto g = gdb_batch(our_kernel(), port,
                       {"info registers eip", "break kmain", "continue", "info registers eip", "x/4xw $pc",
                        "x/2i $pc", "stepi", "info registers eip", "continue"});
    const ProcessResult &r = emu.wait();
    ASSERT_EQ(r.exit_status, 0) << r.describe() << "\ngdb:\n" << g.out << g.err;

    // --gdb-wait stops at the reset vector, as QEMU's -S does (CS=F000, IP=FFF0).
    std::vector<uint32_t> seen = eips(g.out);
    ASSERT_EQ(seen.size(), 3u) << g.out << g.err;
    EXPECT_EQ(seen[0], 0xfff0u);
    const uint32_t bp = hex_after(g.out, "Breakpoint 1 at 0x([0-9a-f]+)");
    ASSERT_NE(bp, 0u) << g.out;
    EXPECT_NE(g.out.find("Breakpoint 1, kmain"), std::string::npos) << g.out;
    EXPECT_EQ(seen[1], bp) << "stopped where gdb put the breakpoint";

    // Memory at the breakpoint, through the guest's page tables, is the ELF's code.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(g.out, m, std::regex("<kmain[^>]*>:\\s+0x([0-9a-f]{8})\\s+0x([0-9a-f]{8})\\s+0x([0-9a-f]{8})\\s+0x([0-9a-f]{8})")))
        << g.out;
    std::vector<uint8_t> expected = elf_bytes_at(our_kernel(), bp, 16);
    ASSERT_EQ(expected.size(), 16u);
    for (int w = 0; w < 4; ++w) {
        uint32_t want;
        std::memcpy(&want, expected.data() + 4 * w, 4);
        EXPECT_EQ(uint32_t(std::stoul(m[w + 1].str(), nullptr, 16)), want) << "word " << w;
    }

    // stepi lands on the next instruction as gdb's own disassembler decodes it.
    const uint32_t next = hex_after(g.out, "\n   0x([0-9a-f]+) <kmain\\+[0-9]+>:");
    ASSERT_NE(next, 0u) << g.out;
    EXPECT_EQ(seen[2], next) << g.out;

    // The guest ran to its exit port and gdb saw the target exit.
    EXPECT_NE(g.out.find("exited normally"), std::string::npos) << g.out << g.err;
    auto j = nlohmann::json::parse(slurp(report));
    EXPECT_EQ(j["exit"]["reason"], "guest_exit");
}

// Same image, same command line: breakpoints hit hundreds of times, steps inside blocks and
// continuing from the middle of one give the report an undebugged run gives, bit for bit.
TEST_F(GdbStubTest, DebuggingDoesNotChangeTheReport) {
    ScratchDir dir;
    auto plain = run_ia32emu(GuestRun{our_kernel(), "scenario=selftest", {}, true});
    ASSERT_EQ(plain.exit_status, 0) << plain.describe();
    ASSERT_TRUE(plain.report) << plain.report_problem;

    const uint16_t port = free_port();
    const fs::path report = dir.file("debugged.json");
    Background emu(emu_args(our_kernel(), port, {"--cmdline", "scenario=selftest", "--report", report.string()}));
    auto g = gdb_batch(our_kernel(), port,
                       {"break kmalloc", "continue", "stepi", "stepi", "stepi", "continue", "stepi 25", "continue",
                        "ignore 1 200", "continue", "delete", "break vfree", "continue", "stepi 3", "delete",
                        "continue"});
    const ProcessResult &r = emu.wait();
    ASSERT_EQ(r.exit_status, 0) << r.describe() << "\ngdb:\n" << g.out << g.err;
    EXPECT_NE(g.out.find("Breakpoint 2, vfree"), std::string::npos) << g.out << g.err;
    EXPECT_NE(g.out.find("exited normally"), std::string::npos) << g.out << g.err;

    nlohmann::json debugged = nlohmann::json::parse(slurp(report));
    nlohmann::json undebugged = *plain.report;
    debugged.erase("host");
    undebugged.erase("host");
    EXPECT_EQ(debugged["totals"], undebugged["totals"]);
    EXPECT_EQ(debugged["paths"], undebugged["paths"]);
    EXPECT_EQ(debugged, undebugged);
}

// stepi on an instruction that raises an exception ends at the handler's first instruction,
// as the step is one instruction and its delivery.
TEST_F(GdbStubTest, SteppingAnInt3LandsOnItsIdtHandler) {
    // Where the traps scenario's int3 and its handler are, as gdb reads them from the ELF.
    auto where = run_process({kGdb.string(), "-batch", "-nx", our_kernel().string(), "-ex", "x/600i scenario_traps",
                              "-ex", "x/i trap_stub_3"});
    const uint32_t int3 = hex_after(where.out, "0x([0-9a-f]+) <scenario_traps\\+[0-9]+>:\\s+int3");
    const uint32_t handler = hex_after(where.out, "0x([0-9a-f]+) <trap_stub_3>:");
    ASSERT_NE(int3, 0u) << where.out;
    ASSERT_NE(handler, 0u) << where.out;

    const uint16_t port = free_port();
    Background emu(emu_args(our_kernel(), port, {"--cmdline", "scenario=traps count=1"}));
    char at[32];
    std::snprintf(at, sizeof at, "break *0x%x", int3);
    auto g = gdb_batch(our_kernel(), port, {at, "continue", "info registers eip", "stepi", "info registers eip", "continue"});
    const ProcessResult &r = emu.wait();
    EXPECT_EQ(r.exit_status, 0) << r.describe() << g.out << g.err;
    EXPECT_EQ(eips(g.out), (std::vector<uint32_t>{int3, handler})) << g.out << g.err;
    EXPECT_NE(g.out.find("exited normally"), std::string::npos) << g.out << g.err;
}

TEST_F(GdbStubTest, KillEndsTheRunAsSigkillAndStillWritesTheReport) {
    const uint16_t port = free_port();
    ScratchDir dir;
    const fs::path report = dir.file("report.json");
    Background emu(emu_args(our_kernel(), port, {"--report", report.string()}));
    auto g = gdb_batch(our_kernel(), port, {"break kmain", "continue", "kill"});
    const ProcessResult &r = emu.wait();
    EXPECT_EQ(r.exit_status, 137) << r.describe() << g.out << g.err;
    EXPECT_NE(r.err.find("SIGKILL"), std::string::npos) << r.err;
    auto j = nlohmann::json::parse(slurp(report));
    EXPECT_EQ(j["exit"]["reason"], "signal");
    EXPECT_EQ(j["exit"]["signal"], "SIGKILL");
}

TEST_F(GdbStubTest, AWriteWatchpointStopsAfterTheStoringInstruction) {
    const uint16_t port = free_port();
    Background emu(emu_args(our_kernel(), port, {}));
    // kmalloc's caches are written on every allocation; the first write to one stops the guest.
    auto g = gdb_batch(our_kernel(), port,
                       {"break kmain", "continue", "watch *(int *)&kmalloc_caches", "continue", "info registers eip",
                        "delete", "continue"});
    const ProcessResult &r = emu.wait();
    EXPECT_EQ(r.exit_status, 0) << r.describe() << g.out << g.err;
    EXPECT_NE(g.out.find("Hardware watchpoint 2"), std::string::npos) << g.out << g.err;
    EXPECT_NE(g.out.find("New value"), std::string::npos) << g.out << g.err;
}

// A raw protocol client for what batch gdb cannot show.
class Client {
public:
    explicit Client(uint16_t port) {
        for (int attempt = 0; attempt < 300 && fd_ < 0; ++attempt) {
            int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(port);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) {
                fd_ = fd;
                break;
            }
            ::close(fd);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    ~Client() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    bool connected() const { return fd_ >= 0; }
    void raw(std::string_view bytes) { (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
    // Sends a packet and returns the payload of the reply (acks skipped).
    std::string ask(std::string_view payload) {
        raw(gdb_frame(payload));
        return reply();
    }
    std::string reply(int timeout_ms = 60000) {
        for (;;) {
            while (consumed_ < buffer_.size()) {
                auto ev = reader_.feed(uint8_t(buffer_[consumed_++]));
                if (ev == GdbPacketReader::Event::Packet) {
                    raw("+");
                    return reader_.packet();
                }
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, timeout_ms) <= 0)
                return "<timeout>";
            char buf[4096];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0)
                return "<closed>";
            buffer_.assign(buf, size_t(n));
            consumed_ = 0;
        }
    }

private:
    int fd_ = -1;
    std::string buffer_;
    size_t consumed_ = 0;
    GdbPacketReader reader_;
};

TEST(GdbProtocol, AnswersTheHandshakeRegistersMemoryErrorsAndCtrlC) {
    const uint16_t port = free_port();
    Background emu(emu_args(test_guest("runaway"), port, {}));
    Client c(port);
    ASSERT_TRUE(c.connected());
    std::string features = c.ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
    EXPECT_NE(features.find("PacketSize=4000"), std::string::npos) << features;
    EXPECT_NE(features.find("qXfer:features:read+"), std::string::npos) << features;
    EXPECT_NE(features.find("swbreak+"), std::string::npos) << features;
    EXPECT_EQ(c.ask("?"), "T05thread:01;");
    std::string xml = c.ask("qXfer:features:read:target.xml:0,3fff");
    EXPECT_EQ(xml[0], 'l') << "the whole description in one reply";
    EXPECT_NE(xml.find("org.gnu.gdb.i386.core"), std::string::npos);
    EXPECT_EQ(xml.find("fs_base"), std::string::npos) << "the i386 layout gdb expects has no fs_base";
    // 16 4-byte registers, 8 x87 registers of 10 bytes, 8 x87 control words, 8 XMM and MXCSR.
    std::string regs = c.ask("g");
    EXPECT_EQ(regs.size(), 2u * (16 * 4 + 8 * 10 + 8 * 4 + 8 * 16 + 4));
    EXPECT_EQ(regs.substr(8 * 8, 8), "f0ff0000") << "EIP at the reset vector";
    EXPECT_EQ(c.ask("p8"), "f0ff0000");
    EXPECT_EQ(c.ask("pa"), "00f00000") << "CS=F000";
    // RAM reads as RAM; nothing is at 0xE0000000 (the PCI hole with no BAR there).
    EXPECT_EQ(c.ask("M1000,4:deadbeef"), "OK");
    EXPECT_EQ(c.ask("m1000,4"), "deadbeef");
    EXPECT_EQ(c.ask("me0000000,4"), "E14");
    EXPECT_EQ(c.ask("Mfffff000,4:00000000"), "E14") << "ROM is not RAM";
    EXPECT_EQ(c.ask("mzz"), "E16");
    EXPECT_EQ(c.ask("vCont?"), "vCont;c;C;s;S");
    EXPECT_EQ(c.ask("qUnknownThing"), "");
    // A bad checksum is answered with `-` and otherwise ignored.
    c.raw("$g#00");
    EXPECT_EQ(c.ask("p8"), "f0ff0000");
    // Continue, then Ctrl-C: the runaway guest never stops by itself.
    c.raw(gdb_frame("vCont;c"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c.raw("\x03");
    EXPECT_EQ(c.reply(), "T02thread:01;");
    std::string eip = c.ask("p8");
    EXPECT_EQ(eip.size(), 8u);
    EXPECT_NE(eip, "f0ff0000") << "the guest ran";
    c.raw(gdb_frame("k"));
    const ProcessResult &r = emu.wait();
    EXPECT_EQ(r.exit_status, 137) << r.describe();
}

TEST(GdbProtocol, CtrlCWhileRunningStopsWithSigint) {
    const uint16_t port = free_port();
    Background emu(emu_args(test_guest("runaway"), port, {}));
    Client c(port);
    ASSERT_TRUE(c.connected());
    EXPECT_EQ(c.ask("?"), "T05thread:01;");
    c.raw(gdb_frame("c"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c.raw("\x03");
    EXPECT_EQ(c.reply(), "T02thread:01;");
    EXPECT_EQ(c.ask("D"), "OK");
    EXPECT_EQ(c.reply(5000), "<closed>");
    // Detached, the guest runs on, and a new connection stops it again, as under QEMU.
    Client again(port);
    ASSERT_TRUE(again.connected());
    EXPECT_EQ(again.ask("?"), "T05thread:01;");
    again.raw(gdb_frame("k"));
    const ProcessResult &r = emu.wait();
    EXPECT_EQ(r.exit_status, 137) << r.describe();
}

TEST(GdbProtocol, TheWallClockLimitDoesNotRunWhileStoppedAtThePrompt) {
    const uint16_t port = free_port();
    // A guest that ends at once, so that only the time at the prompt could exceed the limit.
    Background emu(emu_args(test_guest("hello"), port, {"--timeout", "3"}));
    Client c(port);
    ASSERT_TRUE(c.connected());
    EXPECT_EQ(c.ask("?"), "T05thread:01;");
    std::this_thread::sleep_for(std::chrono::seconds(4));
    // Past the limit in wall time, but the guest has not run yet: it still may.
    EXPECT_EQ(c.ask("c"), "W2a") << "the guest's exit code 42";
    const ProcessResult &r = emu.wait();
    EXPECT_EQ(r.exit_status, 42) << r.describe();
}

TEST(GdbCommandLine, BadPortAndPortInUseAreOneLineAndStatusTwo) {
    for (const char *bad : {"abc", "0", "70000", "tcp:example.com:1234", "tcp::"}) {
        auto r = run_ia32emu_args({"run", our_kernel().string(), "--gdb", bad});
        EXPECT_EQ(r.exit_status, 2) << bad << ": " << r.describe();
        EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
        EXPECT_NE(r.err.find("--gdb"), std::string::npos) << r.err;
    }
    auto r = run_ia32emu_args({"run", our_kernel().string(), "--gdb-wait"});
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    EXPECT_NE(r.err.find("--gdb-wait needs --gdb"), std::string::npos) << r.err;

    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    const std::string taken = std::to_string(ntohs(a.sin_port));
    r = run_ia32emu_args({"run", our_kernel().string(), "--gdb", "tcp::" + taken});
    ::close(fd);
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("cannot listen on localhost:" + taken), std::string::npos) << r.err;
}

} // namespace
} // namespace ia32emu::test
