// The RTC as functions of modelled time: the clock reading, UIP and the flags of register C are
// computed from the cycle count and the divider's phase when the guest looks.
#include "devices/cmos_rtc.h"

#include <algorithm>

#include "devices/abi/cmos_rtc.h"

namespace ia32emu {

namespace {
constexpr uint64_t kTimeBaseHz = 32768;
constexpr uint64_t kUipTicks = 8;                  // 244 us at 32.768 kHz
constexpr uint8_t kDividerReset = 0x60;            // DV 11x holds the divider chain in reset
constexpr uint8_t kInterruptBits = RTC_B_PIE | RTC_B_AIE | RTC_B_UIE;   // same positions as PF, AF, UF in C
constexpr int64_t kSecondsPerDay = 86400;
constexpr unsigned kAlarmSearchSteps = 4096;       // jumps by hours and minutes: a day needs < 200
constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;

uint16_t clamp16(uint64_t v) { return uint16_t(std::min<uint64_t>(v, 0xffff)); }
}  // namespace

CmosRtc::CmosRtc(int64_t base_seconds, uint64_t ram_below_4g, Clock now, uint64_t cpu_hz, EventQueue &events,
                 IrqLine irq)
    : now_(std::move(now)), cpu_hz_(cpu_hz ? cpu_hz : 1), events_(events), irq_(std::move(irq)),
      base_seconds_(base_seconds) {
    // What QEMU's pc machine stores for its BIOS; course kernels read the memory size here.
    uint16_t base = clamp16(std::min<uint64_t>(ram_below_4g / KiB, 640));
    uint16_t ext = clamp16(ram_below_4g > MiB ? (ram_below_4g - MiB) / KiB : 0);
    uint16_t above16 = clamp16(ram_below_4g > 16 * MiB ? (ram_below_4g - 16 * MiB) / (64 * KiB) : 0);
    auto put16 = [this](unsigned lo, uint16_t v) {
        ram_[lo] = uint8_t(v);
        ram_[lo + 1] = uint8_t(v >> 8);
    };
    put16(CMOS_BASE_MEMORY_LO, base);
    put16(CMOS_EXT_MEMORY_LO, ext);
    put16(CMOS_EXT_MEMORY2_LO, ext);
    put16(CMOS_MEMORY_ABOVE_16M_LO, above16);
}

bool CmosRtc::divider_running() const { return (reg_a_ & kDividerReset) != kDividerReset; }

// As QEMU: the clock counts with time bases 000-010 and SET clear.
bool CmosRtc::clock_running() const {
    return !(reg_b_ & RTC_B_SET) && (reg_a_ & RTC_A_DV_MASK) <= RTC_A_DV_NORMAL;
}

uint64_t CmosRtc::updates_until(uint64_t cycle) const { return (cycle + phase_offset_) / cpu_hz_; }

uint64_t CmosRtc::periodic_ticks_until(uint64_t cycle) const {
    return uint64_t((unsigned __int128)(cycle + phase_offset_) * kTimeBaseHz / cpu_hz_);
}

uint64_t CmosRtc::cycle_of_update(uint64_t update) const { return update * cpu_hz_ - phase_offset_; }

uint64_t CmosRtc::cycle_of_periodic_tick(uint64_t tick) const {
    unsigned __int128 scaled = (unsigned __int128)tick * cpu_hz_;
    return uint64_t((scaled + kTimeBaseHz - 1) / kTimeBaseHz) - phase_offset_;
}

// RS 1 and 2 select 256 and 128 Hz, the rates of RS 8 and 9 (the datasheet's table for a
// 32.768 kHz time base); RS n >= 3 is 32768 >> (n - 1) Hz.
unsigned CmosRtc::periodic_period() const {
    unsigned rs = reg_a_ & RTC_A_RS_MASK;
    if (rs == 0)
        return 0;
    if (rs <= 2)
        rs += 7;
    return 1u << (rs - 1);
}

int64_t CmosRtc::seconds_now() const {
    if (!clock_running())
        return base_seconds_;
    uint64_t now = now_();
    return base_seconds_ + int64_t(updates_until(now) - updates_until(base_cycle_));
}

// Latches into register C whatever happened since the last look.
void CmosRtc::catch_up(uint64_t now) {
    if (now <= caught_up_to_)
        return;
    unsigned period = periodic_period();
    if (divider_running() && period && periodic_ticks_until(now) / period > periodic_ticks_until(caught_up_to_) / period)
        flags_ |= RTC_C_PF;
    if (clock_running()) {
        uint64_t first = updates_until(caught_up_to_), last = updates_until(now);
        if (last > first) {
            flags_ |= RTC_C_UF;
            int64_t at_base = int64_t(updates_until(base_cycle_));
            int64_t from = base_seconds_ + int64_t(first + 1) - at_base, until = base_seconds_ + int64_t(last) - at_base;
            if (next_alarm(from, until) <= until)
                flags_ |= RTC_C_AF;
        }
    }
    caught_up_to_ = now;
}

bool CmosRtc::alarm_matches(int64_t seconds) const {
    CivilTime t = from_epoch_seconds(seconds);
    auto ok = [](uint8_t alarm, uint8_t value) { return alarm >= RTC_ALARM_DONT_CARE || alarm == value; };
    return ok(alarm_[0], encode(t.second)) && ok(alarm_[1], encode(t.minute)) && ok(alarm_[2], encode_hours(t.hour));
}

// The first second in [from, until] whose time matches the alarm bytes, or a value past `until`.
int64_t CmosRtc::next_alarm(int64_t from, int64_t until) const {
    int64_t t = from;
    for (unsigned step = 0; step < kAlarmSearchSteps && t <= until; ++step) {
        CivilTime c = from_epoch_seconds(t);
        if (alarm_[2] < RTC_ALARM_DONT_CARE && encode_hours(c.hour) != alarm_[2])
            t += 3600 - int64_t(c.minute) * 60 - c.second;
        else if (alarm_[1] < RTC_ALARM_DONT_CARE && encode(uint8_t(c.minute)) != alarm_[1])
            t += 60 - int64_t(c.second);
        else if (alarm_[0] < RTC_ALARM_DONT_CARE && encode(uint8_t(c.second)) != alarm_[0])
            t += 1;
        else
            return t;
    }
    return until + 1;
}

void CmosRtc::settle_irq() {
    bool level = (flags_ & reg_b_ & kInterruptBits) != 0;
    if (level == irq_level_)
        return;
    irq_level_ = level;
    if (irq_)
        irq_(level);
}

// The next moment an enabled source would set IRQF; nothing while IRQF is already set.
void CmosRtc::reschedule() {
    if (event_) {
        events_.cancel(event_);
        event_ = 0;
    }
    if (irq_level_)
        return;
    uint64_t now = now_(), due = EventQueue::kNever;
    unsigned period = periodic_period();
    if ((reg_b_ & RTC_B_PIE) && divider_running() && period)
        due = std::min(due, cycle_of_periodic_tick((periodic_ticks_until(now) / period + 1) * period));
    if ((reg_b_ & RTC_B_UIE) && clock_running())
        due = std::min(due, cycle_of_update(updates_until(now) + 1));
    if ((reg_b_ & RTC_B_AIE) && clock_running()) {
        int64_t s = seconds_now(), hit = next_alarm(s + 1, s + kSecondsPerDay);
        if (hit <= s + kSecondsPerDay)
            due = std::min(due, cycle_of_update(updates_until(now) + uint64_t(hit - s)));
    }
    if (due == EventQueue::kNever)
        return;
    event_ = events_.schedule(due, [this](uint64_t) {
        event_ = 0;
        catch_up(now_());
        settle_irq();
        reschedule();
    });
}

uint8_t CmosRtc::encode(unsigned value) const {
    if (reg_b_ & RTC_B_DM_BINARY)
        return uint8_t(value);
    return uint8_t((value / 10 % 10) << 4 | value % 10);
}

unsigned CmosRtc::decode(uint8_t value) const {
    if (reg_b_ & RTC_B_DM_BINARY)
        return value;
    return (value >> 4) * 10u + (value & 0x0f);
}

uint8_t CmosRtc::encode_hours(unsigned hour) const {
    if (reg_b_ & RTC_B_24H)
        return encode(hour);
    unsigned h12 = hour % 12 ? hour % 12 : 12;
    return uint8_t(encode(h12) | (hour >= 12 ? 0x80 : 0));
}

unsigned CmosRtc::decode_hours(uint8_t value) const {
    if (reg_b_ & RTC_B_24H)
        return decode(value);
    return decode(value & 0x7f) % 12 + ((value & 0x80) ? 12 : 0);
}

uint8_t CmosRtc::read_register(uint8_t index) {
    CivilTime t = from_epoch_seconds(seconds_now());
    switch (index) {
    case RTC_SECONDS: return encode(t.second);
    case RTC_MINUTES: return encode(t.minute);
    case RTC_HOURS: return encode_hours(t.hour);
    case RTC_SECONDS_ALARM: return alarm_[0];
    case RTC_MINUTES_ALARM: return alarm_[1];
    case RTC_HOURS_ALARM: return alarm_[2];
    case RTC_DAY_OF_WEEK: return encode(unsigned((int(t.weekday) + weekday_offset_) % 7 + 1));
    case RTC_DAY_OF_MONTH: return encode(t.day);
    case RTC_MONTH: return encode(t.month);
    case RTC_YEAR: return encode(unsigned((t.year % 100 + 100) % 100));
    case CMOS_CENTURY: return encode(unsigned(std::clamp<int64_t>(t.year / 100, 0, 99)));
    case RTC_REG_A: {
        uint64_t phase = (now_() + phase_offset_) % cpu_hz_;
        bool uip = clock_running() && phase >= cpu_hz_ - cpu_hz_ * kUipTicks / kTimeBaseHz;
        return uint8_t(reg_a_ | (uip ? RTC_A_UIP : 0));
    }
    case RTC_REG_B: return reg_b_;
    case RTC_REG_C: {
        catch_up(now_());
        uint8_t value = uint8_t(flags_ | ((flags_ & reg_b_ & kInterruptBits) ? RTC_C_IRQF : 0));
        flags_ = 0;
        settle_irq();
        reschedule();
        return value;
    }
    case RTC_REG_D: return RTC_D_VRT;
    default: return ram_[index];
    }
}

void CmosRtc::set_time_field(uint8_t index, uint8_t value) {
    CivilTime t = from_epoch_seconds(base_seconds_);
    switch (index) {
    case RTC_SECONDS: t.second = decode(value); break;
    case RTC_MINUTES: t.minute = decode(value); break;
    case RTC_HOURS: t.hour = decode_hours(value); break;
    case RTC_DAY_OF_MONTH: t.day = decode(value); break;
    case RTC_MONTH: t.month = decode(value); break;
    case RTC_YEAR: t.year = t.year / 100 * 100 + decode(value); break;
    case CMOS_CENTURY: t.year = int64_t(decode(value)) * 100 + t.year % 100; break;
    default: {   // RTC_DAY_OF_WEEK: counts on its own, from what the guest wrote
        weekday_offset_ = ((int(decode(value)) - 1 - int(t.weekday)) % 7 + 7) % 7;
        return;
    }
    }
    base_seconds_ = to_epoch_seconds(t);
}

void CmosRtc::write_register(uint8_t index, uint8_t value) {
    uint64_t now = now_();
    catch_up(now);
    // Rebase: what the clock reads now becomes the base, so any change below starts from here.
    base_seconds_ = seconds_now();
    base_cycle_ = now;
    switch (index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case CMOS_CENTURY:
        set_time_field(index, value);
        break;
    case RTC_SECONDS_ALARM: alarm_[0] = value; break;
    case RTC_MINUTES_ALARM: alarm_[1] = value; break;
    case RTC_HOURS_ALARM: alarm_[2] = value; break;
    case RTC_REG_A: {
        bool was_reset = !divider_running();
        reg_a_ = value & uint8_t(~RTC_A_UIP);
        // Leaving reset, the divider chain starts so that the first update is half a second away.
        if (was_reset && divider_running())
            phase_offset_ = (cpu_hz_ - (now + cpu_hz_ / 2) % cpu_hz_) % cpu_hz_;
        break;
    }
    case RTC_REG_B:
        if (value & RTC_B_SET)
            value &= uint8_t(~RTC_B_UIE);
        reg_b_ = value;
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        return;   // read-only
    default:
        ram_[index] = value;
        return;
    }
    settle_irq();
    reschedule();
}

uint32_t CmosRtc::io_read(uint16_t port, unsigned size) {
    uint32_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
        uint8_t byte = ((port + i) & 1) ? read_register(index_) : 0xff;   // the index port is write-only
        value |= uint32_t(byte) << (8 * i);
    }
    return value;
}

void CmosRtc::io_write(uint16_t port, unsigned size, uint32_t value) {
    for (unsigned i = 0; i < size; ++i) {
        uint8_t byte = uint8_t(value >> (8 * i));
        if ((port + i) & 1) {
            write_register(index_, byte);
        } else {
            index_ = byte & 0x7f;
            nmi_enabled_ = !(byte & CMOS_NMI_DISABLE);
        }
    }
}

}  // namespace ia32emu
