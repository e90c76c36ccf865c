// A board file (--board FILE): TOML with base inheritance, every key checked, then validated.
#include "fuzz/fuzz_target.h"

#include "emu/board/board_config.h"

IA32EMU_FUZZ_TARGET(board_file) {
    using namespace ia32emu;
    try {
        const BoardConfig board = BoardConfig::parse(fuzz::as_text(data, size), "fuzz.toml");
        (void)board.to_json().dump();
    } catch (const ConfigError &e) {
        fuzz::expect_one_line(e);
    }
}
