// OpenSSL's SHA-256: the same digest sha256sum prints, so a user can check a report's kernel by hand.
#include "emu/report/run_identity.h"

#include <array>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <openssl/evp.h>

namespace ia32emu {

std::string sha256_hex(std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 15];
    }
    return hex;
}

RunIdentity identify_run(const std::filesystem::path &kernel, std::string_view cmdline,
                         const nlohmann::ordered_json &board) {
    std::ifstream in(kernel, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the kernel '" + kernel.string() + "' to hash it");
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    RunIdentity id;
    id.kernel_path = kernel.string();
    id.kernel_sha256 = sha256_hex(bytes);
    id.kernel_bytes = bytes.size();
    id.cmdline = cmdline;
    id.board_name = board.contains("board") && board["board"].contains("name") ? board["board"]["name"].get<std::string>() : "";
    id.board_sha256 = sha256_hex(board.dump());
    return id;
}

void record_payload(RunIdentity &id, const std::vector<std::span<const uint8_t>> &files) {
    std::string digests;
    for (std::span<const uint8_t> file : files)
        digests += sha256_hex({reinterpret_cast<const char *>(file.data()), file.size()}) + "\n";
    id.payload_files = files.size();
    id.payload_sha256 = files.empty() ? "" : sha256_hex(digests);
}

void record_serial_input(RunIdentity &id, const std::string &source, std::span<const uint8_t> bytes) {
    id.serial_input = source;
    id.serial_input_bytes = bytes.size();
    id.serial_input_sha256 =
        source.empty() || source == "terminal" ? "" : sha256_hex({reinterpret_cast<const char *>(bytes.data()), bytes.size()});
}

} // namespace ia32emu
