// Exceptions on the modelled clock (tests/guests/fault_cost.S): each delivery pays the board's
// cost.exception on top of the pipeline refill, and a faulting block pays only for the
// instructions before the fault, not for the multiplies after it that never ran.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

constexpr uint64_t kRounds = 1000;

class ExceptionCostTest : public GuestTest {
protected:
    // The "int" and "fault" TSC deltas the guest printed.
    std::map<std::string, uint64_t> deltas(std::vector<std::string> args) {
        auto run = boot_kernel(test_guest("fault_cost"), "", std::move(args));
        EXPECT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\nstdout:\n" << run.out;
        static const std::regex line(R"(fault_cost: (int|fault) 0x([0-9a-f]{16}))");
        std::map<std::string, uint64_t> out;
        for (const std::string &l : run.out_lines()) {
            std::smatch m;
            if (std::regex_match(l, m, line))
                out[m[1]] = std::stoull(m[2], nullptr, 16);
        }
        EXPECT_EQ(out.size(), 2u) << run.out;
        return out;
    }
};

TEST_F(ExceptionCostTest, EachDeliveryPaysTheBoardsExceptionCost) {
    auto cheap = deltas({"--set", "cost.exception=44"}), dear = deltas({"--set", "cost.exception=1044"});
    EXPECT_EQ(dear["int"] - cheap["int"], 1000 * kRounds);
    EXPECT_EQ(dear["fault"] - cheap["fault"], 1000 * kRounds);
}

TEST_F(ExceptionCostTest, ADeliveryCostsAtLeastTheRefillAndTheGate) {
    auto d = deltas({});
    // int, the gate, iret (serializing), dec/jnz: at least penalty + gate + iret per round.
    EXPECT_GE(d["int"], kRounds * (13 + 44 + 40));
}

TEST_F(ExceptionCostTest, AFaultingBlockIsNotChargedForWhatNeverRan) {
    for (const char *board : {"pentium-m", "atom-n270"}) {
        auto cheap = deltas({"--board", board, "--set", "cost.mul=4"});
        auto dear = deltas({"--board", board, "--set", "cost.mul=1004"});
        EXPECT_EQ(dear["fault"], cheap["fault"]) << board << ": the multiplies after the divide were charged";
        EXPECT_EQ(dear["int"], cheap["int"]) << board;
    }
}

} // namespace
} // namespace ia32emu::test
