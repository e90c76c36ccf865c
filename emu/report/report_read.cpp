// Field by field, so that a report missing one names it instead of reading as zero.
#include "emu/report/report_read.h"

#include <fstream>
#include <sstream>

#include "emu/report/report_json.h"
#include "emu/report/text_escape.h"

namespace ia32emu {
namespace {

using Json = nlohmann::json;

uint32_t parse_hex32(const std::string &text) { return uint32_t(std::stoul(text, nullptr, 16)); }

AccessCounts counts(const Json &j) { return {j.at("accesses").get<uint64_t>(), j.at("misses").get<uint64_t>()}; }

PathStats path_from_json(const Json &j) {
    PathStats p;
    p.name = j.at("name").get<std::string>();
    p.calls = j.at("calls").get<uint64_t>();
    p.failures = j.at("failures").get<uint64_t>();
    p.instructions = j.at("instructions").get<uint64_t>();
    const Json &c = j.at("cycles");
    p.cycles.total = c.at("total").get<uint64_t>();
    p.cycles.mean = c.at("mean").get<double>();
    p.cycles.p50 = c.at("p50").get<uint64_t>();
    p.cycles.p99 = c.at("p99").is_null() ? 0 : c.at("p99").get<uint64_t>();
    p.cycles.max = c.at("max").get<uint64_t>();
    p.l1d_misses = j.at("l1d_misses").get<uint64_t>();
    p.l2_misses = j.at("l2_misses").get<uint64_t>();
    p.dtlb_misses = j.at("dtlb_misses").get<uint64_t>();
    p.page_walks = j.at("page_walks").get<uint64_t>();
    p.tlb_flushes = j.at("tlb_flushes").get<uint64_t>();
    p.unwound = j.at("unwound").get<uint64_t>();
    for (const Json &callee : j.at("callees"))
        p.callees.push_back({callee.at("name").get<std::string>(), callee.at("calls").get<uint64_t>(),
                             callee.at("cycles").get<uint64_t>()});
    for (const Json &site : j.at("call_sites"))
        p.call_sites.push_back({parse_hex32(site.at("caller").get<std::string>()), site.at("symbol").get<std::string>(),
                                site.at("calls").get<uint64_t>(), site.at("cycles").get<uint64_t>()});
    return p;
}

} // namespace

Report report_from_json(const Json &json, const std::string &origin) {
    if (!json.is_object() || !json.contains("schema") || !json["schema"].is_string())
        throw ReportError(origin + ": not an ia32emu report (no \"schema\" field)");
    const std::string schema = json["schema"].get<std::string>();
    if (schema != kReportSchema)
        throw ReportError(origin + ": report schema '" + one_line(schema) + "', this ia32emu reads '" + kReportSchema + "'");
    Report r;
    try {
        const Json &run = json.at("run");
        r.run.kernel_path = run.at("kernel").at("path").get<std::string>();
        r.run.kernel_sha256 = run.at("kernel").at("sha256").get<std::string>();
        r.run.kernel_bytes = run.at("kernel").at("bytes").get<uint64_t>();
        r.run.cmdline = run.at("cmdline").get<std::string>();
        r.run.board_name = run.at("board").at("name").get<std::string>();
        r.run.board_sha256 = run.at("board").at("sha256").get<std::string>();
        if (run.contains("initrd_and_modules")) {
            r.run.payload_files = run.at("initrd_and_modules").at("files").get<uint64_t>();
            r.run.payload_sha256 = run.at("initrd_and_modules").at("sha256").get<std::string>();
        }
        if (run.contains("serial_input")) {
            const Json &serial = run.at("serial_input");
            r.run.serial_input = serial.at("source").get<std::string>();
            if (r.run.serial_input != "terminal") {
                r.run.serial_input_bytes = serial.at("bytes").get<uint64_t>();
                r.run.serial_input_sha256 = serial.at("sha256").get<std::string>();
            }
        }
        r.board = nlohmann::ordered_json::parse(json.at("board").dump());
        const Json &t = json.at("totals");
        r.totals.instructions = t.at("instructions").get<uint64_t>();
        r.totals.cycles = t.at("cycles").get<uint64_t>();
        r.totals.l1i = counts(t.at("l1i"));
        r.totals.l1d = counts(t.at("l1d"));
        r.totals.l2 = counts(t.at("l2"));
        r.totals.itlb = counts(t.at("itlb"));
        r.totals.dtlb = counts(t.at("dtlb"));
        r.totals.page_walks = t.at("page_walks").get<uint64_t>();
        r.totals.tlb_flushes = t.at("tlb_flushes").get<uint64_t>();
        r.totals.clock_mhz = t.at("clock_mhz").get<uint32_t>();
        for (const Json &p : json.at("paths")) r.paths.push_back(path_from_json(p));
        for (const Json &p : json.at("regions")) r.regions.push_back(path_from_json(p));
        for (const Json &f : json.at("faults")) {
            ReportFault fault;
            fault.kind = f.at("kind").get<std::string>();
            fault.eip = parse_hex32(f.at("eip").get<std::string>());
            fault.symbol = f.at("symbol").get<std::string>();
            fault.detail = f.at("detail").get<std::string>();
            r.faults.push_back(std::move(fault));
        }
        for (const auto &[name, count] : json.at("dropped").items()) r.dropped[name] = count.get<uint64_t>();
        const Json &e = json.at("exit");
        r.exit.code = e.at("code").get<int>();
        r.exit.reason = e.at("reason").get<std::string>();
        if (e.at("signal").is_string()) r.exit.signal = e.at("signal").get<std::string>();
    } catch (const nlohmann::json::exception &err) {
        throw ReportError(origin + ": a field of schema " + kReportSchema + " is missing or has the wrong type (" +
                          err.what() + ")");
    } catch (const std::logic_error &) {
        throw ReportError(origin + ": an address field is not a hexadecimal number");
    }
    return r;
}

Report read_report(const std::filesystem::path &path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ReportError(path.string() + ": is a folder, not a report");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ReportError(path.string() + ": cannot read the report");
    std::stringstream text;
    text << in.rdbuf();
    Json json;
    try {
        json = Json::parse(text.str());
    } catch (const nlohmann::json::parse_error &err) {
        throw ReportError(path.string() + ": not JSON (" + err.what() + ")");
    }
    return report_from_json(json, path.string());
}

} // namespace ia32emu
