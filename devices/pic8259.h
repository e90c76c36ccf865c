// The PC/AT's two cascaded 8259A interrupt controllers (Intel 8259A datasheet, 231468), as the
// PIIX southbridge QEMU's pc machine has them, including the ELCR edge/level registers.
#pragma once

#include <array>
#include <cstdint>

#include "emu/board/interrupt_source.h"
#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach the same object at PIC_MASTER_CMD (2 ports), PIC_SLAVE_CMD (2) and PIC_ELCR_MASTER (2).
// The slave's INT output drives the master's IR2. Modelled: ICW1-4 (single or cascade, 8086 mode,
// auto-EOI, special fully nested), OCW1 masks, OCW2 EOIs (non-specific, specific, rotating,
// set-priority), OCW3 (IRR/ISR read select, poll, special mask), edge and level triggering through
// the ELCR, and the spurious IR7 an acknowledge with no request left returns (on the slave, the
// master acknowledges IR2 and the slave answers its IR7 vector). Not modelled: the MCS-80/85
// call mode (ICW1 bit 0 clear means no ICW4, which is honoured, but 8085 vectors are not) and
// buffered mode; the ICW1 LTIM bit (the ELCR decides triggering, as on PIIX).
class Pic8259 : public PortDevice, public InterruptSource {
public:
    Pic8259();

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    // An IRQ pin, 0-15 (8-15 on the slave). Edge-triggered pins latch a request on the rising edge.
    void set_irq(unsigned irq, bool level);
    IrqLine line(unsigned irq) {
        return [this, irq](bool level) { set_irq(irq, level); };
    }

    uint8_t acknowledge() override;

    uint8_t irr(unsigned chip) const { return chips_[chip].irr; }
    uint8_t isr(unsigned chip) const { return chips_[chip].isr; }
    uint8_t imr(unsigned chip) const { return chips_[chip].imr; }

private:
    struct Chip {
        uint8_t irr = 0, isr = 0, imr = 0;
        uint8_t pin_levels = 0;     // what each input pin is driven to now
        uint8_t elcr = 0;           // 1: level-triggered
        uint8_t elcr_writable = 0;
        uint8_t vector_base = 0;
        uint8_t lowest_priority_base = 0;   // the IR that has the highest priority
        uint8_t init_step = 0;      // 0: operational; 1-3: expecting ICW2-ICW4
        bool needs_icw4 = false, single = false;
        bool read_isr = false, poll = false, special_mask = false;
        bool auto_eoi = false, rotate_on_auto_eoi = false, special_fully_nested = false;
    };

    static unsigned priority_of(const Chip &c, uint8_t mask);
    int highest_request(unsigned chip) const;
    void commit(unsigned chip, unsigned ir);
    void end_of_interrupt(Chip &c, uint8_t ocw2);
    void write_command(unsigned chip, uint8_t value);
    void write_data(unsigned chip, uint8_t value);
    uint8_t poll(unsigned chip);
    void set_pin(unsigned chip, unsigned ir, bool level);
    void update();

    std::array<Chip, 2> chips_;
};

} // namespace ia32emu
