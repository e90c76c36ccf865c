// `ia32emu report` on a real bench run: the CSV carries the report's numbers with units in the
// header, and the HTML page renders in a real browser (Debian's Chromium, headless) with its plots
// and the measured numbers in them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <png.h>

#include "tests/support/guest_run.h"
#include "tests/support/headless_chromium.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;

size_t count(const std::string &text, const std::string &what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

std::vector<std::string> split(const std::string &line, char sep) {
    std::vector<std::string> out(1);
    for (char c : line) {
        if (c == sep)
            out.emplace_back();
        else
            out.back() += c;
    }
    return out;
}

// A bench run (one repetition per cell) shared by the tests.
class ReportCommand : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new ScratchDir;
        auto r = run_ia32emu_args({"run", our_kernel().string(), "--cmdline", "scenario=bench reps=1 slub_debug=-",
                                   "--report", dir_->file("bench.json").string()});
        ASSERT_EQ(r.exit_status, 0) << r.describe();
        report_ = new nlohmann::json(nlohmann::json::parse(file_contents(dir_->file("bench.json"))));
    }
    static void TearDownTestSuite() {
        delete report_;
        delete dir_;
    }
    static const nlohmann::json &region(const std::string &name) {
        for (const auto &r : (*report_)["regions"])
            if (r["name"] == name) return r;
        throw std::runtime_error("no region " + name);
    }
    static inline ScratchDir *dir_ = nullptr;
    static inline nlohmann::json *report_ = nullptr;
};

TEST_F(ReportCommand, CsvHasARowPerPathAndRegionWithUnits) {
    auto r = run_ia32emu_args({"report", dir_->file("bench.json").string(), "--csv"});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    const auto lines = r.out_lines();
    ASSERT_FALSE(lines.empty());
    const auto header = split(lines[0], ',');
    for (const char *column : {"cycles_mean [cycles/call]", "cycles_p50 [cycles/call]", "modelled_mean [us/call]",
                               "dtlb_misses [per call]", "cycles_total [cycles]"})
        EXPECT_NE(std::find(header.begin(), header.end(), column), header.end()) << column << " in " << lines[0];
    size_t called = 0;
    for (const char *kind : {"paths", "regions"})
        for (const auto &p : (*report_)[kind]) called += p["calls"].get<uint64_t>() > 0;
    size_t rows = 0;
    for (const auto &l : lines) rows += !l.empty();
    EXPECT_EQ(rows, called + 1);
    const auto p50_col = size_t(std::find(header.begin(), header.end(), "cycles_p50 [cycles/call]") - header.begin());
    const auto p99_col = size_t(std::find(header.begin(), header.end(), "cycles_p99 [cycles/call]") - header.begin());
    const auto fail_col = size_t(std::find(header.begin(), header.end(), "failures") - header.begin());
    bool seen = false, seen_failed = false;
    for (const auto &l : lines) {
        const auto cells = split(l, ',');
        if (cells.size() < 2 || cells[0] != "region") continue;
        if (cells[1] == "kmalloc/4096:alloc") {
            seen = true;
            EXPECT_EQ(cells[p50_col], std::to_string(region("kmalloc/4096:alloc")["cycles"]["p50"].get<uint64_t>()));
            EXPECT_EQ(cells[p99_col], "") << "one call: no p99";
        }
        if (cells[1] == "frag:get_free_pages/65536") {
            seen_failed = true;
            EXPECT_EQ(cells[fail_col], "1") << l;
        }
    }
    EXPECT_TRUE(seen && seen_failed) << r.out;
}

TEST_F(ReportCommand, SummaryByDefaultAndBadInputIsOneLine) {
    auto r = run_ia32emu_args({"report", dir_->file("bench.json").string()});
    EXPECT_EQ(r.exit_status, 0);
    // What ran first (hashes cut to 12 digits), then the summary.
    const auto &run = (*report_)["run"];
    const std::string ran = "ran: kernel " + our_kernel().string() + " (sha256 " +
                            run["kernel"]["sha256"].get<std::string>().substr(0, 12) +
                            "), cmdline 'scenario=bench reps=1 slub_debug=-', board pentium-m (sha256 " +
                            run["board"]["sha256"].get<std::string>().substr(0, 12) + ")\n";
    EXPECT_EQ(r.out.rfind(ran, 0), 0u) << r.out;
    EXPECT_EQ(r.out.find("ia32emu summary: "), ran.size()) << r.out;
    ScratchDir dir;
    for (const std::vector<std::string> &args :
         {std::vector<std::string>{"report", (dir.path() / "none.json").string()},
          std::vector<std::string>{"report", dir.write("x.json", "{\"schema\":\"other/1\"}").string()},
          std::vector<std::string>{"report", dir_->file("bench.json").string(), "--html", dir.path().string()}}) {
        auto bad = run_ia32emu_args(args);
        EXPECT_EQ(bad.exit_status, 2) << args[1];
        EXPECT_EQ(bad.err_lines().size(), 1u) << bad.err;
    }
}

