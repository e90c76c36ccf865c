// Only localhost: a debugger can read and write all of the guest, so it is not offered to the
// network (QEMU's -s listens on every interface; tunnel with ssh -L for a remote gdb).
#include "emu/debug/gdb_listener.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ia32emu {

uint16_t parse_gdb_port(const std::string &spec) {
    std::string port = spec;
    for (const char *prefix : {"tcp:localhost:", "tcp:127.0.0.1:", "tcp::", ":"}) {
        if (spec.rfind(prefix, 0) == 0) {
            port = spec.substr(std::strlen(prefix));
            break;
        }
    }
    const std::string usage = "--gdb: '" + spec + "' is not a TCP port on localhost (expected PORT, :PORT or tcp::PORT)";
    if (spec.rfind("tcp:", 0) == 0 && port == spec)
        throw GdbSetupError(usage);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
        throw GdbSetupError(usage);
    unsigned long n = std::stoul(port);
    if (n == 0 || n > 65535)
        throw GdbSetupError("--gdb: port " + port + " is out of range (1-65535)");
    return uint16_t(n);
}

GdbListener::GdbListener(uint16_t port) : port_(port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        throw GdbSetupError(std::string("--gdb: cannot create a socket: ") + std::strerror(errno));
    int one = 1;
    // A stub restarted right after the last one closed can take the port again at once.
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd_, 1) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        throw GdbSetupError("--gdb: cannot listen on localhost:" + std::to_string(port) + ": " + std::strerror(err));
    }
}

GdbListener::~GdbListener() {
    if (fd_ >= 0)
        ::close(fd_);
}

GdbListener::GdbListener(GdbListener &&other) noexcept : fd_(other.fd_), port_(other.port_) { other.fd_ = -1; }

int GdbListener::accept_client(bool wait, const std::atomic<int> *stop_signal) {
    pollfd p{fd_, POLLIN, 0};
    for (;;) {
        if (stop_signal && stop_signal->load(std::memory_order_relaxed))
            return -1;
        int n = ::poll(&p, 1, wait ? -1 : 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            if (wait && (errno == EINTR || errno == ECONNABORTED))
                continue;
            return -1;
        }
        int one = 1;
        // Packets are small and each waits for an answer: Nagle's delay would only add latency.
        ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return client;
    }
}

} // namespace ia32emu
