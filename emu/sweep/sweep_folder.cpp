// Point folders are the only state a sweep keeps: resuming, the Slurm tasks and collect all read
// them, so whatever ran a point (this process, a Slurm node) leaves the same files behind.
#include "emu/sweep/sweep_folder.h"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "emu/board/board_config.h"
#include "emu/report/report_json.h"
#include "emu/sweep/sweep_interrupt.h"
#include "emu/report/text_escape.h"

namespace ia32emu {

namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string &message) { throw SweepError(one_line("sweep: " + message)); }

std::optional<std::string> read_text(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text(const std::filesystem::path &path, std::string_view text) {
    try {
        write_file_atomically(path, text);
    } catch (const ReportError &e) {
        fail(std::string(e.what()).substr(std::string_view("report: ").size()));
    }
}

std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

const ParamDescriptor &descriptor(std::string_view key) {
    for (const ParamDescriptor &p : BoardConfig::parameters())
        if (p.key == key) return p;
    fail("unknown board key '" + std::string(key) + "'");
}

// The last line with text on it, which is where `ia32emu run` names what went wrong.
std::string last_line(const std::string &text) {
    size_t end = text.size();
    while (end > 0) {
        size_t begin = text.rfind('\n', end - 1);
        begin = begin == std::string::npos ? 0 : begin + 1;
        std::string line = text.substr(begin, end - begin);
        if (line.find_first_not_of(" \t\r\n") != std::string::npos) return line;
        if (begin == 0) break;
        end = begin - 1;
    }
    return "";
}

} // namespace

std::filesystem::path point_folder(const std::filesystem::path &sweep_dir, const std::string &id) {
    return sweep_dir / "points" / id;
}

std::vector<std::string> point_argv(const std::filesystem::path &binary, const SweepSpec &spec, const SweepPoint &point) {
    std::vector<std::string> argv = {binary.string(), "run", spec.kernel.string(), "--board", kPointBoard};
    if (!point.cmdline.empty()) argv.insert(argv.end(), {"--cmdline", point.cmdline});
    for (const std::string &fn : spec.extra_paths) argv.insert(argv.end(), {"--path", fn});
    if (spec.max_insns) argv.insert(argv.end(), {"--max-insns", std::to_string(spec.max_insns)});
    if (spec.timeout > 0) {
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, spec.timeout);
        argv.insert(argv.end(), {"--timeout", std::string(buf, ec == std::errc() ? end : buf)});
    }
    argv.insert(argv.end(), {"--report", kPointReport, "--serial", kPointSerial});
    return argv;
}

std::string point_board_file(const SweepPoint &point) {
    // One line per key: a key overridden twice (in [set] and swept) keeps its last value.
    std::vector<std::string> order;
    std::map<std::string, std::string> value_of;
    for (const std::string &o : point.overrides) {
        const size_t eq = o.find('=');
        std::string key = o.substr(0, eq), value = o.substr(eq + 1);
        if (!value_of.contains(key)) order.push_back(key);
        value_of[key] = value;
    }
    BoardConfig resolved = BoardConfig::load(point.board);
    const std::string base_name = resolved.name, base_description = resolved.description;
    for (const std::string &o : point.overrides) resolved.apply_override(o);
    resolved.validate();

    std::string text = "# Sweep point " + point.id + ", written by ia32emu sweep: its base board and overrides.\n";
    text += "base = " + toml_string(point.board) + "\n";
    // A board file is named and described after itself unless it says otherwise; a point's report
    // names its base board.
    if (!value_of.contains("board.name")) text += "board.name = " + toml_string(base_name) + "\n";
    if (!value_of.contains("board.description"))
        text += "board.description = " + toml_string(base_description) + "\n";
    for (const std::string &key : order) {
        const ParamDescriptor &p = descriptor(key);
        std::string literal;
        if (std::holds_alternative<U64Field>(p.field) || std::holds_alternative<U32Field>(p.field))
            literal = toml_string(value_of[key]);   // the loader reads size suffixes from strings
        else if (std::holds_alternative<BoolField>(p.field))
            literal = resolved.get(key);
        else if (auto real = std::get_if<RealField>(&p.field)) {
            char buf[64];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, (*real)(resolved));
            literal = std::string(buf, ec == std::errc() ? end : buf);
        } else
            literal = toml_string(resolved.get(key));
        text += key + " = " + literal + "\n";
    }
    return text;
}

std::string shell_command(const std::vector<std::string> &argv) {
    std::string line;
    for (const std::string &arg : argv) {
        if (!line.empty()) line += ' ';
        const bool plain = !arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                 "0123456789_-./=:,+@%") == std::string::npos;
        if (plain) {
            line += arg;
            continue;
        }
        line += '\'';
        for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
        line += '\'';
    }
    return line;
}

void write_manifest(const std::filesystem::path &sweep_dir, const SweepSpec &spec, const std::vector<SweepPoint> &points,
                    const std::vector<std::vector<std::string>> &argvs) {
    std::error_code ec;
    std::filesystem::create_directories(sweep_dir / "points", ec);
    if (ec) fail("cannot create " + (sweep_dir / "points").string() + ": " + ec.message());
    Json list = Json::array();
    for (size_t i = 0; i < points.size(); ++i) {
        Json params = Json::object();
        for (const auto &[k, v] : points[i].params) params[k] = v;
        list.push_back(Json{{"id", points[i].id}, {"params", std::move(params)}, {"argv", argvs[i]}});
    }
    Json manifest = {{"schema", kSweepSchema},
                     {"source", std::filesystem::absolute(spec.source, ec).string()},
                     {"parameters", spec.parameter_names()},
                     {"points", std::move(list)}};
    write_text(sweep_dir / "sweep.json", manifest.dump(1) + "\n");
}

