// 8254 counters as functions of modelled time: a counter is (reload, start tick, ticks counted
// before that), and its count and OUT pin follow from the datasheet's mode waveforms.
#include "devices/pit8254.h"

#include "devices/abi/pit8254.h"

namespace ia32emu {
namespace {
constexpr unsigned kChannels = 3;
}  // namespace

Pit8254::Pit8254(Clock now, uint64_t cpu_hz, EventQueue &events, IrqLine irq0)
    : now_(std::move(now)), cpu_hz_(cpu_hz ? cpu_hz : 1), events_(events), irq0_(std::move(irq0)) {
    channels_[2].gate = false;
    reschedule(0);
    irq0_(out_at(channels_[0], now_ticks()));
}

uint64_t Pit8254::ticks_at(uint64_t cycle) const {
    return cycle / cpu_hz_ * PIT_HZ + (cycle % cpu_hz_) * PIT_HZ / cpu_hz_;
}

uint64_t Pit8254::cycle_of_tick(uint64_t tick) const {
    uint64_t rem = tick % PIT_HZ;
    return tick / PIT_HZ * cpu_hz_ + (rem * cpu_hz_ + PIT_HZ - 1) / PIT_HZ;
}

bool Pit8254::running(const Channel &c) {
    if (!c.loaded)
        return false;
    return (c.mode == 1 || c.mode == 5) ? c.triggered : c.gate;
}

uint64_t Pit8254::elapsed(const Channel &c, uint64_t tick) const {
    return running(c) && tick > c.start_tick ? c.frozen + (tick - c.start_tick) : c.frozen;
}

uint16_t Pit8254::count_now(const Channel &c) const {
    uint64_t d = elapsed(c, now_ticks());
    uint64_t n = c.reload;
    switch (c.mode) {
    case 2: return uint16_t(n - d % n);
    case 3: return uint16_t(n - (2 * d) % n);
    default: return uint16_t(n - d);   // modes 0, 1, 4, 5 wrap past zero and keep counting
    }
}

bool Pit8254::out_at(const Channel &c, uint64_t tick) const {
    if (!c.loaded)
        return c.mode != 0;
    uint64_t d = elapsed(c, tick), n = c.reload;
    switch (c.mode) {
    case 0: return d >= n;
    case 1: return !c.triggered || d >= n;
    case 2: return n < 2 || d % n != n - 1;
    case 3: return d % n < (n + 1) / 2;
    default: return !(c.mode == 4 || c.triggered) || d != n;   // 4, 5: one tick low at terminal count
    }
}

bool Pit8254::out(unsigned channel) const { return out_at(channels_[channel], now_ticks()); }

void Pit8254::latch_count(Channel &c) {
    if (c.count_latched)
        return;
    c.latched_count = count_now(c);
    c.count_latched = true;
    c.latched_msb_next = false;
}

void Pit8254::write_control(uint8_t value) {
    unsigned select = value >> 6;
    if (select == 3) {
        // Read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 1-3 pick counters.
        for (unsigned i = 0; i < kChannels; ++i) {
            if (!(value & (2u << i)))
                continue;
            Channel &c = channels_[i];
            if (!(value & 0x20))
                latch_count(c);
            if (!(value & 0x10) && !c.status_latched) {
                c.status = uint8_t((out(i) ? 0x80 : 0) | (c.null_count ? 0x40 : 0) | (c.access << 4) |
                                   (c.mode << 1) | (c.bcd ? 1 : 0));
                c.status_latched = true;
            }
        }
        return;
    }
    Channel &c = channels_[select];
    unsigned access = (value >> 4) & 3;
    if (access == 0) {
        latch_count(c);
        return;
    }
    c.access = uint8_t(access);
    c.mode = uint8_t((value >> 1) & 7);
    if (c.mode > 5)
        c.mode = uint8_t(c.mode - 4);   // 6 and 7 are modes 2 and 3
    c.bcd = value & 1;
    c.loaded = false;
    c.triggered = false;
    c.frozen = 0;
    c.null_count = true;
    c.write_msb_next = false;
    c.read_msb_next = false;
    if (select == 0) {
        reschedule(0);
        irq0_(out_at(c, now_ticks()));
    }
}

void Pit8254::load(unsigned channel, uint32_t count) {
    Channel &c = channels_[channel];
    c.reload = count ? count : 0x10000;
    c.loaded = true;
    c.null_count = false;
    c.frozen = 0;
    c.start_tick = now_ticks();
    if (channel == 0) {
        reschedule(0);
        irq0_(out_at(c, c.start_tick));
    }
}

void Pit8254::write_count(unsigned channel, uint8_t value) {
    Channel &c = channels_[channel];
    switch (c.access) {
    case 1: load(channel, value); break;
    case 2: load(channel, uint32_t(value) << 8); break;
    default:
        if (!c.write_msb_next) {
            c.write_lsb = value;
            c.write_msb_next = true;
        } else {
            c.write_msb_next = false;
            load(channel, c.write_lsb | uint32_t(value) << 8);
        }
        break;
    }
}

uint8_t Pit8254::read_counter(Channel &c) {
    if (c.status_latched) {
        c.status_latched = false;
        return c.status;
    }
    if (c.count_latched) {
        uint16_t v = c.latched_count;
        if (c.access == 3 && !c.latched_msb_next) {
            c.latched_msb_next = true;
            return uint8_t(v);
        }
        c.count_latched = false;
        return uint8_t(c.access == 1 ? v : v >> 8);
    }
    uint16_t v = count_now(c);
    if (c.access == 1)
        return uint8_t(v);
    if (c.access == 2)
        return uint8_t(v >> 8);
    c.read_msb_next = !c.read_msb_next;
    return c.read_msb_next ? uint8_t(v) : uint8_t(v >> 8);
}

void Pit8254::set_gate(unsigned channel, bool level) {
    Channel &c = channels_[channel];
    if (c.gate == level)
        return;
    uint64_t t = now_ticks();
    if (!level) {
        if (c.mode != 1 && c.mode != 5)
            c.frozen = elapsed(c, t);
        c.gate = false;
    } else {
        c.gate = true;
        if (c.mode == 0 || c.mode == 4) {
            c.start_tick = t;   // resume where the low gate stopped it
        } else {
            c.frozen = 0;       // modes 1, 2, 3, 5: a rising gate restarts the count
            c.start_tick = t;
            c.triggered = true;
        }
    }
    if (channel == 0)
        reschedule(0);
}

// Channel 0's rising OUT edges are IRQ0's requests.
void Pit8254::reschedule(unsigned channel) {
    Channel &c = channels_[channel];
    if (c.event) {
        events_.cancel(c.event);
        c.event = 0;
    }
    if (!running(c))
        return;
    uint64_t d = elapsed(c, now_ticks()), n = c.reload, edge;
    switch (c.mode) {
    case 0: edge = n; break;
    case 4: edge = n + 1; break;
    case 2:
    case 3: edge = (d / n + 1) * n; break;
    default: return;
    }
    if (edge <= d && (c.mode == 0 || c.mode == 4))
        return;
    c.next_edge_tick = c.start_tick + (edge - c.frozen);
    c.event = events_.schedule(cycle_of_tick(c.next_edge_tick), [this](uint64_t due) { on_edge(due); });
}

void Pit8254::on_edge(uint64_t) {
    Channel &c = channels_[0];
    c.event = 0;
    irq0_(false);
    irq0_(true);
    if (c.mode != 2 && c.mode != 3)
        return;
    c.next_edge_tick += c.reload;
    c.event = events_.schedule(cycle_of_tick(c.next_edge_tick), [this](uint64_t due) { on_edge(due); });
}

uint32_t Pit8254::io_read(uint16_t port, unsigned size) {
    uint32_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
        unsigned reg = (port + i - PIT_CHANNEL0) & 3;
        uint8_t byte = reg == 3 ? 0xff : read_counter(channels_[reg]);   // the control word is write-only
        value |= uint32_t(byte) << (8 * i);
    }
    return value;
}

void Pit8254::io_write(uint16_t port, unsigned size, uint32_t value) {
    for (unsigned i = 0; i < size; ++i) {
        unsigned reg = (port + i - PIT_CHANNEL0) & 3;
        uint8_t byte = uint8_t(value >> (8 * i));
        if (reg == 3)
            write_control(byte);
        else
            write_count(reg, byte);
    }
}

}  // namespace ia32emu
