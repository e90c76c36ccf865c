// Replays inputs through one fuzz target without libFuzzer: `ia32emu_fuzz_replay TARGET PATH...`,
// each PATH a file or a folder of inputs (a missing folder is skipped: a target may have no
// regression inputs yet). An input that crashes the process fails the test by itself; an
// exception that escapes the target is reported with the input's name and fails it too.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/fuzz_target.h"

namespace {

std::vector<uint8_t> read_input(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

int main(int argc, char **argv) {
    using namespace ia32emu::fuzz;
    if (argc < 2 || !targets().contains(argv[1])) {
        std::fprintf(stderr, "usage: %s TARGET [FILE|FOLDER]...; targets:", argv[0]);
        for (const auto &[name, function] : targets()) std::fprintf(stderr, " %s", name.c_str());
        std::fprintf(stderr, "\n");
        return 2;
    }
    const TargetFunction target = targets().at(argv[1]);
    std::vector<std::filesystem::path> inputs;
    for (int i = 2; i < argc; ++i) {
        const std::filesystem::path path(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            for (const auto &entry : std::filesystem::directory_iterator(path))
                if (entry.is_regular_file()) inputs.push_back(entry.path());
        } else if (std::filesystem::is_regular_file(path, ec)) {
            inputs.push_back(path);
        }
    }
    // Sorted, so that a failure names the same input on every run.
    std::sort(inputs.begin(), inputs.end());
    int escaped = 0;
    for (const auto &file : inputs) {
        const std::vector<uint8_t> bytes = read_input(file);
        try {
            target(bytes.data(), bytes.size());
        } catch (const std::exception &e) {
            std::fprintf(stderr, "%s: uncaught exception: %s\n", file.c_str(), e.what());
            ++escaped;
        }
    }
    std::printf("%s: %zu inputs replayed, %d failed\n", argv[1], inputs.size(), escaped);
    return escaped == 0 && !inputs.empty() ? 0 : 1;
}
