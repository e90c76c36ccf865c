// Report to JSON in a fixed field order, and the temp-file + fsync + rename write.
#include "emu/report/report_json.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ia32emu {

namespace {

using Json = nlohmann::ordered_json;

Json counts(const AccessCounts &c) { return Json{{"accesses", c.accesses}, {"misses", c.misses}}; }

std::string hex32(uint32_t v) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

Json path_json(const PathStats &p) {
    Json callees = Json::array();
    for (const auto &c : p.callees) callees.push_back(Json{{"name", c.name}, {"calls", c.calls}, {"cycles", c.cycles}});
    return Json{
        {"name", p.name},
        {"calls", p.calls},
        {"instructions", p.instructions},
        {"cycles",
         Json{{"total", p.cycles.total}, {"mean", p.cycles.mean}, {"p50", p.cycles.p50}, {"p99", p.cycles.p99},
              {"max", p.cycles.max}}},
        {"l1d_misses", p.l1d_misses},
        {"l2_misses", p.l2_misses},
        {"dtlb_misses", p.dtlb_misses},
        {"page_walks", p.page_walks},
        {"tlb_flushes", p.tlb_flushes},
        {"unwound", p.unwound},
        {"callees", std::move(callees)},
    };
}

Json paths_json(const std::vector<PathStats> &paths) {
    Json out = Json::array();
    for (const auto &p : paths) out.push_back(path_json(p));
    return out;
}

[[noreturn]] void fail(const std::filesystem::path &path, const std::string &what, int err) {
    throw ReportError("report: " + path.string() + ": " + what + ": " + std::strerror(err));
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(size_t(n));
    }
    return true;
}

} // namespace

nlohmann::ordered_json report_to_json(const Report &r) {
    const ReportTotals &t = r.totals;
    Json faults = Json::array();
    for (const auto &f : r.faults) {
        Json fault{{"kind", f.kind}, {"eip", hex32(f.eip)}, {"symbol", f.symbol}, {"detail", f.detail}};
        for (const auto &[key, value] : f.fields.items())
            fault[key] = value;
        faults.push_back(std::move(fault));
    }
    Json dma{{"transfers", r.dma.transfers}, {"bytes", r.dma.bytes}, {"cycles", r.dma.cycles}};
    if (!r.dma.note.empty())
        dma["note"] = r.dma.note;
    if (!r.dma.dropped_faults.empty())
        dma["dropped_faults"] = r.dma.dropped_faults;
    return Json{
        {"schema", kReportSchema},
        {"board", r.board},
        {"totals",
         Json{{"instructions", t.instructions},
              {"cycles", t.cycles},
              {"l1i", counts(t.l1i)},
              {"l1d", counts(t.l1d)},
              {"l2", counts(t.l2)},
              {"itlb", counts(t.itlb)},
              {"dtlb", counts(t.dtlb)},
              {"page_walks", t.page_walks},
              {"tlb_flushes", t.tlb_flushes}}},
        {"paths", paths_json(r.paths)},
        {"regions", paths_json(r.regions)},
        {"faults", std::move(faults)},
        {"dma", std::move(dma)},
        {"dropped", Json(r.dropped)},
        {"exit", Json{{"code", r.exit.code}, {"reason", r.exit.reason}}},
        {"host", Json{{"wall_seconds", r.host.wall_seconds}, {"mips", r.host.mips}}},
    };
}

void write_file_atomically(const std::filesystem::path &path, std::string_view contents) {
    const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::string temp = (folder / ("." + path.filename().string() + ".XXXXXX")).string();
    int fd = ::mkstemp(temp.data());
    if (fd < 0) fail(path, "cannot create a temporary file in " + folder.string(), errno);
    auto abandon = [&](const std::string &what) {
        int err = errno;
        if (fd >= 0) ::close(fd);
        ::unlink(temp.c_str());
        fail(path, what, err);
    };
    // mkstemp makes the file 0600; a report is an ordinary artefact, readable like any other.
    if (::fchmod(fd, 0644) != 0) abandon("cannot set permissions");
    if (!write_all(fd, contents)) abandon("cannot write");
    if (::fsync(fd) != 0) abandon("cannot sync");
    if (::close(fd) != 0) {
        fd = -1;
        abandon("cannot close");
    }
    fd = -1;
    if (::rename(temp.c_str(), path.c_str()) != 0) abandon("cannot rename into place");
    // The rename is durable only once the folder's entry is on disk; failing here leaves the
    // complete new file in place, so it is not an error.
    int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void write_report(const std::filesystem::path &path, const Report &report) {
    // Region names come from guest memory; bytes that are not UTF-8 are replaced, not fatal.
    const auto text = report_to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    write_file_atomically(path, text + "\n");
}

} // namespace ia32emu