SweepManifest read_manifest(const std::filesystem::path &sweep_dir) {
    const std::filesystem::path file = sweep_dir / "sweep.json";
    auto text = read_text(file);
    if (!text) fail(sweep_dir.string() + ": not a sweep folder (no readable sweep.json)");
    SweepManifest manifest;
    try {
        Json doc = Json::parse(*text);
        if (doc.at("schema") != kSweepSchema) fail(file.string() + ": not schema " + kSweepSchema);
        manifest.parameters = doc.at("parameters").get<std::vector<std::string>>();
        for (const Json &p : doc.at("points")) {
            PlannedPoint point;
            point.id = p.at("id").get<std::string>();
            for (const std::string &name : manifest.parameters)
                point.params.emplace_back(name, p.at("params").at(name).get<std::string>());
            point.argv = p.at("argv").get<std::vector<std::string>>();
            if (point.id.empty() || point.id.find_first_not_of("0123456789abcdef") != std::string::npos ||
                point.argv.empty())
                fail(file.string() + ": a point with a bad id or no command");
            manifest.points.push_back(std::move(point));
        }
    } catch (const nlohmann::json::exception &e) {
        fail(file.string() + ": " + e.what());
    }
    return manifest;
}

bool point_finished(const std::filesystem::path &folder, const std::vector<std::string> &argv,
                    const std::string &board_file) {
    auto command = read_text(folder / kPointCommand);
    auto board = read_text(folder / kPointBoard);
    return command && *command == shell_command(argv) + "\n" && board && *board == board_file &&
           read_status(folder).has_value();
}

void discard_partial_run(const std::filesystem::path &folder) {
    std::error_code ec;
    for (const char *name : {kPointStatus, kPointReport, kPointSerial, kPointStderr})
        std::filesystem::remove(folder / name, ec);
}

void prepare_point(const std::filesystem::path &folder, const std::vector<std::string> &argv,
                   const std::string &board_file) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) fail("cannot create " + folder.string() + ": " + ec.message());
    discard_partial_run(folder);
    write_text(folder / kPointBoard, board_file);
    write_text(folder / kPointCommand, shell_command(argv) + "\n");
}

pid_t start_point(const std::filesystem::path &folder, const std::vector<std::string> &argv) {
    std::vector<char *> args;
    for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    const std::string err_path = (folder / kPointStderr).string();
    pid_t pid = ::fork();
    if (pid < 0) fail(std::string("cannot start a point: fork: ") + std::strerror(errno));
    if (pid == 0) {
        // Only async-signal-safe calls between fork and exec.
        SweepInterrupt::unblock_in_child();
        int null_fd = ::open("/dev/null", O_RDWR);
        int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (null_fd < 0 || err_fd < 0 || ::chdir(folder.c_str()) != 0) ::_exit(127);
        ::dup2(null_fd, 0);
        ::dup2(null_fd, 1);
        ::dup2(err_fd, 2);
        ::execv(args[0], args.data());
        static const char msg[] = "ia32emu sweep: cannot execute the emulator\n";
        ssize_t ignored = ::write(2, msg, sizeof msg - 1);
        (void)ignored;
        ::_exit(127);
    }
    return pid;
}

bool stopped_by_request(int wait_status) {
    return WIFSIGNALED(wait_status) && (WTERMSIG(wait_status) == SIGINT || WTERMSIG(wait_status) == SIGTERM);
}

PointStatus record_status(const std::filesystem::path &folder, const std::string &id, int wait_status,
                          double wall_seconds) {
    PointStatus status;
    status.wall_seconds = wall_seconds;
    if (WIFEXITED(wait_status)) {
        status.exit_code = WEXITSTATUS(wait_status);
        status.ok = status.exit_code == 0;
    } else if (WIFSIGNALED(wait_status)) {
        status.signal = WTERMSIG(wait_status);
    }
    if (!status.ok) {
        std::string err = read_text(folder / kPointStderr).value_or("");
        status.message = last_line(err);
        if (status.message.empty())
            status.message = status.signal ? "killed by signal " + std::to_string(status.signal) + " (" +
                                                 strsignal(status.signal) + ")"
                                           : "exit status " + std::to_string(status.exit_code);
    }
    Json doc = {{"id", id},
                {"status", status.ok ? "ok" : "failed"},
                {"exit_code", status.exit_code},
                {"signal", status.signal},
                {"message", status.message},
                {"wall_seconds", wall_seconds}};
    write_text(folder / kPointStatus, doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return status;
}

std::optional<PointStatus> read_status(const std::filesystem::path &folder) {
    auto text = read_text(folder / kPointStatus);
    if (!text) return std::nullopt;
    try {
        Json doc = Json::parse(*text);
        PointStatus status;
        status.ok = doc.at("status") == "ok";
        status.exit_code = doc.at("exit_code").get<int>();
        status.signal = doc.at("signal").get<int>();
        status.message = doc.at("message").get<std::string>();
        status.wall_seconds = doc.at("wall_seconds").get<double>();
        return status;
    } catch (const nlohmann::json::exception &) {
        return std::nullopt;   // a torn or foreign file: the point has not finished
    }
}

} // namespace ia32emu
