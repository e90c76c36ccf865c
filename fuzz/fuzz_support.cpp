#include "fuzz/fuzz_target.h"

#include <cstdio>
#include <cstdlib>

#include <unistd.h>

namespace ia32emu::fuzz {

std::map<std::string, TargetFunction> &targets() {
    static std::map<std::string, TargetFunction> registered;
    return registered;
}

namespace {

struct ScratchFolder {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("ia32emu-fuzz-" + std::to_string(getpid()));
    ScratchFolder() { std::filesystem::create_directories(path); }
    ~ScratchFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

} // namespace

const std::filesystem::path &scratch_folder() {
    static const ScratchFolder folder;
    return folder.path;
}

void expect_one_line(const std::exception &error) {
    const std::string_view message = error.what();
    if (!message.empty() && message.find_first_of("\r\n") == std::string_view::npos) return;
    std::fprintf(stderr, "fuzz: an error message is not one line: \"%s\"\n", error.what());
    std::abort();
}

} // namespace ia32emu::fuzz
