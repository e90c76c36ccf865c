// Debian 12's i386 kernel and the busybox initramfs of tools/fetch-linux.sh, fetched once per test
// binary into the build tree. Tests that need them skip when the Debian archive cannot be reached.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace ia32emu::test {

struct DebianKernel {
    std::filesystem::path bzimage;
    std::filesystem::path initrd;
    std::filesystem::path system_map;  // from the kernel's own kallsyms tables (tools/kallsyms.py)
    std::string version;  // e.g. "6.1.0-50-686"
};

// The fetched kernel, or nullopt with `why` set to one line saying what went wrong.
std::optional<DebianKernel> debian_kernel(std::string &why);

// The command line every Linux test boots with: the serial console, no ACPI (the board has none).
// nokaslr keeps the kernel where its System.map says.
inline constexpr const char *kLinuxCmdline = "console=ttyS0 acpi=off nokaslr";

} // namespace ia32emu::test
