// Debian 12's i386 kernel and the busybox initramfs of tools/fetch-linux.sh, fetched once per test
// binary into the build tree. Tests that need them skip when the Debian archive cannot be reached.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ia32emu::test {

struct DebianKernel {
    std::filesystem::path bzimage;
    std::filesystem::path initrd;
    std::filesystem::path system_map;  // from the kernel's own kallsyms tables (tools/kallsyms.py)
    std::string version;  // e.g. "6.1.0-50-686"
};

// The fetched kernel, or nullopt with `why` set to one line saying what went wrong.
std::optional<DebianKernel> debian_kernel(std::string &why);

// An initramfs like the kernel's own (busybox and its /init) that also loads the modules built
// by tools/linux-modules.sh from tests/linux/modules/NAME, one NAME per entry.
struct ModuleInitrd {
    std::optional<std::filesystem::path> initrd;
    std::string skip;      // the Debian archive cannot be reached: the test skips saying this
    std::string failure;   // a module did not build: the test fails saying this
};
ModuleInitrd linux_modules_initrd(const std::vector<std::string> &modules);

// Tests on Debian's kernel: each skips, saying why, when the kernel cannot be fetched or the
// build is sanitized (a Linux boot runs billions of instructions); `kernel_` is set otherwise.
class DebianLinux : public ::testing::Test {
protected:
    void SetUp() override;
    std::optional<DebianKernel> kernel_;
};

inline bool contains(const std::string &text, const std::string &needle) { return text.find(needle) != std::string::npos; }

// The entry of a report's `paths` or `regions` with that name, or null.
const nlohmann::json *report_entry(const nlohmann::json &list, const std::string &name);

// The command line every Linux test boots with: the serial console, no ACPI (the board has none).
// nokaslr keeps the kernel where its System.map says.
inline constexpr const char *kLinuxCmdline = "console=ttyS0 acpi=off nokaslr";

} // namespace ia32emu::test
