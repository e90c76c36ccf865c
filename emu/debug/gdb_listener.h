// The TCP side of the gdb stub: `--gdb PORT` (or QEMU's `tcp::PORT`) parsed, a listening socket
// on localhost, and accepting gdb's connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace ia32emu {

// Bad input: the CLI prints the message as one line and exits 2.
class GdbSetupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// PORT, :PORT, tcp::PORT, tcp:localhost:PORT or tcp:127.0.0.1:PORT; PORT in 1..65535. Throws
// GdbSetupError naming what was wrong.
uint16_t parse_gdb_port(const std::string &spec);

class GdbListener {
public:
    // Listens on 127.0.0.1:port; throws GdbSetupError when that is impossible (port in use).
    explicit GdbListener(uint16_t port);
    ~GdbListener();
    GdbListener(GdbListener &&other) noexcept;
    GdbListener(const GdbListener &) = delete;
    GdbListener &operator=(const GdbListener &) = delete;
    GdbListener &operator=(GdbListener &&) = delete;

    uint16_t port() const { return port_; }
    // A connected socket, or -1: at once when `wait` is false, else when gdb connects or a stop
    // signal (the flag) arrives.
    int accept_client(bool wait, const std::atomic<int> *stop_signal);

private:
    int fd_ = -1;
    uint16_t port_ = 0;
};

} // namespace ia32emu
