// What our firmware refuses about the board and the command line, checked by the host before the
// guest runs so that the user gets one line on stderr rather than a firmware message on COM1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emu/board/board_config.h"
#include "emu/board/pci_function.h"

namespace ia32emu {

// The Multiboot command line (kernel path, a space, --cmdline) must fit the firmware's hand-off
// area with its NUL; throws ConfigError otherwise.
void check_cmdline_fits(const std::string &cmdline);

// The firmware places memory BARs largest first, naturally aligned, upward from the PCI hole's
// start and below the I/O APIC (firmware/pci_setup.c); throws ConfigError, naming the BAR and the
// key to change, when they would not fit.
void check_memory_bars_fit(const std::vector<std::pair<std::string, const PciFunction *>> &functions,
                           uint64_t pci_hole_start);

} // namespace ia32emu
