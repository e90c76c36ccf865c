// What a report was measured on, taken from the run's inputs: the kernel's bytes and the board's
// resolved parameters hashed with SHA-256, so that reports from different folders or machines
// still compare when they ran the same thing.
#pragma once

#include <filesystem>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "emu/report/report.h"

namespace ia32emu {

// std::runtime_error naming the kernel when its file cannot be read.
RunIdentity identify_run(const std::filesystem::path &kernel, std::string_view cmdline,
                         const nlohmann::ordered_json &board);

// The initrd and modules as the machine loaded them, in load order: hashed from those bytes so
// that they are read once, through the loader's own bounds.
void record_payload(RunIdentity &id, const std::vector<std::span<const uint8_t>> &files);

// What COM1's receive line carried: `source` is "file" or "stdin" with its bytes, "terminal" for
// interactive input (no bytes are known up front), empty for none.
void record_serial_input(RunIdentity &id, const std::string &source, std::span<const uint8_t> bytes);

// The SHA-256 of bytes as lower-case hex, as sha256sum prints it.
std::string sha256_hex(std::string_view bytes);

} // namespace ia32emu
