// Days from and to a civil date by counting 400-year eras of 146097 days from 0000-03-01, so
// that the leap day is the last day of each counted year.
#include "emu/board/civil_time.h"

#include <cctype>

namespace ia32emu {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kDaysPerEra = 146097;
constexpr int64_t kDaysFrom0000To1970 = 719468;   // 0000-03-01 to 1970-01-01

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y += floor_div(m - 1, 12);
    m = (m - 1) - floor_div(m - 1, 12) * 12 + 1;
    if (m <= 2)
        --y;
    int64_t era = floor_div(y, 400);
    int64_t year_of_era = y - era * 400;
    int64_t day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * kDaysPerEra + day_of_era - kDaysFrom0000To1970;
}

bool digits(std::string_view s, size_t at, size_t n, unsigned &out) {
    if (at + n > s.size())
        return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i])))
            return false;
        out = out * 10 + unsigned(s[i] - '0');
    }
    return true;
}

unsigned days_in_month(unsigned year, unsigned month) {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

int64_t to_epoch_seconds(const CivilTime &t) {
    return days_from_civil(t.year, t.month, t.day) * kSecondsPerDay + int64_t(t.hour) * 3600 +
           int64_t(t.minute) * 60 + int64_t(t.second);
}

CivilTime from_epoch_seconds(int64_t seconds) {
    int64_t days = floor_div(seconds, kSecondsPerDay);
    int64_t rest = seconds - days * kSecondsPerDay;
    CivilTime t;
    t.hour = unsigned(rest / 3600);
    t.minute = unsigned(rest / 60 % 60);
    t.second = unsigned(rest % 60);
    t.weekday = unsigned(floor_div(days + 4, 7) * -7 + days + 4);
    int64_t z = days + kDaysFrom0000To1970;
    int64_t era = floor_div(z, kDaysPerEra);
    int64_t day_of_era = z - era * kDaysPerEra;
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t mp = (5 * day_of_year + 2) / 153;
    t.day = unsigned(day_of_year - (153 * mp + 2) / 5 + 1);
    t.month = unsigned(mp < 10 ? mp + 3 : mp - 9);
    t.year = year_of_era + era * 400 + (t.month <= 2 ? 1 : 0);
    return t;
}

std::optional<int64_t> parse_rtc_base(std::string_view text) {
    CivilTime t;
    unsigned year = 0;
    if (text.size() == 20 && text[19] == 'Z')
        text.remove_suffix(1);
    if (text.size() != 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
        text[13] != ':' || text[16] != ':')
        return std::nullopt;
    if (!digits(text, 0, 4, year) || !digits(text, 5, 2, t.month) || !digits(text, 8, 2, t.day) ||
        !digits(text, 11, 2, t.hour) || !digits(text, 14, 2, t.minute) || !digits(text, 17, 2, t.second))
        return std::nullopt;
    if (year < 1900 || year > 2199 || t.month < 1 || t.month > 12 || t.day < 1 ||
        t.day > days_in_month(year, t.month) || t.hour > 23 || t.minute > 59 || t.second > 59)
        return std::nullopt;
    t.year = year;
    return to_epoch_seconds(t);
}

}  // namespace ia32emu
