// The plumbing the tests' child processes share: pipes whose ends close on exec, spawn file
// actions released on every path, and errno failures as exceptions.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace ia32emu::test {

[[noreturn]] inline void fail_errno(const std::string &what, int err) {
    throw std::system_error(err, std::generic_category(), what);
}

// Both ends close on exec, so a child keeps only what dup2 gives it.
struct Pipe {
    int read_end = -1;
    int write_end = -1;
    Pipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0)
            fail_errno("pipe2", errno);
        read_end = fds[0];
        write_end = fds[1];
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe &) = delete;
    Pipe &operator=(const Pipe &) = delete;
    void close_read() {
        if (read_end >= 0)
            ::close(read_end);
        read_end = -1;
    }
    void close_write() {
        if (write_end >= 0)
            ::close(write_end);
        write_end = -1;
    }
};

struct SpawnActions {
    posix_spawn_file_actions_t actions;
    SpawnActions() { posix_spawn_file_actions_init(&actions); }
    ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
    SpawnActions(const SpawnActions &) = delete;
    SpawnActions &operator=(const SpawnActions &) = delete;
};

} // namespace ia32emu::test
