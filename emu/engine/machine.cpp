// Board assembly: which device sits where, what the firmware is told, and where the run stops.
#include "emu/engine/machine.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "emu/bounds/host_bounds.h"
#include "emu/introspect/linux_payload.h"
#include "emu/introspect/symbol_map.h"
#include "emu/report/run_identity.h"
#include "emu/report/timing_fault_texts.h"
#include "emu/report/timing_report.h"
#include "devices/abi/cmos_rtc.h"
#include "devices/abi/exit_port.h"
#include "devices/abi/fw_cfg.h"
#include "devices/abi/i8042.h"
#include "devices/abi/magic_ops.h"
#include "devices/abi/pic8259.h"
#include "devices/abi/pit8254.h"
#include "devices/abi/uart16550.h"
#include "devices/abi/vga.h"
#include "emu/board/firmware_limits.h"

namespace ia32emu {
namespace {

EngineSetup engine_setup(const MachineOptions &o) {
    EngineSetup s;
    // A 32-bit board without remapping: RAM that would lie in the PCI hole is not there.
    s.ram_bytes = std::min(o.board.memory.ram_size, o.board.memory.pci_hole_start);
    s.rom = o.firmware;
    s.cpu = o.board.cpu;
    s.costs = o.board.cost;
    s.core = o.board.core;
    s.decoded_block_bytes = o.decoded_block_bytes;
    s.translations_per_block_hook = o.translations_per_block_hook;
    s.max_instructions = o.max_instructions;
    s.timeout_seconds = o.timeout_seconds;
    s.started = o.started;
    s.instrumentation = o.instrumentation;
    s.stop_signal = o.stop_signal;
    s.tick = o.tick;
    return s;
}

// QEMU puts -device bochs-display and -device edu in the first free slots after its own; any
// slot works since guests enumerate.
constexpr unsigned kDisplaySlot = 2;
constexpr unsigned kEduSlot = 3;

constexpr uint64_t kFirmwareTables = 0x20000;
// Where the Linux hand-off goes: clear of the firmware's low-memory areas (firmware/layout.h) and
// below the 1 MiB the kernel reserves for itself early.
constexpr uint32_t kLinuxBootParams = 0x10000;
constexpr uint32_t kLinuxCmdline = 0x20000;
constexpr uint64_t kPciHoleEnd = 0xFEC00000;   // the I/O APIC and the ROM sit above
constexpr uint64_t kBiosFlashBase = 0xFFFC0000;

void append_entry(std::vector<uint8_t> &out, uint64_t base, uint64_t length, uint32_t type) {
    fw_cfg_e820_entry e{base, length, type};
    const auto *p = reinterpret_cast<const uint8_t *>(&e);
    out.insert(out.end(), p, p + sizeof e);
}

KernelImage kernel_image(const MachineOptions &o, bool linux) {
    KernelImage image = linux ? KernelImage() : KernelImage::load(o.kernel);
    if (o.symbols.empty())
        return image;
    // KASLR moves a Linux kernel away from the addresses its symbol listing was made for.
    if (linux && (" " + o.cmdline + " ").find(" nokaslr ") == std::string::npos)
        throw ImageError("--symbols with a Linux kernel needs \"nokaslr\" in --cmdline: KASLR would move the "
                         "kernel away from the listed addresses");
    image.set_symbols(load_symbol_map(o.symbols));
    return image;
}

std::vector<fw_cfg_e820_entry> e820_entries(const std::vector<uint8_t> &table) {
    std::vector<fw_cfg_e820_entry> out;
    for (size_t off = sizeof(uint32_t); off + sizeof(fw_cfg_e820_entry) <= table.size();
         off += sizeof(fw_cfg_e820_entry)) {
        fw_cfg_e820_entry e;
        std::memcpy(&e, table.data() + off, sizeof e);
        out.push_back(e);
    }
    return out;
}

std::vector<uint8_t> read_file(const std::filesystem::path &path, const char *what) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw ImageError(std::string(what) + " '" + path.string() + "' does not exist or is not a regular file");
    if (std::filesystem::file_size(path, ec) > (512ull << 20))
        throw ImageError(std::string(what) + " '" + path.string() + "' is larger than 512 MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ImageError(std::string("cannot open ") + what + " '" + path.string() + "'");
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

std::vector<uint8_t> load_firmware(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ImageError("cannot open firmware image '" + path.string() + "' (build it with `make build`)");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() != 0x10000)
        throw ImageError("firmware image '" + path.string() + "' is " + std::to_string(bytes.size()) +
                         " bytes; a 64 KiB ROM is required");
    return bytes;
}

// The same map SeaBIOS gives a QEMU guest of this RAM size, plus the PCI hole, so that our kernel
// prints the same memory map under both.
std::vector<uint8_t> Machine::e820_table(uint64_t ram_bytes, uint64_t pci_hole_start) {
    uint64_t low_end = std::min(ram_bytes, pci_hole_start);
    std::vector<uint8_t> table(sizeof(uint32_t), 0);
    uint32_t count = 0;
    auto add = [&](uint64_t base, uint64_t length, uint32_t type) {
        append_entry(table, base, length, type);
        ++count;
    };
    add(0, 0x9FC00, E820_RAM);
    add(0x9FC00, 0x400, E820_RESERVED);
    add(0xF0000, 0x10000, E820_RESERVED);
    // SeaBIOS keeps its tables in the top 128 KiB of low RAM and reserves them.
    add(0x100000, low_end - 0x100000 - kFirmwareTables, E820_RAM);
    add(low_end - kFirmwareTables, kFirmwareTables, E820_RESERVED);
    add(pci_hole_start, kPciHoleEnd - pci_hole_start, E820_RESERVED);
    add(kBiosFlashBase, 0x100000000ull - kBiosFlashBase, E820_RESERVED);
    for (unsigned i = 0; i < sizeof count; ++i)
        table[i] = uint8_t(count >> (8 * i));
    return table;
}

Machine::Machine(MachineOptions options)
    : options_(std::move(options)),
      linux_(is_linux_bzimage(options_.kernel)),
      image_(kernel_image(options_, linux_)),
      identity_(identify_run(options_.kernel, options_.cmdline, options_.board.to_json())),
      engine_(engine_setup(options_)),
      timing_(options_.board.timing_params(), engine_.ram(), engine_.ram_size(), engine_, *this),
      probes_(timing_, engine_),
      phys_(engine_.ram(), engine_.ram_size(),
            PhysicalMemory::pc_ram_ranges(options_.board.memory.ram_size, options_.board.memory.pci_hole_start)),
      pit_([this] { return engine_.now(); }, uint64_t(options_.board.cpu.clock_mhz) * 1'000'000, events_,
           pic_.line(PIT_IRQ)),
      port_b_(pit_),
      uart_(UART_COM1_BASE, options_.serial_sink, [this] { return engine_.now(); },
            uint64_t(options_.board.cpu.clock_mhz) * 1'000'000, events_, pic_.line(UART_COM1_IRQ)),
      rtc_(options_.board.rtc.base_seconds(),
           std::min(options_.board.memory.ram_size, options_.board.memory.pci_hole_start), [this] { return engine_.now(); },
           uint64_t(options_.board.cpu.clock_mhz) * 1'000'000, events_, pic_.line(RTC_IRQ)),
      keyboard_controller_(pic_.line(I8042_KBD_IRQ), pic_.line(I8042_AUX_IRQ),
                           [this] { engine_.request_reset("the keyboard controller pulsed the CPU reset line"); }),
      magic_ops_([this](RegionOp op, uint32_t name_va) { on_region(op, name_va); }),
      pci_(ports_, options_.board.memory.pci_hole_start),
      isa_bridge_([this](unsigned irq, bool level) { pic_.set_irq(irq, level); }),
      edu_(phys_, [this] { return timing_.cycles(); },
           EduDmaConfig{options_.board.dma.mask_bits, options_.board.dma.latency, options_.board.dma.bytes_per_cycle}),
      guest_memory_(engine_, PhysView{engine_.ram(), engine_.ram_size()}),
      kernel_(engine_, image_, guest_memory_, options_.dma_api,
              linux_ ? KernelHooks::AllocatorAbi::LinuxRegparm3 : KernelHooks::AllocatorAbi::OurKernel) {
    // A Linux kernel is not placed by segments and takes no Multiboot modules: its initrd goes
    // through boot_params (hand_linux_to_firmware).
    std::vector<LoadedModule> modules = linux_ ? std::vector<LoadedModule>() : place_kernel_and_modules();
    std::vector<std::span<const uint8_t>> module_bytes;
    for (const LoadedModule &m : modules) module_bytes.emplace_back(m.bytes);
    record_payload(identity_, module_bytes);

    ports_.attach(PIC_MASTER_CMD, 2, pic_);
    ports_.attach(PIC_SLAVE_CMD, 2, pic_);
    ports_.attach(PIC_ELCR_MASTER, 2, pic_);
    ports_.attach(PIT_CHANNEL0, 4, pit_);
    ports_.attach(SYSTEM_PORT_B, 1, port_b_);
    engine_.attach_interrupts(&pic_, &events_);
    ports_.attach(UART_COM1_BASE, 8, uart_);
    record_serial_input(identity_,
                        options_.serial_terminal ? "terminal"
                        : options_.serial_input.empty() ? ""
                                                        : options_.serial_input_source,
                        options_.serial_input);
    uart_.set_input(std::move(options_.serial_input));
    if (options_.serial_terminal) {
        options_.serial_terminal->connect([this](std::span<const uint8_t> bytes) { take_typed_input(bytes); },
                                          [this](const std::string &how) { engine_.request_quit(how); });
        engine_.attach_host_input(options_.serial_terminal);
    }
    ports_.attach(CMOS_INDEX_PORT, 2, rtc_);
    ports_.attach(I8042_DATA_PORT, 1, keyboard_controller_);
    ports_.attach(I8042_STATUS_PORT, 1, keyboard_controller_);
    ports_.attach(POST_CODE_PORT, 1, post_code_);
    ports_.attach(EXIT_PORT, 4, exit_port_);
    ports_.attach(FW_CFG_PORT_SEL, 2, fw_cfg_);
    ports_.attach(ROI_BEGIN_PORT, ROI_PORT_COUNT, magic_ops_);
    ports_.attach(0x3C0, 0x20, vga_);
    engine_.map_host_memory(VGA_TEXT_BASE, VGA_TEXT_SIZE, vga_.text_buffer());
    pci_.add(PciHostBridge::kSlot, host_bridge_.pci());
    pci_.add(PiixIsaBridge::kSlot, isa_bridge_.pci());
    pci_.add(kDisplaySlot, display_.pci());
    pci_.add(kEduSlot, edu_.pci());
    isa_bridge_.connect(edu_.pci(), kEduSlot);
    edu_.set_event_queue(&events_);
    check_memory_bars_fit({{"i440FX host bridge", &host_bridge_.pci()}, {"PIIX3 ISA bridge", &isa_bridge_.pci()},
                           {"bochs-display", &display_.pci()}, {"edu", &edu_.pci()}},
                          options_.board.memory.pci_hole_start);
    std::vector<ReadOnlyImageRange> read_only;
    for (const LoadPiece &p : image_.pieces())
        if (!p.writable && p.mem_size > 0)
            read_only.push_back({p.paddr, p.mem_size, p.what});
    kernel_.dma_checks().set_read_only_image(std::move(read_only));
    edu_.set_mapping_checker(&kernel_.dma_checks());
    kernel_.dma_checks().set_clock([this] { return timing_.cycles(); });
    if (options_.record_timeline) probes_.record_timeline();
    if (options_.record_folded) probes_.record_folded();
    edu_.set_fault_sink(this);
    // The device writes RAM behind the CPU's caches: the modelled lines it overwrote are stale,
    // and so is any code translated from those bytes.
    edu_.set_ram_written([this](uint64_t pa, uint64_t len) {
        timing_.on_dma_write(pa, len);
        engine_.invalidate_code(pa, len);
    });
    // The CPU reading or writing a buffer the device owns: only those frames are watched.
    engine_.set_data_watch([this](uint64_t pa, unsigned size, bool write) {
        kernel_.dma_checks().on_cpu_access(pa, size, write, engine_.eip());
    });
    kernel_.dma_checks().set_watch_listener([this](uint64_t pfn, bool watched) { engine_.watch_frame(pfn, watched); });

    fw_cfg_.set_u64(FW_CFG_RAM_SIZE, options_.board.memory.ram_size);
    if (linux_)
        hand_linux_to_firmware();
    else
        hand_kernel_to_firmware();
    fw_cfg_.set_item(FW_CFG_E820, e820_table(options_.board.memory.ram_size, options_.board.memory.pci_hole_start));
    fw_cfg_.set_u32(FW_CFG_PCI_HOLE, uint32_t(options_.board.memory.pci_hole_start));
    fw_cfg_.set_u64(FW_CFG_SKIPPED_PHDRS, image_.skipped_program_headers());
    fw_cfg_.set_item(FW_CFG_MODULES, module_table_item(modules));
    fw_cfg_.set_item(FW_CFG_MODULE_DATA, module_data_item(modules));

    engine_.set_port_handlers([this](uint16_t port, unsigned size) { return ports_.read(port, size); },
                              [this](uint16_t port, unsigned size, uint32_t value) {
                                  ports_.write(port, size, value);
                                  if (exit_port_.requested())
                                      engine_.request_exit(exit_port_.code());
                              });
    pci_.set_bar_listener([this](PciFunction &fn, unsigned index, uint64_t base, uint64_t size, bool mapped) {
        const PciBar *bar = fn.bar(index);
        if (!bar || bar->space != BarSpace::memory)
            return;
        if (mapped)
            bar_layout_.decode(&fn, index, base, size);
        else
            bar_layout_.release(&fn, index);
        remap_memory_bars();
    });
    engine_.set_symbolizer([this](uint32_t eip) { return image_.describe_address(eip); });
    track_paths();
    timing_.set_check_translation(options_.check_mmu);
    engine_.set_timing(&timing_, &probes_, options_.model_memory);
    // Only once nothing can refuse the run any more: bad input stays a single line on stderr.
    for (const std::string &note : image_.notes())
        std::fprintf(stderr, "ia32emu: note: %s\n", note.c_str());
}

// Multiboot: the firmware loads the ELF itself and passes the command line after the kernel's path.
void Machine::hand_kernel_to_firmware() {
    std::string cmdline = options_.kernel.string();
    if (!options_.cmdline.empty())
        cmdline += " " + options_.cmdline;
    check_cmdline_fits(cmdline);
    std::vector<uint8_t> cmd(cmdline.begin(), cmdline.end());
    cmd.push_back(0);
    fw_cfg_.set_u32(FW_CFG_KERNEL_SIZE, uint32_t(image_.bytes().size()));
    fw_cfg_.set_item(FW_CFG_KERNEL_DATA, image_.bytes());
    fw_cfg_.set_u32(FW_CFG_CMDLINE_SIZE, uint32_t(cmd.size()));
    fw_cfg_.set_item(FW_CFG_CMDLINE_DATA, std::move(cmd));
}

// Linux: as QEMU's -kernel, the host reads the bzImage and fills boot_params; the firmware copies
// the pieces to the addresses given here and enters the kernel (firmware/linux_load.c).
void Machine::hand_linux_to_firmware() {
    LinuxImage linux_image = LinuxImage::load(options_.kernel);
    std::vector<uint8_t> initrd;
    if (!options_.initrd.empty())
        initrd = read_file(options_.initrd, "initrd");
    record_payload(identity_, options_.initrd.empty() ? std::vector<std::span<const uint8_t>>{}
                                                      : std::vector<std::span<const uint8_t>>{initrd});
    if (options_.cmdline.size() > linux_image.cmdline_size())
        throw ImageError("the command line is " + std::to_string(options_.cmdline.size()) +
                         " bytes; this kernel takes at most " + std::to_string(linux_image.cmdline_size()));
    std::vector<E820Entry> e820;
    uint64_t ram_top = 0;
    for (const fw_cfg_e820_entry &e :
         e820_entries(e820_table(options_.board.memory.ram_size, options_.board.memory.pci_hole_start))) {
        e820.push_back({e.base, e.length, e.type});
        if (e.type == E820_RAM)
            ram_top = std::max<uint64_t>(ram_top, e.base + e.length);
    }
    if (linux_image.kernel_end() > ram_top)
        throw ImageError("'" + options_.kernel.string() + "' needs RAM up to " +
                         std::to_string(linux_image.kernel_end() >> 20) + " MiB to decompress; the board has less");
    uint32_t initrd_addr = initrd.empty() ? 0 : linux_image.initrd_address(uint32_t(initrd.size()), ram_top);

    std::vector<uint8_t> cmd(options_.cmdline.begin(), options_.cmdline.end());
    cmd.push_back(0);
    std::vector<uint8_t> params = linux_image.boot_params(e820, kLinuxCmdline, initrd_addr, uint32_t(initrd.size()));
    fw_cfg_.set_u32(FW_CFG_SETUP_ADDR, kLinuxBootParams);
    fw_cfg_.set_u32(FW_CFG_SETUP_SIZE, uint32_t(params.size()));
    fw_cfg_.set_item(FW_CFG_SETUP_DATA, std::move(params));
    fw_cfg_.set_u32(FW_CFG_CMDLINE_ADDR, kLinuxCmdline);
    fw_cfg_.set_u32(FW_CFG_CMDLINE_SIZE, uint32_t(cmd.size()));
    fw_cfg_.set_item(FW_CFG_CMDLINE_DATA, std::move(cmd));
    uint32_t kernel_addr = linux_image.code32_start(), kernel_entry = linux_image.code32_start();
    std::vector<uint8_t> kernel_data = linux_image.protected_mode_kernel();
    if (options_.linux_unpacked_by_host) {
        // startup_32 takes the same hand-off as the decompressor (ESI = boot_params, flat
        // segments, paging off), which is what the decompressor itself gives it.
        UnpackedLinuxKernel kernel = unpack_linux_kernel(linux_image, options_.kernel.string());
        kernel_addr = kernel.load_address;
        kernel_entry = kernel.entry;
        kernel_data = std::move(kernel.image);
    }
    fw_cfg_.set_u32(FW_CFG_KERNEL_ADDR, kernel_addr);
    fw_cfg_.set_u32(FW_CFG_KERNEL_ENTRY, kernel_entry);
    fw_cfg_.set_u32(FW_CFG_KERNEL_SIZE, uint32_t(kernel_data.size()));
    fw_cfg_.set_item(FW_CFG_KERNEL_DATA, std::move(kernel_data));
    fw_cfg_.set_u32(FW_CFG_INITRD_ADDR, initrd_addr);
    fw_cfg_.set_u32(FW_CFG_INITRD_SIZE, uint32_t(initrd.size()));
    fw_cfg_.set_item(FW_CFG_INITRD_DATA, std::move(initrd));

    // Linux 6.1's early microcode loader runs before paging and reads its stack canary at the
    // canary's virtual address, far above RAM. A PC answers such reads with all ones (the bus
    // master-aborts) and drops writes, so for Linux the range between RAM and the PCI hole does
    // the same instead of stopping the run as a wild access.
    uint64_t ram_end = std::min(options_.board.memory.ram_size, options_.board.memory.pci_hole_start);
    if (ram_end < options_.board.memory.pci_hole_start)
        engine_.map_mmio(ram_end, options_.board.memory.pci_hole_start - ram_end,
                         MmioHandlers{[](uint64_t, unsigned size) { return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1; },
                                      [](uint64_t, unsigned, uint32_t) {}});
}

// The allocation paths the seeds discuss, and the DMA API, wherever the kernel has them.
void Machine::track_paths() {
    static const char *const kDefaultPaths[] = {
        "kmalloc", "kfree", "kmem_cache_alloc", "kmem_cache_free", "alloc_pages", "__get_free_pages",
        "free_pages", "vmalloc", "vmalloc_32", "vfree", "vmap", "vunmap", "ioremap", "iounmap",
        "dma_map_single", "dma_unmap_single", "dma_map_sg", "dma_unmap_sg", "dma_alloc_coherent",
        "dma_free_coherent",
        // Linux 6.1's names for the same paths, and its TLB flushes.
        "__vmalloc_node_range", "__kmalloc", "kmalloc_trace", "__alloc_pages", "flush_tlb_all",
        "flush_tlb_kernel_range", "flush_tlb_mm_range"};
    // The allocators' failure results, as Linux defines them.
    auto failure_rule = [](std::string_view name) {
        static const std::string_view kReturnsNullOnFailure[] = {
            "kmalloc", "kmem_cache_alloc", "alloc_pages", "__get_free_pages", "vmalloc", "vmalloc_32",
            "vmap",    "ioremap",          "dma_alloc_coherent", "dma_map_sg",
            "__kmalloc", "kmalloc_trace", "__vmalloc_node_range", "__alloc_pages"};
        if (name == "dma_map_single")
            return FailureRule::AllOnes;
        for (std::string_view n : kReturnsNullOnFailure)
            if (n == name)
                return FailureRule::Zero;
        return FailureRule::None;
    };
    for (const char *name : kDefaultPaths)
        if (auto sym = image_.find_symbol(name))
            probes_.track_function(name, sym->address, failure_rule(name));
    for (const std::string &name : options_.extra_paths) {
        auto sym = image_.find_symbol(name);
        if (!sym)
            throw ImageError("--path " + name + ": no such function in the symbol table of '" +
                             options_.kernel.string() + "'");
        probes_.track_function(name, sym->address);
    }
}

void Machine::dma_rejected(const DmaFault &fault) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s rejected a DMA %s: rule %s, bus 0x%llx, %llu bytes", fault.device.c_str(),
                  fault.to_ram ? "device->RAM" : "RAM->device", fault.rule.c_str(),
                  static_cast<unsigned long long>(fault.bus_addr), static_cast<unsigned long long>(fault.len));
    std::string detail = std::string(buf) + "; " + fault.detail;
    // Rules the device decides alone say nothing of the memory; name its owners for them.
    if (fault.rule == "above_dma_mask" || fault.rule == "not_ram" || fault.rule == "device_buffer_range" ||
        fault.rule == "bus_master_off")
        detail += "; " + kernel_.dma_checks().provenance(fault.bus_addr, fault.len);
    kernel_.dma_checks().on_device_rejection(fault.rule, fault.bus_addr, fault.len, engine_.eip(), detail);
}

