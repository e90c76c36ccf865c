// Our kernel run in this process with one of the host's bounds set to a chosen value, for the
// tests that show a bound changes no figure of a run: what it dropped is taken out of the report
// and counted apart, as are the host's wall-clock figures.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "emu/engine/machine.h"

namespace ia32emu::test {

struct BoundedRun {
    nlohmann::ordered_json report;   // without `dropped_key` in "dropped", and without "host"
    std::string serial;
    uint64_t dropped = 0;            // the report's dropped[dropped_key]
};

// `set_bound` changes the options before the machine is built; `dropped_key` names what the
// bound counts in the report's "dropped" object.
BoundedRun run_our_kernel_bounded(const std::string &cmdline, const std::function<void(MachineOptions &)> &set_bound,
                                  const std::string &dropped_key);

// The run with the real bound ended as the guest meant it to, and the run with a tight bound
// printed and reported exactly the same.
void expect_same_run(const BoundedRun &real, const BoundedRun &tight);

} // namespace ia32emu::test
