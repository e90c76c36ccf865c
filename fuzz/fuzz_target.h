// One fuzz target per parser of untrusted input. The same source builds two ways: with libFuzzer
// (`make fuzz`, clang, IA32EMU_LIBFUZZER defined) as the fuzzer's entry point, and without it into
// ia32emu_fuzz_replay, which replays the committed corpus and regression inputs as a ctest, so
// every CI run (and the ASan/UBSan build) goes over what fuzzing found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace ia32emu::fuzz {

using TargetFunction = void (*)(const uint8_t *data, size_t size);

// The targets linked into the replay binary, by name.
std::map<std::string, TargetFunction> &targets();

struct Registration {
    Registration(const char *name, TargetFunction function) { targets()[name] = function; }
};

// What the parsers promise for bad input: an exception of their documented type whose message is
// one non-empty line (no line feed or carriage return). Anything else is a finding, so this
// aborts (the fuzzer's crash).
void expect_one_line(const std::exception &error);

// A folder of this process under the temporary folder, removed at exit, for targets whose parser
// reads files by path.
const std::filesystem::path &scratch_folder();

// The input as text (parsers of text files take a string_view).
inline std::string_view as_text(const uint8_t *data, size_t size) {
    return {reinterpret_cast<const char *>(data), size};
}

} // namespace ia32emu::fuzz

#ifdef IA32EMU_LIBFUZZER
#define IA32EMU_FUZZ_TARGET(name)                                                           \
    static void fuzz_target_body(const uint8_t *data, size_t size);                         \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {               \
        fuzz_target_body(data, size);                                                       \
        return 0;                                                                           \
    }                                                                                       \
    static void fuzz_target_body(const uint8_t *data, size_t size)
#else
#define IA32EMU_FUZZ_TARGET(name)                                                           \
    static void fuzz_target_body(const uint8_t *data, size_t size);                         \
    static const ::ia32emu::fuzz::Registration fuzz_registration(#name, fuzz_target_body);  \
    static void fuzz_target_body(const uint8_t *data, size_t size)
#endif
