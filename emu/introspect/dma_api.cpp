// The description format is line-based so that a driver developer can write one for a kernel we
// have never seen, from its headers and its calling convention alone.
#include "emu/introspect/dma_api.h"
#include "emu/report/text_escape.h"

#include <fstream>
#include <set>
#include <sstream>

namespace ia32emu {
namespace {

struct RoleInfo {
    DmaRole role;
    const char *name;
    std::vector<std::string> required;
};

const std::vector<RoleInfo> &roles() {
    static const std::vector<RoleInfo> kRoles = {
        {DmaRole::MapSingle, "map_single", {"va", "size", "dir"}},
        {DmaRole::UnmapSingle, "unmap_single", {"bus", "size", "dir"}},
        {DmaRole::MapPage, "map_page", {"page", "offset", "size", "dir"}},
        {DmaRole::UnmapPage, "unmap_page", {"bus", "size", "dir"}},
        {DmaRole::MapSg, "map_sg", {"sg", "nents", "dir"}},
        {DmaRole::UnmapSg, "unmap_sg", {"sg", "nents", "dir"}},
        {DmaRole::AllocCoherent, "alloc_coherent", {"size", "handle"}},
        {DmaRole::FreeCoherent, "free_coherent", {"size", "va", "bus"}},
        {DmaRole::SyncSingleForCpu, "sync_single_for_cpu", {"bus", "size", "dir"}},
        {DmaRole::SyncSingleForDevice, "sync_single_for_device", {"bus", "size", "dir"}},
        {DmaRole::SyncSgForCpu, "sync_sg_for_cpu", {"sg", "nents", "dir"}},
        {DmaRole::SyncSgForDevice, "sync_sg_for_device", {"sg", "nents", "dir"}},
        {DmaRole::MappingError, "mapping_error", {"bus"}},
    };
    return kRoles;
}

// Our kernel: plain cdecl, every argument on the stack (guest/dma/dma-mapping.h).
constexpr const char *kBuiltin = R"(
map_single dma_map_single dev=stack0 va=stack1 size=stack2 dir=stack3
unmap_single dma_unmap_single dev=stack0 bus=stack1 size=stack2 dir=stack3
map_sg dma_map_sg dev=stack0 sg=stack1 nents=stack2 dir=stack3
unmap_sg dma_unmap_sg dev=stack0 sg=stack1 nents=stack2 dir=stack3
alloc_coherent dma_alloc_coherent dev=stack0 size=stack1 handle=stack2
free_coherent dma_free_coherent dev=stack0 size=stack1 va=stack2 bus=stack3
sync_single_for_cpu dma_sync_single_for_cpu dev=stack0 bus=stack1 size=stack2 dir=stack3
sync_single_for_device dma_sync_single_for_device dev=stack0 bus=stack1 size=stack2 dir=stack3
sync_sg_for_cpu dma_sync_sg_for_cpu dev=stack0 sg=stack1 nents=stack2 dir=stack3
sync_sg_for_device dma_sync_sg_for_device dev=stack0 sg=stack1 nents=stack2 dir=stack3
mapping_error debug_dma_mapping_error dev=stack0 bus=stack1
sg_layout entry=20 page_link=0 offset=4 length=8 dma_address=12 dma_length=16
area text _text_start _text_end
area rodata __start_rodata __end_rodata
area stack boot_stack boot_stack_top
device_layout dma_parms=20 max_segment_size=0 segment_boundary_mask=4
)";

[[noreturn]] void fail(const std::string &source, unsigned line, const std::string &what) {
    throw DmaApiError(one_line("--dma-api " + source + ":" + std::to_string(line) + ": " + what));
}

ArgLocation location(const std::string &text, const std::string &source, unsigned line) {
    if (text == "eax")
        return {ArgLocation::Kind::Eax, 0};
    if (text == "edx")
        return {ArgLocation::Kind::Edx, 0};
    if (text == "ecx")
        return {ArgLocation::Kind::Ecx, 0};
    if (text.rfind("stack", 0) == 0 && text.size() > 5 && text.size() <= 7 &&
        text.find_first_not_of("0123456789", 5) == std::string::npos)
        return {ArgLocation::Kind::Stack, unsigned(std::stoul(text.substr(5)))};
    fail(source, line, "location '" + text + "' is not eax, edx, ecx or stackN");
}

uint32_t number(const std::string &text, const std::string &source, unsigned line) {
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
        fail(source, line, "'" + text + "' is not a small decimal number");
    return uint32_t(std::stoul(text));
}

} // namespace