struct Rgb {
    uint8_t r, g, b;
};

// Pixels of exactly this colour in a PNG screenshot.
size_t pixels_of(const fs::path &png, Rgb colour) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, png.c_str())) return 0;
    image.format = PNG_FORMAT_RGB;
    std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) return 0;
    size_t n = 0;
    for (size_t i = 0; i + 2 < pixels.size(); i += 3)
        n += pixels[i] == colour.r && pixels[i + 1] == colour.g && pixels[i + 2] == colour.b;
    return n;
}

TEST_F(ReportCommand, HtmlRendersInHeadlessChromium) {
    auto chromium = find_chromium();
    if (!chromium) GTEST_SKIP() << "chromium is not installed (tools/bootstrap.sh installs it)";
    ScratchDir dir;
    const fs::path page = dir.file("bench.html");
    auto r = run_ia32emu_args({"report", dir_->file("bench.json").string(), "--html", page.string()});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    const std::string html = file_contents(page);
    // Self-contained: nothing is fetched from anywhere.
    EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);

    const std::vector<std::string> browser{chromium->string(), "--headless=new", "--no-sandbox", "--disable-gpu",
                                           "--user-data-dir=" + (dir.path() / "profile").string(),
                                           "--enable-logging=stderr", "--v=0"};
    auto dom_args = browser;
    dom_args.insert(dom_args.end(), {"--dump-dom", "file://" + page.string()});
    auto dom = run_process(dom_args, std::chrono::seconds(120));
    ASSERT_EQ(dom.exit_status, 0) << dom.describe();
    EXPECT_EQ(dom.err.find(":CONSOLE("), std::string::npos) << "the page logged to the console: " << dom.err;

    // The DOM the browser built: one plot per phase of the bench cells, a point per cell that did
    // not fail, a mark per failed one, with the report's numbers.
    EXPECT_EQ(count(dom.out, "<svg class=\"plot\""), 4u) << "whole cell, :alloc, :touch, :free";
    size_t ok_cells = 0, failed_cells = 0;
    for (const auto &reg : (*report_)["regions"]) {
        const std::string name = reg["name"];
        // SERIES/SIZE or SERIES/SIZE:PHASE, SIZE in bytes (touch:direct/4M is not a size cell).
        const size_t slash = name.rfind('/');
        if (slash == std::string::npos) continue;
        const size_t digits_end = name.find_first_not_of("0123456789", slash + 1);
        if (digits_end == slash + 1 || (digits_end != std::string::npos && name[digits_end] != ':')) continue;
        if (reg["calls"].get<uint64_t>() == 0) continue;
        (reg["failures"].get<uint64_t>() ? failed_cells : ok_cells)++;
    }
    EXPECT_EQ(count(dom.out, "<circle class=\"point\""), ok_cells);
    EXPECT_EQ(count(dom.out, "<text class=\"failed\""), failed_cells);
    EXPECT_GT(failed_cells, 0u) << "the fragmented phase fails high orders";
    const auto p50 = region("vmalloc/32:alloc")["cycles"]["p50"].get<uint64_t>();
    EXPECT_NE(dom.out.find("data-cell=\"vmalloc/32:alloc\" data-p50=\"" + std::to_string(p50) + "\""),
              std::string::npos);
    EXPECT_NE(dom.out.find("<polyline class=\"series\" data-series=\"kmalloc\""), std::string::npos);
    EXPECT_NE(dom.out.find("pentium-m"), std::string::npos) << "the board is shown";
    EXPECT_NE(dom.out.find("<code>" + (*report_)["run"]["kernel"]["sha256"].get<std::string>() + "</code>"),
              std::string::npos)
        << "what ran is shown";

    // And drawn: the first two series' colours cover real area in a screenshot.
    auto shot_args = browser;
    const fs::path shot = dir.file("shot.png");
    shot_args.insert(shot_args.end(),
                     {"--window-size=1200,1600", "--screenshot=" + shot.string(), "file://" + page.string()});
    auto s = run_process(shot_args, std::chrono::seconds(120));
    ASSERT_EQ(s.exit_status, 0) << s.describe();
    EXPECT_GT(pixels_of(shot, {0x1f, 0x77, 0xb4}), 300u) << "kmalloc's line and points";
    EXPECT_GT(pixels_of(shot, {0xd6, 0x27, 0x28}), 300u) << "get_free_pages' line and points";
}

} // namespace
} // namespace ia32emu::test
