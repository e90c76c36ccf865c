#include "emu/board/multiboot_modules.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "devices/abi/fw_cfg.h"
#include "emu/board/board_config.h"
#include "firmware/layout.h"

namespace ia32emu {
namespace {

constexpr uint64_t kPage = 4096;

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace

ModuleSpec parse_module_option(const std::string &value) {
    size_t comma = value.find(',');
    ModuleSpec m;
    m.file = value.substr(0, comma);
    m.cmdline = m.file.string();
    if (comma != std::string::npos && comma + 1 < value.size())
        m.cmdline += " " + value.substr(comma + 1);
    if (m.file.empty())
        throw ConfigError("--module '" + value + "': no file name");
    return m;
}

std::vector<ModuleSpec> parse_initrd_option(const std::string &value) {
    std::vector<std::string> items(1);
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == ',' && i + 1 < value.size() && value[i + 1] == ',') {
            items.back() += ',';
            ++i;
        } else if (value[i] == ',') {
            items.emplace_back();
        } else {
            items.back() += value[i];
        }
    }
    std::vector<ModuleSpec> specs;
    for (const std::string &item : items) {
        if (item.empty())
            throw ConfigError("--initrd '" + value + "': an empty module between commas");
        specs.push_back({item.substr(0, item.find(' ')), item});
    }
    return specs;
}

std::vector<LoadedModule> load_modules(const std::vector<ModuleSpec> &specs, uint64_t kernel_end, uint64_t ram_end) {
    if (specs.size() > FW_CFG_MAX_MODULES)
        throw ConfigError(std::to_string(specs.size()) + " Multiboot modules; the firmware takes at most " +
                          std::to_string(FW_CFG_MAX_MODULES));
    std::vector<LoadedModule> modules;
    uint64_t next = (kernel_end + kPage - 1) & ~(kPage - 1);
    size_t strings = 0;
    for (const ModuleSpec &spec : specs) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(spec.file, ec))
            throw ConfigError("module '" + spec.file.string() + "' does not exist or is not a regular file");
        const uint64_t size = std::filesystem::file_size(spec.file, ec);
        if (ec || size > ram_end || next + size > ram_end)
            throw ConfigError("module '" + spec.file.string() + "' (" + std::to_string(size) + " bytes at " + hex(next) +
                              ") does not fit in the board's RAM, which ends at " + hex(ram_end) +
                              "; give the board more memory.ram_size");
        std::ifstream in(spec.file, std::ios::binary);
        LoadedModule m{spec, {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()}, uint32_t(next)};
        if (!in.good() && !in.eof())
            throw ConfigError("cannot read module '" + spec.file.string() + "'");
        strings += spec.cmdline.size() + 1;
        if (strings > MOD_STRINGS_AREA_SIZE)
            throw ConfigError("module command lines take " + std::to_string(strings) +
                              " bytes with their NULs; the firmware takes at most " +
                              std::to_string(MOD_STRINGS_AREA_SIZE));
        next = (next + m.bytes.size() + kPage - 1) & ~(kPage - 1);
        modules.push_back(std::move(m));
    }
    return modules;
}

std::vector<uint8_t> module_table_item(const std::vector<LoadedModule> &modules) {
    std::vector<uint8_t> out(sizeof(uint32_t));
    const uint32_t count = uint32_t(modules.size());
    std::memcpy(out.data(), &count, sizeof count);
    for (const LoadedModule &m : modules) {
        fw_cfg_module e{m.load_addr, uint32_t(m.bytes.size()), uint32_t(m.spec.cmdline.size() + 1)};
        const auto *p = reinterpret_cast<const uint8_t *>(&e);
        out.insert(out.end(), p, p + sizeof e);
    }
    for (const LoadedModule &m : modules) {
        out.insert(out.end(), m.spec.cmdline.begin(), m.spec.cmdline.end());
        out.push_back(0);
    }
    return out;
}

std::vector<uint8_t> module_data_item(const std::vector<LoadedModule> &modules) {
    std::vector<uint8_t> out;
    for (const LoadedModule &m : modules)
        out.insert(out.end(), m.bytes.begin(), m.bytes.end());
    return out;
}

} // namespace ia32emu
