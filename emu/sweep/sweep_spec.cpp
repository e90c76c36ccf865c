// Sweep file parsing and expansion; board values are checked by the board loader itself, so a
// sweep accepts exactly what `ia32emu run --board B --set k=v` accepts.
#include "emu/sweep/sweep_spec.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "emu/board/board_config.h"
#include "emu/board/toml_depth.h"
#include "emu/report/text_escape.h"

namespace ia32emu {

namespace {

[[noreturn]] void fail(const std::string &where, const std::string &message) {
    throw SweepError(one_line("sweep: " + where + ": " + message));
}

std::string where(const std::string &source, const toml::node &node) {
    return source + ":" + std::to_string(node.source().begin.line);
}

bool is_special_key(std::string_view key) {
    return key == kSweepBoardKey || key == kSweepScenarioKey || key == kSweepCmdlineKey;
}

bool is_board_key(std::string_view key) {
    for (const ParamDescriptor &p : BoardConfig::parameters())
        if (p.key == key) return true;
    return false;
}

// A scalar as the text a --set would carry: integers in decimal, reals in their shortest exact
// form, booleans as true/false; strings as they are.
std::string scalar_text(const toml::node &node, const std::string &at, const std::string &key) {
    if (auto s = node.as_string()) return s->get();
    if (auto i = node.as_integer()) return std::to_string(i->get());
    if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
    if (auto f = node.as_floating_point()) {
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f->get());
        if (ec != std::errc()) fail(at, key + ": a number that cannot be written back");
        return std::string(buf, end);
    }
    fail(at, key + ": expected a string, number or boolean");
}

// In a zip group a value may repeat in one list (the rows must differ, checked by the caller).
std::vector<std::string> value_list(const toml::node &node, const std::string &source, const std::string &key,
                                    bool distinct) {
    const std::string at = where(source, node);
    const toml::array *array = node.as_array();
    if (!array) fail(at, key + ": expected a list of values, e.g. " + key + " = [1, 2]");
    if (array->empty()) fail(at, key + ": empty list (a swept key needs at least one value)");
    std::vector<std::string> values;
    std::set<std::string> seen;
    for (const toml::node &element : *array) {
        std::string text = scalar_text(element, where(source, element), key);
        if (distinct && !seen.insert(text).second) fail(at, key + ": value '" + text + "' is listed twice");
        values.push_back(std::move(text));
    }
    return values;
}

void check_sweepable(const std::string &key, const std::string &at) {
    if (!is_special_key(key) && !is_board_key(key))
        fail(at, "unknown key '" + key + "' (a board parameter as for --set, or board, scenario, cmdline)");
}

// Dotted keys and [grid.cache.l1d] tables both end up as "cache.l1d.size".
void flatten(const toml::table &table, const std::string &prefix,
             std::vector<std::pair<std::string, const toml::node *>> &out) {
    for (auto &&[key, node] : table) {
        std::string dotted = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
        if (auto sub = node.as_table()) flatten(*sub, dotted, out);
        else out.emplace_back(std::move(dotted), &node);
    }
}

std::string string_field(const toml::node &node, const std::string &source, const std::string &key) {
    auto s = node.as_string();
    if (!s) fail(where(source, node), key + ": expected a string");
    return s->get();
}

std::filesystem::path from_folder(const std::filesystem::path &folder, const std::string &path) {
    std::filesystem::path p(path);
    return (p.is_absolute() ? p : folder / p).lexically_normal();
}

// A board named by path (as the loader tells a file from a preset) is made absolute, so a point
// runs the same from any working folder.
std::string resolve_board(const std::string &board, const std::filesystem::path &folder) {
    if (board.find('/') == std::string::npos && !board.ends_with(".toml")) return board;
    return from_folder(folder, board).string();
}

uint64_t fnv1a64(std::string_view text) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

} // namespace

std::vector<std::string> SweepSpec::parameter_names() const {
    std::vector<std::string> names;
    for (const SweepAxis &axis : axes) names.insert(names.end(), axis.keys.begin(), axis.keys.end());
    return names;
}

size_t SweepSpec::point_count() const {
    size_t n = 1;
    for (const SweepAxis &axis : axes) {
        size_t len = axis.values.size();
        if (len != 0 && n > SIZE_MAX / len) return SIZE_MAX;
        n *= len;
    }
    return n;
}

