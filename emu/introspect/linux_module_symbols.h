// The symbols of a Linux module as the kernel itself keeps them once it has loaded the module
// (what /proc/kallsyms lists as "fn [module]"), read from guest memory at do_init_module(mod), so
// that faults and backtraces in a module's code name its functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emu/introspect/elf_image.h"
#include "emu/introspect/guest_memory.h"

namespace ia32emu {

struct LinuxModuleSymbols {
    std::string module;            // empty when the struct module could not be read
    std::vector<Symbol> functions; // named "fn [module]"
};

// `module` is the struct module pointer do_init_module receives.
LinuxModuleSymbols read_linux_module_symbols(const GuestMemory &memory, uint32_t module);

} // namespace ia32emu
