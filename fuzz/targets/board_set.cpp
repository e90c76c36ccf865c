// --set values: the input is one or more "key=value" assignments separated by NUL bytes (as argv
// entries are, so a value may hold a line break), applied in order to the default board, then
// validated, as a command line with several --set options is.
#include "fuzz/fuzz_target.h"

#include "emu/board/board_config.h"

IA32EMU_FUZZ_TARGET(board_set) {
    using namespace ia32emu;
    std::string_view text = fuzz::as_text(data, size);
    try {
        BoardConfig board = BoardConfig::defaults();
        while (!text.empty()) {
            const size_t end = text.find('\0');
            board.apply_override(text.substr(0, end));
            text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        }
        board.validate();
        for (const ParamDescriptor &p : BoardConfig::parameters()) (void)board.get(p.key);
    } catch (const ConfigError &e) {
        fuzz::expect_one_line(e);
    }
}