SweepSpec parse_sweep_text(std::string_view text, const std::string &source, const std::filesystem::path &folder) {
    toml::table doc;
    // toml++ recurses once per nesting level: a deep enough file would overflow the stack.
    if (auto deep = excessive_toml_nesting(text))
        fail(source + ":" + std::to_string(deep->line),
             std::string(deep->what) + " nested more than " + std::to_string(kMaxTomlNesting) + " levels deep");
    try {
        doc = toml::parse(text, source);
    } catch (const toml::parse_error &e) {
        fail(source + ":" + std::to_string(e.source().begin.line), std::string(e.description()));
    }
    SweepSpec spec;
    spec.source = source;
    std::set<std::string> swept;
    auto claim = [&](const std::string &key, const std::string &at) {
        check_sweepable(key, at);
        if (!swept.insert(key).second) fail(at, key + ": swept twice (in [grid] and a zip group, or two groups)");
    };
    bool have_kernel = false;
    for (auto &&[key_node, node] : doc) {
        const std::string key(key_node.str());
        const std::string at = where(source, node);
        if (key == "kernel") {
            spec.kernel = from_folder(folder, string_field(node, source, key));
            have_kernel = true;
        } else if (key == "board") {
            spec.board = resolve_board(string_field(node, source, key), folder);
        } else if (key == "cmdline") {
            spec.cmdline = string_field(node, source, key);
        } else if (key == "paths") {
            const toml::array *array = node.as_array();
            if (!array) fail(at, "paths: expected a list of function names");
            for (const toml::node &fn : *array) spec.extra_paths.push_back(string_field(fn, source, key));
        } else if (key == "max_insns") {
            auto i = node.as_integer();
            if (!i || i->get() < 0) fail(at, "max_insns: expected a non-negative integer");
            spec.max_insns = uint64_t(i->get());
        } else if (key == "timeout") {
            double seconds = -1;
            if (auto i = node.as_integer()) seconds = double(i->get());
            else if (auto f = node.as_floating_point()) seconds = f->get();
            if (!(seconds > 0) || seconds > 86'400.0 * 365) fail(at, "timeout: expected a positive number of seconds");
            spec.timeout = seconds;
        } else if (key == "set") {
            const toml::table *table = node.as_table();
            if (!table) fail(at, "set: expected a table of board parameters");
            std::vector<std::pair<std::string, const toml::node *>> entries;
            flatten(*table, "", entries);
            for (auto &[k, v] : entries) {
                if (!is_board_key(k)) fail(where(source, *v), "unknown board key '" + k + "' in [set]");
                spec.fixed.emplace_back(k, scalar_text(*v, where(source, *v), k));
            }
        } else if (key == "grid") {
            const toml::table *table = node.as_table();
            if (!table) fail(at, "grid: expected a table of keys with lists of values");
            std::vector<std::pair<std::string, const toml::node *>> entries;
            flatten(*table, "", entries);
            for (auto &[k, v] : entries) {
                claim(k, where(source, *v));
                SweepAxis axis;
                axis.keys = {k};
                for (std::string &value : value_list(*v, source, k, true)) axis.values.push_back({std::move(value)});
                spec.axes.push_back(std::move(axis));
            }
        } else if (key == "zip") {
            const toml::array *groups = node.as_array();
            if (!groups || !groups->is_array_of_tables())
                fail(at, "zip: expected [[zip]] tables, each with keys of equal-length lists");
            for (const toml::node &group_node : *groups) {
                const std::string group_at = where(source, group_node);
                std::vector<std::pair<std::string, const toml::node *>> entries;
                flatten(*group_node.as_table(), "", entries);
                if (entries.empty()) fail(group_at, "zip: an empty group");
                SweepAxis axis;
                std::vector<std::vector<std::string>> columns;
                for (auto &[k, v] : entries) {
                    claim(k, where(source, *v));
                    axis.keys.push_back(k);
                    columns.push_back(value_list(*v, source, k, false));
                    if (columns.back().size() != columns.front().size())
                        fail(where(source, *v), "zip: " + k + " has " + std::to_string(columns.back().size()) +
                                                    " values but " + axis.keys.front() + " has " +
                                                    std::to_string(columns.front().size()));
                }
                std::set<std::vector<std::string>> rows;
                for (size_t i = 0; i < columns.front().size(); ++i) {
                    std::vector<std::string> row;
                    for (const auto &column : columns) row.push_back(column[i]);
                    if (!rows.insert(row).second)
                        fail(group_at, "zip: values number " + std::to_string(i + 1) + " repeat an earlier set");
                    axis.values.push_back(std::move(row));
                }
                spec.axes.push_back(std::move(axis));
            }
        } else {
            fail(at, "unknown key '" + key + "' (kernel, board, cmdline, paths, max_insns, timeout, [set], [grid], [[zip]])");
        }
    }
    if (!have_kernel) fail(source, "no kernel (kernel = \"path/to/kernel.elf\")");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(spec.kernel, ec)) fail(source, "kernel '" + spec.kernel.string() + "' not found");
    if (swept.contains(std::string(kSweepScenarioKey)) && swept.contains(std::string(kSweepCmdlineKey)))
        fail(source, "scenario and cmdline cannot both be swept (scenario is prefixed to cmdline)");
    for (SweepAxis &axis : spec.axes)
        for (size_t k = 0; k < axis.keys.size(); ++k)
            if (axis.keys[k] == kSweepBoardKey)
                for (auto &row : axis.values) row[k] = resolve_board(row[k], folder);
    return spec;
}

