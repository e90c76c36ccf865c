// ia32emu's command line: parse, assemble the board, run the guest, report, map the exit status.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "emu/cli/bench_command.h"
#include "emu/cli/board_command.h"
#include "emu/cli/diff_command.h"
#include "emu/cli/report_command.h"
#include "emu/cli/run_command.h"
#include "emu/cli/sweep_command.h"
#include "emu/engine/run_outcome.h"

namespace {

std::filesystem::path executable_dir() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::current_path() : exe.parent_path();
}

} // namespace

int main(int argc, char **argv) {
    using namespace ia32emu;
    CLI::App app{"ia32emu: a cycle-approximate IA-32 PC emulator"};
    app.set_version_flag("--version", std::string("ia32emu ") + IA32EMU_VERSION);
    // At most one command; a missing or unknown one is named below, after CLI11 has parsed.
    app.require_subcommand(0, 1);
    app.allow_extras();

    RunRequest req;
    req.firmware = executable_dir() / "firmware" / "firmware.bin";
    CLI::App *run = app.add_subcommand("run", "boot a Multiboot v1 kernel or a Linux bzImage on the board and run it to its exit");
    run->allow_extras(false);
    run->add_option("kernel", req.kernel, "the guest kernel (Multiboot v1 ELF or Linux bzImage)")->required();
    run->add_option("--cmdline", req.cmdline,
                    "kernel command line (Multiboot: after the kernel's path, e.g. \"scenario=selftest\")");
    run->add_option("--symbols", req.symbols,
                    "the kernel's symbols as a System.map or /proc/kallsyms listing (tools/kallsyms.py makes one "
                    "from a bzImage)");
    run->add_option("--board", req.board, "board preset name or TOML file")->default_val("default");
    run->add_option("--set", req.overrides, "override one board parameter: key=value (repeatable)");
    // Checked as text: CLI11 would read "-5" into an unsigned as a huge number, and "nan" as a float.
    const CLI::Validator whole_number(
        [](std::string &s) {
            return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos
                       ? std::string()
                       : "expected a whole number of instructions, got '" + s + "'";
        },
        "N");
    const CLI::Validator seconds(
        [](std::string &s) {
            char *end = nullptr;
            double v = std::strtod(s.c_str(), &end);
            return end != s.c_str() && *end == 0 && std::isfinite(v) && v > 0
                       ? std::string()
                       : "expected a positive number of seconds, got '" + s + "'";
        },
        "SEC");
    run->add_option("--max-insns", req.max_insns, "stop after this many guest instructions (exit 125); 0: no limit")
        ->check(whole_number);
    run->add_option("--timeout", req.timeout, "stop after this many wall-clock seconds (exit 124)")->check(seconds);
    run->add_option("--serial", req.serial_file, "write the guest's COM1 output to FILE instead of stdout");
    run->add_option("--serial-in", req.serial_in,
                    "COM1 receives the bytes of FILE, one per character time while the guest asserts RTS; `-`: "
                    "standard input (typed keys when it is a terminal, Ctrl-A x quits, Ctrl-A h helps); `none`: "
                    "nothing. Default: the terminal when stdin is one, else nothing")
        ->type_name("FILE|-|none");
    run->add_option("--firmware", req.firmware, "firmware ROM image (64 KiB)");
    run->add_option("--report", req.report_file,
                    "write the timing report as JSON to FILE (`-`: stdout, the guest's output then goes to stderr)");
    run->add_option("--fail-on", req.fail_on,
                    "exit 121 when the run records a fault of one of these kinds (KIND[,KIND], e.g. "
                    "dma_rejected,stale_tlb; `any`)");
    run->add_option("--trace", req.trace_file,
                    "write tracked calls, regions and faults as Chrome trace-event JSON (Perfetto) to FILE");
    run->add_option("--folded", req.folded_file,
                    "write folded stacks of tracked paths and regions weighted by cycles (flamegraph.pl) to FILE");
    run->add_flag("--summary", req.summary, "print a table of paths and regions after the guest's output");
    run->add_option("--path", req.extra_paths, "also track the guest function FN (repeatable)");
    run->add_option("--dma-api", req.dma_api,
                    "the kernel's DMA API for the DMA checker: auto (by symbol), none, or a description FILE");
    run->add_option("--fb-dump", req.fb_dump, "write the framebuffer as PNG to FILE at exit");
    run->add_option("--module", req.modules, "load FILE as a Multiboot module with ARGS on its command line (repeatable)")
        ->type_name("FILE[,ARGS]")
        ->expected(1);
    run->add_option("--initrd", req.initrd, "a Linux bzImage's initial RAM disk; for a Multiboot kernel, modules in QEMU's -initrd form: \"FILE ARGS,FILE2\"");
    run->add_option("--vga-dump", req.vga_dump, "write the VGA text screen (80x25, UTF-8) to FILE at exit");
    run->add_option("--linux-decompress", req.linux_decompress,
                    "a Linux bzImage's payload is unpacked by its own decompressor on the board (guest, as QEMU's "
                    "-kernel) or by the host, which enters the kernel's startup_32 directly (host: ~2.2e9 fewer "
                    "instructions for Debian's kernel)")
        ->check(CLI::IsMember({"guest", "host"}))
        ->default_val("guest");
    run->add_flag("--no-timing", req.no_timing, "run functionally only: no caches, TLBs or cycle counts");
    run->add_flag("--check-mmu", req.check_mmu, "re-walk the page tables on every access and compare");
    run->add_option("--gdb", req.gdb, "serve gdb's remote protocol on localhost:PORT (also QEMU's tcp::PORT form)")
        ->type_name("PORT");
    run->add_flag("--gdb-wait", req.gdb_wait, "with --gdb: stop before the first instruction until gdb continues (QEMU's -S)");

    BenchRequest bench_req;
    bench_req.firmware = req.firmware;
    bench_req.kernel = executable_dir() / "guest" / "kernel.elf";
    bench_req.cmdline = "scenario=bench reps=2 slub_debug=-";
    CLI::App *bench = app.add_subcommand("bench", "measure guest MIPS with no hooks, empty memory hooks and the full model");
    bench->allow_extras(false);
    bench->add_option("kernel", bench_req.kernel, "the guest kernel (default: the built kernel)");
    bench->add_option("--cmdline", bench_req.cmdline, "the workload's command line")->capture_default_str();
    bench->add_option("--board", bench_req.board, "board preset name or TOML file")->default_val("default");
    bench->add_option("--repeat", bench_req.repeat, "runs per configuration (the fastest counts)")
        ->check(CLI::Range(1u, 100u));

    std::string board_name = "default";
    std::vector<std::string> board_overrides;
    CLI::App *board = app.add_subcommand("board", "list every parameter of a board: value, unit, provenance");
    board->allow_extras(false);
    board->add_option("board", board_name, "board preset name or TOML file")->capture_default_str();
    board->add_option("--set", board_overrides, "override one board parameter: key=value (repeatable)");

    ReportRequest report_req;
    CLI::App *report_cmd = app.add_subcommand("report", "show a run's JSON report as a table, as CSV or as an HTML page");
    report_cmd->allow_extras(false);
    report_cmd->add_option("report", report_req.report, "the report a run wrote with --report")->required();
    report_cmd->add_flag("--csv", report_req.csv, "print one CSV row per path and region (units in the header)");
    report_cmd->add_option("--html", report_req.html, "also write a self-contained HTML page with plots to FILE");

    DiffRequest diff_req;
    CLI::App *diff = app.add_subcommand("diff", "compare two reports path by path and region by region (exit 1 on a regression)");
    diff->allow_extras(false);
    diff->add_option("a", diff_req.a, "the reference report")->required();
    diff->add_option("b", diff_req.b, "the report compared with it")->required();
    diff->add_option("--threshold", diff_req.thresholds,
                     "PCT: a metric more than PCT% above A's is a regression (default 5); METRIC=PCT or METRIC=off "
                     "for one metric (repeatable)")
        ->allow_extra_args(false);
    diff->add_flag("--force", diff_req.force,
                   "compare reports of different kernels, command lines or boards (refused otherwise, exit 2)");

    SweepRequest sweep_req;
    CLI::App *sweep = app.add_subcommand("sweep", "run a grid of boards and command lines here or on Slurm, and collect it");
    sweep->allow_extras(false);
    sweep->require_subcommand(0, 1);
    sweep->add_option("file", sweep_req.file, "the sweep file (TOML: kernel, board, cmdline, [set], [grid], [[zip]])");
    sweep->add_option("--out", sweep_req.out, "the folder for the points' results (re-running resumes)");
    sweep->add_option("-j,--jobs", sweep_req.jobs, "points run at once here (default: the usable CPUs)")
        ->check(CLI::Range(1u, 4096u));
    sweep->add_flag("--force", sweep_req.force, "run every point again, also the finished ones");
    sweep->add_flag("--yes", sweep_req.yes, "run a grid of more than 10000 points");
    sweep->add_flag("--slurm", sweep_req.slurm, "submit the points as one Slurm job array instead");
    sweep->add_option("--partition", sweep_req.partition, "Slurm partition (--slurm)");
    sweep->add_option("--time", sweep_req.time, "Slurm time limit of each task, e.g. 10:00 (--slurm)");
    sweep->add_option("--sbatch-arg", sweep_req.sbatch_args, "one more sbatch option, e.g. --mem=2G (repeatable, --slurm)")
        ->allow_extra_args(false);
    sweep->add_option("--throttle", sweep_req.throttle, "at most N array tasks at once (the array's %N, --slurm)")
        ->check(CLI::Range(1u, 1000000u));
    sweep->add_flag("--no-wait", sweep_req.no_wait, "print the job id and return; collect later (--slurm)");
    sweep->add_option("--metric", sweep_req.metric, "the metric the HTML page plots (default cycles_p50)");
    std::filesystem::path collect_dir;
    std::string collect_metric;
    CLI::App *collect = sweep->add_subcommand("collect", "gather a sweep folder's results into results.csv and results.html");
    collect->add_option("dir", collect_dir, "the sweep's --out folder")->required();
    collect->add_option("--metric", collect_metric, "the metric the HTML page plots (default cycles_p50)");
    std::filesystem::path point_dir;
    std::string point_index;
    // What one Slurm array task runs; not for people, so not in --help.
    CLI::App *run_point = sweep->add_subcommand("run-point", "")->group("");
    run_point->add_option("dir", point_dir)->required();
    run_point->add_option("index", point_index)->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        if (e.get_exit_code() == 0)
            return app.exit(e);
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
        return kExitBadInput;
    }
    if (!app.remaining().empty()) {
        std::fprintf(stderr, "ia32emu: unknown %s '%s' (see --help)\n",
                     app.remaining().front().rfind("-", 0) == 0 ? "option" : "command", app.remaining().front().c_str());
        return kExitBadInput;
    }
    if (bench->parsed())
        return bench_command(bench_req);
    if (board->parsed())
        return board_command(board_name, board_overrides);
    if (report_cmd->parsed())
        return report_command(report_req);
    if (diff->parsed())
        return diff_command(diff_req);
    if (collect->parsed())
        return sweep_collect_command(collect_dir, collect_metric);
    if (run_point->parsed())
        return sweep_run_point_command(point_dir, point_index);
    if (sweep->parsed()) {
        if (sweep_req.file.empty()) {
            std::fprintf(stderr, "ia32emu: sweep: a sweep file is required (or: sweep collect DIR)\n");
            return kExitBadInput;
        }
        return sweep_command(sweep_req, std::filesystem::read_symlink("/proc/self/exe"));
    }
    if (!run->parsed()) {
        std::fprintf(stderr, "ia32emu: a subcommand is required: run, bench, board, report, diff or sweep (see --help)\n");
        return kExitBadInput;
    }
    // Device warnings go to stderr without host timestamps, so logs of two runs compare equal.
    spdlog::set_default_logger(spdlog::stderr_logger_st("ia32emu"));
    spdlog::set_pattern("ia32emu: %l: %v");
    return run_command(req);
}
