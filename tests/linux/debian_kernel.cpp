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

void DebianLinux::SetUp() {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "a Linux boot runs billions of instructions; too slow under ASan, run it in the normal build";
#endif
    std::string why;
    kernel_ = debian_kernel(why);
    if (!kernel_)
        GTEST_SKIP() << why;
}

const nlohmann::json *report_entry(const nlohmann::json &list, const std::string &name) {
    for (const auto &entry : list)
        if (entry["name"] == name)
            return &entry;
    return nullptr;
}

ModuleInitrd linux_modules_initrd(const std::vector<std::string> &modules) {
    std::filesystem::path root = std::filesystem::path(IA32EMU_TEST_DIR) / "..";
    std::string joined;
    for (const std::string &m : modules)
        joined += (joined.empty() ? "" : "+") + m;
    std::filesystem::path initrd = build_dir() / "linux" / ("initrd-" + joined + ".gz");
    std::vector<std::string> argv = {"/usr/bin/env", "BUILD_DIR=" + build_dir().string(), "bash",
                                     (root / "tools" / "linux-modules.sh").string(), initrd.string()};
    for (const std::string &m : modules)
        argv.push_back((root / "tests" / "linux" / "modules" / m).string());
    auto built = run_process(argv, std::chrono::minutes(10));
    ModuleInitrd out;
    auto err = built.err_lines();
    std::string last = err.empty() ? built.describe() : err.back();
    if (built.exit_status == 3)
        out.skip = "tools/linux-modules.sh could not fetch Debian's kernel and headers (" + last + ")";
    else if (built.exit_status != 0)
        out.failure = "tools/linux-modules.sh failed (" + built.describe() + "):\n" + built.err;
    else
        out.initrd = initrd;
    return out;
}

} // namespace ia32emu::test
