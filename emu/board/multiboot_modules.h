// Multiboot modules as GRUB's `module` and QEMU's -initrd give them: files copied into RAM above
// the kernel, each page-aligned, with a command line that starts with the file's path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ia32emu {

struct ModuleSpec {
    std::filesystem::path file;
    std::string cmdline;   // what the kernel sees: the path, then the arguments if any
};

// `--module FILE[,ARGS]`: the first comma separates the file from its arguments.
ModuleSpec parse_module_option(const std::string &value);
// QEMU's `-initrd "FILE ARGS,FILE2"`: modules separated by commas (",," is a literal comma), the
// file name ending at the first space; the whole item is the module's command line, as in QEMU.
std::vector<ModuleSpec> parse_initrd_option(const std::string &value);

struct LoadedModule {
    ModuleSpec spec;
    std::vector<uint8_t> bytes;
    uint32_t load_addr = 0;
};

// Reads the files and places them from `kernel_end` upward, each at a page boundary; the last
// must end inside the same usable RAM range ([ram_base, ram_end)). Throws ConfigError naming the
// module for a missing or unreadable file, too many modules, or modules that do not fit.
std::vector<LoadedModule> load_modules(const std::vector<ModuleSpec> &specs, uint64_t kernel_end, uint64_t ram_end);

// The firmware's FW_CFG_MODULES and FW_CFG_MODULE_DATA items (devices/abi/fw_cfg.h).
std::vector<uint8_t> module_table_item(const std::vector<LoadedModule> &modules);
std::vector<uint8_t> module_data_item(const std::vector<LoadedModule> &modules);

} // namespace ia32emu
