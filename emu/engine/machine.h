// The PC board put together: engine, RAM, ROM, the port bus with its devices, PCI, and the kernel.
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emu/board/bar_layout.h"
#include "emu/board/board_config.h"
#include "emu/board/event_queue.h"
#include "emu/board/host_input.h"
#include "emu/board/multiboot_modules.h"
#include "emu/board/pci_bus.h"
#include "emu/board/physical_memory.h"
#include "emu/board/port_bus.h"
#include "emu/engine/engine.h"
#include "emu/introspect/kernel_image.h"
#include "emu/introspect/guest_memory.h"
#include "emu/introspect/kernel_hooks.h"
#include "emu/introspect/linux_image.h"
#include "emu/mmu/translation_fault_sink.h"
#include "emu/report/fault_log.h"
#include "emu/report/report.h"
#include "emu/timing/path_probes.h"
#include "emu/timing/timing_model.h"
#include "devices/bochs_display.h"
#include "devices/cmos_rtc.h"
#include "devices/dma_fault.h"
#include "devices/edu_dma.h"
#include "devices/exit_port.h"
#include "devices/magic_ops.h"
#include "devices/fw_cfg.h"
#include "devices/i8042.h"
#include "devices/pci_host_bridge.h"
#include "devices/pic8259.h"
#include "devices/piix_isa_bridge.h"
#include "devices/pit8254.h"
#include "devices/post_code_port.h"
#include "devices/system_port_b.h"
#include "devices/uart16550.h"
#include "devices/vga_text.h"

namespace ia32emu {

struct MachineOptions {
    BoardConfig board;
    std::filesystem::path kernel;
    std::string cmdline;              // Multiboot: what follows the kernel's path; Linux: all of it
    std::filesystem::path initrd;     // Linux bzImage only
    // Linux: the host unpacks the bzImage's payload and the firmware enters the kernel's own
    // startup_32, skipping the decompressor (--linux-decompress host).
    bool linux_unpacked_by_host = false;
    std::filesystem::path symbols;    // System.map-format listing, for kernels without a symbol table
    std::vector<uint8_t> firmware;    // 64 KiB ROM image
    std::function<void(uint8_t)> serial_sink;
    std::vector<uint8_t> serial_input;  // what arrives on COM1's receive line (--serial-in)
    std::string serial_input_source = "file";   // where serial_input came from: "file" or "stdin"
    // COM1's receive line carries what this delivers instead (keys typed at a terminal); the
    // engine waits for it when the guest halts, and its quit ends the run.
    HostInput *serial_terminal = nullptr;
    uint64_t max_instructions = 0;
    double timeout_seconds = 0;
    std::optional<std::chrono::steady_clock::time_point> started;   // see EngineSetup::started
    bool model_memory = true;         // caches and TLBs; off: static instruction costs only
    bool check_mmu = false;           // compare the model's translation with the engine's per access
    Instrumentation instrumentation = Instrumentation::Full;
    std::vector<std::string> extra_paths;
    std::string dma_api = "auto";     // auto, none, or a DMA API description file
    std::vector<ModuleSpec> modules;  // Multiboot modules, in order
    const std::atomic<int> *stop_signal = nullptr;   // see EngineSetup
    std::function<void()> tick;                      // see EngineSetup
    bool record_timeline = false;     // every completed call and region, for --trace
    bool record_folded = false;       // self cycles per call stack, for --folded
    size_t decoded_block_bytes = bounds::kDecodedBlockBytes;   // see EngineSetup
    uint64_t translations_per_block_hook = bounds::kTranslationsPerBlockHook;   // see EngineSetup
};

class Machine : public DmaFaultSink, public TranslationFaultSink {
public:
    // Throws ImageError for a kernel that cannot boot, std::runtime_error for host failures.
    explicit Machine(MachineOptions options);

    RunOutcome run();
    // Everything the run measured; host figures from the caller's wall clock.
    Report report(const RunOutcome &outcome, double wall_seconds) const;
    // The framebuffer as a PNG; false with `error` set when the display shows nothing.
    bool dump_framebuffer(const std::string &path, std::string &error) const;
    const VgaText &vga() const { return vga_; }

    void dma_rejected(const DmaFault &fault) override;
    void stale_tlb(uint32_t va, const StaleTranslation &stale) override;
    void mmu_mismatch(uint32_t va, uint64_t model_pa, uint64_t engine_pa) override;

    Engine &engine() { return engine_; }
    uint64_t modelled_cycles() const { return timing_.cycles(); }
    const PathAccounting &path_accounting() const { return probes_.accounting(); }

    // The firmware's memory map for this board, as the firmware hands it to the kernel.
    static std::vector<uint8_t> e820_table(uint64_t ram_bytes, uint64_t pci_hole_start);

private:
    // Where the kernel's segments and the modules go; throws for what the firmware would refuse.
    std::vector<LoadedModule> place_kernel_and_modules();
    // Brings the engine's memory map in line with bar_layout_ (emu/engine/bar_mapping.cpp).
    void remap_memory_bars();
    ReportFault dma_fault(const DmaFinding &f) const;
    bool dma_used() const;
    void hand_kernel_to_firmware();
    void hand_linux_to_firmware();
    void track_paths();
    void on_region(RegionOp op, uint32_t name_va);
    // A fault the timing model's checks or a region marker found, at the current EIP and cycle.
    void add_timing_fault(const char *kind, std::string detail);
    // Typed bytes for COM1's far end, up to bounds::kSerialBacklog waiting; the rest is counted.
    void take_typed_input(std::span<const uint8_t> bytes);

    MachineOptions options_;
    bool linux_;        // a bzImage, booted by the Linux boot protocol
    KernelImage image_; // Multiboot kernels: the file; Linux: empty, no symbols of its own
    // Hashed as the kernel is loaded: the report still says what ran if the file changes or goes.
    RunIdentity identity_;
    Engine engine_;
    TimingModel timing_;
    PathProbes probes_;
    // Faults of the timing model's checks and of region markers, bounded by kind.
    FaultLog timing_faults_;
    PhysicalMemory phys_;
    PortBus ports_;
    EventQueue events_;
    Pic8259 pic_;
    Pit8254 pit_;
    SystemPortB port_b_;
    Uart16550 uart_;
    CmosRtc rtc_;
    I8042 keyboard_controller_;
    PostCodePort post_code_;
    ExitPort exit_port_;
    FwCfg fw_cfg_;
    MagicOps magic_ops_;
    PciBus pci_;
    BarLayout bar_layout_;
    std::vector<BarFragment> mapped_bars_;   // what the engine maps now
    PciHostBridge host_bridge_;
    PiixIsaBridge isa_bridge_;
    BochsDisplay display_;
    EduDma edu_;
    VgaText vga_;

    GuestMemory guest_memory_;
    KernelHooks kernel_;
    uint64_t typed_bytes_dropped_ = 0;
};

// Reads a 64 KiB firmware image; throws ImageError naming the file.
std::vector<uint8_t> load_firmware(const std::filesystem::path &path);

} // namespace ia32emu
