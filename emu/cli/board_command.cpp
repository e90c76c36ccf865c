// The parameter table is the one place parameters are declared, so this listing is complete by
// construction; the values are those a run with the same --board and --set would use.
#include "emu/cli/board_command.h"

#include <cstdio>

#include "emu/board/board_config.h"

namespace ia32emu {

int board_command(const std::string &board, const std::vector<std::string> &overrides) {
    try {
        BoardConfig config = BoardConfig::load(board);
        for (const std::string &o : overrides)
            config.apply_override(o);
        config.validate();
        std::printf("# board %s: %s\n", config.name.c_str(), config.description.c_str());
        std::printf("# key = value # [unit] meaning {from: the board file, its line and the sources its comment "
                    "cites, --set, or default: the value the parameter table gives}\n");
        for (const ParamDescriptor &p : BoardConfig::parameters()) {
            std::string key(p.key), unit(p.unit), description(p.description);
            auto from = config.provenance.find(key);
            std::printf("%-28s = %-24s # %s%s%s {from: %s}\n", key.c_str(), config.get(p.key).c_str(),
                        unit.empty() ? "" : "[", unit.empty() ? "" : (unit + "] ").c_str(), description.c_str(),
                        from == config.provenance.end() ? "default" : from->second.c_str());
        }
        return 0;
    } catch (const ConfigError &e) {
        std::fprintf(stderr, "ia32emu: %s\n", e.what());
        return 2;
    }
}

} // namespace ia32emu
