// What `sweep collect` reads back from a sweep folder: the input's first byte says which file it
// is (0: a point's report.json, 1: its status.json, 2: the folder's sweep.json), the rest is the
// file; the other two files are valid ones, so the input reaches the code that uses its fields.
#include "fuzz/fuzz_target.h"

#include <filesystem>
#include <fstream>


#include "emu/sweep/sweep_collect.h"
#include "emu/sweep/sweep_folder.h"

namespace {

constexpr const char *kPointId = "0123456789ab";

constexpr const char *kStatus =
    R"({"id": "0123456789ab", "status": "ok", "exit_code": 0, "signal": 0, "message": "", "wall_seconds": 1.5})";

constexpr const char *kManifest =
    R"({"schema": "ia32emu-sweep/1", "parameters": ["cache.l1d.size"],)"
    R"( "points": [{"id": "0123456789ab", "params": {"cache.l1d.size": "32KiB"}, "argv": ["ia32emu", "run"]}]})";

constexpr const char *kReport =
    R"({"schema": "ia32emu-report/2", "faults": [], "totals": {"instructions": 10, "cycles": 20,)"
    R"( "l1d": {"misses": 1}, "l2": {"misses": 1}, "dtlb": {"misses": 1}, "page_walks": 1, "tlb_flushes": 0},)"
    R"( "paths": [{"name": "kmalloc", "calls": 2, "instructions": 8, "cycles": {"total": 16, "mean": 8, "p50": 8,)"
    R"( "p99": null}, "l1d_misses": 0, "l2_misses": 0, "dtlb_misses": 0, "page_walks": 0, "tlb_flushes": 0}],)"
    R"( "regions": []})";

const std::filesystem::path &sweep_dir() {
    static const std::filesystem::path dir = [] {
        auto d = ia32emu::fuzz::scratch_folder() / "sweep-collect";
        std::filesystem::create_directories(ia32emu::point_folder(d, kPointId));
        return d;
    }();
    return dir;
}

void write(const std::filesystem::path &file, std::string_view text) {
    std::ofstream(file, std::ios::binary | std::ios::trunc).write(text.data(), std::streamsize(text.size()));
}

} // namespace

IA32EMU_FUZZ_TARGET(sweep_collect) {
    using namespace ia32emu;
    if (size == 0) return;
    const unsigned which = data[0] % 3;
    const std::string_view input = fuzz::as_text(data + 1, size - 1);
    const std::filesystem::path point = point_folder(sweep_dir(), kPointId);
    write(point / kPointReport, which == 0 ? input : kReport);
    write(point / kPointStatus, which == 1 ? input : kStatus);
    write(sweep_dir() / "sweep.json", which == 2 ? input : kManifest);
    try {
        const SweepManifest manifest = read_manifest(sweep_dir());
        (void)collect_sweep(sweep_dir(), manifest, kDefaultSweepMetric);
    } catch (const SweepError &e) {
        fuzz::expect_one_line(e);
    }
}
