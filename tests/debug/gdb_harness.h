// What the gdb tests share: a free port, the emulator (or QEMU) in the background while gdb runs
// in the foreground, and readers for gdb's output.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <elf.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/guest_run.h"

namespace ia32emu::test {

namespace fs = std::filesystem;

inline const fs::path kGdb = "/usr/bin/gdb";

// A port nobody listens on right now (the kernel picks it); the emulator takes it a moment later.
inline uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

inline std::string slurp(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The bytes the ELF file puts at a virtual address: what gdb must read back from the guest.
inline std::vector<uint8_t> elf_bytes_at(const fs::path &elf, uint32_t vaddr, size_t len) {
    const std::string f = slurp(elf);
    Elf32_Ehdr eh;
    std::memcpy(&eh, f.data(), sizeof eh);
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf32_Phdr ph;
        std::memcpy(&ph, f.data() + eh.e_phoff + i * eh.e_phentsize, sizeof ph);
        if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr && vaddr + len <= ph.p_vaddr + ph.p_filesz)
            return std::vector<uint8_t>(f.begin() + ph.p_offset + (vaddr - ph.p_vaddr),
                                        f.begin() + ph.p_offset + (vaddr - ph.p_vaddr) + len);
    }
    return {};
}

// ia32emu in the background: the emulator waits for gdb, gdb runs in the foreground.
class Background {
public:
    explicit Background(std::vector<std::string> argv)
        : thread_([this, argv] { result_ = run_process(argv, std::chrono::seconds(240)); }) {}
    ~Background() {
        if (thread_.joinable())
            thread_.join();
    }
    const ProcessResult &wait() {
        thread_.join();
        return result_;
    }

private:
    ProcessResult result_;
    std::thread thread_;
};

inline std::vector<std::string> emu_args(const fs::path &kernel, uint16_t port, std::vector<std::string> extra) {
    std::vector<std::string> argv{ia32emu_binary().string(), "run", kernel.string(), "--gdb", std::to_string(port),
                                  "--gdb-wait"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

inline ProcessResult gdb_batch(const fs::path &elf, uint16_t port, const std::vector<std::string> &commands) {
    std::vector<std::string> argv{kGdb.string(), "-batch", "-nx", elf.string(), "-ex",
                                  "target remote :" + std::to_string(port)};
    for (const std::string &c : commands) {
        argv.push_back("-ex");
        argv.push_back(c);
    }
    return run_process(argv, std::chrono::seconds(240));
}

inline uint32_t hex_after(const std::string &text, const std::string &pattern) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(pattern)))
        return 0;
    return uint32_t(std::stoul(m[1].str(), nullptr, 16));
}

// All `eip 0x...` lines of `info registers eip`, in order.
inline std::vector<uint32_t> eips(const std::string &text) {
    std::vector<uint32_t> out;
    std::regex re("eip +0x([0-9a-f]+)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
        out.push_back(uint32_t(std::stoul((*it)[1].str(), nullptr, 16)));
    return out;
}

} // namespace ia32emu::test
