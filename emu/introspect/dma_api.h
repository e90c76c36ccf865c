// How a kernel's DMA API looks from outside: which functions exist, what each does (its role),
// and where its arguments and result live (stack words or registers), plus the scatterlist layout
// and the memory areas that must never be mapped. Our kernel's is built in; another kernel's is
// read from a description file (--dma-api FILE), one line per function:
//   ROLE SYMBOL FIELD=LOCATION ...       e.g.  unmap_page dma_unmap_page_attrs bus=edx size=ecx dir=stack0
//   sg_layout entry=N page_link=N offset=N length=N dma_address=N dma_length=N
//   area text|rodata|stack START_SYMBOL END_SYMBOL
//   thread_stack BYTES                   (the stack is the BYTES-aligned block holding ESP)
//   device_layout dma_parms=N max_segment_size=N segment_boundary_mask=N
//                                        (byte offsets: the dma_parms pointer in struct device, the
//                                        limits in what it points to; map_sg then needs dev=LOCATION)
// LOCATION is eax, edx, ecx (regparm) or stackN (the Nth word above the return address at entry).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ia32emu {

enum class DmaRole {
    MapSingle,        // va, size, dir -> bus
    UnmapSingle,      // bus, size, dir
    MapPage,          // page, offset, size, dir -> bus
    UnmapPage,        // bus, size, dir
    MapSg,            // sg, nents, dir -> mapped entries
    UnmapSg,          // sg, nents, dir
    AllocCoherent,    // size, handle -> va (bus in *handle)
    FreeCoherent,     // size, va, bus
    SyncSingleForCpu, // bus, size, dir
    SyncSingleForDevice,
    SyncSgForCpu,     // sg, nents, dir
    SyncSgForDevice,
    MappingError,     // bus: the driver checked a mapping's result
};

struct ArgLocation {
    enum class Kind { Stack, Eax, Edx, Ecx } kind = Kind::Stack;
    unsigned index = 0;   // stack word, for Kind::Stack
};

struct DmaApiFunction {
    DmaRole role;
    std::string symbol;
    std::map<std::string, ArgLocation> args;
};

struct ScatterlistLayout {
    uint32_t entry = 20, page_link = 0, offset = 4, length = 8, dma_address = 12, dma_length = 16;
};

// Where a device's scatter-gather limits live, as Linux keeps them (dev->dma_parms).
struct DeviceLayout {
    bool known = false;
    uint32_t dma_parms = 0, max_segment_size = 0, segment_boundary_mask = 4;
};

struct DmaArea {
    std::string kind;   // text, rodata, stack
    std::string start_symbol, end_symbol;
};

// A description that cannot be used; the message is one line naming file, line and problem.
class DmaApiError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct DmaApiDescription {
    std::string source;   // "built-in (ia32emu guest)" or the file's path
    std::vector<DmaApiFunction> functions;
    ScatterlistLayout sg;
    std::vector<DmaArea> areas;
    uint32_t thread_stack = 0;
    DeviceLayout device;

    static DmaApiDescription parse(const std::string &text, const std::string &source);
    static DmaApiDescription load(const std::filesystem::path &path);
    // Our kernel's DMA API (guest/dma), as guest/dma/dma-mapping.h documents it.
    static DmaApiDescription builtin();
    bool has(DmaRole role) const;
};

const char *role_name(DmaRole role);

} // namespace ia32emu
