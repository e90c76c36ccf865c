// The model against the hardware: each guest microbenchmark of published_reference.h runs on its
// preset and must come within the stated tolerance of the published measurement of the real chip
// (latency 15%, bandwidth 25%). The expected values are the published ones, never read back from
// the board configuration.
#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>

#include "tests/validation/published_reference.h"
#include "tests/validation/validation_run.h"

namespace ia32emu::test {

void PrintTo(const PublishedFigure &f, std::ostream *os);
void PrintTo(const PublishedFigure &f, std::ostream *os) { *os << f.name; }

namespace {

uint64_t cmdline_value(const std::string &cmdline, const std::string &key) {
    auto at = cmdline.find(" " + key + "=");
    if (at == std::string::npos) return 0;
    return std::stoull(cmdline.substr(at + key.size() + 2));
}

class PublishedAgreementTest : public ValidationTest, public ::testing::WithParamInterface<PublishedFigure> {
protected:
    uint64_t cycles(const std::string &name) {
        RegionCounts r;
        region(name, r);
        return r.cycles;
    }
    double cycles_per_instruction(const std::string &name) {
        RegionCounts r;
        region(name, r);
        return r.instructions ? double(r.cycles) / double(r.instructions) : 0;
    }

    // The benchmark's figure in the metric's unit, from the report's regions.
    double measure(const PublishedFigure &f) {
        std::string cmd = f.cmdline;
        switch (f.metric) {
        case Metric::CyclesPerLoad: {
            double loads = double(cmdline_value(cmd, "loads"));
            return double(cycles("validate_latency:long") - cycles("validate_latency:short")) / loads;
        }
        case Metric::MegabytesPerSec: {
            double bytes = double(cmdline_value(cmd, "size")) * double(cmdline_value(cmd, "passes"));
            double mhz = double(board().at("cpu").at("clock_mhz").get<uint64_t>());
            return bytes / double(cycles("validate_bandwidth:steady")) * mhz;
        }
        case Metric::CyclesPerLine: {
            double lines = double(cmdline_value(cmd, "size")) * double(cmdline_value(cmd, "passes")) / 64.0;
            return double(cycles("validate_bandwidth:steady")) / lines;
        }
        case Metric::BranchPenalty: {
            double iterations = double(cmdline_value(cmd, "iterations"));
            return 2.0 * double(cycles("validate_branch:random") - cycles("validate_branch:fixed")) / iterations;
        }
        case Metric::IndependentCpi:
            return cycles_per_instruction("validate_issue:independent");
        case Metric::DependentCpi:
            return cycles_per_instruction("validate_issue:dependent");
        }
        return 0;
    }
};

TEST_P(PublishedAgreementTest, WithinToleranceOfThePublishedMeasurement) {
    const PublishedFigure &f = GetParam();
    ASSERT_NO_FATAL_FAILURE(run_scenario(f.cmdline, {"--board", f.board}));
    double measured = measure(f) - f.offset;
    double error = (measured - f.published) / f.published;
    RecordProperty("published", std::to_string(f.published));
    RecordProperty("ia32emu", std::to_string(measured));
    EXPECT_LE(std::fabs(error), f.tolerance)
        << f.name << ": ia32emu " << measured << ", published " << f.published << " (" << f.source << "), error "
        << error * 100 << "%";
    std::printf("published-agreement %s: published %.1f, ia32emu %.2f, error %+.1f%%\n", f.name, f.published,
                measured, error * 100);
}

INSTANTIATE_TEST_SUITE_P(Validation, PublishedAgreementTest, ::testing::ValuesIn(kPublished),
                         [](const ::testing::TestParamInfo<PublishedFigure> &p) { return std::string(p.param.name); });

} // namespace
} // namespace ia32emu::test
