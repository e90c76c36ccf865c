// Framing only: what the packets mean is gdb_session.cpp's business.
#include "emu/debug/gdb_packet.h"

namespace ia32emu {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
// Beyond any packet we announce (PacketSize): a peer that never sends `#` cannot grow us without bound.
constexpr size_t kMaxRawPacket = 1 << 20;

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool needs_escape(char c) { return c == '#' || c == '$' || c == '}' || c == '*'; }

// `X*N` repeats X N-29 more times (N printable, never `#` or `$`).
std::string expand_run_lengths(const std::string &raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '*' && !out.empty() && i + 1 < raw.size()) {
            int repeat = int(uint8_t(raw[i + 1])) - 29;
            if (repeat > 0)
                out.append(size_t(repeat), out.back());
            ++i;
            continue;
        }
        out.push_back(raw[i]);
    }
    return out;
}

} // namespace

uint8_t gdb_checksum(std::string_view payload) {
    uint8_t sum = 0;
    for (char c : payload)
        sum = uint8_t(sum + uint8_t(c));
    return sum;
}

std::string gdb_frame(std::string_view payload) {
    const uint8_t sum = gdb_checksum(payload);
    std::string out;
    out.reserve(payload.size() + 4);
    out.push_back('$');
    out.append(payload);
    out.push_back('#');
    out.push_back(kHexDigits[sum >> 4]);
    out.push_back(kHexDigits[sum & 15]);
    return out;
}

std::string gdb_escape_binary(std::string_view data) {
    std::string out;
    out.reserve(data.size());
    for (char c : data) {
        if (needs_escape(c)) {
            out.push_back('}');
            out.push_back(char(c ^ 0x20));
        } else {
            out.push_back(c);
        }
    }
    return out;
}

bool gdb_unescape_binary(std::string_view in, std::string &out) {
    out.clear();
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '}') {
            out.push_back(in[i]);
            continue;
        }
        if (++i == in.size())
            return false;
        out.push_back(char(in[i] ^ 0x20));
    }
    return true;
}

std::string gdb_hex(const uint8_t *data, size_t len) {
    std::string out(len * 2, '0');
    for (size_t i = 0; i < len; ++i) {
        out[2 * i] = kHexDigits[data[i] >> 4];
        out[2 * i + 1] = kHexDigits[data[i] & 15];
    }
    return out;
}

bool gdb_unhex(std::string_view hex, std::vector<uint8_t> &out) {
    out.clear();
    if (hex.size() % 2)
        return false;
    for (size_t i = 0; i < hex.size(); i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out.push_back(uint8_t(hi << 4 | lo));
    }
    return true;
}

GdbPacketReader::Event GdbPacketReader::feed(uint8_t byte) {
    const char c = char(byte);
    switch (state_) {
    case State::Idle:
        if (c == '$') {
            raw_.clear();
            state_ = State::Payload;
        } else if (byte == 0x03) {
            return Event::Interrupt;
        } else if (c == '+') {
            return Event::Ack;
        } else if (c == '-') {
            return Event::Nak;
        }
        return Event::None;   // noise between packets is ignored, as gdb's own reader does
    case State::Payload:
        if (c == '#') {
            state_ = State::Checksum1;
        } else if (c == '$') {
            raw_.clear();   // a new packet began before this one ended: the old one is lost
        } else if (raw_.size() >= kMaxRawPacket) {
            state_ = State::Idle;
            return Event::BadPacket;
        } else {
            raw_.push_back(c);
        }
        return Event::None;
    case State::Checksum1: {
        int v = hex_value(c);
        if (v < 0) {
            state_ = State::Idle;
            return Event::BadPacket;
        }
        sum_hi_ = uint8_t(v);
        state_ = State::Checksum2;
        return Event::None;
    }
    case State::Checksum2: {
        state_ = State::Idle;
        int v = hex_value(c);
        if (v < 0 || uint8_t(sum_hi_ << 4 | v) != gdb_checksum(raw_))
            return Event::BadPacket;
        payload_ = expand_run_lengths(raw_);
        return Event::Packet;
    }
    }
    return Event::None;
}

} // namespace ia32emu
