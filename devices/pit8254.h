// The 8254 programmable interval timer (Intel 8254 datasheet, 231164) of the PC: channel 0 drives
// IRQ0, channel 2's gate and output reach the CPU through system control port B (port 0x61).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "emu/board/event_queue.h"
#include "emu/board/interrupt_source.h"
#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at PIT_CHANNEL0 with a count of 4. The counters are not stepped: each is computed from
// the modelled cycle at which it was loaded, at PIT_HZ against the CPU clock, so reading them
// costs nothing and is exact to the tick. Only channel 0's output edges are events (for IRQ0).
// Modelled: modes 0-5 (count and OUT as the datasheet's waveforms), LSB/MSB/word access, counter
// latch, read-back of count and status, the gate of channel 2 (rising edge restarts modes 1, 2,
// 3, 5; low stops counting in every mode). Channel 1 (DRAM refresh) counts but drives nothing.
// Reset state as QEMU's: every channel in mode 3 with count 65536; gates 0 and 1 high, 2 low.
// Not modelled: BCD counting (the BCD bit is kept and reported in the status, counting is binary).
class Pit8254 : public PortDevice {
public:
    using Clock = std::function<uint64_t()>;

    // `cpu_hz`: the clock `now` counts in; `irq0`: channel 0's OUT pin.
    Pit8254(Clock now, uint64_t cpu_hz, EventQueue &events, IrqLine irq0);

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    void set_gate(unsigned channel, bool level);
    bool gate(unsigned channel) const { return channels_[channel].gate; }
    bool out(unsigned channel) const;

    uint64_t now_cycle() const { return now_(); }
    // Conversions between the CPU's cycles and PIT input ticks, exact in 64 bits for any clock.
    uint64_t ticks_at(uint64_t cycle) const;
    uint64_t cycle_of_tick(uint64_t tick) const;

private:
    struct Channel {
        uint32_t reload = 0x10000;   // the programmed count; 0 stands for 65536
        uint64_t start_tick = 0;     // when counting last (re)started or resumed
        uint64_t frozen = 0;         // ticks counted before start_tick (a low gate pauses mode 0/4)
        bool loaded = true;          // a count was written since the last control word
        bool triggered = false;      // modes 1 and 5 count only after a rising gate edge
        bool gate = true;
        uint8_t mode = 3;
        bool bcd = false;
        uint8_t access = 3;          // 1 LSB, 2 MSB, 3 LSB then MSB
        bool write_msb_next = false;
        uint8_t write_lsb = 0;
        bool read_msb_next = false;
        bool count_latched = false;
        uint16_t latched_count = 0;
        bool latched_msb_next = false;
        bool status_latched = false;
        uint8_t status = 0;
        bool null_count = false;
        EventQueue::Id event = 0;
        uint64_t next_edge_tick = 0;
    };

    uint64_t now_ticks() const { return ticks_at(now_()); }
    static bool running(const Channel &c);
    uint64_t elapsed(const Channel &c, uint64_t tick) const;
    uint16_t count_now(const Channel &c) const;
    bool out_at(const Channel &c, uint64_t tick) const;
    void write_control(uint8_t value);
    void latch_count(Channel &c);
    void write_count(unsigned channel, uint8_t value);
    void load(unsigned channel, uint32_t count);
    uint8_t read_counter(Channel &c);
    void reschedule(unsigned channel);
    void on_edge(uint64_t due);

    Clock now_;
    uint64_t cpu_hz_;
    EventQueue &events_;
    IrqLine irq0_;
    std::array<Channel, 3> channels_;
};

} // namespace ia32emu
