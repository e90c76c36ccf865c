// Runs ia32emu (or QEMU) on a guest as a child process and hands a test its output, status and report.
//
// This is the fixture to copy for your own guest tests. A test that boots a scenario looks like:
//
//     #include "tests/support/guest_run.h"
//
//     class MyDriverTest : public ia32emu::test::GuestTest {};
//
//     TEST_F(MyDriverTest, MapsItsBuffer) {
//         auto run = boot_with_report("scenario=my_driver", {"--board", "atom-n270"});
//         ASSERT_EQ(run.exit_status, 0) << run.err;
//         ASSERT_TRUE(run.report) << run.report_problem;
//         EXPECT_EQ((*run.report)["exit"]["reason"], "guest_exit");
//         EXPECT_NE(run.out.find("my_driver: ok\n"), std::string::npos) << run.out;
//     }
//
// The emulator runs in its own process, exactly as a user runs it: a guest that crashes or hangs
// the emulator cannot take the test binary down with it, and the exit status is the real one.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ia32emu::test {

// How long any child may run before the helper kills it; generous, because it is only a safety
// net behind the emulator's own --timeout, and sanitizer builds run several times slower.
inline constexpr std::chrono::seconds kDefaultSafetyLimit{180};

// What one child process did.
struct ProcessResult {
    int exit_status = -1;           // the child's exit status, or -1 when a signal ended it
    int term_signal = 0;            // the signal that ended the child, 0 when it exited
    bool killed_by_safety_net = false;
    std::chrono::duration<double> wall{0};
    long peak_rss_kib = 0;          // the child's peak resident memory (wait4's ru_maxrss)
    std::string out;                // everything the child wrote to stdout
    std::string err;                // everything the child wrote to stderr

    std::vector<std::string> out_lines() const;
    std::vector<std::string> err_lines() const;
    // One line for failure messages: how the child ended and what it said on stderr.
    std::string describe() const;
};

// Runs argv[0] (a path, not looked up in PATH) with argv, stdin from /dev/null, stdout and stderr
// captured separately. Kills the child with SIGKILL once safety_limit has passed.
ProcessResult run_process(const std::vector<std::string> &argv,
                          std::chrono::milliseconds safety_limit = kDefaultSafetyLimit);

// The same, sending `signal` to the child once `ready` holds for what it has written so far
// (checked after each read and every 20 ms), as a user or a CI job stops a run from outside.
struct SignalWhen {
    int signal = 0;
    std::function<bool(const ProcessResult &so_far)> ready;
};
ProcessResult run_process(const std::vector<std::string> &argv, const SignalWhen &plan,
                          std::chrono::milliseconds safety_limit = kDefaultSafetyLimit);

// Where the build put things (IA32EMU_BUILD_DIR is a compile definition of the test binary).
std::filesystem::path build_dir();
std::filesystem::path ia32emu_binary();
std::filesystem::path our_kernel();                        // build/guest/kernel.elf
std::filesystem::path test_guest(std::string_view name);   // build/tests/guests/NAME.elf

// A private directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;

    const std::filesystem::path &path() const { return path_; }
    std::filesystem::path file(std::string_view name) const { return path_ / name; }
    // Writes bytes to a new file in the directory and returns its path.
    std::filesystem::path write(std::string_view name, std::string_view bytes) const;

private:
    std::filesystem::path path_;
};

// One `ia32emu run` invocation.
struct GuestRun {
    std::filesystem::path kernel = our_kernel();
    std::string cmdline;                       // passed with --cmdline unless empty
    std::vector<std::string> extra_args;       // appended after the kernel, e.g. {"--max-insns", "1000"}
    bool want_report = false;                  // add --report <scratch file> and parse it
    std::chrono::milliseconds safety_limit = kDefaultSafetyLimit;
};

struct GuestResult : ProcessResult {
    // The parsed --report file, when one was asked for, written and valid JSON.
    std::optional<nlohmann::json> report;
    // Why report is empty although one was asked for ("not written", or the parser's message).
    std::string report_problem;
};

GuestResult run_ia32emu(const GuestRun &run);

// Runs `ia32emu ARGS...` with no other arguments added, for tests of the command line itself.
ProcessResult run_ia32emu_args(const std::vector<std::string> &args,
                               std::chrono::milliseconds safety_limit = kDefaultSafetyLimit);

// QEMU as an oracle: the same kernel under qemu-system-i386 -kernel with isa-debug-exit at the
// exit port. Its exit status for a guest exit code C is qemu_exit_status(C).
std::optional<std::filesystem::path> find_qemu();   // qemu-system-i386 in PATH, if any
struct QemuRun {
    std::filesystem::path kernel = our_kernel();
    std::string append;                        // -append; QEMU prefixes the kernel's path itself
    unsigned memory_mib = 1024;                // ia32emu's default board has 1 GiB
    std::vector<std::string> extra_args;
    std::chrono::milliseconds safety_limit = kDefaultSafetyLimit;
};
ProcessResult run_qemu(const std::filesystem::path &qemu, const QemuRun &run);
constexpr int qemu_exit_status(int guest_code) { return ((guest_code << 1) | 1) & 0xff; }

// Line filters for comparing the serial output of two machines.
std::string file_contents(const std::filesystem::path &path);   // the whole file, bytes as they are; "" if unreadable
std::vector<std::string> split_lines(std::string_view text);   // drops '\r', keeps empty lines
using LinePredicate = std::function<bool(std::string_view)>;
std::vector<std::string> drop_lines(const std::vector<std::string> &lines, const LinePredicate &unwanted);
// What a PC BIOS and option ROMs may print on the serial port before the kernel runs.
bool is_bios_line(std::string_view line);
// The memory-map line for the PCI hole, which our board's E820 map has and QEMU's lacks.
bool is_pci_hole_line(std::string_view line);
// The guest's own lines from either machine: BIOS lines and the PCI-hole line removed.
std::vector<std::string> comparable_lines(std::string_view serial);

// Base fixture: boot() runs our kernel (or another) and returns everything the run produced.
class GuestTest : public ::testing::Test {
protected:
    GuestResult boot(const std::string &cmdline, std::vector<std::string> extra_args = {});
    GuestResult boot_with_report(const std::string &cmdline, std::vector<std::string> extra_args = {});
    GuestResult boot_kernel(const std::filesystem::path &kernel, const std::string &cmdline,
                            std::vector<std::string> extra_args = {});
};

// Fixture for tests that compare with QEMU: skips, saying why, when qemu-system-i386 is absent.
class QemuTest : public GuestTest {
protected:
    void SetUp() override;
    ProcessResult qemu(const std::string &append, const std::filesystem::path &kernel = our_kernel());

    std::filesystem::path qemu_path_;
};

} // namespace ia32emu::test
