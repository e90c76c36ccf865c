// The same gdb session against QEMU's stub (-gdb tcp::PORT -S) and ours: gdb must see the same
// machine at the reset vector, at a breakpoint on a symbol, and after a step.
#include <gtest/gtest.h>

#include "tests/debug/gdb_harness.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// Lines of gdb's output that describe the machine, not the connection.
std::vector<std::string> machine_lines(const std::string &out) {
    std::vector<std::string> kept;
    for (const std::string &line : split_lines(out))
        if (line.rfind("eip", 0) == 0 || line.rfind("esp", 0) == 0 || line.rfind("cs ", 0) == 0 ||
            line.rfind("0x", 0) == 0 || line.rfind("Breakpoint 1,", 0) == 0)
            kept.push_back(line);
    return kept;
}

class GdbQemuParity : public QemuTest {};

TEST_F(GdbQemuParity, ResetVectorBreakpointMemoryAndStepLookTheSame) {
    if (!fs::exists(kGdb))
        GTEST_SKIP() << "gdb is not installed (tools/bootstrap.sh installs Debian's gdb)";
    const std::vector<std::string> session{
        "info registers eip", "info registers cs", "break kmain",        "continue",          "info registers eip",
        "info registers esp", "x/8xw $pc",         "stepi",              "info registers eip", "x/2i $pc", "kill"};

    const uint16_t qemu_port = free_port();
    Background qemu({qemu_path_.string(), "-m", "1024", "-kernel", our_kernel().string(), "-display", "none",
                     "-serial", "null", "-monitor", "none", "-no-reboot", "-device",
                     "isa-debug-exit,iobase=0xf4,iosize=0x04", "-gdb", "tcp::" + std::to_string(qemu_port), "-S"});
    auto under_qemu = gdb_batch(our_kernel(), qemu_port, session);
    qemu.wait();

    const uint16_t port = free_port();
    Background emu(emu_args(our_kernel(), port, {}));
    auto under_us = gdb_batch(our_kernel(), port, session);
    emu.wait();

    std::vector<std::string> ours = machine_lines(under_us.out), theirs = machine_lines(under_qemu.out);
    ASSERT_GE(theirs.size(), 8u) << "QEMU's session went wrong:\n" << under_qemu.out << under_qemu.err;
    // kmain's arguments (the Multiboot info's address) differ between the two firmwares.
    auto strip_args = [](std::vector<std::string> v) {
        for (std::string &l : v)
            if (l.rfind("Breakpoint 1,", 0) == 0)
                l = l.substr(0, l.find('('));
        return v;
    };
    EXPECT_EQ(strip_args(ours), strip_args(theirs)) << "ours:\n" << under_us.out << "\nQEMU's:\n" << under_qemu.out;
}

} // namespace
} // namespace ia32emu::test
