// The PC/AT's real-time clock and CMOS RAM (Motorola MC146818A datasheet; Intel PIIX4 datasheet
// 290562, section 4.1.10, for ports 0x70/0x71 and the NMI mask), as QEMU's hw/rtc/mc146818rtc.c
// presents it to a guest.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "emu/board/civil_time.h"
#include "emu/board/event_queue.h"
#include "emu/board/interrupt_source.h"
#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at CMOS_INDEX_PORT with a count of 2; the interrupt output goes to IRQ8.
//
// | index | register | behaviour |
// |---|---|---|
// | 0x00-0x09 | seconds, alarms, minutes, hours, weekday, day, month, year | BCD or binary per B.DM, 12/24h per B.24H; writes set the clock |
// | 0x0A | A | UIP (read-only, high during the last 244 us of each second), DV, RS (periodic rate) |
// | 0x0B | B | SET (updates stop), PIE, AIE, UIE (cleared by SET), SQWE, DM, 24H, DSE |
// | 0x0C | C | IRQF, PF, AF, UF; reading clears them and drops IRQ8 |
// | 0x0D | D | VRT: always 0x80 |
// | 0x0E-0x7F | CMOS RAM | memory size bytes as QEMU's BIOS tables, the century at 0x32 (follows the clock) |
//
// Deterministic: the clock is not the host's. It starts at `base` (seconds since 1970, from the
// board's rtc.base) at cycle 0 and advances with modelled time; its 32.768 kHz divider chain,
// which paces updates and the periodic rate, is a function of the cycle count. Flags are derived
// from modelled time when read, and only an enabled interrupt schedules an event (and none while
// IRQF is still set: the line is level until C is read, so a guest that never reads C gets one
// edge, as on QEMU and real boards). A divider leaving reset (DV 11x -> 010) has its first update
// half a second later. Port 0x70's bit 7 is the NMI mask (kept; nothing raises an NMI); port 0x70
// reads 0xFF, as on QEMU. Not modelled: daylight-saving switching (DSE is kept), the square-wave
// output, DV values other than 010 and reset (they stop the clock, as on QEMU).
class CmosRtc : public PortDevice {
public:
    using Clock = std::function<uint64_t()>;

    CmosRtc(int64_t base_seconds, uint64_t ram_below_4g, Clock now, uint64_t cpu_hz, EventQueue &events, IrqLine irq);

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    bool nmi_enabled() const { return nmi_enabled_; }
    bool irq_asserted() const { return irq_level_; }
    // The clock's reading now, in seconds since 1970.
    int64_t seconds_now() const;

private:
    uint8_t read_register(uint8_t index);
    void write_register(uint8_t index, uint8_t value);
    bool divider_running() const;
    bool clock_running() const;
    uint64_t updates_until(uint64_t cycle) const;          // second boundaries since the phase origin
    uint64_t periodic_ticks_until(uint64_t cycle) const;   // 32.768 kHz ticks since the phase origin
    uint64_t cycle_of_update(uint64_t update) const;
    uint64_t cycle_of_periodic_tick(uint64_t tick) const;
    unsigned periodic_period() const;   // in 32.768 kHz ticks, 0 for none
    void catch_up(uint64_t now);
    bool alarm_matches(int64_t seconds) const;
    int64_t next_alarm(int64_t from, int64_t until) const;
    void settle_irq();
    void reschedule();
    uint8_t encode(unsigned value) const;
    unsigned decode(uint8_t value) const;
    uint8_t encode_hours(unsigned hour) const;
    unsigned decode_hours(uint8_t value) const;
    void set_time_field(uint8_t index, uint8_t value);

    Clock now_;
    uint64_t cpu_hz_;
    EventQueue &events_;
    IrqLine irq_;
    bool irq_level_ = false;
    EventQueue::Id event_ = 0;

    // The clock reads base_seconds_ plus the updates after base_cycle_ while it runs.
    int64_t base_seconds_;
    uint64_t base_cycle_ = 0;
    uint64_t phase_offset_ = 0;        // cycles added before dividing, so that updates fall where they should
    uint64_t caught_up_to_ = 0;        // flags hold everything up to this cycle
    int weekday_offset_ = 0;           // the guest may set the weekday register on its own

    uint8_t index_ = 0;
    bool nmi_enabled_ = true;
    uint8_t reg_a_ = 0x26;             // 32.768 kHz time base, 1024 Hz periodic rate: QEMU's reset value
    uint8_t reg_b_ = 0x02;             // 24-hour BCD
    uint8_t flags_ = 0;                // register C
    std::array<uint8_t, 3> alarm_{};   // seconds, minutes, hours, as written
    std::array<uint8_t, 128> ram_{};
};

}  // namespace ia32emu