namespace {

nlohmann::ordered_json owner_json(const DmaOwner &o, const KernelImage &image) {
    char caller[16];
    std::snprintf(caller, sizeof caller, "0x%08x", o.caller);
    return {{"allocation", o.id},     {"allocator", o.allocator}, {"size", o.size},
            {"caller", caller},       {"caller_symbol", image.describe_address(o.caller)},
            {"state", o.freed ? "freed" : "live"}};
}

std::string hex64(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace

ReportFault Machine::dma_fault(const DmaFinding &f) const {
    ReportFault r;
    r.kind = f.kind;
    r.eip = f.eip;
    r.symbol = image_.describe_address(f.eip);
    r.detail = f.detail;
    r.cycles = f.cycles;
    if (!f.name.empty())
        r.fields[f.kind == "dma_rejected" ? "rule" : "check"] = f.name;
    r.fields["bus"] = hex64(f.bus);
    r.fields["length"] = f.len;
    if (f.mapping) {
        const DmaMapping &m = *f.mapping;
        char caller[16];
        std::snprintf(caller, sizeof caller, "0x%08x", m.caller);
        r.fields["mapping"] = {{"id", m.id},
                               {"bus", hex64(m.bus)},
                               {"end", hex64(m.bus + m.len)},
                               {"direction", direction_name(m.dir)},
                               {"api", m.api},
                               {"caller", caller},
                               {"caller_symbol", image_.describe_address(m.caller)}};
    }
    nlohmann::ordered_json owners = nlohmann::ordered_json::array();
    for (const DmaOwner &o : f.owners)
        owners.push_back(owner_json(o, image_));
    r.fields["owners"] = std::move(owners);
    nlohmann::ordered_json trace = nlohmann::ordered_json::array();
    for (uint32_t pc : f.backtrace) {
        char addr[16];
        std::snprintf(addr, sizeof addr, "0x%08x", pc);
        trace.push_back({{"eip", addr}, {"symbol", image_.describe_address(pc)}});
    }
    r.fields["backtrace"] = std::move(trace);
    return r;
}

bool Machine::dump_framebuffer(const std::string &path, std::string &error) const {
    return display_.write_png(path, error);
}

void Machine::on_region(RegionOp op, uint32_t name_va) {
    char name[ROI_NAME_MAX] = {};
    size_t len = 0;
    while (len + 1 < sizeof name && engine_.read_virtual(name_va + uint32_t(len), &name[len], 1) && name[len])
        ++len;
    name[len] = 0;
    switch (op) {
    case RegionOp::Begin: probes_.region_begin(name); break;
    case RegionOp::End:
        if (!probes_.region_end(name))
            add_timing_fault("region_mismatch", region_mismatch_detail("region_end", name));
        break;
    case RegionOp::Fail:
        if (!probes_.region_fail(name))
            add_timing_fault("region_mismatch", region_mismatch_detail("region_fail", name));
        break;
    }
}

void Machine::add_timing_fault(const char *kind, std::string detail) {
    ReportFault f;
    f.kind = kind;
    f.eip = engine_.eip();
    f.detail = std::move(detail);
    f.cycles = timing_.cycles();
    timing_faults_.add(std::move(f));
}

void Machine::stale_tlb(uint32_t va, const StaleTranslation &stale) {
    add_timing_fault("stale_tlb", stale_tlb_detail(va, stale.pte_pa, stale.remembered, stale.now));
}

void Machine::mmu_mismatch(uint32_t va, uint64_t model_pa, uint64_t engine_pa) {
    add_timing_fault("mmu_mismatch", mmu_mismatch_detail(va, model_pa, engine_pa));
}

Report Machine::report(const RunOutcome &outcome, double wall_seconds) const {
    Report r;
    r.board = options_.board.to_json();
    r.run = identity_;
    fill_timing_report(timing_, probes_.accounting(), r);
    r.faults.insert(r.faults.end(), timing_faults_.kept().begin(), timing_faults_.kept().end());
    timing_faults_.count_dropped(r.dropped);
    r.totals.clock_mhz = options_.board.cpu.clock_mhz;
    for (const DmaFinding &f : kernel_.dma_checks().findings())
        r.faults.push_back(dma_fault(f));
    kernel_.count_dropped(r.dropped);
    if (typed_bytes_dropped_)
        r.dropped["serial_input"] = typed_bytes_dropped_;
    if (uint64_t blocks = engine_.decoded_blocks_dropped())
        r.dropped["decoded_blocks"] = blocks;
    if (uint64_t operands = engine_.decoded_operands_dropped())
        r.dropped["decoded_operands"] = operands;
    if (uint64_t hooked = engine_.hooked_blocks_dropped())
        r.dropped["hooked_blocks"] = hooked;
    const EduDmaStats &dma = edu_.stats();
    r.dma.transfers = dma.transfers;
    r.dma.bytes = dma.bytes_to_device + dma.bytes_to_ram;
    r.dma.cycles = dma.busy_cycles;
    r.dma.dropped_faults = kernel_.dma_checks().dropped();
    if (dma_used())
        r.dma.note = kernel_.note();
    for (ReportFault &f : r.faults)
        if (f.symbol.empty())
            f.symbol = image_.describe_address(f.eip);
    for (PathStats &p : r.paths)
        for (CallSiteStats &site : p.call_sites)
            site.symbol = image_.describe_address(site.caller);
    if (outcome.reason == StopReason::Crash) {
        ReportFault f;
        f.kind = "crash";
        f.eip = outcome.eip;
        f.symbol = image_.describe_address(outcome.eip);
        f.detail = outcome.diagnostic;
        f.cycles = timing_.cycles();
        r.faults.push_back(std::move(f));
    }
    r.exit.code = outcome.process_status();
    r.exit.reason = outcome.reason_name();
    if (outcome.reason == StopReason::Signal)
        r.exit.signal = signal_name(outcome.signal);
    r.host.wall_seconds = wall_seconds;
    r.host.mips = wall_seconds > 0 ? double(engine_.instructions()) / wall_seconds / 1e6 : 0;
    return r;
}

// Only what the memory map calls usable RAM may hold the kernel, as the firmware would insist.
std::vector<LoadedModule> Machine::place_kernel_and_modules() {
    std::vector<uint8_t> table = e820_table(options_.board.memory.ram_size, options_.board.memory.pci_hole_start);
    std::vector<RamRange> usable;
    for (size_t off = sizeof(uint32_t); off + sizeof(fw_cfg_e820_entry) <= table.size();
         off += sizeof(fw_cfg_e820_entry)) {
        fw_cfg_e820_entry e;
        std::memcpy(&e, table.data() + off, sizeof e);
        if (e.type == E820_RAM)
            usable.push_back({e.base, e.base + e.length});
    }
    image_.place(usable);
    // Modules go above the kernel and above 1 MiB, in the RAM that starts there.
    constexpr uint64_t kHighMemory = 0x100000;
    uint64_t high_end = 0;
    for (const RamRange &r : usable)
        if (r.base <= kHighMemory && kHighMemory < r.end)
            high_end = r.end;
    return load_modules(options_.modules, std::max<uint64_t>(image_.loaded_end(), kHighMemory), high_end);
}

void Machine::take_typed_input(std::span<const uint8_t> bytes) {
    const size_t waiting = uart_.input_left();
    const size_t room = waiting < bounds::kSerialBacklog ? bounds::kSerialBacklog - waiting : 0;
    const size_t taken = std::min(room, bytes.size());
    uart_.add_input(bytes.first(taken));
    typed_bytes_dropped_ += bytes.size() - taken;
}

bool Machine::dma_used() const { return edu_.stats().transfers + edu_.stats().rejected > 0; }

// The run's end is when leaked mappings are known, and when the note on disabled checks matters:
// only a kernel that used DMA hears it.
RunOutcome Machine::run() {
    RunOutcome outcome = engine_.run();
    kernel_.dma_checks().finish();
    if (dma_used() && !kernel_.note().empty())
        std::fprintf(stderr, "ia32emu: note: %s\n", kernel_.note().c_str());
    return outcome;
}

} // namespace ia32emu
