// The terminal side of COM1 in-process: QEMU's Ctrl-A escapes, reading through poll() from a pipe
// that stands in for the terminal, and the raw mode on a pty put back by the destructor.
#include "emu/cli/serial_console.h"
#include "emu/cli/terminal_mode.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include "tests/support/child_pipes.h"

namespace ia32emu {
namespace {

using Command = ConsoleEscape::Command;
using namespace std::chrono_literals;

std::string filtered(ConsoleEscape &e, std::string_view in, std::vector<Command> &commands) {
    auto out = e.filter({reinterpret_cast<const uint8_t *>(in.data()), in.size()}, commands);
    return {out.begin(), out.end()};
}

TEST(ConsoleEscape, PlainBytesPassAndCtrlAStartsACommand) {
    ConsoleEscape e;
    std::vector<Command> commands;
    EXPECT_EQ(filtered(e, "ls\r\x03\x1a", commands), "ls\r\x03\x1a");
    EXPECT_TRUE(commands.empty());
    EXPECT_EQ(filtered(e, "a\x01x" "b", commands), "ab");
    EXPECT_EQ(commands, std::vector<Command>{Command::Quit});
}

TEST(ConsoleEscape, CtrlACtrlASendsOneCtrlAAndUnknownCommandsAreDropped) {
    ConsoleEscape e;
    std::vector<Command> commands;
    EXPECT_EQ(filtered(e, "\x01\x01\x01q\x01X!", commands), "\x01!");
    EXPECT_TRUE(commands.empty()) << "only a lower-case x quits, as in QEMU";
    EXPECT_EQ(filtered(e, "\x01h\x01?", commands), "");
    EXPECT_EQ(commands, (std::vector<Command>{Command::Help, Command::Help}));
}

TEST(ConsoleEscape, AnEscapeSplitAcrossReadsStillCounts) {
    ConsoleEscape e;
    std::vector<Command> commands;
    EXPECT_EQ(filtered(e, "abc\x01", commands), "abc");
    EXPECT_EQ(filtered(e, "x", commands), "");
    EXPECT_EQ(commands, std::vector<Command>{Command::Quit});
    EXPECT_EQ(filtered(e, "x", commands), "x") << "the escape applies to one byte only";
}

class SerialConsoleTest : public ::testing::Test {
protected:
    SerialConsoleTest() {
        console.connect([this](std::span<const uint8_t> b) { got.append(b.begin(), b.end()); },
                        [this](const std::string &how) { quits.push_back(how); });
    }
    void send(std::string_view bytes) { ASSERT_EQ(::write(pipe.write_end, bytes.data(), bytes.size()), ssize_t(bytes.size())); }

    test::Pipe pipe;
    SerialConsole console{pipe.read_end};
    std::string got;
    std::vector<std::string> quits;
};

TEST_F(SerialConsoleTest, PollTakesWhatIsThereAndNeverWaits) {
    const auto t0 = std::chrono::steady_clock::now();
    console.poll();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    EXPECT_EQ(got, "");
    send("hi\x01x");
    console.poll();
    EXPECT_EQ(got, "hi");
    EXPECT_EQ(quits, std::vector<std::string>{"Ctrl-A x"});
    EXPECT_FALSE(console.ended());
}

TEST_F(SerialConsoleTest, WaitReturnsWhenBytesArriveOrTheTimeoutPasses) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(console.wait(50ms));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 45ms);
    send("k");
    EXPECT_TRUE(console.wait(10s));
    EXPECT_EQ(got, "") << "waiting does not take the input";
    console.poll();
    EXPECT_EQ(got, "k");
}

TEST_F(SerialConsoleTest, EndOfFileEndsTheInput) {
    send("last");
    pipe.close_write();
    EXPECT_TRUE(console.wait(10s));
    console.poll();
    EXPECT_FALSE(console.ended());
    EXPECT_EQ(got, "last");
    EXPECT_TRUE(console.wait(10s)) << "the end is there to be found";
    console.poll();
    EXPECT_TRUE(console.ended());
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(console.wait(20ms));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "an ended input waits only the time given";
}

struct Pty {
    int master = -1, slave = -1;
    Pty() {
        if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0)
            test::fail_errno("openpty", errno);
    }
    ~Pty() {
        ::close(master);
        ::close(slave);
    }
    termios settings() const {
        termios t{};
        ::tcgetattr(slave, &t);
        return t;
    }
};

TEST(RawTerminal, PassesKeysThroughWhileItLivesAndRestoresTheSettings) {
    Pty pty;
    const termios before = pty.settings();
    ASSERT_TRUE(before.c_lflag & ICANON) << "a new pty starts cooked";
    {
        RawTerminal raw(pty.slave);
        const termios during = pty.settings();
        EXPECT_EQ(during.c_lflag & (ECHO | ICANON | ISIG | IEXTEN), 0u);
        EXPECT_EQ(during.c_iflag & (ICRNL | IXON | ISTRIP), 0u);
        EXPECT_EQ(during.c_cflag & CSIZE, tcflag_t(CS8));
        EXPECT_EQ(during.c_oflag, before.c_oflag);
        EXPECT_THROW(RawTerminal(pty.master), std::runtime_error) << "one at a time";
    }
    const termios after = pty.settings();
    EXPECT_EQ(after.c_iflag, before.c_iflag);
    EXPECT_EQ(after.c_oflag, before.c_oflag);
    EXPECT_EQ(after.c_cflag, before.c_cflag);
    EXPECT_EQ(after.c_lflag, before.c_lflag);
    EXPECT_EQ(std::memcmp(after.c_cc, before.c_cc, sizeof after.c_cc), 0);
}

TEST(RawTerminal, RefusesWhatIsNotATerminal) {
    test::Pipe pipe;
    try {
        RawTerminal raw(pipe.read_end);
        FAIL() << "a pipe went raw";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("cannot read the terminal's settings"), std::string::npos) << e.what();
    }
    Pty pty;
    RawTerminal raw(pty.slave);   // the failure left nothing behind that refuses the next one
}

} // namespace
} // namespace ia32emu
