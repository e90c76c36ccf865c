// The sweep folder: the manifest (sweep.json), one folder per point with its board file, command,
// report, serial output, stderr and status, and the child process that runs one point.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "emu/sweep/sweep_spec.h"

namespace ia32emu {

inline constexpr const char *kSweepSchema = "ia32emu-sweep/1";

// What the manifest keeps of a point: enough to run it (argv) and to label its rows (params).
struct PlannedPoint {
    std::string id;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> argv;       // run with the point's folder as working folder
};

struct SweepManifest {
    std::vector<std::string> parameters;
    std::vector<PlannedPoint> points;
};

// Names inside a point's folder.
inline constexpr const char *kPointBoard = "board.toml";
inline constexpr const char *kPointCommand = "command";
inline constexpr const char *kPointReport = "report.json";
inline constexpr const char *kPointSerial = "serial.txt";
inline constexpr const char *kPointStderr = "stderr.txt";
inline constexpr const char *kPointStatus = "status.json";

std::filesystem::path point_folder(const std::filesystem::path &sweep_dir, const std::string &id);

// The `ia32emu run` command of a point, with paths inside its folder relative to it.
std::vector<std::string> point_argv(const std::filesystem::path &binary, const SweepSpec &spec, const SweepPoint &point);
// The self-contained board file of a point: its base board and every override, in the board
// file format, so `ia32emu run KERNEL --board board.toml` alone reproduces the point.
std::string point_board_file(const SweepPoint &point);
// The shell form of an argv, one line.
std::string shell_command(const std::vector<std::string> &argv);

// Writes sweep.json atomically. SweepError when the folder cannot be written.
void write_manifest(const std::filesystem::path &sweep_dir, const SweepSpec &spec, const std::vector<SweepPoint> &points,
                    const std::vector<std::vector<std::string>> &argvs);
// SweepError naming the folder when there is no readable manifest.
SweepManifest read_manifest(const std::filesystem::path &sweep_dir);

// Whether a point has finished with this very command and board (a status, and command and
// board files equal to the ones it would be given now). Points whose command or board changed
// (another cmdline, another [set] value) are not finished: they run again.
bool point_finished(const std::filesystem::path &folder, const std::vector<std::string> &argv,
                    const std::string &board_file);
// Makes the folder, drops a previous run's results and writes board.toml and command.
void prepare_point(const std::filesystem::path &folder, const std::vector<std::string> &argv,
                   const std::string &board_file);
// Drops what a run that was stopped part-way left behind.
void discard_partial_run(const std::filesystem::path &folder);

// Starts the point's command in its folder (stdout to /dev/null, stderr to stderr.txt) and
// returns the child's pid; SweepError when fork fails.
pid_t start_point(const std::filesystem::path &folder, const std::vector<std::string> &argv);

struct PointStatus {
    bool ok = false;
    int exit_code = -1;      // -1 when a signal ended the run
    int signal = 0;
    std::string message;     // why it failed: the run's last line on stderr, or how it ended
    double wall_seconds = 0;
};

// Whether a child's end is a stop we asked for (SIGINT, SIGTERM), to be run again, not recorded.
bool stopped_by_request(int wait_status);
// Records how a finished point ended, in status.json (atomically), and returns it.
PointStatus record_status(const std::filesystem::path &folder, const std::string &id, int wait_status,
                          double wall_seconds);
std::optional<PointStatus> read_status(const std::filesystem::path &folder);

} // namespace ia32emu
