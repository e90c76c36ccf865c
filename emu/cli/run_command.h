// `ia32emu run`: everything between the parsed command line and the process exit status.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ia32emu {

struct RunRequest {
    std::filesystem::path kernel;
    std::filesystem::path symbols;
    std::string cmdline;
    std::string board = "default";
    std::vector<std::string> overrides;
    uint64_t max_insns = 0;
    double timeout = 0;
    std::filesystem::path serial_file;
    std::filesystem::path serial_in;     // bytes COM1 receives, at the line rate
    std::filesystem::path firmware;
    std::filesystem::path report_file;   // `-` is standard output
    std::filesystem::path trace_file;
    std::filesystem::path folded_file;
    bool summary = false;
    std::vector<std::string> extra_paths;
    std::string dma_api = "auto";
    std::filesystem::path fb_dump;
    std::filesystem::path vga_dump;
    std::vector<std::string> modules;   // --module FILE[,ARGS], in order
    // Linux bzImage: the initrd file; Multiboot: modules in QEMU's -initrd "FILE ARGS,FILE2" form
    std::string initrd;
    std::string linux_decompress = "guest";   // bzImage: "guest" (its own decompressor) or "host"
    bool no_timing = false;
    bool check_mmu = false;
    std::string fail_on;                 // comma-separated fault kinds, empty: none
    std::string gdb;                     // --gdb PORT (or tcp::PORT): a gdb stub on localhost; empty: none
    bool gdb_wait = false;               // stop before the first instruction until gdb says go
};

int run_command(const RunRequest &req);

} // namespace ia32emu
