// One all-stop target with one thread (a uniprocessor PC), as QEMU's stub presents a one-CPU machine.
// Errors are `E14` (EFAULT) for memory, as QEMU answers, and `E16` (EINVAL) for malformed packets.
#include "emu/debug/gdb_session.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "emu/debug/gdb_packet.h"
#include "emu/debug/i386_target_description.h"

namespace ia32emu {
namespace {

constexpr const char *kFault = "E14";
constexpr const char *kInvalid = "E16";
// gdb's own signal numbers (include/gdb/signals.def), which the protocol carries.
constexpr int kGdbSigInt = 2, kGdbSigTrap = 5, kGdbSigSegv = 11, kGdbSigAlrm = 14, kGdbSigXcpu = 24;

bool parse_hex(std::string_view s, uint64_t &out) {
    if (s.empty() || s.size() > 16)
        return false;
    out = 0;
    for (char c : s) {
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            return false;
        out = out << 4 | uint64_t(v);
    }
    return true;
}

// "ADDR,LEN" (what follows may be split off first by the caller).
bool parse_range(std::string_view s, uint32_t &addr, uint64_t &len) {
    size_t comma = s.find(',');
    uint64_t a = 0;
    if (comma == std::string_view::npos || !parse_hex(s.substr(0, comma), a) || !parse_hex(s.substr(comma + 1), len) ||
        a > 0xFFFFFFFFull)
        return false;
    addr = uint32_t(a);
    return true;
}

std::string hex2(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02x", v & 0xff);
    return buf;
}

} // namespace

std::string GdbSession::stop_reply(const DebugStop &stop) const {
    using Why = DebugStop::Why;
    std::string r = "T" + hex2(stop.why == Why::Interrupted ? kGdbSigInt : kGdbSigTrap) + "thread:01;";
    switch (stop.why) {
    case Why::Breakpoint:
        if (swbreak_)
            r += "swbreak:;";
        break;
    case Why::HardwareBreakpoint:
        if (hwbreak_)
            r += "hwbreak:;";
        break;
    case Why::Watchpoint: {
        char buf[32];
        const char *kind = stop.watch == WatchKind::Write ? "watch" : stop.watch == WatchKind::Read ? "rwatch" : "awatch";
        std::snprintf(buf, sizeof buf, "%s:%x;", kind, stop.watch_address);
        r += buf;
        break;
    }
    case Why::Attached:
    case Why::Step:
    case Why::Interrupted: break;
    }
    return r;
}

std::string GdbSession::exit_reply(const RunOutcome &outcome) {
    switch (outcome.reason) {
    case StopReason::GuestExit:
    case StopReason::Halted:
    case StopReason::Reset:
    // The user quit at the terminal: the process exits with that status, as after a guest exit.
    case StopReason::Quit: return "W" + hex2(unsigned(outcome.process_status()));
    case StopReason::Crash: return "X" + hex2(kGdbSigSegv);
    case StopReason::Timeout: return "X" + hex2(kGdbSigAlrm);
    case StopReason::Budget: return "X" + hex2(kGdbSigXcpu);
    // SIGHUP, SIGINT, SIGTERM and SIGKILL have the same numbers in gdb's list as on Linux.
    case StopReason::Signal: return "X" + hex2(unsigned(outcome.signal));
    }
    return "X" + hex2(kGdbSigSegv);
}

std::string GdbSession::read_registers() {
    std::string out;
    uint8_t buf[16];
    for (unsigned i = 0; i < kDebugRegCount; ++i) {
        target_.read_register(DebugReg(i), buf);
        out += gdb_hex(buf, debug_reg_size(DebugReg(i)));
    }
    return out;
}

std::string GdbSession::write_registers(std::string_view hex) {
    std::vector<uint8_t> bytes;
    size_t total = 0;
    for (unsigned i = 0; i < kDebugRegCount; ++i)
        total += debug_reg_size(DebugReg(i));
    if (!gdb_unhex(hex, bytes) || bytes.size() != total)
        return kInvalid;
    size_t off = 0;
    bool ok = true;
    for (unsigned i = 0; i < kDebugRegCount; ++i) {
        ok &= target_.write_register(DebugReg(i), bytes.data() + off);
        off += debug_reg_size(DebugReg(i));
    }
    return ok ? "OK" : kInvalid;
}

std::string GdbSession::read_register(std::string_view args) {
    uint64_t n = 0;
    if (!parse_hex(args, n) || n >= kDebugRegCount)
        return kInvalid;
    uint8_t buf[16];
    target_.read_register(DebugReg(n), buf);
    return gdb_hex(buf, debug_reg_size(DebugReg(n)));
}

std::string GdbSession::write_register(std::string_view args) {
    size_t eq = args.find('=');
    uint64_t n = 0;
    std::vector<uint8_t> bytes;
    if (eq == std::string_view::npos || !parse_hex(args.substr(0, eq), n) || n >= kDebugRegCount ||
        !gdb_unhex(args.substr(eq + 1), bytes) || bytes.size() != debug_reg_size(DebugReg(n)))
        return kInvalid;
    return target_.write_register(DebugReg(n), bytes.data()) ? "OK" : kInvalid;
}

std::string GdbSession::read_memory(std::string_view args) {
    uint32_t addr = 0;
    uint64_t len = 0;
    if (!parse_range(args, addr, len))
        return kInvalid;
    // The reply's hex must fit the packet size gdb was told; a shorter reply is a partial read.
    len = std::min<uint64_t>({len, (kPacketSize - 4) / 2, 0x100000000ull - addr});
    std::vector<uint8_t> buf(len);
    size_t got = target_.read_memory(addr, buf.data(), buf.size());
    if (got == 0 && len > 0)
        return kFault;
    return gdb_hex(buf.data(), got);
}

std::string GdbSession::write_memory(std::string_view args, bool binary) {
    size_t colon = args.find(':');
    uint32_t addr = 0;
    uint64_t len = 0;
    if (colon == std::string_view::npos || !parse_range(args.substr(0, colon), addr, len))
        return kInvalid;
    std::vector<uint8_t> bytes;
    if (binary) {
        std::string raw;
        if (!gdb_unescape_binary(args.substr(colon + 1), raw))
            return kInvalid;
        bytes.assign(raw.begin(), raw.end());
    } else if (!gdb_unhex(args.substr(colon + 1), bytes)) {
        return kInvalid;
    }
    if (bytes.size() != len)
        return kInvalid;
    if (len == 0)
        return "OK";
    return target_.write_memory(addr, bytes.data(), bytes.size()) ? "OK" : kFault;
}

// Z/z TYPE,ADDR,KIND: 0 software and 1 hardware breakpoints, 2 write, 3 read, 4 access watchpoints.
std::string GdbSession::breakpoint(std::string_view args, bool insert) {
    if (args.size() < 2 || args[1] != ',')
        return kInvalid;
    const char type = args[0];
    std::string_view rest = args.substr(2);
    // Conditions and commands evaluated by the target (";X...") are not offered in qSupported.
    rest = rest.substr(0, rest.find(';'));
    uint32_t addr = 0;
    uint64_t kind = 0;
    if (!parse_range(rest, addr, kind))
        return kInvalid;
    switch (type) {
    case '0':
    case '1': target_.set_breakpoint(addr, type == '1', insert); return "OK";
    case '2':
    case '3':
    case '4':
        if (kind == 0 || kind > 0x1000)
            return kInvalid;
        target_.set_watchpoint(addr, uint32_t(kind),
                               type == '2' ? WatchKind::Write : type == '3' ? WatchKind::Read : WatchKind::Access, insert);
        return "OK";
    default: return "";
    }
}

// qXfer:features:read:ANNEX:OFFSET,LENGTH
std::string GdbSession::features(std::string_view args) {
    size_t colon = args.find(':');
    if (colon == std::string_view::npos)
        return kInvalid;
    if (args.substr(0, colon) != "target.xml")
        return "E00";
    uint32_t offset = 0;
    uint64_t len = 0;
    if (!parse_range(args.substr(colon + 1), offset, len))
        return kInvalid;
    std::string_view xml = i386_target_xml();
    if (offset >= xml.size())
        return "l";
    // Escaping can double the bytes: keep the reply within the packet size either way.
    len = std::min<uint64_t>(len, kPacketSize / 2 - 8);
    std::string_view part = xml.substr(offset, len);
    return (offset + part.size() >= xml.size() ? "l" : "m") + gdb_escape_binary(part);
}

GdbReply GdbSession::resume(std::string_view address, DebugResume how) {
    uint64_t a = 0;
    if (!address.empty()) {
        if (!parse_hex(address, a) || a > 0xFFFFFFFFull)
            return GdbReply{std::string(kInvalid), std::nullopt, false};
        uint8_t bytes[4] = {uint8_t(a), uint8_t(a >> 8), uint8_t(a >> 16), uint8_t(a >> 24)};
        target_.write_register(DebugReg::Eip, bytes);
    }
    return GdbReply{std::nullopt, how, false};
}

// vCont;ACTION[:THREAD][;ACTION...]: the one thread does the first action that names it or no thread.
GdbReply GdbSession::vcont(std::string_view args) {
    while (!args.empty()) {
        if (args[0] != ';')
            break;
        args.remove_prefix(1);
        size_t end = args.find(';');
        std::string_view action = args.substr(0, end);
        args = end == std::string_view::npos ? std::string_view() : args.substr(end);
        std::string_view thread;
        if (size_t colon = action.find(':'); colon != std::string_view::npos) {
            thread = action.substr(colon + 1);
            action = action.substr(0, colon);
        }
        if (!thread.empty() && thread != "-1" && thread != "1" && thread != "01" && thread != "p1.1" && thread != "p1.-1")
            continue;
        if (action.empty())
            break;
        switch (action[0]) {
        case 'c':
        case 'C': return GdbReply{std::nullopt, DebugResume::Continue, false};
        case 's':
        case 'S': return GdbReply{std::nullopt, DebugResume::Step, false};
        default: return GdbReply{std::string(kInvalid), std::nullopt, false};
        }
    }
    return GdbReply{std::string(kInvalid), std::nullopt, false};
}

GdbReply GdbSession::handle(std::string_view p, const DebugStop &current) {
    auto reply = [](std::string s) { return GdbReply{std::move(s), std::nullopt, false}; };
    if (p.empty())
        return reply("");
    const std::string_view args = p.substr(1);
    switch (p[0]) {
    case '?': return reply(stop_reply(current));
    case 'g': return reply(read_registers());
    case 'G': return reply(write_registers(args));
    case 'p': return reply(read_register(args));
    case 'P': return reply(write_register(args));
    case 'm': return reply(read_memory(args));
    case 'M': return reply(write_memory(args, false));
    case 'X': return reply(write_memory(args, true));
    // `c [ADDR]`, `s [ADDR]`; `C SIG[;ADDR]` and `S SIG[;ADDR]` pass a signal, which a bare machine
    // has no use for (QEMU ignores it too).
    case 'c': return resume(args, DebugResume::Continue);
    case 's': return resume(args, DebugResume::Step);
    case 'C':
    case 'S': {
        size_t semi = args.find(';');
        return resume(semi == std::string_view::npos ? std::string_view() : args.substr(semi + 1),
                      p[0] == 'C' ? DebugResume::Continue : DebugResume::Step);
    }
    case 'Z': return reply(breakpoint(args, true));
    case 'z': return reply(breakpoint(args, false));
    case 'k': return GdbReply{std::nullopt, DebugResume::Kill, false};
    case 'D': return GdbReply{std::string("OK"), DebugResume::Detach, false};
    case 'H': return reply("OK");
    case 'T': return reply("OK");
    default: break;
    }
    if (p.rfind("qSupported", 0) == 0) {
        swbreak_ = p.find("swbreak+") != std::string_view::npos;
        hwbreak_ = p.find("hwbreak+") != std::string_view::npos;
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "PacketSize=%zx;qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+",
                      kPacketSize);
        return reply(buf);
    }
    if (p == "QStartNoAckMode")
        return GdbReply{std::string("OK"), std::nullopt, true};
    if (p.rfind("qXfer:features:read:", 0) == 0)
        return reply(features(p.substr(std::string_view("qXfer:features:read:").size())));
    if (p == "vCont?")
        return reply("vCont;c;C;s;S");
    if (p.rfind("vCont;", 0) == 0)
        return vcont(p.substr(5));
    if (p.rfind("vKill", 0) == 0)
        return GdbReply{std::string("OK"), DebugResume::Kill, false};
    if (p == "qC")
        return reply("QC01");
    if (p == "qfThreadInfo")
        return reply("m01");
    if (p == "qsThreadInfo")
        return reply("l");
    // The machine existed before gdb came: on quit gdb detaches instead of killing it.
    if (p.rfind("qAttached", 0) == 0)
        return reply("1");
    if (p == "qSymbol::")
        return reply("OK");
    // Everything else is "not supported", which gdb understands and works around.
    return reply("");
}

} // namespace ia32emu