SweepSpec parse_sweep_file(const std::filesystem::path &file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) fail(file.string(), "no such sweep file");
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) fail(file.string(), "cannot read");
    std::filesystem::path folder = std::filesystem::absolute(file, ec).parent_path();
    return parse_sweep_text(text.str(), file.string(), folder);
}

std::vector<SweepPoint> expand_sweep(const SweepSpec &spec, bool allow_huge) {
    const size_t count = spec.point_count();
    if (count > kSweepConfirmPoints && !allow_huge)
        fail(spec.source.string(), "the grid has " + (count == SIZE_MAX ? std::string("too many") : std::to_string(count)) +
                                       " points, more than " + std::to_string(kSweepConfirmPoints) +
                                       "; pass --yes to run them all");
    std::map<std::string, BoardConfig> bases;
    auto base_board = [&](const std::string &name, const std::string &point_name) -> const BoardConfig & {
        auto it = bases.find(name);
        if (it != bases.end()) return it->second;
        try {
            return bases.emplace(name, BoardConfig::load(name)).first->second;
        } catch (const ConfigError &e) {
            fail(spec.source.string(), point_name + e.what());
        }
    };

    std::vector<SweepPoint> points;
    points.reserve(count);
    std::set<std::string> ids;
    std::vector<size_t> digit(spec.axes.size(), 0);
    for (size_t index = 0; index < count; ++index) {
        SweepPoint point;
        point.index = index;
        point.board = spec.board;
        point.cmdline = spec.cmdline;
        for (const auto &[k, v] : spec.fixed) point.overrides.push_back(k + "=" + v);
        for (size_t a = 0; a < spec.axes.size(); ++a) {
            const SweepAxis &axis = spec.axes[a];
            for (size_t k = 0; k < axis.keys.size(); ++k) {
                const std::string &key = axis.keys[k];
                const std::string &value = axis.values[digit[a]][k];
                point.params.emplace_back(key, value);
                if (key == kSweepBoardKey) point.board = value;
                else if (key == kSweepCmdlineKey) point.cmdline = value;
                else if (key != kSweepScenarioKey) point.overrides.push_back(key + "=" + value);
            }
        }
        for (const auto &[key, value] : point.params)
            if (key == kSweepScenarioKey)
                point.cmdline = "scenario=" + value + (spec.cmdline.empty() ? "" : " " + spec.cmdline);

        auto sorted = point.params;
        std::sort(sorted.begin(), sorted.end());
        std::string canonical;
        for (const auto &[key, value] : sorted) canonical += key + "=" + value + "\n";
        char id[13];
        std::snprintf(id, sizeof id, "%012llx", (unsigned long long)(fnv1a64(canonical) >> 16));
        point.id = id;
        if (!ids.insert(point.id).second) fail(spec.source.string(), "two points hash to id " + point.id + "; rename a value");

        std::string point_name = "point " + point.id + " (";
        for (size_t i = 0; i < point.params.size(); ++i)
            point_name += (i ? ", " : "") + point.params[i].first + "=" + point.params[i].second;
        point_name += "): ";
        BoardConfig board = base_board(point.board, point_name);
        try {
            for (const std::string &o : point.overrides) board.apply_override(o);
            board.validate();
        } catch (const ConfigError &e) {
            fail(spec.source.string(), point_name + e.what());
        }
        points.push_back(std::move(point));

        for (size_t a = spec.axes.size(); a-- > 0;) {
            if (++digit[a] < spec.axes[a].values.size()) break;
            digit[a] = 0;
        }
    }
    return points;
}

} // namespace ia32emu
