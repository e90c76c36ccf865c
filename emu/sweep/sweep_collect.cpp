#include "emu/sweep/sweep_collect.h"

#include "emu/report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "emu/report/report_json.h"
#include "emu/report/text_escape.h"

namespace ia32emu {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kMetrics[] = {"calls",      "instructions", "cycles_total", "cycles_mean",
                                         "cycles_p50", "cycles_p99",   "l1d_misses",   "l2_misses",
                                         "dtlb_misses", "page_walks",  "tlb_flushes"};

// One CSV row before formatting: the point's columns, then one entity's numbers ("" when absent).
struct Row {
    size_t point;
    std::string kind, name;
    std::map<std::string_view, std::string> numbers;
};

std::string number_text(const Json &v) {
    if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number_float()) return v.dump();   // shortest text that reads back to the same double
    return "";
}

std::optional<Json> read_report(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    try {
        Json doc = Json::parse(in);
        // The fields read here are the same in /1, /2 and /3 (a p99 below 100 calls is null from /2
        // on: empty cell; /3 only adds what ran).
        const std::string schema = doc.is_object() ? doc.value("schema", "") : "";
        if (schema != kReportSchema && schema != "ia32emu-report/2" && schema != "ia32emu-report/1") return std::nullopt;
        return doc;
    } catch (const Json::exception &) {
        return std::nullopt;   // a report that is not one: the point shows its status and no numbers
    }
}

void entity_rows(size_t point, const Json &report, std::vector<Row> &rows) {
    const Json &t = report.at("totals");
    Row total{point, "total", "", {}};
    total.numbers["instructions"] = number_text(t.at("instructions"));
    total.numbers["cycles_total"] = number_text(t.at("cycles"));
    total.numbers["l1d_misses"] = number_text(t.at("l1d").at("misses"));
    total.numbers["l2_misses"] = number_text(t.at("l2").at("misses"));
    total.numbers["dtlb_misses"] = number_text(t.at("dtlb").at("misses"));
    total.numbers["page_walks"] = number_text(t.at("page_walks"));
    total.numbers["tlb_flushes"] = number_text(t.at("tlb_flushes"));
    rows.push_back(std::move(total));
    for (const char *kind : {"paths", "regions"}) {
        for (const Json &p : report.at(kind)) {
            // Every tracked function is listed; the ones the scenario never called are noise here.
            if (std::string_view(kind) == "paths" && p.at("calls").get<uint64_t>() == 0) continue;
            Row row{point, std::string(kind).substr(0, std::string(kind).size() - 1), p.at("name").get<std::string>(), {}};
            row.numbers["calls"] = number_text(p.at("calls"));
            row.numbers["instructions"] = number_text(p.at("instructions"));
            row.numbers["cycles_total"] = number_text(p.at("cycles").at("total"));
            row.numbers["cycles_mean"] = number_text(p.at("cycles").at("mean"));
            row.numbers["cycles_p50"] = number_text(p.at("cycles").at("p50"));
            row.numbers["cycles_p99"] = number_text(p.at("cycles").at("p99"));
            for (std::string_view k : {"l1d_misses", "l2_misses", "dtlb_misses", "page_walks", "tlb_flushes"})
                row.numbers[k] = number_text(p.at(std::string(k)));
            rows.push_back(std::move(row));
        }
    }
}

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

struct PointInfo {
    std::string status;     // ok, failed, missing
    std::string exit_code;
    std::string faults;
    std::string message;
};

constexpr const char *kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

