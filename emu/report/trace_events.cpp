#include "emu/report/trace_events.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace ia32emu {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kPid = 1;
constexpr int kRegionsTid = 1, kCallsTid = 2, kFaultsTid = 3;

Json thread_name(int tid, const char *name) {
    return Json{{"name", "thread_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"args", Json{{"name", name}}}};
}

std::string dump(const Json &value) { return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// The events are written one by one: as one JSON array, 2^18 slices (bounds::kTimelineSlices)
// took 380 MB of host memory for a 45 MB file.
class EventList {
  public:
    void push_back(const Json &event) {
        text_ += text_.empty() ? "[" : ",";
        text_ += dump(event);
    }
    std::string close() && { return text_.empty() ? "[]" : std::move(text_) + "]"; }

  private:
    std::string text_;
};

} // namespace

std::string trace_json(const PathAccounting &paths, const Report &report) {
    const double mhz = report.totals.clock_mhz ? double(report.totals.clock_mhz) : 1.0;
    auto micros = [&](uint64_t cycles) { return double(cycles) / mhz; };
    std::string board = report.board.contains("board") && report.board["board"].contains("name")
                            ? report.board["board"]["name"].get<std::string>()
                            : std::string("?");
    EventList events;
    events.push_back(Json{{"name", "process_name"},
                          {"ph", "M"},
                          {"pid", kPid},
                          {"tid", 0},
                          {"args", Json{{"name", "ia32emu guest on " + board + " at " +
                                                     std::to_string(report.totals.clock_mhz) + " MHz (modelled time)"}}}});
    events.push_back(thread_name(kRegionsTid, "regions"));
    events.push_back(thread_name(kCallsTid, "tracked calls"));
    events.push_back(thread_name(kFaultsTid, "faults"));

    std::vector<TimelineSlice> slices = paths.timeline();
    std::sort(slices.begin(), slices.end(), [](const TimelineSlice &a, const TimelineSlice &b) {
        return a.start_cycles != b.start_cycles ? a.start_cycles < b.start_cycles : a.order < b.order;
    });
    for (const TimelineSlice &s : slices) {
        const bool region = PathAccounting::is_region(s.entity);
        events.push_back(Json{{"name", paths.name_of(s.entity)},
                              {"cat", region ? "region" : "path"},
                              {"ph", "X"},
                              {"ts", micros(s.start_cycles)},
                              {"dur", micros(s.end_cycles - s.start_cycles)},
                              {"pid", kPid},
                              {"tid", region ? kRegionsTid : kCallsTid},
                              {"args", Json{{"start_cycles", s.start_cycles},
                                            {"cycles", s.end_cycles - s.start_cycles},
                                            {"failed", s.failed},
                                            {"unwound", s.unwound}}}});
    }
    std::vector<const ReportFault *> faults;
    for (const ReportFault &f : report.faults) faults.push_back(&f);
    std::stable_sort(faults.begin(), faults.end(),
                     [](const ReportFault *a, const ReportFault *b) { return a->cycles < b->cycles; });
    for (const ReportFault *f : faults) {
        char eip[16];
        std::snprintf(eip, sizeof eip, "0x%08x", f->eip);
        events.push_back(Json{{"name", f->kind},
                              {"cat", "fault"},
                              {"ph", "i"},
                              {"s", "g"},
                              {"ts", micros(f->cycles)},
                              {"pid", kPid},
                              {"tid", kFaultsTid},
                              {"args", Json{{"cycles", f->cycles}, {"eip", eip}, {"symbol", f->symbol}, {"detail", f->detail}}}});
    }
    auto dropped = [&](const char *what) {
        auto it = report.dropped.find(what);
        return it == report.dropped.end() ? uint64_t(0) : it->second;
    };
    uint64_t faults_dropped = 0;
    for (const auto &[what, n] : report.dropped)
        if (what.rfind("faults.", 0) == 0) faults_dropped += n;
    const Json other{{"schema", kTraceSchema},
                     {"board", board},
                     {"clock_mhz", report.totals.clock_mhz},
                     {"cycles", report.totals.cycles},
                     {"slices", slices.size()},
                     {"slices_dropped", dropped("timeline_slices")},
                     {"faults_dropped", faults_dropped}};
    return "{\"traceEvents\":" + std::move(events).close() + ",\"displayTimeUnit\":\"ns\",\"otherData\":" + dump(other) +
           "}\n";
}

} // namespace ia32emu
