// A private single-node Slurm cluster for tests: munged, slurmctld and slurmd started as root
// with a config, keys, sockets, state and logs all inside one folder, and stopped by their pids.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace ia32emu::test {

class SlurmCluster {
public:
    // Why a cluster cannot be started here (packages missing, not root), or nothing.
    static std::optional<std::string> unavailable();

    // Starts the three daemons and waits until the node is idle; std::runtime_error with the
    // daemons' logs when they do not come up (those already started are stopped first).
    explicit SlurmCluster(const std::filesystem::path &folder);
    ~SlurmCluster();
    SlurmCluster(const SlurmCluster &) = delete;
    SlurmCluster &operator=(const SlurmCluster &) = delete;

    // The cluster's slurm.conf; SLURM_CONF names it while the cluster runs.
    const std::filesystem::path &config() const { return config_; }
    // What the daemons logged, for failure messages.
    std::string logs() const;

private:
    pid_t start_daemon(const std::string &name, const std::vector<std::string> &argv);
    void stop_all();

    std::filesystem::path folder_;
    std::filesystem::path config_;
    std::vector<std::pair<std::string, pid_t>> daemons_;   // in start order
    std::optional<std::string> old_conf_;
};

} // namespace ia32emu::test
