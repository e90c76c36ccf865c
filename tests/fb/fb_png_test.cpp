// scenario=fb through --fb-dump: the PNG against the documented pattern and against QEMU's screendump.
#include "tests/support/guest_run.h"

#include "devices/abi/exit_port.h"

#include <png.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace ia32emu::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr unsigned kWidth = 640;
constexpr unsigned kHeight = 480;
constexpr std::string_view kDrawnLine = "fb: 640x480x32 pattern drawn";

struct Rgb {
    uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Rgb &) const = default;
};

std::string to_string(Rgb c) {
    char s[8];
    std::snprintf(s, sizeof s, "#%02x%02x%02x", c.r, c.g, c.b);
    return s;
}

struct Image {
    unsigned width = 0;
    unsigned height = 0;
    std::vector<uint8_t> rgb;   // rows top to bottom, 3 bytes a pixel
    Rgb at(unsigned x, unsigned y) const {
        const uint8_t *p = &rgb[(size_t(y) * width + x) * 3];
        return {p[0], p[1], p[2]};
    }
};

// The pattern guest/scenarios/fb.c documents, written from its description.
Rgb documented_pixel(unsigned x, unsigned y) {
    constexpr unsigned border = 2;
    if (x < border || y < border || x >= kWidth - border || y >= kHeight - border)
        return {255, 255, 255};
    if (y < 320) {
        static constexpr std::array<Rgb, 8> bars{{{255, 255, 255}, {255, 255, 0}, {0, 255, 255}, {0, 255, 0},
                                                  {255, 0, 255}, {255, 0, 0}, {0, 0, 255}, {0, 0, 0}}};
        return bars[x / 80];
    }
    const auto v = uint8_t(x * 255 / (kWidth - 1));
    switch ((y - 320) / 40) {
    case 0:
        return {v, 0, 0};
    case 1:
        return {0, v, 0};
    case 2:
        return {0, 0, v};
    default:
        return {v, v, v};
    }
}

// Reads any PNG as 8-bit RGB; the simplified API reports errors in the image, no longjmp needed.
std::optional<Image> read_png(const std::filesystem::path &path, std::string &error) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&png, path.c_str())) {
        error = "cannot read " + path.string() + ": " + png.message;
        return std::nullopt;
    }
    png.format = PNG_FORMAT_RGB;
    Image img{png.width, png.height, std::vector<uint8_t>(PNG_IMAGE_SIZE(png))};
    if (!png_image_finish_read(&png, nullptr, img.rgb.data(), 0, nullptr)) {
        error = "cannot decode " + path.string() + ": " + png.message;
        png_image_free(&png);
        return std::nullopt;
    }
    return img;
}

// A binary PPM (P6) with maxval 255, the format QEMU's screendump writes; comments are allowed.
std::optional<Image> read_ppm(const std::filesystem::path &path, std::string &error) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    size_t pos = 0;
    auto skip_space = [&] {
        while (pos < bytes.size()) {
            if (bytes[pos] == '#') {
                while (pos < bytes.size() && bytes[pos] != '\n')
                    ++pos;
            } else if (std::isspace(static_cast<unsigned char>(bytes[pos]))) {
                ++pos;
            } else {
                break;
            }
        }
    };
    auto number = [&]() -> std::optional<unsigned> {
        skip_space();
        if (pos >= bytes.size() || !std::isdigit(static_cast<unsigned char>(bytes[pos])))
            return std::nullopt;
        unsigned v = 0;
        while (pos < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[pos])) && v < 100000)
            v = v * 10 + unsigned(bytes[pos++] - '0');
        return v;
    };
    if (bytes.compare(0, 2, "P6") != 0) {
        error = path.string() + " is not a binary PPM (no P6 magic)";
        return std::nullopt;
    }
    pos = 2;
    auto w = number(), h = number(), maxval = number();
    if (!w || !h || !maxval || *maxval != 255 || pos >= bytes.size() ||
        !std::isspace(static_cast<unsigned char>(bytes[pos]))) {
        error = path.string() + ": malformed PPM header or a maxval other than 255";
        return std::nullopt;
    }
    ++pos;
    const size_t size = size_t(*w) * *h * 3;
    if (bytes.size() - pos != size) {
        error = path.string() + ": " + std::to_string(bytes.size() - pos) + " bytes of pixels, expected " +
                std::to_string(size);
        return std::nullopt;
    }
    return Image{*w, *h, std::vector<uint8_t>(bytes.begin() + std::ptrdiff_t(pos), bytes.end())};
}

