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
#include "emu/cli/run_command.h"
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
    CLI::App *run = app.add_subcommand("run", "boot a Multiboot v1 kernel on the board and run it to its exit");
    run->allow_extras(false);
    run->add_option("kernel", req.kernel, "the guest kernel (Multiboot v1 ELF)")->required();
    run->add_option("--cmdline", req.cmdline, "kernel command line after the kernel's path (e.g. \"scenario=selftest\")");
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
    run->add_option("--firmware", req.firmware, "firmware ROM image (64 KiB)");
    run->add_option("--report", req.report_file, "write the timing report as JSON to FILE");
    run->add_flag("--summary", req.summary, "print a table of paths and regions after the guest's output");
    run->add_option("--path", req.extra_paths, "also track the guest function FN (repeatable)");
    run->add_option("--fb-dump", req.fb_dump, "write the framebuffer as PNG to FILE at exit");
    run->add_flag("--no-timing", req.no_timing, "run functionally only: no caches, TLBs or cycle counts");
    run->add_flag("--check-mmu", req.check_mmu, "re-walk the page tables on every access and compare");

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
    if (!run->parsed()) {
        std::fprintf(stderr, "ia32emu: a subcommand is required: run, bench or board (see --help)\n");
        return kExitBadInput;
    }
    // Device warnings go to stderr without host timestamps, so logs of two runs compare equal.
    spdlog::set_default_logger(spdlog::stderr_logger_st("ia32emu"));
    spdlog::set_pattern("ia32emu: %l: %v");
    return run_command(req);
}
