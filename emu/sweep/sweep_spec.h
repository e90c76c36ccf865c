// A sweep file (TOML) and its expansion into points: each point a board, a command line and an id.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ia32emu {

// Every problem with a sweep file or a sweep folder; what() is one line starting "sweep: ", so the
// CLI prints it as is and exits 2 before any point runs.
class SweepError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One dimension of the cartesian product: a single swept key, or a zip group whose keys take their
// i-th values together. values[i] holds one value per key, in the order of `keys`.
struct SweepAxis {
    std::vector<std::string> keys;
    std::vector<std::vector<std::string>> values;
};

// A grid key is a board parameter (as for --set), or one of these, which are not board keys.
inline constexpr std::string_view kSweepBoardKey = "board";        // the base board: preset or file
inline constexpr std::string_view kSweepScenarioKey = "scenario";  // "scenario=V" before `cmdline`
inline constexpr std::string_view kSweepCmdlineKey = "cmdline";    // replaces the command line

// Past this many points a sweep needs --yes: a typo in a list should not queue a week of runs.
inline constexpr size_t kSweepConfirmPoints = 10'000;

struct SweepSpec {
    std::filesystem::path source;        // the sweep file, for messages
    std::filesystem::path kernel;        // absolute
    std::string board = "default";       // base board; a file is made absolute
    std::string cmdline;
    std::vector<std::pair<std::string, std::string>> fixed;   // [set]: key, value for every point
    std::vector<std::string> extra_paths;                      // --path FN for every point
    uint64_t max_insns = 0;                                    // 0: the board's budget
    double timeout = 0;                                        // 0: the board's budget
    std::vector<SweepAxis> axes;         // grid keys in key order, then zip groups in file order

    // Swept keys in column order: axes in order, each axis' keys in its order.
    std::vector<std::string> parameter_names() const;
    // The product of the axes' lengths, saturating at SIZE_MAX.
    size_t point_count() const;
};

struct SweepPoint {
    size_t index = 0;                    // position in the expansion: last axis varies fastest
    std::string id;                      // 12 hex digits from the swept values alone (see expand)
    std::vector<std::pair<std::string, std::string>> params;   // parameter_names() order
    std::string board;                   // base board of this point
    std::string cmdline;
    std::vector<std::string> overrides;  // "key=value": the fixed ones, then the swept ones
};

// Parses and checks the file: unknown top-level or board keys, empty lists, zip groups of unequal
// lengths, repeated keys or values, a missing kernel. Board values are checked by expand().
SweepSpec parse_sweep_file(const std::filesystem::path &file);
// The same from text; relative paths are taken from `folder`.
SweepSpec parse_sweep_text(std::string_view text, const std::string &source, const std::filesystem::path &folder);

// Every point, each board loaded and validated (a value that no board accepts is found here,
// naming the point). A point's id is a hash of its swept keys and values only, so it survives
// reordering the file, adding values to a list and changing what is not swept; two points
// never share one (their values differ, and a collision is refused).
std::vector<SweepPoint> expand_sweep(const SweepSpec &spec, bool allow_huge);

} // namespace ia32emu
