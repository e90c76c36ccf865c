// Headless Chromium on a DevTools pipe: NUL-framed JSON both ways, replies matched by id, events
// kept until someone waits for them, a deadline on every read.
#include "tests/support/headless_chromium.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/support/child_pipes.h"
#include "tests/support/guest_run.h"

extern char **environ;

namespace ia32emu::test {
namespace {

using Json = nlohmann::json;

// The child's ends must land on fds 3 and 4; moved above both first, so that one dup2 cannot
// overwrite the other's source.
int above_four(int fd) {
    int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
    if (moved < 0)
        fail_errno("fcntl F_DUPFD_CLOEXEC", errno);
    return moved;
}

std::string tail_of(const std::filesystem::path &log) {
    std::string text = file_contents(log);
    return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

} // namespace

std::optional<std::filesystem::path> find_chromium() {
    const char *path = std::getenv("PATH");
    for (const char *name : {"chromium", "chromium-browser"}) {
        std::stringstream dirs(path ? path : "/usr/bin");
        std::string dir;
        while (std::getline(dirs, dir, ':'))
            if (!dir.empty() && ::access((std::filesystem::path(dir) / name).c_str(), X_OK) == 0)
                return std::filesystem::path(dir) / name;
    }
    return std::nullopt;
}

HeadlessChromium::HeadlessChromium(const std::filesystem::path &chromium, const std::filesystem::path &profile_dir,
                                   std::chrono::seconds limit)
    : log_(profile_dir / "chromium.log"), deadline_(std::chrono::steady_clock::now() + limit) {
    // A browser that dies mid-command must fail the test with its log, not kill the test binary.
    ::signal(SIGPIPE, SIG_IGN);
    std::filesystem::create_directories(profile_dir);
    Pipe commands, replies;
    const int child_in = above_four(commands.read_end), child_out = above_four(replies.write_end);
    SpawnActions fa;
    posix_spawn_file_actions_addopen(&fa.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa.actions, STDOUT_FILENO, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa.actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&fa.actions, child_in, 3);
    posix_spawn_file_actions_adddup2(&fa.actions, child_out, 4);
    const std::vector<std::string> argv{chromium.string(), "--headless=new", "--no-sandbox", "--disable-gpu",
                                        "--no-first-run", "--remote-debugging-pipe",
                                        "--user-data-dir=" + (profile_dir / "profile").string(), "about:blank"};
    std::vector<char *> cargv;
    for (const std::string &a : argv)
        cargv.push_back(const_cast<char *>(a.c_str()));
    cargv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0].c_str(), &fa.actions, nullptr, cargv.data(), environ);
    ::close(child_in);
    ::close(child_out);
    if (rc != 0)
        fail_errno("cannot start '" + argv[0] + "'", rc);
    to_browser_ = commands.write_end;
    from_browser_ = replies.read_end;
    commands.write_end = replies.read_end = -1;   // now owned here
}

HeadlessChromium::~HeadlessChromium() {
    const std::string close = Json{{"id", ++next_id_}, {"method", "Browser.close"}}.dump() + '\0';
    [[maybe_unused]] ssize_t ignored = ::write(to_browser_, close.data(), close.size());
    ::close(to_browser_);
    ::close(from_browser_);
    int status = 0;
    for (int waited_ms = 0; ::waitpid(pid_, &status, WNOHANG) == 0; waited_ms += 50) {
        if (waited_ms >= 10000) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void HeadlessChromium::fail(const std::string &what) const {
    throw std::runtime_error("chromium: " + what + "; its log ends: " + tail_of(log_));
}

Json HeadlessChromium::next_message() {
    for (;;) {
        if (const size_t end = inbox_.find('\0'); end != std::string::npos) {
            Json message = Json::parse(inbox_.substr(0, end));
            inbox_.erase(0, end + 1);
            return message;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            fail("no answer before the test's time limit");
        pollfd fd{from_browser_, POLLIN, 0};
        const int n = ::poll(&fd, 1, int(left.count()));
        if (n < 0 && errno != EINTR)
            fail_errno("poll", errno);
        if (n <= 0)
            continue;
        std::array<char, 65536> buf;
        const ssize_t got = ::read(from_browser_, buf.data(), buf.size());
        if (got == 0)
            fail("the browser closed its DevTools pipe");
        if (got < 0 && errno != EINTR)
            fail_errno("read from chromium", errno);
        if (got > 0)
            inbox_.append(buf.data(), size_t(got));
    }
}

Json HeadlessChromium::command(const std::string &method, Json params, const std::string &session) {
    const long id = ++next_id_;
    Json message{{"id", id}, {"method", method}, {"params", std::move(params)}};
    if (!session.empty())
        message["sessionId"] = session;
    const std::string bytes = message.dump() + '\0';
    for (size_t sent = 0; sent < bytes.size();) {
        const ssize_t n = ::write(to_browser_, bytes.data() + sent, bytes.size() - sent);
        if (n < 0 && errno != EINTR)
            fail(method + ": cannot write the command (" + std::strerror(errno) + ")");
        if (n > 0)
            sent += size_t(n);
    }
    for (;;) {
        Json reply = next_message();
        if (!reply.contains("id")) {
            events_.push_back(std::move(reply));
            continue;
        }
        if (reply["id"] != id)
            continue;
        if (reply.contains("error"))
            fail(method + " failed: " + reply["error"].dump());
        return reply["result"];
    }
}

Json HeadlessChromium::wait_for_event(const std::string &method, const std::string &session) {
    auto matches = [&](const Json &e) { return e.value("method", "") == method && e.value("sessionId", "") == session; };
    for (auto it = events_.begin(); it != events_.end(); ++it)
        if (matches(*it)) {
            Json event = std::move(*it);
            events_.erase(it);
            return event;
        }
    for (;;) {
        Json message = next_message();
        if (matches(message))
            return message;
    }
}

Json HeadlessChromium::evaluate_in(const std::string &url, const std::string &expression) {
    const std::string target = command("Target.createTarget", {{"url", "about:blank"}})["targetId"];
    const std::string session = command("Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"];
    command("Page.enable", Json::object(), session);
    const Json navigated = command("Page.navigate", {{"url", url}}, session);
    if (navigated.contains("errorText"))
        fail("cannot open " + url + ": " + navigated["errorText"].get<std::string>());
    wait_for_event("Page.loadEventFired", session);
    const Json evaluated = command(
        "Runtime.evaluate", {{"expression", expression}, {"awaitPromise", true}, {"returnByValue", true}}, session);
    if (evaluated.contains("exceptionDetails")) {
        const Json &details = evaluated["exceptionDetails"];
        const std::string text = details.contains("exception") && details["exception"].contains("description")
                                     ? details["exception"]["description"].get<std::string>()
                                     : details.value("text", std::string("an exception"));
        throw std::runtime_error("the page threw: " + text);
    }
    command("Target.closeTarget", {{"targetId", target}});
    return evaluated["result"].value("value", Json());
}

} // namespace ia32emu::test
