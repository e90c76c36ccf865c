// Framing of the remote protocol, checked against packets as gdb writes them (checksums from the
// protocol's definition: the sum of the payload bytes modulo 256).
#include <gtest/gtest.h>

#include "emu/debug/gdb_packet.h"

namespace ia32emu {
namespace {

using Event = GdbPacketReader::Event;

std::vector<Event> feed(GdbPacketReader &r, std::string_view bytes) {
    std::vector<Event> out;
    for (char c : bytes)
        if (Event e = r.feed(uint8_t(c)); e != Event::None)
            out.push_back(e);
    return out;
}

TEST(GdbPacket, FramesWithTheModulo256Checksum) {
    EXPECT_EQ(gdb_frame("OK"), "$OK#9a");
    EXPECT_EQ(gdb_frame(""), "$#00");
    EXPECT_EQ(gdb_frame("g"), "$g#67");
    EXPECT_EQ(gdb_frame("qSupported"), "$qSupported#37");
}

TEST(GdbPacket, ReadsPacketsAcksAndCtrlC) {
    GdbPacketReader r;
    EXPECT_EQ(feed(r, "+$g#67"), (std::vector<Event>{Event::Ack, Event::Packet}));
    EXPECT_EQ(r.packet(), "g");
    EXPECT_EQ(feed(r, "\x03"), std::vector<Event>{Event::Interrupt});
    EXPECT_EQ(feed(r, "-"), std::vector<Event>{Event::Nak});
    // Upper-case checksum digits are as good as lower-case ones.
    EXPECT_EQ(feed(r, "$qSupported#37"), std::vector<Event>{Event::Packet});
    EXPECT_EQ(feed(r, "$OK#9A"), std::vector<Event>{Event::Packet});
}

TEST(GdbPacket, ABadChecksumOrDigitIsABadPacket) {
    GdbPacketReader r;
    EXPECT_EQ(feed(r, "$g#68"), std::vector<Event>{Event::BadPacket});
    EXPECT_EQ(feed(r, "$g#x7"), std::vector<Event>{Event::BadPacket});
    // The reader recovers at the next `$`.
    EXPECT_EQ(feed(r, "$g#67"), std::vector<Event>{Event::Packet});
}

TEST(GdbPacket, AByte0x03InsideAPacketIsData) {
    GdbPacketReader r;
    std::string payload = std::string("X0,1:") + '\x03';
    EXPECT_EQ(feed(r, gdb_frame(payload)), std::vector<Event>{Event::Packet});
    EXPECT_EQ(r.packet(), payload);
}

TEST(GdbPacket, ExpandsRunLengthEncoding) {
    // "0* " is '0' and 32 - 29 = 3 more: four zeros (the protocol document's example).
    GdbPacketReader r;
    EXPECT_EQ(feed(r, gdb_frame("0* ")), std::vector<Event>{Event::Packet});
    EXPECT_EQ(r.packet(), "0000");
}

TEST(GdbPacket, EscapesBinaryDataBothWays) {
    const std::string data = std::string("a#b$c}d*e") + '\0';
    const std::string escaped = gdb_escape_binary(data);
    EXPECT_EQ(escaped, std::string("a}\x03" "b}\x04" "c}]d}\x0a" "e") + '\0');
    std::string back;
    ASSERT_TRUE(gdb_unescape_binary(escaped, back));
    EXPECT_EQ(back, data);
    EXPECT_FALSE(gdb_unescape_binary("abc}", back));
}

TEST(GdbPacket, HexRoundTripsAndRejectsJunk) {
    const uint8_t bytes[] = {0x00, 0x7f, 0xde, 0xad};
    EXPECT_EQ(gdb_hex(bytes, 4), "007fdead");
    std::vector<uint8_t> out;
    ASSERT_TRUE(gdb_unhex("007FdeAD", out));
    EXPECT_EQ(out, std::vector<uint8_t>(bytes, bytes + 4));
    EXPECT_FALSE(gdb_unhex("abc", out));
    EXPECT_FALSE(gdb_unhex("zz", out));
}

} // namespace
} // namespace ia32emu
