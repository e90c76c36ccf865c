// The PC board put together: engine, RAM, ROM, the port bus with its devices, PCI, and the kernel.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "emu/board/board_config.h"
#include "emu/board/pci_bus.h"
#include "emu/board/physical_memory.h"
#include "emu/board/port_bus.h"
#include "emu/engine/engine.h"
#include "emu/introspect/elf_image.h"
#include "devices/exit_port.h"
#include "devices/fw_cfg.h"
#include "devices/pci_host_bridge.h"
#include "devices/uart16550.h"

namespace ia32emu {

struct MachineOptions {
    BoardConfig board;
    std::filesystem::path kernel;
    std::string cmdline;              // what follows the kernel's path on the Multiboot command line
    std::vector<uint8_t> firmware;    // 64 KiB ROM image
    std::function<void(uint8_t)> serial_sink;
    uint64_t max_instructions = 0;
    double timeout_seconds = 0;
};

class Machine {
public:
    // Throws ImageError for a kernel that cannot boot, std::runtime_error for host failures.
    explicit Machine(MachineOptions options);

    RunOutcome run();

    Engine &engine() { return engine_; }
    const ElfImage &image() const { return image_; }
    const BoardConfig &board() const { return options_.board; }
    PortBus &ports() { return ports_; }
    PciBus &pci() { return pci_; }
    PhysicalMemory &physical_memory() { return phys_; }

    // The firmware's memory map for this board, as the firmware hands it to the kernel.
    static std::vector<uint8_t> e820_table(uint64_t ram_bytes, uint64_t pci_hole_start);

private:
    void check_segments() const;

    MachineOptions options_;
    ElfImage image_;
    Engine engine_;
    PhysicalMemory phys_;
    PortBus ports_;
    Uart16550 uart_;
    ExitPort exit_port_;
    FwCfg fw_cfg_;
    PciBus pci_;
    PciHostBridge host_bridge_;
};

// Reads a 64 KiB firmware image; throws ImageError naming the file.
std::vector<uint8_t> load_firmware(const std::filesystem::path &path);

} // namespace ia32emu
