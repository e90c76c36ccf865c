// Calendar arithmetic for the RTC: seconds since 1970-01-01 00:00:00 (no time zone, no leap
// seconds, proleptic Gregorian) to and from a broken-down date, and the board's `rtc.base` text.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ia32emu {

struct CivilTime {
    int64_t year = 1970;
    unsigned month = 1;    // 1-12
    unsigned day = 1;      // 1-31
    unsigned hour = 0, minute = 0, second = 0;
    unsigned weekday = 4;  // 0 Sunday; 1970-01-01 was a Thursday
};

// Fields out of range carry over (month 13 is January of the next year), as mktime does.
int64_t to_epoch_seconds(const CivilTime &t);
CivilTime from_epoch_seconds(int64_t seconds);

// "YYYY-MM-DDTHH:MM:SS" (QEMU's -rtc base= form, also with a space or "Z"), years 1900-2199: the
// range a CMOS century byte and two-digit year can show. Empty when the text is anything else.
std::optional<int64_t> parse_rtc_base(std::string_view text);

}  // namespace ia32emu
