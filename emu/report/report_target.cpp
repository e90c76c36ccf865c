// Resolving --report PATH: which file is meant, and whether it can take a report at all.
#include "emu/report/report_target.h"

#include <cerrno>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/report/report_json.h"

namespace ia32emu {

namespace {

// Linux follows at most 40 links in one lookup; a chain longer than that is a loop for us too.
constexpr int kMaxLinks = 40;

[[noreturn]] void refuse(const std::filesystem::path &spec, const std::string &why) {
    throw ReportError("report: " + spec.string() + ": " + why);
}

std::optional<int> own_descriptor(const std::string &s) {
    if (s == "-" || s == "/dev/stdout" || s == "/proc/self/fd/1" || s == "/dev/fd/1")
        return 1;
    if (s == "/dev/stderr" || s == "/proc/self/fd/2" || s == "/dev/fd/2")
        return 2;
    for (const std::string_view prefix : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/")}) {
        if (!s.starts_with(prefix) || s.size() == prefix.size())
            continue;
        std::string_view digits = std::string_view(s).substr(prefix.size());
        if (digits.find_first_not_of("0123456789") != std::string_view::npos || digits.size() > 6)
            continue;
        return std::stoi(std::string(digits));
    }
    return std::nullopt;
}

bool folder_writable(const std::filesystem::path &file) {
    const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    struct stat st;
    return ::stat(folder.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && ::access(folder.c_str(), W_OK) == 0;
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data.remove_prefix(size_t(n));
    }
    return true;
}

} // namespace

ReportTarget ReportTarget::resolve(const std::filesystem::path &spec) {
    ReportTarget t;
    t.spec_ = spec;
    if (spec.empty())
        refuse(spec, "empty path");
    if (auto fd = own_descriptor(spec.string())) {
        if (::fcntl(*fd, F_GETFL) < 0 || (::fcntl(*fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
            refuse(spec, "descriptor " + std::to_string(*fd) + " is not open for writing");
        t.kind_ = Kind::Descriptor;
        t.fd_ = *fd;
        return t;
    }
    // Follow symlinks by hand so that a dangling one still names the file to create.
    std::filesystem::path path = spec;
    for (int hops = 0;; ++hops) {
        struct stat st;
        if (::lstat(path.c_str(), &st) != 0) {
            if (errno != ENOENT)
                refuse(spec, std::strerror(errno));
            if (!folder_writable(path))
                refuse(spec, "the folder does not exist or is not writable");
            t.kind_ = Kind::Atomic;
            t.target_ = path;
            return t;
        }
        if (S_ISLNK(st.st_mode)) {
            if (hops >= kMaxLinks)
                refuse(spec, "too many levels of symbolic links");
            std::error_code ec;
            std::filesystem::path next = std::filesystem::read_symlink(path, ec);
            if (ec)
                refuse(spec, ec.message());
            path = next.is_absolute() ? next : path.parent_path() / next;
            continue;
        }
        if (S_ISREG(st.st_mode)) {
            if (!folder_writable(path))
                refuse(spec, "the folder is not writable (the report replaces the file atomically)");
            t.kind_ = Kind::Atomic;
            t.target_ = path;
            return t;
        }
        if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
            if (::access(path.c_str(), W_OK) != 0)
                refuse(spec, std::strerror(errno));
            t.kind_ = Kind::Device;
            t.target_ = path;
            return t;
        }
        refuse(spec, S_ISDIR(st.st_mode) ? "is a folder" : "is neither a file, a FIFO nor a character device");
    }
}

void ReportTarget::write(std::string_view text) const {
    switch (kind_) {
    case Kind::Atomic:
        write_file_atomically(target_, text);
        return;
    case Kind::Descriptor:
        if (!write_all(fd_, text))
            throw ReportError("report: " + spec_.string() + ": cannot write: " + std::strerror(errno));
        return;
    case Kind::Device: {
        // A FIFO blocks here until a reader opens it, as any writer of a FIFO does.
        int fd = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            throw ReportError("report: " + spec_.string() + ": cannot open: " + std::strerror(errno));
        const bool ok = write_all(fd, text);
        const int err = errno;
        ::close(fd);
        if (!ok)
            throw ReportError("report: " + spec_.string() + ": cannot write: " + std::strerror(err));
        return;
    }
    }
}

} // namespace ia32emu
