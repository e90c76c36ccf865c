// The --trace file read by a consumer we did not write: the trace engine of Chrome DevTools' Performance
// panel (the code that runs when a JSON trace is loaded there), as Debian's Chromium ships it under
// devtools://devtools/bundled/. Perfetto's UI and trace processor are neither Debian nor npm packages,
// so they cannot run offline; DevTools reads the same trace-event JSON. The engine must import the
// trace of a real run without an error, hold one slice per call the report counts, nest them as the
// report's callee counts say, and place them on the modelled timeline.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/guest_run.h"
#include "tests/support/headless_chromium.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Parses the trace as the Performance panel does after reading a file (its trace events and
// metadata into a model with every handler), then summarises each thread's tree of entries:
// entries per name and parent-child edges "PARENT > CHILD" (a root's parent is "").
constexpr const char *kProbe = R"JS(
(async () => {
  const Trace = await import('./models/trace/trace.js');
  const file = TRACE_FILE;
  const model = Trace.TraceModel.Model.createWithAllHandlers();
  await model.parse(file.traceEvents, {metadata: file.metadata ?? {}, isFreshRecording: false});
  const parsed = model.parsedTrace(0);
  const threads = [];
  for (const [pid, process] of parsed.data.Renderer.processes) {
    for (const [tid, thread] of process.threads) {
      const names = {}, edges = {};
      let nodes = 0;
      const visit = (node, parent) => {
        ++nodes;
        names[node.entry.name] = (names[node.entry.name] ?? 0) + 1;
        const edge = (parent ? parent.entry.name : '') + ' > ' + node.entry.name;
        edges[edge] = (edges[edge] ?? 0) + 1;
        for (const child of node.children) visit(child, node);
      };
      for (const root of thread.tree?.roots ?? []) visit(root, null);
      threads.push({pid, tid, name: thread.name, entries: thread.entries.length, nodes, names, edges});
    }
  }
  const warnings = {};
  for (const [kind, events] of parsed.data.Warnings.perWarning ?? new Map()) warnings[kind] = events.length;
  return {threads, warnings, bounds: parsed.data.Meta.traceBounds};
})()
)JS";

Json parse_in_devtools(const fs::path &chromium, const std::string &trace_text, const fs::path &profile) {
    std::string probe = kProbe;
    const std::string placeholder = "TRACE_FILE";
    probe.replace(probe.find(placeholder), placeholder.size(), trace_text);
    HeadlessChromium browser(chromium, profile, std::chrono::seconds(120));
    return browser.evaluate_in("devtools://devtools/bundled/devtools_app.html", probe);
}

const Json *thread_named(const Json &parsed, const std::string &name) {
    for (const Json &t : parsed["threads"])
        if (t["name"] == name) return &t;
    return nullptr;
}

uint64_t count_of(const Json &counts, const std::string &key) {
    return counts.contains(key) ? counts[key].get<uint64_t>() : 0;
}

// Every call the report counts is one entry on its thread, and each entry sits directly under the
// one the report attributes it to (a callee of the same kind), or at the top.
void expect_thread_matches(const Json &thread, const Json &entities) {
    uint64_t calls = 0;
    std::map<std::string, uint64_t> nested;   // callee -> calls counted under another entity of this kind
    std::map<std::string, bool> of_this_kind;
    for (const Json &e : entities) of_this_kind[e["name"]] = true;
    for (const Json &e : entities) {
        const std::string name = e["name"];
        calls += e["calls"].get<uint64_t>();
        EXPECT_EQ(count_of(thread["names"], name), e["calls"].get<uint64_t>()) << name;
        for (const Json &callee : e["callees"]) {
            if (!of_this_kind.count(callee["name"])) continue;
            EXPECT_EQ(count_of(thread["edges"], name + " > " + callee["name"].get<std::string>()),
                      callee["calls"].get<uint64_t>())
                << name << " > " << callee["name"];
            nested[callee["name"]] += callee["calls"].get<uint64_t>();
        }
    }
    for (const Json &e : entities) {
        const std::string name = e["name"];
        EXPECT_EQ(count_of(thread["edges"], " > " + name), e["calls"].get<uint64_t>() - nested[name]) << "top-level " << name;
    }
    EXPECT_EQ(thread["nodes"].get<uint64_t>(), calls);
    EXPECT_EQ(thread["entries"].get<uint64_t>(), calls) << "entries the engine kept out of its tree";
}

TEST(TraceInDevTools, BenchTraceImportsWithEveryCallNestedAsReported) {
    const auto chromium = find_chromium();
    if (!chromium) GTEST_SKIP() << "chromium is not installed (tools/bootstrap.sh installs it)";
    ScratchDir dir;
    auto r = run_ia32emu_args({"run", our_kernel().string(), "--cmdline", "scenario=bench reps=1 slub_debug=-", "--report",
                               dir.file("bench.json").string(), "--trace", dir.file("bench.trace.json").string()});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    const Json report = Json::parse(file_contents(dir.file("bench.json")));
    const std::string trace_text = file_contents(dir.file("bench.trace.json"));
    const Json trace = Json::parse(trace_text);

    Json parsed;
    try {
        parsed = parse_in_devtools(*chromium, trace_text, dir.file("chromium"));
    } catch (const std::exception &e) {
        FAIL() << "DevTools could not import the trace: " << e.what();
    }
    EXPECT_TRUE(parsed["warnings"].empty()) << parsed["warnings"];

    const Json *regions = thread_named(parsed, "regions"), *calls = thread_named(parsed, "tracked calls");
    ASSERT_TRUE(regions && calls) << parsed["threads"];
    expect_thread_matches(*regions, report["regions"]);
    expect_thread_matches(*calls, report["paths"]);

    // What the bench scenario's code does, seen in the consumer's tree: each phase inside its
    // cell, and vmalloc taking its pages from the page allocator inside its own call.
    EXPECT_EQ(count_of((*regions)["edges"], "vmalloc/65536 > vmalloc/65536:alloc"), 1u);
    EXPECT_EQ(count_of((*regions)["edges"], " > vmalloc/65536"), 1u);
    EXPECT_GE(count_of((*calls)["edges"], "vmalloc > alloc_pages"), 16u) << (*calls)["edges"];

    // On the modelled timeline: from the first slice's start to the last one's end, in microseconds.
    uint64_t first = std::numeric_limits<uint64_t>::max(), last = 0;
    for (const Json &e : trace["traceEvents"]) {
        if (e["ph"] != "X") continue;
        first = std::min<uint64_t>(first, e["args"]["start_cycles"]);
        last = std::max<uint64_t>(last, e["args"]["start_cycles"].get<uint64_t>() + e["args"]["cycles"].get<uint64_t>());
    }
    const double mhz = report["totals"]["clock_mhz"];
    EXPECT_NEAR(parsed["bounds"]["min"].get<double>(), double(first) / mhz, 1e-3);
    EXPECT_NEAR(parsed["bounds"]["max"].get<double>(), double(last) / mhz, 1e-3);
}

} // namespace
} // namespace ia32emu::test
