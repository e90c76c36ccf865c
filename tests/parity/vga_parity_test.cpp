// An OSDev "Bare Bones" kernel writing VGA text memory: our --vga-dump shows the screen QEMU's
// standard VGA shows. QEMU's screen is read from its text buffer with the monitor's pmemsave once
// the kernel says on COM1 that it is done (the kernel then halts, as the tutorial's does).
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// 80x25 cells of {character, attribute} as text: one line a row, trailing blanks dropped. Only
// ASCII is expected from this kernel; anything else shows as '?' and fails the comparison.
std::string cells_to_text(const std::string &cells) {
    std::string text;
    for (size_t row = 0; row < 25; ++row) {
        std::string line;
        for (size_t col = 0; col < 80; ++col) {
            unsigned char c = static_cast<unsigned char>(cells.at((row * 80 + col) * 2));
            line += c == 0 ? ' ' : (c >= 0x20 && c < 0x7f) ? char(c) : '?';
        }
        line.erase(line.find_last_not_of(' ') + 1);
        text += line + "\n";
    }
    return text;
}

class VgaParityTest : public QemuTest {
protected:
    // Runs the kernel under QEMU until it prints `marker` on COM1, then saves `bytes` of physical
    // memory at `base` through the monitor (the file name quoted: HMP reads a bare '/' as a division)
    // and quits. Returns the saved bytes and QEMU's serial output.
    std::pair<std::string, std::string> qemu_memory_after(const std::filesystem::path &kernel, const std::string &marker,
                                                          uint32_t base, uint32_t bytes) {
        const auto serial = dir_.file("serial.txt"), socket_path = dir_.file("monitor.sock"),
                   dump = dir_.file("vga.bin");
        std::vector<std::string> argv{qemu_path_.string(), "-m", "1024", "-kernel", kernel.string(),
                                      "-display", "none", "-serial", "file:" + serial.string(),
                                      "-monitor", "unix:" + socket_path.string() + ",server=on,wait=off",
                                      "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"};
        ProcessResult q;
        std::thread runner([&] { q = run_process(argv, std::chrono::seconds(60)); });
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(50);
        while (file_contents(serial).find(marker) == std::string::npos && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
        bool connected = connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
        if (connected) {
            char cmd[256];
            std::snprintf(cmd, sizeof cmd, "pmemsave 0x%x %u \"%s\"\n", base, bytes, dump.c_str());
            bool sent = write(fd, cmd, std::strlen(cmd)) == ssize_t(std::strlen(cmd));
            while (sent && file_contents(dump).size() < bytes && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            const char quit[] = "quit\n";
            sent = write(fd, quit, sizeof quit - 1) == ssize_t(sizeof quit - 1);
            EXPECT_TRUE(sent);
        }
        runner.join();
        close(fd);
        EXPECT_TRUE(connected) << "no QEMU monitor at " << socket_path << ": " << q.describe();
        return {file_contents(dump), file_contents(serial)};
    }

    ScratchDir dir_;
};

TEST_F(VgaParityTest, BareBonesScreenIsTheSameAsQemus) {
    const auto kernel = test_guest("vga_barebones");
    const auto ours_dump = dir_.file("ours.txt");
    auto ours = boot_kernel(kernel, "exit=0", {"--vga-dump", ours_dump.string()});
    ASSERT_EQ(ours.exit_status, 0) << ours.describe();

    auto [cells, qemu_serial] = qemu_memory_after(kernel, "vga: done\n", 0xB8000, 80 * 25 * 2);
    ASSERT_EQ(cells.size(), 80u * 25 * 2) << "QEMU serial:\n" << qemu_serial;
    const std::string expected = cells_to_text(cells);
    EXPECT_EQ(file_contents(ours_dump), expected);
    EXPECT_NE(expected.find("Colours: yellow on blue."), std::string::npos) << expected;
    // Same CRTC cursor shape and location read back on both machines.
    EXPECT_EQ(comparable_lines(ours.out), comparable_lines(qemu_serial));
    // Attributes too: the coloured line is yellow on blue (0x1E) on QEMU's screen.
    EXPECT_EQ(static_cast<unsigned char>(cells[1]), 0x1Eu);
}

} // namespace
} // namespace ia32emu::test