// One plot: x = the parameter's values in sweep order, y = the metric's mean over the finished
// points with that value (the other parameters vary underneath), one line per total/path/region.
std::string plot_svg(const std::string &parameter, size_t column, const SweepManifest &manifest,
                     const std::vector<Row> &rows, const std::vector<PointInfo> &info, std::string_view metric,
                     std::string &legend) {
    std::vector<std::string> xs;
    for (const PlannedPoint &p : manifest.points)
        if (std::find(xs.begin(), xs.end(), p.params[column].second) == xs.end()) xs.push_back(p.params[column].second);
    std::vector<std::string> series;
    std::map<std::string, std::map<size_t, std::pair<double, size_t>>> sums;   // series -> x -> (sum, n)
    for (const Row &row : rows) {
        if (info[row.point].status != "ok") continue;
        auto it = row.numbers.find(metric);
        if (it == row.numbers.end() || it->second.empty()) continue;
        const std::string key = row.kind + (row.name.empty() ? "" : " " + row.name);
        if (!sums.contains(key)) series.push_back(key);
        const size_t x = size_t(std::find(xs.begin(), xs.end(), manifest.points[row.point].params[column].second) - xs.begin());
        auto &cell = sums[key][x];
        cell.first += std::stod(it->second);
        ++cell.second;
    }
    double ymax = 0, ymin_positive = 0;
    for (const auto &[key, by_x] : sums)
        for (const auto &[x, cell] : by_x) {
            const double y = cell.first / double(cell.second);
            ymax = std::max(ymax, y);
            if (y > 0 && (ymin_positive == 0 || y < ymin_positive)) ymin_positive = y;
        }
    if (ymax <= 0) ymax = 1;
    // Paths and regions of one scenario often lie decades apart (an 850-cycle kmalloc next to a
    // 4 MiB pass): a linear axis would flatten all but the largest, so such plots go logarithmic.
    const bool log_scale = ymin_positive > 0 && ymax / ymin_positive > 100;
    const double decade_low = log_scale ? std::floor(std::log10(ymin_positive)) : 0;
    const double decade_high = log_scale ? std::ceil(std::log10(ymax)) : 0;
    const double W = 720, H = 340, left = 80, right = 20, top = 16, bottom = 70;
    auto px = [&](size_t x) { return xs.size() == 1 ? (left + W - right) / 2 : left + (W - left - right) * double(x) / double(xs.size() - 1); };
    auto fraction = [&](double y) {
        if (!log_scale) return y / ymax;
        const double l = y > 0 ? std::log10(y) : decade_low;
        return (l - decade_low) / std::max(1.0, decade_high - decade_low);
    };
    auto py = [&](double y) { return top + (H - top - bottom) * (1 - fraction(y)); };
    std::vector<double> ticks;
    if (log_scale)
        for (double d = decade_low; d <= decade_high; ++d) ticks.push_back(std::pow(10.0, d));
    else
        for (int i = 0; i <= 4; ++i) ticks.push_back(ymax * i / 4);
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt(W) + "\" height=\"" + fmt(H) +
                      "\" role=\"img\" aria-label=\"" + html_escape(std::string(metric) + " against " + parameter) + "\">\n";
    svg += "<line x1=\"" + fmt(left) + "\" y1=\"" + fmt(top) + "\" x2=\"" + fmt(left) + "\" y2=\"" + fmt(H - bottom) +
           "\" stroke=\"#333\"/>\n<line x1=\"" + fmt(left) + "\" y1=\"" + fmt(H - bottom) + "\" x2=\"" + fmt(W - right) +
           "\" y2=\"" + fmt(H - bottom) + "\" stroke=\"#333\"/>\n";
    for (const double y : ticks) {
        svg += "<line x1=\"" + fmt(left - 4) + "\" y1=\"" + fmt(py(y)) + "\" x2=\"" + fmt(W - right) + "\" y2=\"" +
               fmt(py(y)) + "\" stroke=\"#ddd\"/><text x=\"" + fmt(left - 8) + "\" y=\"" + fmt(py(y) + 4) +
               "\" text-anchor=\"end\">" + fmt(y) + "</text>\n";
    }
    for (size_t x = 0; x < xs.size(); ++x)
        svg += "<text x=\"" + fmt(px(x)) + "\" y=\"" + fmt(H - bottom + 18) + "\" text-anchor=\"middle\">" +
               html_escape(xs[x]) + "</text>\n";
    svg += "<text x=\"" + fmt((left + W - right) / 2) + "\" y=\"" + fmt(H - 12) + "\" text-anchor=\"middle\" font-weight=\"bold\">" +
           html_escape(parameter) + (log_scale ? " (logarithmic y axis)" : "") + "</text>\n";
    legend.clear();
    for (size_t s = 0; s < series.size(); ++s) {
        const std::string color = kPalette[s % std::size(kPalette)];
        std::string pts;
        for (const auto &[x, cell] : sums[series[s]]) {
            const double y = cell.first / double(cell.second);
            pts += (pts.empty() ? "" : " ") + fmt(px(x)) + "," + fmt(py(y));
            svg += "<circle cx=\"" + fmt(px(x)) + "\" cy=\"" + fmt(py(y)) + "\" r=\"3\" fill=\"" + color + "\"><title>" +
                   html_escape(series[s] + " @ " + xs[x] + ": " + fmt(y)) + "</title></circle>\n";
        }
        svg += "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.5\" points=\"" + pts + "\"/>\n";
        legend += "<li><span style=\"background:" + color + "\"></span>" + html_escape(series[s]) + "</li>";
    }
    return svg + "</svg>\n";
}

} // namespace

std::vector<std::string_view> sweep_metrics() { return {std::begin(kMetrics), std::end(kMetrics)}; }