const char *role_name(DmaRole role) {
    for (const RoleInfo &r : roles())
        if (r.role == role)
            return r.name;
    return "?";
}

bool DmaApiDescription::has(DmaRole role) const {
    for (const DmaApiFunction &f : functions)
        if (f.role == role)
            return true;
    return false;
}

DmaApiDescription DmaApiDescription::parse(const std::string &text, const std::string &source) {
    DmaApiDescription d;
    d.source = source;
    std::istringstream in(text);
    std::string raw;
    unsigned line = 0;
    std::set<std::string> symbols;
    while (std::getline(in, raw)) {
        ++line;
        if (auto hash = raw.find('#'); hash != std::string::npos)
            raw.resize(hash);
        std::istringstream words(raw);
        std::string head;
        if (!(words >> head))
            continue;
        std::vector<std::pair<std::string, std::string>> fields;
        std::vector<std::string> plain;
        for (std::string w; words >> w;) {
            auto eq = w.find('=');
            if (eq == std::string::npos)
                plain.push_back(w);
            else
                fields.emplace_back(w.substr(0, eq), w.substr(eq + 1));
        }
        if (head == "sg_layout") {
            for (const auto &[k, v] : fields) {
                uint32_t n = number(v, source, line);
                if (k == "entry") d.sg.entry = n;
                else if (k == "page_link") d.sg.page_link = n;
                else if (k == "offset") d.sg.offset = n;
                else if (k == "length") d.sg.length = n;
                else if (k == "dma_address") d.sg.dma_address = n;
                else if (k == "dma_length") d.sg.dma_length = n;
                else fail(source, line, "unknown sg_layout field '" + k + "'");
            }
            for (uint32_t off : {d.sg.page_link, d.sg.offset, d.sg.length, d.sg.dma_address, d.sg.dma_length})
                if (off + 4 > d.sg.entry)
                    fail(source, line, "a scatterlist field lies outside the " + std::to_string(d.sg.entry) + "-byte entry");
            continue;
        }
        if (head == "device_layout") {
            d.device.known = true;
            for (const auto &[k, v] : fields) {
                uint32_t n = number(v, source, line);
                if (k == "dma_parms") d.device.dma_parms = n;
                else if (k == "max_segment_size") d.device.max_segment_size = n;
                else if (k == "segment_boundary_mask") d.device.segment_boundary_mask = n;
                else fail(source, line, "unknown device_layout field '" + k + "'");
            }
            continue;
        }
        if (head == "area") {
            if (plain.size() != 3 || (plain[0] != "text" && plain[0] != "rodata" && plain[0] != "stack"))
                fail(source, line, "expected: area text|rodata|stack START_SYMBOL END_SYMBOL");
            d.areas.push_back({plain[0], plain[1], plain[2]});
            continue;
        }
        if (head == "thread_stack") {
            if (plain.size() != 1)
                fail(source, line, "expected: thread_stack BYTES");
            d.thread_stack = number(plain[0], source, line);
            if (d.thread_stack == 0 || (d.thread_stack & (d.thread_stack - 1)))
                fail(source, line, "thread_stack must be a power of two");
            continue;
        }
        const RoleInfo *info = nullptr;
        for (const RoleInfo &r : roles())
            if (head == r.name)
                info = &r;
        if (!info)
            fail(source, line, "unknown role '" + head + "'");
        if (plain.size() != 1)
            fail(source, line, "expected: " + head + " SYMBOL FIELD=LOCATION ...");
        if (!symbols.insert(plain[0]).second)
            fail(source, line, "function '" + plain[0] + "' is described twice");
        DmaApiFunction f{info->role, plain[0], {}};
        for (const auto &[k, v] : fields)
            f.args[k] = location(v, source, line);
        for (const std::string &need : info->required)
            if (!f.args.count(need))
                fail(source, line, head + " needs " + need + "=LOCATION");
        d.functions.push_back(std::move(f));
    }
    if (d.functions.empty())
        fail(source, line, "describes no DMA API function");
    return d;
}

DmaApiDescription DmaApiDescription::load(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw DmaApiError("--dma-api: cannot read '" + path.string() + "'");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > (1u << 20))
        throw DmaApiError("--dma-api: '" + path.string() + "' is larger than 1 MiB");
    return parse(text, path.string());
}

DmaApiDescription DmaApiDescription::builtin() { return parse(kBuiltin, "built-in (ia32emu guest)"); }

} // namespace ia32emu
