// Per-call figures only: two runs that call a path a different number of times still compare.
#include "emu/report/report_diff.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "emu/report/board_parameters.h"
#include "emu/report/report_json.h"
#include "emu/report/text_escape.h"

namespace ia32emu {
namespace {

constexpr std::string_view kMetrics[] = {"cycles_mean", "cycles_p50", "cycles_p99", "l1d_misses",
                                         "l2_misses",   "dtlb_misses", "page_walks"};

double per_call(uint64_t total, uint64_t calls) { return double(total) / double(calls); }

// nullopt when the metric has no value for this entity (p99 below kMinSamplesForP99 calls).
std::optional<double> metric_value(const PathStats &p, std::string_view metric) {
    if (metric == "cycles_mean") return p.cycles.mean;
    if (metric == "cycles_p50") return double(p.cycles.p50);
    if (metric == "cycles_p99")
        return p.calls >= kMinSamplesForP99 ? std::optional<double>(double(p.cycles.p99)) : std::nullopt;
    if (metric == "l1d_misses") return per_call(p.l1d_misses, p.calls);
    if (metric == "l2_misses") return per_call(p.l2_misses, p.calls);
    if (metric == "dtlb_misses") return per_call(p.dtlb_misses, p.calls);
    return per_call(p.page_walks, p.calls);
}

std::optional<double> parse_percent(std::string_view text) {
    std::string s(text);
    char *end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v < 0) return std::nullopt;
    return v;
}

std::string number(double v) {
    char buf[40];
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

std::string signed_number(double v) { return (v > 0 ? "+" : "") + number(v); }

std::string percent_text(double pct) {
    if (std::isinf(pct)) return pct > 0 ? "+inf%" : "-inf%";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%+.1f%%", pct);
    return buf;
}

void compare(const std::string &kind, const std::vector<PathStats> &a, const std::vector<PathStats> &b,
             const DiffThresholds &thresholds, DiffResult &out) {
    auto called = [](const PathStats &p) { return p.calls > 0; };
    for (const PathStats &pa : a) {
        if (!called(pa)) continue;
        auto pb = std::find_if(b.begin(), b.end(), [&](const PathStats &p) { return p.name == pa.name; });
        if (pb == b.end() || !called(*pb)) {
            out.only_in_a.push_back(kind + " " + pa.name);
            continue;
        }
        ++out.compared;
        for (std::string_view metric : kMetrics) {
            std::optional<double> va = metric_value(pa, metric), vb = metric_value(*pb, metric);
            if (!va || !vb || *va == *vb) continue;
            DiffChange c{kind, pa.name, std::string(metric), *va, *vb, 0, false};
            c.percent = *va != 0 ? (*vb - *va) / *va * 100.0
                                 : std::copysign(std::numeric_limits<double>::infinity(), *vb - *va);
            std::optional<double> limit = thresholds.for_metric(metric);
            c.regression = limit && *vb > *va && c.percent > *limit;
            out.changes.push_back(std::move(c));
        }
    }
    for (const PathStats &pb : b) {
        if (!called(pb)) continue;
        auto pa = std::find_if(a.begin(), a.end(), [&](const PathStats &p) { return p.name == pb.name; });
        if (pa == a.end() || !called(*pa)) out.only_in_b.push_back(kind + " " + pb.name);
    }
}

std::string board_changes(const nlohmann::ordered_json &a, const nlohmann::ordered_json &b) {
    const auto fa = board_parameters(a), fb = board_parameters(b);
    std::vector<std::string> changes;
    for (const auto &[key, value] : fa) {
        auto other = std::find_if(fb.begin(), fb.end(), [&](const auto &kv) { return kv.first == key; });
        const std::string b_value = other == fb.end() ? "(none)" : other->second;
        if (key != "board.name" && key != "board.description" && b_value != value)
            changes.push_back(key + " " + value + " -> " + b_value);
    }
    for (const auto &[key, value] : fb)
        if (std::none_of(fa.begin(), fa.end(), [&](const auto &kv) { return kv.first == key; }))
            changes.push_back(key + " (none) -> " + value);
    constexpr size_t kShown = 3;
    std::string text;
    for (size_t i = 0; i < changes.size() && i < kShown; ++i) text += (i ? ", " : "") + changes[i];
    if (changes.size() > kShown) text += " and " + std::to_string(changes.size() - kShown) + " more";
    return text;
}

std::string short_hash(const std::string &sha256) { return sha256.substr(0, 12); }

std::string serial_input_text(const RunIdentity &r) {
    if (r.serial_input.empty())
        return "none";
    if (r.serial_input == "terminal")
        return "terminal";
    return one_line(r.serial_input) + " " + std::to_string(r.serial_input_bytes) + " bytes " +
           short_hash(r.serial_input_sha256);
}

} // namespace

std::vector<std::string> run_differences(const Report &a, const Report &b) {
    std::vector<std::string> out;
    const RunIdentity &ra = a.run, &rb = b.run;
    if (ra.kernel_sha256 != rb.kernel_sha256)
        out.push_back("kernel (A " + short_hash(ra.kernel_sha256) + " " + one_line(ra.kernel_path) + ", B " +
                      short_hash(rb.kernel_sha256) + " " + one_line(rb.kernel_path) + ")");
    if (ra.payload_files != rb.payload_files || ra.payload_sha256 != rb.payload_sha256)
        out.push_back("initrd and modules (A " + std::to_string(ra.payload_files) + " file(s) " +
                      short_hash(ra.payload_sha256) + ", B " + std::to_string(rb.payload_files) + " file(s) " +
                      short_hash(rb.payload_sha256) + ")");
    // Keys typed at a terminal arrive when the user types them: two such runs never received the same input.
    if (ra.serial_input == "terminal" || rb.serial_input == "terminal")
        out.push_back("serial input (A " + serial_input_text(ra) + ", B " + serial_input_text(rb) +
                      "; typed input is not reproducible)");
    // The same bytes from a file or from a pipe are the same input.
    else if (ra.serial_input_sha256 != rb.serial_input_sha256)
        out.push_back("serial input (A " + serial_input_text(ra) + ", B " + serial_input_text(rb) + ")");
    if (ra.cmdline != rb.cmdline)
        out.push_back("cmdline (A '" + one_line(ra.cmdline) + "', B '" + one_line(rb.cmdline) + "')");
    if (ra.board_sha256 != rb.board_sha256) {
        const std::string changes = board_changes(a.board, b.board);
        out.push_back("board (A " + one_line(ra.board_name) + ", B " + one_line(rb.board_name) +
                      (changes.empty() ? "" : ": " + one_line(changes)) + ")");
    }
    return out;
}

std::vector<std::string_view> diff_metrics() { return {std::begin(kMetrics), std::end(kMetrics)}; }

std::optional<double> DiffThresholds::for_metric(std::string_view metric) const {
    auto it = per_metric.find(std::string(metric));
    return it == per_metric.end() ? std::optional<double>(percent) : it->second;
}

void DiffThresholds::apply(std::string_view option) {
    const size_t eq = option.find('=');
    if (eq == std::string_view::npos) {
        std::optional<double> pct = parse_percent(option);
        if (!pct) throw ReportError("--threshold: expected a percentage >= 0, got '" + std::string(option) + "'");
        percent = *pct;
        return;
    }
    const std::string metric(option.substr(0, eq));
    const std::string_view value = option.substr(eq + 1);
    if (std::find(std::begin(kMetrics), std::end(kMetrics), metric) == std::end(kMetrics)) {
        std::string known;
        for (std::string_view m : kMetrics) known += (known.empty() ? "" : ", ") + std::string(m);
        throw ReportError("--threshold: unknown metric '" + metric + "' (one of " + known + ")");
    }
    if (value == "off") {
        per_metric[metric] = std::nullopt;
        return;
    }
    std::optional<double> pct = parse_percent(value);
    if (!pct)
        throw ReportError("--threshold: expected " + metric + "=PCT (a percentage >= 0) or " + metric + "=off, got '" +
                          std::string(option) + "'");
    per_metric[metric] = pct;
}

std::string DiffThresholds::describe() const {
    std::string out = number(percent) + "%";
    for (const auto &[metric, pct] : per_metric) out += ", " + metric + " " + (pct ? number(*pct) + "%" : "off");
    return out;
}

size_t DiffResult::regressions() const {
    return size_t(std::count_if(changes.begin(), changes.end(), [](const DiffChange &c) { return c.regression; }));
}

DiffResult diff_reports(const Report &a, const Report &b, const DiffThresholds &thresholds) {
    if (a.exit.reason != b.exit.reason)
        throw ReportError("the runs ended differently (A: " + a.exit.reason + ", B: " + b.exit.reason +
                          "), so they did not do the same work");
    DiffResult out;
    compare("path", a.paths, b.paths, thresholds, out);
    compare("region", a.regions, b.regions, thresholds, out);
    if (out.compared == 0) throw ReportError("no path or region was called in both reports: nothing to compare");
    return out;
}

std::string diff_text(const DiffResult &diff, const DiffThresholds &thresholds, std::string_view a_name,
                      std::string_view b_name) {
    std::string out = "ia32emu diff: A " + std::string(a_name) + ", B " + std::string(b_name) +
                      "; per call: cycles (cyc) and misses; regression = B above A by more than " +
                      thresholds.describe() + "\n";
    size_t name_width = 4;
    for (const DiffChange &c : diff.changes) name_width = std::max(name_width, c.name.size());
    char line[1024];
    if (!diff.changes.empty()) {
        std::snprintf(line, sizeof line, "%-7s %-*s %-12s %14s %14s %14s %9s\n", "kind", int(name_width), "name",
                      "metric", "A", "B", "B-A", "change");
        out += line;
    }
    for (const DiffChange &c : diff.changes) {
        std::snprintf(line, sizeof line, "%-7s %-*s %-12s %14s %14s %14s %9s%s\n", c.kind.c_str(), int(name_width),
                      c.name.c_str(), c.metric.c_str(), number(c.a).c_str(), number(c.b).c_str(),
                      signed_number(c.b - c.a).c_str(), percent_text(c.percent).c_str(),
                      c.regression ? "  REGRESSION" : "");
        out += line;
    }
    for (const std::string &n : diff.only_in_a) out += "only in A: " + n + "\n";
    for (const std::string &n : diff.only_in_b) out += "only in B: " + n + "\n";
    size_t changed_entities = 0;
    for (size_t i = 0; i < diff.changes.size(); ++i)
        if (i == 0 || diff.changes[i].name != diff.changes[i - 1].name || diff.changes[i].kind != diff.changes[i - 1].kind)
            ++changed_entities;
    out += std::to_string(diff.compared) + " paths and regions compared, " + std::to_string(changed_entities) +
           " changed, " + std::to_string(diff.regressions()) + " regressions\n";
    for (const DiffChange &c : diff.changes) {
        if (!c.regression) continue;
        out += "regression: " + c.kind + " " + c.name + " " + c.metric + " " + number(c.a) + " -> " + number(c.b) +
               " (" + percent_text(c.percent) + " > " + number(*thresholds.for_metric(c.metric)) + "%)\n";
    }
    return out;
}

} // namespace ia32emu
