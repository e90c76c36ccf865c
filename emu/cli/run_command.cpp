// Bad input ends here with one line on stderr and status 2; a guest's fate maps to its own status.
#include "emu/cli/run_command.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include "emu/board/board_config.h"
#include "emu/cli/run_control.h"
#include "emu/cli/serial_console.h"
#include "emu/cli/terminal_mode.h"
#include "emu/debug/gdb_stub.h"
#include "emu/engine/machine.h"
#include "emu/introspect/linux_image.h"
#include "emu/report/fail_on.h"
#include "emu/report/folded_stacks.h"
#include "emu/report/report_json.h"
#include "emu/report/report_target.h"
#include "emu/report/summary.h"
#include "emu/report/trace_events.h"

namespace ia32emu {
namespace {

struct FileCloser {
    void operator()(std::FILE *f) const {
        if (f)
            std::fclose(f);
    }
};

void say_fail_on(const Report &report) {
    std::string what;
    for (const auto &m : report.exit.fail_on.matched)
        what += (what.empty() ? "" : ", ") + std::to_string(m.count) + " " + m.kind;
    std::fprintf(stderr, "ia32emu: --fail-on: the run recorded %s (exit %d)\n", what.c_str(), kExitFailOn);
}

// The receive line's bytes; a missing, unreadable or oversized file is bad input.
bool read_serial_input(const std::filesystem::path &path, std::vector<uint8_t> &bytes) {
    constexpr uintmax_t kMaxSerialInput = 64u << 20;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        std::fprintf(stderr, "ia32emu: --serial-in: '%s' does not exist or is not a regular file\n", path.c_str());
        return false;
    }
    if (std::filesystem::file_size(path, ec) > kMaxSerialInput) {
        std::fprintf(stderr, "ia32emu: --serial-in: '%s' is larger than 64 MiB\n", path.c_str());
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "ia32emu: --serial-in: cannot read '%s'\n", path.c_str());
        return false;
    }
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
}

// `--serial-in -` with standard input that is not a terminal: its bytes up to end of file, as a file's.
bool read_standard_input(std::vector<uint8_t> &bytes) {
    constexpr size_t kMaxSerialInput = 64u << 20;
    uint8_t buf[65536];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            std::fprintf(stderr, "ia32emu: --serial-in -: cannot read standard input: %s\n", std::strerror(errno));
            return false;
        }
        if (n == 0)
            return true;
        if (bytes.size() + size_t(n) > kMaxSerialInput) {
            std::fprintf(stderr, "ia32emu: --serial-in -: standard input is larger than 64 MiB\n");
            return false;
        }
        bytes.insert(bytes.end(), buf, buf + n);
    }
}

// Standard input is a terminal this process may take over: not one whose foreground belongs to
// another process group (a background job would be stopped by the first change of mode).
bool stdin_is_own_terminal() {
    if (::isatty(STDIN_FILENO) != 1)
        return false;
    const pid_t foreground = ::tcgetpgrp(STDIN_FILENO);
    // ENOTTY: a terminal that is not this session's controlling one; nobody else reads it for us.
    return foreground == ::getpgrp() || (foreground < 0 && errno == ENOTTY);
}

// Where COM1's receive line reads from: the terminal when stdin is one (unless --serial-in says
// otherwise), fixed bytes from a file or a pipe, or nothing. False after bad input.
enum class SerialSource { None, Bytes, Terminal };
bool choose_serial_input(const std::filesystem::path &option, MachineOptions &opts, SerialSource &source) {
    source = SerialSource::None;
    if (option == "none")
        return true;
    if (option.empty()) {
        if (stdin_is_own_terminal())
            source = SerialSource::Terminal;
        return true;
    }
    if (option != "-") {
        if (!read_serial_input(option, opts.serial_input))
            return false;
        source = SerialSource::Bytes;
        return true;
    }
    if (::fcntl(STDIN_FILENO, F_GETFD) < 0) {
        std::fprintf(stderr, "ia32emu: --serial-in -: standard input is not open\n");
        return false;
    }
    if (::isatty(STDIN_FILENO) == 1) {
        if (!stdin_is_own_terminal()) {
            std::fprintf(stderr, "ia32emu: --serial-in -: standard input is a terminal another process group owns "
                                 "(a background job); run in the foreground\n");
            return false;
        }
        source = SerialSource::Terminal;
        return true;
    }
    if (!read_standard_input(opts.serial_input))
        return false;
    opts.serial_input_source = "stdin";
    source = SerialSource::Bytes;
    return true;
}

} // namespace

