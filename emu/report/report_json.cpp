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

// Cycles as modelled microseconds at the board's clock; null when the board has no clock.
Json micros(double cycles, uint32_t clock_mhz) {
    return clock_mhz ? Json(cycles / double(clock_mhz)) : Json(nullptr);
}

double per_call(uint64_t total, uint64_t calls) { return calls ? double(total) / double(calls) : 0.0; }

Json path_json(const PathStats &p, uint32_t clock_mhz) {
    Json callees = Json::array();
    for (const auto &c : p.callees) callees.push_back(Json{{"name", c.name}, {"calls", c.calls}, {"cycles", c.cycles}});
    Json sites = Json::array();
    for (const auto &c : p.call_sites)
        sites.push_back(Json{{"caller", hex32(c.caller)}, {"symbol", c.symbol}, {"calls", c.calls}, {"cycles", c.cycles}});
    const bool has_p99 = p.calls >= kMinSamplesForP99;
    const CycleSummary &c = p.cycles;
    return Json{
        {"name", p.name},
        {"calls", p.calls},
        {"failures", p.failures},
        {"instructions", p.instructions},
        {"cycles",
         Json{{"total", c.total}, {"mean", c.mean}, {"p50", c.p50}, {"p99", has_p99 ? Json(c.p99) : Json(nullptr)},
              {"max", c.max}}},
        {"modelled_us",
         Json{{"total", micros(double(c.total), clock_mhz)},
              {"mean", micros(c.mean, clock_mhz)},
              {"p50", micros(double(c.p50), clock_mhz)},
              {"p99", has_p99 ? micros(double(c.p99), clock_mhz) : Json(nullptr)},
              {"max", micros(double(c.max), clock_mhz)}}},
        {"l1d_misses", p.l1d_misses},
        {"l2_misses", p.l2_misses},
        {"dtlb_misses", p.dtlb_misses},
        {"page_walks", p.page_walks},
        {"tlb_flushes", p.tlb_flushes},
        {"per_call",
         Json{{"instructions", per_call(p.instructions, p.calls)},
              {"l1d_misses", per_call(p.l1d_misses, p.calls)},
              {"l2_misses", per_call(p.l2_misses, p.calls)},
              {"dtlb_misses", per_call(p.dtlb_misses, p.calls)},
              {"page_walks", per_call(p.page_walks, p.calls)}}},
        {"unwound", p.unwound},
        {"callees", std::move(callees)},
        {"call_sites", std::move(sites)},
    };
}

Json paths_json(const std::vector<PathStats> &paths, uint32_t clock_mhz) {
    Json out = Json::array();
    for (const auto &p : paths) out.push_back(path_json(p, clock_mhz));
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

Json exit_json(const ReportExit &e) {
    Json matched = Json::object();
    for (const auto &m : e.fail_on.matched) matched[m.kind] = m.count;
    return Json{{"code", e.code},
                {"reason", e.reason},
                {"signal", e.signal.empty() ? Json(nullptr) : Json(e.signal)},
                {"fail_on", Json{{"kinds", e.fail_on.kinds}, {"matched", std::move(matched)}}}};
}

} // namespace

nlohmann::ordered_json report_to_json(const Report &r) {
    const ReportTotals &t = r.totals;
    Json faults = Json::array();
    for (const auto &f : r.faults) {
        Json fault{{"kind", f.kind}, {"eip", hex32(f.eip)}, {"symbol", f.symbol}, {"detail", f.detail}, {"cycles", f.cycles}};
        for (const auto &[key, value] : f.fields.items())
            fault[key] = value;
        faults.push_back(std::move(fault));
    }
    Json dma{{"transfers", r.dma.transfers}, {"bytes", r.dma.bytes}, {"cycles", r.dma.cycles}};
    if (!r.dma.note.empty())
        dma["note"] = r.dma.note;
    if (!r.dma.dropped_faults.empty())
        dma["dropped_faults"] = r.dma.dropped_faults;
    Json run{{"kernel", Json{{"path", r.run.kernel_path}, {"sha256", r.run.kernel_sha256}, {"bytes", r.run.kernel_bytes}}},
             {"cmdline", r.run.cmdline},
             {"board", Json{{"name", r.run.board_name}, {"sha256", r.run.board_sha256}}}};
    if (r.run.payload_files > 0)
        run["initrd_and_modules"] = Json{{"files", r.run.payload_files}, {"sha256", r.run.payload_sha256}};
    if (r.run.serial_input == "terminal")
        run["serial_input"] = Json{{"source", "terminal"}};
    else if (!r.run.serial_input.empty())
        run["serial_input"] = Json{{"source", r.run.serial_input},
                                   {"bytes", r.run.serial_input_bytes},
                                   {"sha256", r.run.serial_input_sha256}};
    return Json{
        {"schema", kReportSchema},
        {"run", run},
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
              {"tlb_flushes", t.tlb_flushes},
              {"clock_mhz", t.clock_mhz},
              {"modelled_seconds", t.clock_mhz ? Json(double(t.cycles) / (double(t.clock_mhz) * 1e6)) : Json(nullptr)}}},
        {"paths", paths_json(r.paths, t.clock_mhz)},
        {"regions", paths_json(r.regions, t.clock_mhz)},
        {"faults", std::move(faults)},
        {"dma", std::move(dma)},
        {"dropped", Json(r.dropped)},
        {"exit", exit_json(r.exit)},
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
    // mkstemp makes the file 0600; the file it replaces keeps its mode, a new one gets what
    // open(2) would have given it.
    struct stat existing;
    mode_t mode;
    if (::stat(path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) {
        mode = existing.st_mode & 07777;
    } else {
        mode = ::umask(0);
        ::umask(mode);
        mode = 0666 & ~mode;
    }
    if (::fchmod(fd, mode) != 0) abandon("cannot set permissions");
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

std::string report_text(const Report &report) {
    // Region names come from guest memory; bytes that are not UTF-8 are replaced, not fatal.
    return report_to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void write_report(const std::filesystem::path &path, const Report &report) {
    write_file_atomically(path, report_text(report));
}

} // namespace ia32emu
