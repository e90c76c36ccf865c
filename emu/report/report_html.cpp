// Regions the guest names SERIES/SIZE or SERIES/SIZE:PHASE (the bench scenario's kmalloc/4096,
// kmalloc/4096:alloc, frag:vmalloc/65536:touch) are cells of a size sweep: one plot per phase,
// one line per series. Anything else is still in the tables.
#include "emu/report/report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "emu/report/board_parameters.h"
#include "emu/report/text_escape.h"

namespace ia32emu {
namespace {

struct Cell {
    std::string series;
    uint64_t size = 0;
    std::string phase;   // "" for the whole cell
    const PathStats *stats = nullptr;
};

std::optional<Cell> parse_cell(const PathStats &region) {
    const std::string &name = region.name;
    const size_t slash = name.rfind('/');
    if (slash == std::string::npos || slash == 0) return std::nullopt;
    size_t end = slash + 1;
    while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
    if (end == slash + 1 || end - slash - 1 > 12) return std::nullopt;
    Cell c{name.substr(0, slash), std::stoull(name.substr(slash + 1, end - slash - 1)), "", &region};
    if (end < name.size()) {
        if (name[end] != ':' || end + 1 == name.size()) return std::nullopt;
        c.phase = name.substr(end + 1);
    }
    if (c.size == 0) return std::nullopt;
    return c;
}

std::string num(double v, int digits = 1) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string coord(double v) { return num(v, 1); }

std::string bytes(uint64_t size) {
    if (size >= (1u << 20) && size % (1u << 20) == 0) return std::to_string(size >> 20) + " MiB";
    if (size >= 1024 && size % 1024 == 0) return std::to_string(size >> 10) + " KiB";
    return std::to_string(size) + " B";
}

// Thousands separated by thin spaces, as the README writes cycle counts.
std::string grouped(uint64_t v) {
    std::string digits = std::to_string(v), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += "\u202f";
        out += digits[i];
    }
    return out;
}

constexpr const char *kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string phase_title(const std::string &phase) {
    return phase.empty() ? "whole cell (one repetition)" : "phase :" + phase;
}

// p50 cycles against size, both logarithmic. Failed cells (any failed call) are not plotted as
// costs: a failed allocation is not a cheap one. They are marked on the x axis instead.
std::string plot(const std::string &phase, const std::vector<Cell> &cells, const std::vector<std::string> &series) {
    const double W = 720, H = 380, left = 80, right = 20, top = 20, bottom = 60;
    uint64_t min_size = ~0ull, max_size = 0;
    double min_y = 1e300, max_y = 0;
    for (const Cell &c : cells) {
        min_size = std::min(min_size, c.size);
        max_size = std::max(max_size, c.size);
        if (c.stats->failures) continue;
        const double y = std::max<double>(1, double(c.stats->cycles.p50));
        min_y = std::min(min_y, y);
        max_y = std::max(max_y, y);
    }
    if (max_y == 0) min_y = max_y = 1;
    const double lx0 = std::log2(double(min_size)), lx1 = std::max(lx0 + 1, std::log2(double(max_size)));
    const double ly0 = std::floor(std::log10(min_y)), ly1 = std::max(ly0 + 1, std::ceil(std::log10(max_y)));
    auto px = [&](uint64_t size) { return left + (std::log2(double(size)) - lx0) / (lx1 - lx0) * (W - left - right); };
    auto py = [&](double y) {
        return H - bottom - (std::log10(std::max(1.0, y)) - ly0) / (ly1 - ly0) * (H - top - bottom);
    };
    std::string svg = "<svg class=\"plot\" data-phase=\"" + html_escape(phase) +
                      "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + coord(W) + "\" height=\"" + coord(H) +
                      "\" role=\"img\" aria-label=\"p50 cycles against size, " + html_escape(phase_title(phase)) +
                      "\">\n";
    svg += "<line x1=\"" + coord(left) + "\" y1=\"" + coord(top) + "\" x2=\"" + coord(left) + "\" y2=\"" +
           coord(H - bottom) + "\" stroke=\"#000\"/>\n";
    svg += "<line x1=\"" + coord(left) + "\" y1=\"" + coord(H - bottom) + "\" x2=\"" + coord(W - right) + "\" y2=\"" +
           coord(H - bottom) + "\" stroke=\"#000\"/>\n";
    for (double d = ly0; d <= ly1; ++d) {
        const double y = py(std::pow(10.0, d));
        svg += "<line x1=\"" + coord(left - 4) + "\" y1=\"" + coord(y) + "\" x2=\"" + coord(W - right) + "\" y2=\"" +
               coord(y) + "\" stroke=\"#ddd\"/>\n<text x=\"" + coord(left - 8) + "\" y=\"" + coord(y + 4) +
               "\" text-anchor=\"end\">" + grouped(uint64_t(std::llround(std::pow(10.0, d)))) + "</text>\n";
    }
    int tick = 0;
    for (double l = std::ceil(lx0); l <= lx1; ++l, ++tick) {
        const uint64_t size = uint64_t(1) << int(l);
        const double x = px(size);
        svg += "<line x1=\"" + coord(x) + "\" y1=\"" + coord(H - bottom) + "\" x2=\"" + coord(x) + "\" y2=\"" +
               coord(H - bottom + 4) + "\" stroke=\"#000\"/>\n";
        if (tick % 2 == 0)
            svg += "<text x=\"" + coord(x) + "\" y=\"" + coord(H - bottom + 18) + "\" text-anchor=\"middle\">" +
                   bytes(size) + "</text>\n";
    }
    svg += "<text x=\"" + coord((left + W - right) / 2) + "\" y=\"" + coord(H - 14) +
           "\" text-anchor=\"middle\" font-weight=\"bold\">size (log2)</text>\n";
    svg += "<text transform=\"rotate(-90)\" x=\"" + coord(-(top + H - bottom) / 2) +
           "\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">p50 cycles per call (log10)</text>\n";
    for (size_t s = 0; s < series.size(); ++s) {
        const std::string color = kPalette[s % std::size(kPalette)];
        std::string points;
        for (const Cell &c : cells) {
            if (c.series != series[s]) continue;
            const std::string label = html_escape(c.stats->name);
            if (c.stats->failures) {
                svg += "<text class=\"failed\" data-cell=\"" + label + "\" x=\"" + coord(px(c.size)) + "\" y=\"" +
                       coord(H - bottom - 4) + "\" text-anchor=\"middle\" fill=\"" + color + "\">&#x2715;<title>" +
                       label + ": " + std::to_string(c.stats->failures) + " of " + std::to_string(c.stats->calls) +
                       " calls failed</title></text>\n";
                continue;
            }
            const double y = double(c.stats->cycles.p50);
            points += (points.empty() ? "" : " ") + coord(px(c.size)) + "," + coord(py(y));
            svg += "<circle class=\"point\" data-cell=\"" + label + "\" data-p50=\"" +
                   std::to_string(c.stats->cycles.p50) + "\" cx=\"" + coord(px(c.size)) + "\" cy=\"" + coord(py(y)) +
                   "\" r=\"3.5\" fill=\"" + color + "\"><title>" + label + ": p50 " + grouped(c.stats->cycles.p50) +
                   " cycles</title></circle>\n";
        }
        if (!points.empty())
            svg += "<polyline class=\"series\" data-series=\"" + html_escape(series[s]) +
                   "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\" points=\"" + points + "\"/>\n";
    }
    return svg + "</svg>\n";
}

std::string legend(const std::vector<std::string> &series) {
    std::string out = "<ul class=\"legend\">";
    for (size_t s = 0; s < series.size(); ++s)
        out += "<li><span style=\"background:" + std::string(kPalette[s % std::size(kPalette)]) + "\"></span>" +
               html_escape(series[s]) + "</li>";
    return out + "</ul>\n";
}

// A series' group: what precedes its last ':' ("frag" in frag:vmalloc), "" without one. Only
// series of one group ran under the same conditions, so only they are compared.
std::string group_of(const std::string &series) {
    const size_t colon = series.rfind(':');
    return colon == std::string::npos ? std::string() : series.substr(0, colon);
}

// At each size, every series' p50 and its ratio to the cheapest series of its group that did not
// fail there.
std::string comparison(const std::vector<Cell> &cells, const std::vector<std::string> &series) {
    std::map<uint64_t, std::map<std::string, const PathStats *>> by_size;
    for (const Cell &c : cells) by_size[c.size][c.series] = c.stats;
    std::string out = "<table class=\"compare\">\n<tr><th>size</th>";
    for (const std::string &s : series) out += "<th>" + html_escape(s) + "</th>";
    out += "</tr>\n";
    for (const auto &[size, row] : by_size) {
        std::map<std::string, double> cheapest;
        for (const auto &[s, stats] : row) {
            double &c = cheapest[group_of(s)];
            if (!stats->failures && stats->cycles.p50 && (c == 0 || double(stats->cycles.p50) < c))
                c = double(stats->cycles.p50);
        }
        out += "<tr><td>" + bytes(size) + "</td>";
        for (const std::string &s : series) {
            auto it = row.find(s);
            const double base = cheapest[group_of(s)];
            if (it == row.end())
                out += "<td></td>";
            else if (it->second->failures)
                out += "<td class=\"failed\">failed " + std::to_string(it->second->failures) + "/" +
                       std::to_string(it->second->calls) + "</td>";
            else
                out += "<td>" + grouped(it->second->cycles.p50) +
                       (base > 0 ? " (" + num(double(it->second->cycles.p50) / base, 1) + "&times;)" : "") +
                       "</td>";
        }
        out += "</tr>\n";
    }
    return out + "</table>\n";
}

std::string stats_table(const std::vector<PathStats> &entries, uint32_t mhz, bool with_sites) {
    std::string out = "<table class=\"stats\">\n<tr><th>name</th><th>calls</th><th>failed</th><th>mean cyc</th>"
                      "<th>p50 cyc</th><th>p99 cyc</th><th>max cyc</th><th>mean &micro;s</th><th>instr/call</th>"
                      "<th>L1D miss/call</th><th>L2 miss/call</th><th>DTLB miss/call</th><th>walks/call</th>";
    if (with_sites) out += "<th>top call sites (calls, cycles)</th>";
    out += "</tr>\n";
    for (const PathStats &p : entries) {
        if (!p.calls) continue;
        const double calls = double(p.calls);
        out += std::string("<tr") + (p.failures ? " class=\"failed\"" : "") + "><td>" + html_escape(p.name) +
               "</td><td>" + std::to_string(p.calls) + "</td><td>" + std::to_string(p.failures) + "</td><td>" +
               num(p.cycles.mean) + "</td><td>" + std::to_string(p.cycles.p50) + "</td><td>" +
               (p.calls >= kMinSamplesForP99 ? std::to_string(p.cycles.p99) : "&ndash;") + "</td><td>" +
               std::to_string(p.cycles.max) + "</td><td>" + (mhz ? num(p.cycles.mean / mhz, 3) : "&ndash;") +
               "</td><td>" + num(double(p.instructions) / calls) + "</td><td>" + num(double(p.l1d_misses) / calls, 2) +
               "</td><td>" + num(double(p.l2_misses) / calls, 2) + "</td><td>" + num(double(p.dtlb_misses) / calls, 2) +
               "</td><td>" + num(double(p.page_walks) / calls, 2) + "</td>";
        if (with_sites) {
            std::string sites;
            for (size_t i = 0; i < p.call_sites.size() && i < 3; ++i) {
                const CallSiteStats &s = p.call_sites[i];
                sites += (i ? "<br>" : "") + html_escape(s.symbol.empty() ? "?" : s.symbol) + " (" +
                         std::to_string(s.calls) + ", " + grouped(s.cycles) + ")";
            }
            out += "<td>" + sites + "</td>";
        }
        out += "</tr>\n";
    }
    return out + "</table>\n";
}

} // namespace

