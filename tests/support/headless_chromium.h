// Debian's Chromium as a test oracle: found in PATH, started headless with a private profile and
// driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands in on fd 3,
// replies and events out on fd 4, each one JSON text ended by a NUL byte), so no port is opened
// and nothing but the pages a test names is loaded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ia32emu::test {

// chromium (or chromium-browser) in PATH, if any; tools/bootstrap.sh installs it.
std::optional<std::filesystem::path> find_chromium();

class HeadlessChromium {
public:
    // Starts the browser with its profile and log (chromium.log) in profile_dir; throws when it
    // cannot start. Every later call fails rather than waits once `limit` has passed.
    HeadlessChromium(const std::filesystem::path &chromium, const std::filesystem::path &profile_dir,
                     std::chrono::seconds limit);
    // Asks the browser to close, then kills it (by its pid) if it has not exited in 10 s.
    ~HeadlessChromium();
    HeadlessChromium(const HeadlessChromium &) = delete;
    HeadlessChromium &operator=(const HeadlessChromium &) = delete;

    // Opens url in a new tab, waits for its load event and evaluates a JavaScript expression
    // there, awaiting it when it is a promise. Returns its value (JSON-serialisable); throws
    // std::runtime_error with the page's exception text when it throws or rejects.
    nlohmann::json evaluate_in(const std::string &url, const std::string &expression);

private:
    nlohmann::json command(const std::string &method, nlohmann::json params, const std::string &session = {});
    nlohmann::json wait_for_event(const std::string &method, const std::string &session);
    nlohmann::json next_message();
    [[noreturn]] void fail(const std::string &what) const;

    pid_t pid_ = -1;
    int to_browser_ = -1, from_browser_ = -1;
    std::filesystem::path log_;
    std::chrono::steady_clock::time_point deadline_;
    std::string inbox_;                     // bytes read but not yet split into messages
    std::vector<nlohmann::json> events_;    // events that arrived while a reply was awaited
    long next_id_ = 0;
};

} // namespace ia32emu::test
