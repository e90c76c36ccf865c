#include "tests/support/bounded_run.h"

#include <gtest/gtest.h>

#include "emu/board/board_config.h"
#include "emu/report/report_json.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {

BoundedRun run_our_kernel_bounded(const std::string &cmdline, const std::function<void(MachineOptions &)> &set_bound,
                                  const std::string &dropped_key) {
    BoundedRun run;
    MachineOptions o;
    o.board = BoardConfig::defaults();
    o.kernel = our_kernel();
    o.cmdline = cmdline;
    o.firmware = load_firmware(build_dir() / "firmware" / "firmware.bin");
    o.serial_sink = [&run](uint8_t c) { run.serial.push_back(char(c)); };
    set_bound(o);
    Machine machine(std::move(o));
    const RunOutcome outcome = machine.run();
    Report r = machine.report(outcome, 0);
    if (auto it = r.dropped.find(dropped_key); it != r.dropped.end())
        run.dropped = it->second;
    r.dropped.erase(dropped_key);
    run.report = report_to_json(r);
    run.report.erase("host");
    return run;
}

void expect_same_run(const BoundedRun &real, const BoundedRun &tight) {
    EXPECT_EQ(real.report["exit"]["reason"], "guest_exit") << real.serial;
    EXPECT_EQ(real.serial, tight.serial);
    EXPECT_EQ(real.report["totals"], tight.report["totals"]);
    EXPECT_EQ(real.report.dump(), tight.report.dump());
}

} // namespace ia32emu::test
