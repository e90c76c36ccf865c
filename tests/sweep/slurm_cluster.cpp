#include "tests/sweep/slurm_cluster.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char *kMunged = "/usr/sbin/munged";
constexpr const char *kSlurmctld = "/usr/sbin/slurmctld";
constexpr const char *kSlurmd = "/usr/sbin/slurmd";
constexpr const char *kClients[] = {"/usr/bin/sbatch", "/usr/bin/squeue", "/usr/bin/scancel", "/usr/bin/sinfo"};

// A TCP port nobody listens on right now (the kernel's pick for an ephemeral bind).
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::string short_hostname() {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    std::string host = name;
    return host.substr(0, host.find('.'));
}

} // namespace

std::optional<std::string> SlurmCluster::unavailable() {
    std::vector<std::string> missing;
    for (const char *p : {kMunged, kSlurmctld, kSlurmd})
        if (::access(p, X_OK) != 0) missing.push_back(p);
    for (const char *p : kClients)
        if (::access(p, X_OK) != 0) missing.push_back(p);
    if (!missing.empty()) {
        std::string list;
        for (const std::string &m : missing) list += " " + m;
        return "the Slurm packages (slurmctld slurmd slurm-client munge) are not installed; tools/bootstrap.sh "
               "installs them. Missing:" + list;
    }
    if (::geteuid() != 0) return "a private Slurm cluster runs its daemons as root; run the tests as root";
    return std::nullopt;
}

SlurmCluster::SlurmCluster(const fs::path &folder) : folder_(folder), config_(folder / "slurm.conf") {
    for (const char *sub : {"munge", "state", "spool", "log"}) fs::create_directories(folder_ / sub);
    fs::permissions(folder_ / "munge", fs::perms::owner_all, fs::perm_options::replace);
    // munged wants a key only its user can read.
    const fs::path key = folder_ / "munge" / "munge.key";
    {
        std::random_device random;
        std::ofstream out(key, std::ios::binary);
        for (int i = 0; i < 1024 / 4; ++i) {
            uint32_t word = random();
            out.write(reinterpret_cast<const char *>(&word), sizeof word);
        }
    }
    fs::permissions(key, fs::perms::owner_read, fs::perm_options::replace);
    const fs::path socket = folder_ / "munge" / "munge.socket";

    const std::string host = short_hostname();
    std::ofstream conf(config_);
    conf << "ClusterName=ia32emutest\n"
         << "SlurmctldHost=" << host << "(127.0.0.1)\n"
         << "SlurmctldPort=" << free_port() << "\nSlurmdPort=" << free_port() << "\n"
         << "SlurmUser=root\nSlurmdUser=root\n"
         << "AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << socket.string() << "\n"
         << "StateSaveLocation=" << (folder_ / "state").string() << "\n"
         << "SlurmdSpoolDir=" << (folder_ / "spool").string() << "\n"
         << "SlurmctldPidFile=" << (folder_ / "slurmctld.pid").string() << "\n"
         << "SlurmdPidFile=" << (folder_ / "slurmd.pid").string() << "\n"
         << "SlurmctldLogFile=" << (folder_ / "log" / "slurmctld.log").string() << "\n"
         << "SlurmdLogFile=" << (folder_ / "log" / "slurmd.log").string() << "\n"
         << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
         << "SelectType=select/cons_tres\nSelectTypeParameters=CR_CPU\n"
         << "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
         << "MpiDefault=none\nReturnToService=2\n"
         << "NodeName=" << host << " NodeAddr=127.0.0.1 CPUs=" << std::thread::hardware_concurrency()
         << " State=UNKNOWN\n"
         << "PartitionName=sweep Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n";
    conf.close();

    // The daemons, the test's clients and the sweep it starts all find the cluster through this.
    if (const char *old = std::getenv("SLURM_CONF")) old_conf_ = old;
    ::setenv("SLURM_CONF", config_.c_str(), 1);
    try {
        start_daemon("munged", {kMunged, "--foreground", "--force", "--socket=" + socket.string(),
                                "--key-file=" + key.string(), "--log-file=" + (folder_ / "log" / "munged.log").string(),
                                "--pid-file=" + (folder_ / "munge" / "munged.pid").string(),
                                "--seed-file=" + (folder_ / "munge" / "munged.seed").string()});
        const auto munge_deadline = std::chrono::steady_clock::now() + 20s;
        while (!fs::exists(socket) && std::chrono::steady_clock::now() < munge_deadline) std::this_thread::sleep_for(50ms);
        if (!fs::exists(socket)) throw std::runtime_error("munged did not create its socket");
        start_daemon("slurmctld", {kSlurmctld, "-D", "-i", "-f", config_.string()});
        start_daemon("slurmd", {kSlurmd, "-D", "-f", config_.string(), "-N", host});
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        std::string state;
        while (std::chrono::steady_clock::now() < deadline) {
            ProcessResult sinfo = run_process({"/usr/bin/sinfo", "--noheader", "--format=%T"}, 10s);
            state = sinfo.out;
            if (sinfo.exit_status == 0 && state.find("idle") != std::string::npos) return;
            std::this_thread::sleep_for(250ms);
        }
        throw std::runtime_error("the node did not become idle (sinfo: '" + state + "')");
    } catch (const std::exception &e) {
        const std::string message = std::string(e.what()) + "\n" + logs();
        stop_all();
        throw std::runtime_error(message);
    }
}

SlurmCluster::~SlurmCluster() { stop_all(); }

pid_t SlurmCluster::start_daemon(const std::string &name, const std::vector<std::string> &argv) {
    std::vector<char *> args;
    for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    const std::string out = (folder_ / "log" / (name + ".out")).string();
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed for " + name);
    if (pid == 0) {
        ::setsid();   // the test's own signals (a Ctrl-C at the terminal) are not the daemons'
        int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null_fd = ::open("/dev/null", O_RDONLY);
        if (fd < 0 || null_fd < 0) ::_exit(127);
        ::dup2(null_fd, 0);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    daemons_.emplace_back(name, pid);
    return pid;
}

void SlurmCluster::stop_all() {
    // The reverse of start order: slurmd, then the controller, then munged they both talk to.
    for (auto it = daemons_.rbegin(); it != daemons_.rend(); ++it) {
        const pid_t pid = it->second;
        ::kill(pid, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        int status = 0;
        pid_t done = 0;
        while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(20ms);
        if (done == 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
        }
    }
    daemons_.clear();
    if (old_conf_) ::setenv("SLURM_CONF", old_conf_->c_str(), 1);
    else ::unsetenv("SLURM_CONF");
}

std::string SlurmCluster::logs() const {
    std::string text;
    for (const char *name : {"munged.out", "munged.log", "slurmctld.out", "slurmctld.log", "slurmd.out", "slurmd.log"}) {
        const fs::path p = folder_ / "log" / name;
        if (fs::exists(p)) text += "--- " + std::string(name) + "\n" + file_contents(p);
    }
    return text;
}

} // namespace ia32emu::test
