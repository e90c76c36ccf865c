#include "tests/linux/debian_kernel.h"

#include <fstream>
#include <mutex>

#include "tests/support/guest_run.h"

namespace ia32emu::test {

std::optional<DebianKernel> debian_kernel(std::string &why) {
    static std::once_flag once;
    static std::optional<DebianKernel> kernel;
    static std::string failure;
    std::call_once(once, [] {
        std::filesystem::path script = std::filesystem::path(IA32EMU_TEST_DIR) / ".." / "tools" / "fetch-linux.sh";
        auto fetched = run_process({"/usr/bin/env", "BUILD_DIR=" + build_dir().string(), "bash", script.string()},
                                   std::chrono::minutes(10));
        if (fetched.exit_status != 0) {
            auto err = fetched.err_lines();
            failure = "tools/fetch-linux.sh could not provide Debian's kernel (" +
                      (err.empty() ? fetched.describe() : err.back()) + ")";
            return;
        }
        std::filesystem::path dir = build_dir() / "linux";
        std::ifstream version(dir / ".version");
        DebianKernel k{dir / "vmlinuz", dir / "initrd.gz", dir / "System.map", ""};
        std::getline(version, k.version);
        kernel = k;
    });
    why = failure;
    return kernel;
}

} // namespace ia32emu::test