// Compares two images; the message names the first differing pixel and how many differ.
::testing::AssertionResult same_pixels(const Image &got, const std::function<Rgb(unsigned, unsigned)> &want,
                                       unsigned width, unsigned height) {
    if (got.width != width || got.height != height)
        return ::testing::AssertionFailure() << "size " << got.width << "x" << got.height << ", expected " << width
                                             << "x" << height;
    size_t differing = 0;
    std::string first;
    for (unsigned y = 0; y < height; ++y) {
        for (unsigned x = 0; x < width; ++x) {
            if (got.at(x, y) == want(x, y))
                continue;
            if (differing++ == 0)
                first = "(" + std::to_string(x) + "," + std::to_string(y) + ") is " + to_string(got.at(x, y)) +
                        ", expected " + to_string(want(x, y));
        }
    }
    if (differing == 0)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << differing << " pixels differ; the first: " << first;
}

std::string read_text(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A QMP client over a unix socket: one JSON object a line each way, events skipped.
class Qmp {
public:
    ~Qmp() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    // Connects once QEMU has created the socket; QEMU creates it during startup.
    bool connect(const std::filesystem::path &socket_path, std::chrono::steady_clock::time_point deadline,
                 std::string &error) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (socket_path.string().size() >= sizeof addr.sun_path) {
            error = "socket path too long: " + socket_path.string();
            return false;
        }
        std::strcpy(addr.sun_path, socket_path.c_str());
        while (std::chrono::steady_clock::now() < deadline) {
            fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd_ < 0) {
                error = std::string("socket: ") + std::strerror(errno);
                return false;
            }
            if (::connect(fd_, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) == 0) {
                auto greeting = read_message(deadline, error);
                if (!greeting)
                    return false;
                if (!greeting->contains("QMP")) {
                    error = "no QMP greeting: " + greeting->dump();
                    return false;
                }
                return true;
            }
            ::close(fd_);
            fd_ = -1;
            std::this_thread::sleep_for(20ms);
        }
        error = "QEMU's QMP socket " + socket_path.string() + " did not accept a connection in time";
        return false;
    }

    // Sends a command and returns its "return" value; events that arrive first are skipped.
    std::optional<json> execute(const json &command, std::chrono::steady_clock::time_point deadline,
                                std::string &error) {
        const std::string line = command.dump() + "\n";
        if (::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) != ssize_t(line.size())) {
            error = "cannot send " + command.dump() + ": " + std::strerror(errno);
            return std::nullopt;
        }
        for (;;) {
            auto reply = read_message(deadline, error);
            if (!reply)
                return std::nullopt;
            if (reply->contains("return"))
                return (*reply)["return"];
            if (reply->contains("error")) {
                error = command.dump() + " failed: " + reply->dump();
                return std::nullopt;
            }
        }
    }

private:
    std::optional<json> read_message(std::chrono::steady_clock::time_point deadline, std::string &error) {
        for (;;) {
            size_t nl = buffer_.find('\n');
            if (nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                try {
                    return json::parse(line);
                } catch (const json::exception &) {
                    error = "QMP sent something that is not JSON: " + line;
                    return std::nullopt;
                }
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, int(left.count())) <= 0) {
                error = "no answer from QMP in time";
                return std::nullopt;
            }
            std::array<char, 4096> chunk;
            ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
            if (n <= 0) {
                error = "QMP connection closed";
                return std::nullopt;
            }
            buffer_.append(chunk.data(), size_t(n));
        }
    }

    int fd_ = -1;
    std::string buffer_;
};

// QEMU running scenario=fb with a bochs-display and no exit device: guest_exit() then finds nothing
// at the exit port and halts, so the drawn framebuffer stays on screen for the screendump.
class QemuDisplay {
public:
    QemuDisplay(const std::filesystem::path &qemu, const ScratchDir &dir)
        : serial_(dir.file("serial.txt")), socket_(dir.file("qmp.sock")) {
        std::vector<std::string> argv{qemu.string(), "-m", "1024", "-kernel", our_kernel().string(),
                                      "-append", "scenario=fb", "-display", "none",
                                      "-serial", "file:" + serial_.string(), "-monitor", "none", "-no-reboot",
                                      "-device", "bochs-display",
                                      "-qmp", "unix:" + socket_.string() + ",server=on,wait=off"};
        // The safety net ends QEMU if the test gives up before asking it to quit.
        runner_ = std::thread([this, argv] {
            try {
                result_ = run_process(argv, 60s);
            } catch (const std::exception &e) {
                result_.err = e.what();
            }
            finished_ = true;
        });
    }
    ~QemuDisplay() {
        if (connected_) {
            std::string ignored;
            qmp_.execute({{"execute", "quit"}}, std::chrono::steady_clock::now() + 10s, ignored);
        }
        runner_.join();
    }
    QemuDisplay(const QemuDisplay &) = delete;
    QemuDisplay &operator=(const QemuDisplay &) = delete;

