// Each configuration boots the same image with the same command line; the instruction count of
// the fully instrumented run stands for all three, since the guest is deterministic. Host timing
// is printed here and nowhere near a modelled figure.
#include "emu/cli/bench_command.h"

#include <chrono>
#include <cstdio>

#include "emu/board/board_config.h"
#include "emu/engine/machine.h"

namespace ia32emu {
namespace {

struct Measurement {
    double best_seconds = 0;
    uint64_t instructions = 0;
    RunOutcome outcome;
};

Measurement measure(const BenchRequest &req, const BoardConfig &board, const std::vector<uint8_t> &firmware,
                    Instrumentation level) {
    Measurement m;
    for (unsigned i = 0; i < req.repeat; ++i) {
        MachineOptions o;
        o.board = board;
        o.kernel = req.kernel;
        o.cmdline = req.cmdline;
        o.firmware = firmware;
        o.serial_sink = [](uint8_t) {};
        o.instrumentation = level;
        Machine machine(std::move(o));
        auto start = std::chrono::steady_clock::now();
        RunOutcome out = machine.run();
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (i == 0 || s < m.best_seconds)
            m.best_seconds = s;
        m.instructions = machine.engine().instructions();
        m.outcome = out;
    }
    return m;
}

} // namespace

int bench_command(const BenchRequest &req) {
    try {
        BoardConfig board = BoardConfig::load(req.board);
        std::vector<uint8_t> firmware = load_firmware(req.firmware);
        Measurement full = measure(req, board, firmware, Instrumentation::Full);
        if (full.outcome.reason != StopReason::GuestExit || full.outcome.guest_code != 0) {
            std::fprintf(stderr, "ia32emu: bench: the workload did not exit 0 (%s %s)\n", full.outcome.reason_name(),
                         full.outcome.diagnostic.c_str());
            return 1;
        }
        Measurement empty = measure(req, board, firmware, Instrumentation::EmptyMemoryHooks);
        Measurement none = measure(req, board, firmware, Instrumentation::None);
        double insns = double(full.instructions);
        auto mips = [insns](const Measurement &m) { return insns / m.best_seconds / 1e6; };
        std::printf("ia32emu bench: %s \"%s\", %llu guest instructions, best of %u runs (host wall clock)\n",
                    req.kernel.c_str(), req.cmdline.c_str(), static_cast<unsigned long long>(full.instructions),
                    req.repeat);
        std::printf("%-28s %10s %10s\n", "configuration", "seconds", "MIPS");
        std::printf("%-28s %10.3f %10.1f\n", "engine, no hooks", none.best_seconds, mips(none));
        std::printf("%-28s %10.3f %10.1f\n", "engine, empty memory hooks", empty.best_seconds, mips(empty));
        std::printf("%-28s %10.3f %10.1f\n", "full model", full.best_seconds, mips(full));
        std::printf("full / empty-hooks ratio: %.2f\n", mips(full) / mips(empty));
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
        return 2;
    }
}

} // namespace ia32emu
