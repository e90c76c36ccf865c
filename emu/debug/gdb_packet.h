// The GDB Remote Serial Protocol's framing: `$payload#cs` with a modulo-256 checksum, `+`/`-`
// acknowledgements, the Ctrl-C byte 0x03, `}` escapes for binary data and `*` run-length encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ia32emu {

uint8_t gdb_checksum(std::string_view payload);
// `$payload#cs`; the payload must already be escaped where it carries binary data.
std::string gdb_frame(std::string_view payload);
// Binary data in a reply (qXfer): `#`, `$`, `}` and `*` become `}` followed by the byte ^ 0x20.
std::string gdb_escape_binary(std::string_view data);
// The inverse, for X packets; false for a `}` at the very end.
bool gdb_unescape_binary(std::string_view in, std::string &out);

std::string gdb_hex(const uint8_t *data, size_t len);
// Two hex digits per byte; false on an odd length or a non-hex digit.
bool gdb_unhex(std::string_view hex, std::vector<uint8_t> &out);

// Turns the byte stream from gdb into packets. Feed bytes as they arrive; each call says what, if
// anything, is complete.
class GdbPacketReader {
public:
    enum class Event {
        None,        // in the middle of something
        Packet,      // a packet with a good checksum: packet() holds its payload (RLE expanded)
        BadPacket,   // a packet whose checksum did not match: answer `-` so gdb sends it again
        Interrupt,   // 0x03 outside a packet: gdb's Ctrl-C
        Ack,         // `+`
        Nak,         // `-`: send the last packet again
    };
    Event feed(uint8_t byte);
    const std::string &packet() const { return payload_; }

private:
    enum class State { Idle, Payload, Checksum1, Checksum2 } state_ = State::Idle;
    std::string raw_;       // between `$` and `#`, as sent (the checksum covers these bytes)
    std::string payload_;
    uint8_t sum_hi_ = 0;
};

} // namespace ia32emu
