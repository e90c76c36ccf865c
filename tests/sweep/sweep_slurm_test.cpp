// The Slurm engine on a real (private, single-node) Slurm cluster: the same sweep gives the same
// CSV, byte for byte, as the local engine, whether the sweep waits or collects later.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/guest_run.h"
#include "tests/sweep/slurm_cluster.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class SweepSlurmTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto why = SlurmCluster::unavailable()) GTEST_SKIP() << *why;
        try {
            cluster_ = std::make_unique<SlurmCluster>(dir_.file("cluster"));
        } catch (const std::exception &e) {
            FAIL() << "the private Slurm cluster did not start: " << e.what();
        }
    }
    void TearDown() override { cluster_.reset(); }

    ScratchDir dir_;
    std::unique_ptr<SlurmCluster> cluster_;
};

TEST_F(SweepSlurmTest, JobArrayGivesTheLocalCsvByteForByte) {
    const fs::path file = dir_.write("sweep.toml", "kernel = \"" + our_kernel().string() + "\"\n" +
                                                       "cmdline = \"scenario=validate_sweep count=384 passes=4\"\n"
                                                       "[grid]\ncache.l1d.size = [\"16KiB\", \"32KiB\", \"64KiB\"]\n");
    ProcessResult local = run_ia32emu_args({"sweep", file.string(), "--out", dir_.file("local").string()});
    ASSERT_EQ(local.exit_status, 0) << local.describe();
    const std::string expected = file_contents(dir_.file("local") / "results.csv");
    ASSERT_EQ(std::count(expected.begin(), expected.end(), '\n'), 1 + 3 * 5) << expected;

    const fs::path out = dir_.file("slurm");
    ProcessResult slurm = run_ia32emu_args({"sweep", file.string(), "--out", out.string(), "--slurm", "--throttle", "2"});
    ASSERT_EQ(slurm.exit_status, 0) << slurm.describe() << "\n" << cluster_->logs();
    EXPECT_NE(slurm.err.find("submitted Slurm job"), std::string::npos) << slurm.err;
    EXPECT_EQ(file_contents(out / "results.csv"), expected);
    EXPECT_NE(file_contents(out / "slurm" / "array.sh").find("#SBATCH --array=0-2%2\n"), std::string::npos);
    const std::string job_id = file_contents(out / "slurm" / "job_id");
    for (int task = 0; task < 3; ++task)
        EXPECT_TRUE(fs::exists(out / "slurm" / (job_id.substr(0, job_id.size() - 1) + "_" + std::to_string(task) + ".out")));

    // Nothing left to run: nothing is submitted.
    ProcessResult again = run_ia32emu_args({"sweep", file.string(), "--out", out.string(), "--slurm"});
    EXPECT_EQ(again.exit_status, 0) << again.describe();
    EXPECT_NE(again.err.find("3 finished and kept, 0 to run"), std::string::npos) << again.err;
    EXPECT_EQ(again.err.find("submitted"), std::string::npos) << again.err;

    // --no-wait returns the job id at once; collect gathers the same table once the tasks are done.
    const fs::path later = dir_.file("later");
    ProcessResult submitted = run_ia32emu_args({"sweep", file.string(), "--out", later.string(), "--slurm", "--no-wait"});
    ASSERT_EQ(submitted.exit_status, 0) << submitted.describe();
    ASSERT_FALSE(submitted.out.empty());
    EXPECT_EQ(submitted.out.find_first_not_of("0123456789"), submitted.out.size() - 1) << submitted.out;
    ProcessResult collected;
    const auto deadline = std::chrono::steady_clock::now() + 180s;
    do {
        std::this_thread::sleep_for(500ms);
        collected = run_ia32emu_args({"sweep", "collect", later.string()});
    } while (collected.exit_status != 0 && std::chrono::steady_clock::now() < deadline);
    ASSERT_EQ(collected.exit_status, 0) << collected.describe() << "\n" << cluster_->logs();
    EXPECT_EQ(file_contents(later / "results.csv"), expected);
}

} // namespace
} // namespace ia32emu::test