    // Waits for the guest's "pattern drawn" line, then has QEMU write the screen to ppm.
    bool screendump(const std::filesystem::path &ppm, std::string &error) {
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        if (!qmp_.connect(socket_, deadline, error))
            return false;
        connected_ = true;
        if (!qmp_.execute({{"execute", "qmp_capabilities"}}, deadline, error))
            return false;
        while (read_text(serial_).find(std::string(kDrawnLine) + "\n") == std::string::npos) {
            if (finished_ || std::chrono::steady_clock::now() > deadline) {
                error = "the guest never printed `" + std::string(kDrawnLine) + "`; serial:\n" + read_text(serial_);
                return false;
            }
            std::this_thread::sleep_for(20ms);
        }
        return bool(qmp_.execute({{"execute", "screendump"}, {"arguments", {{"filename", ppm.string()}}}}, deadline,
                                 error));
    }

private:
    std::filesystem::path serial_;
    std::filesystem::path socket_;
    std::thread runner_;
    std::atomic<bool> finished_{false};
    ProcessResult result_;
    Qmp qmp_;
    bool connected_ = false;
};

// Runs scenario=fb on ia32emu with --fb-dump into dir and returns the decoded PNG.
std::optional<Image> ia32emu_dump(const ScratchDir &dir, std::string &error) {
    const auto png = dir.file("fb.png");
    auto run = run_ia32emu_args({"run", our_kernel().string(), "--cmdline", "scenario=fb", "--fb-dump", png.string()});
    if (run.exit_status != GUEST_EXIT_OK || run.out.find(std::string(kDrawnLine) + "\n") == std::string::npos) {
        error = "scenario=fb: " + run.describe() + "\n" + run.out;
        return std::nullopt;
    }
    return read_png(png, error);
}

class FbPngTest : public GuestTest {};

TEST_F(FbPngTest, DumpShowsTheDocumentedPattern) {
    ScratchDir dir;
    std::string error;
    auto img = ia32emu_dump(dir, error);
    ASSERT_TRUE(img) << error;
    EXPECT_TRUE(same_pixels(*img, documented_pixel, kWidth, kHeight));
}

TEST_F(FbPngTest, DumpOfADisabledDisplayFailsAndWritesNothing) {
    ScratchDir dir;
    const auto png = dir.file("never.png");
    auto run = run_ia32emu_args({"run", our_kernel().string(), "--cmdline", "scenario=boot", "--fb-dump", png.string()});
    EXPECT_EQ(run.exit_status, 2) << run.describe();
    const auto lines = run.err_lines();
    ASSERT_EQ(lines.size(), 1u) << "one line on stderr, got:\n" << run.err;
    EXPECT_NE(lines[0].find("--fb-dump"), std::string::npos) << lines[0];
    EXPECT_FALSE(std::filesystem::exists(png));
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "no partial or temporary file is left behind";
}

class FbQemuTest : public QemuTest {};

TEST_F(FbQemuTest, DumpMatchesQemuScreendumpPixelForPixel) {
    ScratchDir dir;
    const auto ppm = dir.file("qemu.ppm");
    std::string error;
    {
        QemuDisplay qemu(qemu_path_, dir);
        ASSERT_TRUE(qemu.screendump(ppm, error)) << error;
    }
    auto theirs = read_ppm(ppm, error);
    ASSERT_TRUE(theirs) << error;
    auto ours = ia32emu_dump(dir, error);
    ASSERT_TRUE(ours) << error;
    EXPECT_TRUE(same_pixels(*ours, [&](unsigned x, unsigned y) { return theirs->at(x, y); }, theirs->width,
                            theirs->height));
    // Both could be wrong the same way; QEMU's screen must also be the documented pattern.
    EXPECT_TRUE(same_pixels(*theirs, documented_pixel, kWidth, kHeight));
}

} // namespace
} // namespace ia32emu::test
