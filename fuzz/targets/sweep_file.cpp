// A sweep file (`ia32emu sweep FILE`): parsed with its folder holding a kernel.elf, then, when the
// grid is small enough to expand quickly, expanded into points (every board loaded and checked).
#include "fuzz/fuzz_target.h"

#include <filesystem>
#include <fstream>


#include "emu/board/board_config.h"
#include "emu/sweep/sweep_spec.h"

namespace {

// A folder with an empty kernel.elf, which is all the parser asks of the kernel.
const std::filesystem::path &sweep_folder() {
    static const std::filesystem::path folder = [] {
        auto dir = ia32emu::fuzz::scratch_folder() / "sweep-file";
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "kernel.elf").put('\0');
        return dir;
    }();
    return folder;
}

} // namespace

IA32EMU_FUZZ_TARGET(sweep_file) {
    using namespace ia32emu;
    try {
        const SweepSpec spec = parse_sweep_text(fuzz::as_text(data, size), "fuzz-sweep.toml", sweep_folder());
        (void)spec.parameter_names();
        if (spec.point_count() <= 16) (void)expand_sweep(spec, false);
    } catch (const SweepError &e) {
        fuzz::expect_one_line(e);
    } catch (const ConfigError &e) {
        fuzz::expect_one_line(e);
    }
}