SweepTables collect_sweep(const std::filesystem::path &sweep_dir, const SweepManifest &manifest, std::string_view metric) {
    if (std::find(std::begin(kMetrics), std::end(kMetrics), metric) == std::end(kMetrics)) {
        std::string names;
        for (std::string_view m : kMetrics) names += (names.empty() ? "" : ", ") + std::string(m);
        throw SweepError("sweep: unknown metric '" + std::string(metric) + "' (one of " + names + ")");
    }
    SweepTables out;
    std::vector<Row> rows;
    std::vector<PointInfo> info(manifest.points.size());
    for (size_t i = 0; i < manifest.points.size(); ++i) {
        const std::filesystem::path folder = point_folder(sweep_dir, manifest.points[i].id);
        std::optional<PointStatus> status = read_status(folder);
        info[i].status = !status ? "missing" : status->ok ? "ok" : "failed";
        if (status) {
            info[i].exit_code = status->signal ? "" : std::to_string(status->exit_code);
            info[i].message = status->message;
        }
        (status ? (status->ok ? out.ok : out.failed) : out.missing)++;
        const size_t before = rows.size();
        // A report left by an unfinished run is not this point's result yet.
        std::optional<Json> report = status ? read_report(folder / kPointReport) : std::nullopt;
        if (report) {
            try {
                info[i].faults = std::to_string(report->at("faults").size());
                entity_rows(i, *report, rows);
            } catch (const Json::exception &e) {
                throw SweepError("sweep: " + (folder / kPointReport).string() + ": " + e.what());
            }
        }
        if (rows.size() == before) rows.push_back(Row{i, "", "", {}});
    }

    std::string &csv = out.csv;
    csv = "point";
    for (const std::string &p : manifest.parameters) csv += "," + csv_field(p);
    csv += ",status,exit_code,faults,kind,name";
    for (std::string_view m : kMetrics) csv += "," + std::string(m);
    csv += "\n";
    for (const Row &row : rows) {
        const PlannedPoint &point = manifest.points[row.point];
        const PointInfo &pi = info[row.point];
        csv += point.id;
        for (const auto &[k, v] : point.params) csv += "," + csv_field(v);
        csv += "," + pi.status + "," + pi.exit_code + "," + pi.faults + "," + row.kind + "," + csv_field(row.name);
        for (std::string_view m : kMetrics) {
            auto it = row.numbers.find(m);
            csv += "," + (it == row.numbers.end() ? std::string() : it->second);
        }
        csv += "\n";
    }

    std::string &html = out.html;
    html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ia32emu sweep: " +
           html_escape(std::string(metric)) +
           "</title>\n<style>\nbody{font-family:sans-serif;margin:2em;color:#222}\n"
           "svg{font-size:11px;background:#fff}\ntable{border-collapse:collapse;font-size:13px}\n"
           "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}\n"
           ".failed{color:#b00}.missing{color:#888}\nul.legend{list-style:none;padding:0;columns:3}\n"
           "ul.legend span{display:inline-block;width:10px;height:10px;margin-right:6px}\n</style>\n</head>\n<body>\n";
    html += "<h1>Sweep: " + html_escape(std::string(metric)) + "</h1>\n<p>" + std::to_string(manifest.points.size()) +
            " points: " + std::to_string(out.ok) + " ok, " + std::to_string(out.failed) + " failed, " +
            std::to_string(out.missing) + " without a result yet. Each plot shows the mean of " +
            html_escape(std::string(metric)) +
            " over the finished points with that value of the parameter, one line per total, path or region.</p>\n";
    for (size_t c = 0; c < manifest.parameters.size(); ++c) {
        std::string legend;
        const std::string svg = plot_svg(manifest.parameters[c], c, manifest, rows, info, metric, legend);
        html += "<h2>" + html_escape(std::string(metric)) + " against " + html_escape(manifest.parameters[c]) + "</h2>\n" +
                svg + "<ul class=\"legend\">" + legend + "</ul>\n";
    }
    html += "<h2>Points</h2>\n<table>\n<tr><th>point</th>";
    for (const std::string &p : manifest.parameters) html += "<th>" + html_escape(p) + "</th>";
    html += "<th>status</th><th>exit</th><th>message</th></tr>\n";
    for (size_t i = 0; i < manifest.points.size(); ++i) {
        html += "<tr class=\"" + info[i].status + "\"><td>" + manifest.points[i].id + "</td>";
        for (const auto &[k, v] : manifest.points[i].params) html += "<td>" + html_escape(v) + "</td>";
        html += "<td>" + info[i].status + "</td><td>" + info[i].exit_code + "</td><td>" + html_escape(info[i].message) +
                "</td></tr>\n";
    }
    html += "</table>\n</body>\n</html>\n";
    return out;
}

SweepTables collect_sweep_to_files(const std::filesystem::path &sweep_dir, std::string_view metric) {
    SweepManifest manifest = read_manifest(sweep_dir);
    SweepTables tables = collect_sweep(sweep_dir, manifest, metric);
    try {
        write_file_atomically(sweep_dir / "results.csv", tables.csv);
        write_file_atomically(sweep_dir / "results.html", tables.html);
    } catch (const ReportError &e) {
        throw SweepError("sweep: " + std::string(e.what()).substr(std::string_view("report: ").size()));
    }
    return tables;
}

} // namespace ia32emu
