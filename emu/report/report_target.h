// Where `--report PATH` goes, decided before the guest runs so that a bad path costs no run.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ia32emu {

// A regular file (existing or new, reached directly or through symlinks) is replaced atomically;
// a FIFO or a character device is opened and written as it is; `-`, /dev/stdout, /dev/stderr,
// /dev/fd/N and /proc/self/fd/N are this process's own descriptors and written directly, so a
// report "to stdout" lands where stdout points instead of replacing a file behind it.
class ReportTarget {
public:
    // Throws ReportError (one line naming the path) for a path no report can be written to:
    // a folder, a missing or unwritable parent folder, a socket, a block device, a symlink loop.
    static ReportTarget resolve(const std::filesystem::path &spec);

    // The report goes to this process's standard output (the serial output must then move).
    bool is_stdout() const { return kind_ == Kind::Descriptor && fd_ == 1; }
    // Writes the whole text; throws ReportError naming the path on failure.
    void write(std::string_view text) const;

    const std::filesystem::path &spec() const { return spec_; }

private:
    enum class Kind { Atomic, Device, Descriptor };
    Kind kind_ = Kind::Atomic;
    std::filesystem::path spec_;     // as the user wrote it, for messages
    std::filesystem::path target_;   // Atomic: the file to replace; Device: what to open
    int fd_ = -1;                    // Descriptor
};

} // namespace ia32emu