std::string report_html(const Report &report, const std::string &title) {
    const ReportTotals &t = report.totals;
    std::vector<Cell> cells;
    for (const PathStats &r : report.regions)
        if (r.calls)
            if (auto c = parse_cell(r)) cells.push_back(*c);
    std::vector<std::string> phases, series;
    for (const Cell &c : cells) {
        if (std::find(phases.begin(), phases.end(), c.phase) == phases.end()) phases.push_back(c.phase);
        if (std::find(series.begin(), series.end(), c.series) == series.end()) series.push_back(c.series);
    }
    std::stable_sort(phases.begin(), phases.end(), [](const std::string &a, const std::string &b) {
        return a.empty() && !b.empty();
    });

    std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ia32emu report: " +
                       html_escape(title) +
                       "</title>\n<style>\nbody{font-family:sans-serif;margin:1.5em;max-width:1200px}\n"
                       "svg{font-size:11px;background:#fff}\ntable{border-collapse:collapse;font-size:13px;margin:0.5em 0}\n"
                       "td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}\ntd:first-child{text-align:left}\n"
                       ".failed{color:#b00}\nul.legend{list-style:none;padding:0}\nul.legend li{display:inline-block;"
                       "margin-right:1.5em}\nul.legend span{display:inline-block;width:12px;height:12px;"
                       "margin-right:4px}\n</style>\n</head>\n<body>\n";
    html += "<h1>ia32emu report: " + html_escape(title) + "</h1>\n";
    html += "<p id=\"totals\">Board <b>" +
            html_escape(report.board.contains("board") && report.board["board"].contains("name")
                            ? report.board["board"]["name"].get<std::string>()
                            : std::string("?")) +
            "</b>, " + grouped(t.instructions) + " instructions, " + grouped(t.cycles) + " cycles";
    if (t.clock_mhz) html += " = " + num(double(t.cycles) / (double(t.clock_mhz) * 1e3), 3) + " ms at " +
                             std::to_string(t.clock_mhz) + " MHz";
    html += "; L1D " + grouped(t.l1d.misses) + " misses, L2 " + grouped(t.l2.misses) + ", DTLB " +
            grouped(t.dtlb.misses) + ", page walks " + grouped(t.page_walks) + ". Exit: " +
            html_escape(report.exit.reason) + " (status " + std::to_string(report.exit.code) + ").</p>\n";
    html += "<p id=\"run\">Ran kernel <code>" + html_escape(report.run.kernel_path) + "</code> (SHA-256 <code>" +
            html_escape(report.run.kernel_sha256) + "</code>, " + grouped(report.run.kernel_bytes) +
            " bytes) with command line <code>" + html_escape(report.run.cmdline) + "</code> on board <b>" +
            html_escape(report.run.board_name) + "</b> (parameters' SHA-256 <code>" +
            html_escape(report.run.board_sha256) + "</code>).</p>\n";
    html += "<p>Cycles are the model's, per call, by nearest rank; misses are averaged over calls. A cell whose "
            "allocation failed is marked &#x2715; on the size axis and \"failed\" in the tables, never plotted as a "
            "cost.</p>\n";

    for (const std::string &phase : phases) {
        std::vector<Cell> in_phase;
        for (const Cell &c : cells)
            if (c.phase == phase) in_phase.push_back(c);
        std::vector<std::string> phase_series;
        for (const std::string &s : series)
            if (std::any_of(in_phase.begin(), in_phase.end(), [&](const Cell &c) { return c.series == s; }))
                phase_series.push_back(s);
        html += "<h2>Cost against size: " + html_escape(phase_title(phase)) + "</h2>\n" +
                plot(phase, in_phase, phase_series) + legend(phase_series);
        html += "<h3>p50 cycles at each size, and the ratio to the cheapest allocator there (a series with a prefix, such as frag:, against its own group)</h3>\n" +
                comparison(in_phase, phase_series);
    }
    html += "<h2>Regions</h2>\n" + stats_table(report.regions, t.clock_mhz, false);
    html += "<h2>Tracked paths</h2>\n" + stats_table(report.paths, t.clock_mhz, true);
    html += "<h2>Faults</h2>\n";
    if (report.faults.empty()) {
        html += "<p>None recorded.</p>\n";
    } else {
        html += "<table class=\"faults\">\n<tr><th>kind</th><th>eip</th><th>symbol</th><th>detail</th></tr>\n";
        for (const ReportFault &f : report.faults) {
            char eip[16];
            std::snprintf(eip, sizeof eip, "0x%08x", f.eip);
            html += "<tr><td>" + html_escape(f.kind) + "</td><td>" + eip + "</td><td>" + html_escape(f.symbol) +
                    "</td><td>" + html_escape(f.detail) + "</td></tr>\n";
        }
        html += "</table>\n";
    }
    if (!report.dropped.empty()) {
        html += "<h2>Dropped (host caps reached)</h2>\n<table>\n";
        for (const auto &[what, count] : report.dropped)
            html += "<tr><td>" + html_escape(what) + "</td><td>" + std::to_string(count) + "</td></tr>\n";
        html += "</table>\n";
    }
    std::string board_rows;
    for (const auto &[key, value] : board_parameters(report.board))
        board_rows += "<tr><td>" + html_escape(key) + "</td><td>" + html_escape(value) + "</td></tr>\n";
    html += "<h2>Board</h2>\n<table class=\"board\">\n" + board_rows + "</table>\n</body>\n</html>\n";
    return html;
}

} // namespace ia32emu