int run_command(const RunRequest &req) {
    std::unique_ptr<std::FILE, FileCloser> serial;
    try {
        MachineOptions opts;
        // The wall-clock limit covers reading the board, the kernel and its symbols, not only the run.
        opts.started = std::chrono::steady_clock::now();
        opts.board = BoardConfig::load(req.board);
        for (const auto &o : req.overrides)
            opts.board.apply_override(o);
        opts.board.validate();
        opts.kernel = req.kernel;
        opts.cmdline = req.cmdline;
        opts.symbols = req.symbols;
        opts.firmware = load_firmware(req.firmware);
        opts.max_instructions = req.max_insns ? req.max_insns : opts.board.budget.max_insns;
        opts.timeout_seconds = req.timeout > 0 ? req.timeout : double(opts.board.budget.timeout_seconds);
        std::vector<std::string> fail_on;
        if (!req.fail_on.empty())
            fail_on = parse_fail_on(req.fail_on);
        if (req.gdb_wait && req.gdb.empty()) {
            std::fprintf(stderr, "ia32emu: --gdb-wait needs --gdb PORT\n");
            return kExitBadInput;
        }
        // The port is taken before the guest is built, so that a port in use is bad input up front.
        std::optional<GdbListener> gdb_listener;
        if (!req.gdb.empty())
            gdb_listener.emplace(parse_gdb_port(req.gdb));
        // A report that cannot be written is bad input, found before the guest runs, not after.
        std::optional<ReportTarget> report_target;
        if (!req.report_file.empty())
            report_target = ReportTarget::resolve(req.report_file);
        const bool report_on_stdout = report_target && report_target->is_stdout();
        // Trace and folded stacks go to files (or FIFOs): stdout already carries the guest's output.
        auto artefact_target = [](const std::filesystem::path &path, const char *option) {
            std::optional<ReportTarget> target;
            if (path.empty()) return target;
            target = ReportTarget::resolve(path);
            if (target->is_stdout())
                throw ReportError(std::string(option) + ": " + path.string() +
                                  " is standard output, which carries the guest's output; name a file");
            return target;
        };
        const std::optional<ReportTarget> trace_target = artefact_target(req.trace_file, "--trace");
        const std::optional<ReportTarget> folded_target = artefact_target(req.folded_file, "--folded");

        std::FILE *out = report_on_stdout ? stderr : stdout;
        if (!req.serial_file.empty()) {
            serial.reset(std::fopen(req.serial_file.c_str(), "wb"));
            if (!serial) {
                std::fprintf(stderr, "ia32emu: cannot write serial output to '%s'\n", req.serial_file.c_str());
                return kExitBadInput;
            }
            out = serial.get();
        }
        SerialSource serial_source;
        if (!choose_serial_input(req.serial_in, opts, serial_source))
            return kExitBadInput;
        std::optional<SerialConsole> console;
        if (serial_source == SerialSource::Terminal) {
            console.emplace(STDIN_FILENO);
            opts.serial_terminal = &*console;
        }
        // Line by line wherever it goes, so that a log of a run killed from outside is complete;
        // byte by byte on an interactive console, where a prompt has no newline after it.
        std::setvbuf(out, nullptr, console ? _IONBF : _IOLBF, BUFSIZ);
        opts.serial_sink = [out](uint8_t b) { std::fputc(b, out); };
        if (!req.vga_dump.empty()) {
            std::filesystem::path dir = req.vga_dump.parent_path().empty() ? "." : req.vga_dump.parent_path();
            std::error_code ec;
            if (!std::filesystem::is_directory(dir, ec) || access(dir.c_str(), W_OK) != 0 ||
                std::filesystem::is_directory(req.vga_dump, ec)) {
                std::fprintf(stderr, "ia32emu: --vga-dump: cannot write '%s'\n", req.vga_dump.c_str());
                return kExitBadInput;
            }
        }

        opts.model_memory = !req.no_timing;
        opts.check_mmu = req.check_mmu;
        opts.record_timeline = trace_target.has_value();
        opts.record_folded = folded_target.has_value();
        opts.extra_paths = req.extra_paths;
        opts.dma_api = req.dma_api;
        for (const std::string &m : req.modules)
            opts.modules.push_back(parse_module_option(m));
        const bool linux_kernel = is_linux_bzimage(req.kernel);
        if (req.linux_decompress == "host" && !linux_kernel) {
            std::fprintf(stderr, "ia32emu: --linux-decompress host: '%s' is not a Linux bzImage\n", req.kernel.c_str());
            return kExitBadInput;
        }
        opts.linux_unpacked_by_host = req.linux_decompress == "host";
        if (!req.initrd.empty() && linux_kernel)
            opts.initrd = req.initrd;
        else if (!req.initrd.empty())
            for (ModuleSpec &m : parse_initrd_option(req.initrd))
                opts.modules.push_back(std::move(m));

        StopSignals signals;
        opts.stop_signal = signals.flag();
        const std::atomic<int> *stop_signal = opts.stop_signal;
        // The progress line would write over the guest's console on the terminal.
        std::optional<ProgressLine> progress;
        if (!console)
            progress.emplace(opts.board.cpu.clock_mhz);
        Machine *running = nullptr;
        if (progress)
            opts.tick = [&] { progress->update(running->engine().instructions(), running->modelled_cycles()); };

        Machine machine(std::move(opts));
        running = &machine;
        std::optional<GdbStub> gdb;
        if (gdb_listener) {
            gdb.emplace(std::move(*gdb_listener), machine.engine(), stop_signal);
            machine.engine().attach_debugger(&*gdb, req.gdb_wait);
        }
        // Raw only while the guest runs: bad input above and the summary below see the terminal as it was.
        std::optional<RawTerminal> raw_terminal;
        if (console)
            raw_terminal.emplace(STDIN_FILENO);
        auto started = std::chrono::steady_clock::now();
        RunOutcome outcome = machine.run();
        double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        raw_terminal.reset();
        progress.reset();
        std::fflush(out);
        if (outcome.reason != StopReason::GuestExit)
            std::fprintf(stderr, "ia32emu: %s: %s\n", outcome.reason_name(), outcome.diagnostic.c_str());
        Report report = machine.report(outcome, wall);
        // A fault makes a run that ended on its own fail; a crash, a limit or a signal keeps its status.
        if (!fail_on.empty() && apply_fail_on(report, fail_on) && outcome.reason == StopReason::GuestExit) {
            report.exit.code = kExitFailOn;
            say_fail_on(report);
        }
        if (report_target)
            report_target->write(report_text(report));
        if (trace_target)
            trace_target->write(trace_json(machine.path_accounting(), report));
        if (folded_target)
            folded_target->write(folded_text(machine.path_accounting(), report));
        if (!req.fb_dump.empty()) {
            std::string error;
            if (!machine.dump_framebuffer(req.fb_dump.string(), error)) {
                std::fprintf(stderr, "ia32emu: --fb-dump: %s\n", error.c_str());
                return kExitBadInput;
            }
        }
        if (!req.vga_dump.empty()) {
            std::string error;
            if (!machine.vga().write_text(req.vga_dump.string(), error)) {
                std::fprintf(stderr, "ia32emu: --vga-dump: %s\n", error.c_str());
                return kExitBadInput;
            }
        }
        if (req.summary) {
            std::fflush(stdout);
            std::ostream &summary_out = report_on_stdout ? std::cerr : std::cout;
            print_summary(summary_out, report);
            summary_out.flush();
        }
        return report.exit.code;
    } catch (const ConfigError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
    } catch (const ReportError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
    } catch (const DmaApiError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
    } catch (const ImageError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
    } catch (const GdbSetupError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
    }
    return kExitBadInput;
}

} // namespace ia32emu
