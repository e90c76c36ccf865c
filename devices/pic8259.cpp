// 8259A priority resolution and the command words, after the datasheet's block diagram: IRR
// latches requests, IMR masks them, the priority resolver compares the best unmasked request with
// the best in-service level, and INTA moves the winner from IRR to ISR.
#include "devices/pic8259.h"

#include "devices/abi/pic8259.h"

namespace ia32emu {
namespace {
constexpr unsigned kMaster = 0, kSlave = 1;
constexpr unsigned kNone = 8;
constexpr unsigned kSpuriousIr = 7;
}  // namespace

Pic8259::Pic8259() {
    // PIIX: IRQ0-2 (timer, keyboard, cascade) and IRQ8, IRQ13 cannot be level-triggered.
    chips_[kMaster].elcr_writable = 0xf8;
    chips_[kSlave].elcr_writable = 0xde;
}

unsigned Pic8259::priority_of(const Chip &c, uint8_t mask) {
    if (!mask)
        return kNone;
    unsigned p = 0;
    while (!(mask & (1u << ((p + c.lowest_priority_base) & 7))))
        ++p;
    return p;
}

// The IR the chip would signal, or -1: its best unmasked request must outrank everything in
// service (special mask mode lets masked in-service levels stop blocking; special fully nested
// mode lets the slave interrupt a slave interrupt in service on the master).
int Pic8259::highest_request(unsigned chip) const {
    const Chip &c = chips_[chip];
    unsigned request = priority_of(c, c.irr & ~c.imr);
    if (request == kNone)
        return -1;
    uint8_t in_service = c.isr;
    if (c.special_mask)
        in_service &= ~c.imr;
    if (chip == kMaster && c.special_fully_nested)
        in_service &= ~(1u << PIC_CASCADE_IRQ);
    if (request < priority_of(c, in_service))
        return int((request + c.lowest_priority_base) & 7);
    return -1;
}

void Pic8259::update() {
    set_pin(kMaster, PIC_CASCADE_IRQ, highest_request(kSlave) >= 0);
    set_intr(highest_request(kMaster) >= 0);
}

void Pic8259::set_pin(unsigned chip, unsigned ir, bool level) {
    Chip &c = chips_[chip];
    uint8_t bit = uint8_t(1u << ir);
    bool was = c.pin_levels & bit;
    if (level)
        c.pin_levels |= bit;
    else
        c.pin_levels &= ~bit;
    if (c.elcr & bit) {
        if (level)
            c.irr |= bit;
        else
            c.irr &= ~bit;
    } else if (level && !was) {
        c.irr |= bit;
    }
}

void Pic8259::set_irq(unsigned irq, bool level) {
    if (irq >= 16)
        return;
    set_pin(irq / 8, irq % 8, level);
    update();
}

// INTA: ISR takes the level unless auto-EOI ends it at once; an edge request is consumed, a
// level request stays in IRR while its pin is high.
void Pic8259::commit(unsigned chip, unsigned ir) {
    Chip &c = chips_[chip];
    uint8_t bit = uint8_t(1u << ir);
    if (c.auto_eoi) {
        if (c.rotate_on_auto_eoi)
            c.lowest_priority_base = uint8_t((ir + 1) & 7);
    } else {
        c.isr |= bit;
    }
    if (!(c.elcr & bit))
        c.irr &= ~bit;
}

uint8_t Pic8259::acknowledge() {
    uint8_t vector;
    int ir = highest_request(kMaster);
    if (ir < 0) {
        vector = uint8_t(chips_[kMaster].vector_base + kSpuriousIr);
    } else {
        commit(kMaster, unsigned(ir));
        if (ir == PIC_CASCADE_IRQ && !chips_[kMaster].single) {
            int slave_ir = highest_request(kSlave);
            if (slave_ir >= 0)
                commit(kSlave, unsigned(slave_ir));
            else
                slave_ir = kSpuriousIr;
            vector = uint8_t(chips_[kSlave].vector_base + slave_ir);
        } else {
            vector = uint8_t(chips_[kMaster].vector_base + ir);
        }
    }
    update();
    return vector;
}

void Pic8259::end_of_interrupt(Chip &c, uint8_t ocw2) {
    unsigned command = ocw2 >> 5;
    switch (command) {
    case 0: c.rotate_on_auto_eoi = false; break;
    case 4: c.rotate_on_auto_eoi = true; break;
    case 1:   // non-specific EOI
    case 5: { // rotate on non-specific EOI
        unsigned p = priority_of(c, c.isr);
        if (p == kNone)
            break;
        unsigned ir = (p + c.lowest_priority_base) & 7;
        c.isr &= uint8_t(~(1u << ir));
        if (command == 5)
            c.lowest_priority_base = uint8_t((ir + 1) & 7);
        break;
    }
    case 3:   // specific EOI
    case 7: { // rotate on specific EOI
        unsigned ir = ocw2 & 7;
        c.isr &= uint8_t(~(1u << ir));
        if (command == 7)
            c.lowest_priority_base = uint8_t((ir + 1) & 7);
        break;
    }
    case 6: c.lowest_priority_base = uint8_t(((ocw2 & 7) + 1) & 7); break;
    default: break;  // 2: no operation
    }
}

void Pic8259::write_command(unsigned chip, uint8_t value) {
    Chip &c = chips_[chip];
    if (value & PIC_ICW1_INIT) {
        // ICW1 clears the masks, the in-service levels and latched edges; priority restarts at IR0.
        // A level request whose pin is still high survives, as the pin keeps driving IRR.
        Chip fresh;
        fresh.elcr = c.elcr;
        fresh.elcr_writable = c.elcr_writable;
        fresh.pin_levels = c.pin_levels;
        fresh.irr = c.irr & c.elcr;
        c = fresh;
        c.needs_icw4 = value & PIC_ICW1_ICW4;
        c.single = value & PIC_ICW1_SINGLE;
        c.init_step = 1;
    } else if (value & PIC_OCW3) {
        if (value & 0x04)
            c.poll = true;
        if (value & 0x02)
            c.read_isr = value & 0x01;
        if (value & 0x40)
            c.special_mask = value & 0x20;
    } else {
        end_of_interrupt(c, value);
    }
    update();
}

void Pic8259::write_data(unsigned chip, uint8_t value) {
    Chip &c = chips_[chip];
    switch (c.init_step) {
    case 0: c.imr = value; break;
    case 1:
        c.vector_base = value & 0xf8;
        c.init_step = !c.single ? 2 : c.needs_icw4 ? 3 : 0;
        break;
    case 2:   // ICW3: the cascade wiring is fixed on a PC
        c.init_step = c.needs_icw4 ? 3 : 0;
        break;
    default:
        c.special_fully_nested = value & PIC_ICW4_SFNM;
        c.auto_eoi = value & PIC_ICW4_AUTO_EOI;
        c.init_step = 0;
        break;
    }
    update();
}

// Poll mode (OCW3 P): the read is the acknowledge, returning 0x80 | IR, or 0 with nothing pending.
uint8_t Pic8259::poll(unsigned chip) {
    Chip &c = chips_[chip];
    c.poll = false;
    int ir = highest_request(chip);
    if (ir < 0)
        return 0;
    commit(chip, unsigned(ir));
    update();
    return uint8_t(0x80 | ir);
}

uint32_t Pic8259::io_read(uint16_t port, unsigned size) {
    uint32_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
        uint16_t p = uint16_t(port + i);
        uint8_t byte;
        if (p == PIC_ELCR_MASTER || p == PIC_ELCR_SLAVE) {
            byte = chips_[p - PIC_ELCR_MASTER].elcr;
        } else {
            unsigned chip = (p & 0x80) ? kSlave : kMaster;
            Chip &c = chips_[chip];
            if (c.poll)
                byte = poll(chip);
            else if (p & 1)
                byte = c.imr;
            else
                byte = c.read_isr ? c.isr : c.irr;
        }
        value |= uint32_t(byte) << (8 * i);
    }
    return value;
}

void Pic8259::io_write(uint16_t port, unsigned size, uint32_t value) {
    for (unsigned i = 0; i < size; ++i) {
        uint16_t p = uint16_t(port + i);
        uint8_t byte = uint8_t(value >> (8 * i));
        if (p == PIC_ELCR_MASTER || p == PIC_ELCR_SLAVE) {
            Chip &c = chips_[p - PIC_ELCR_MASTER];
            c.elcr = byte & c.elcr_writable;
            update();
        } else if (p & 1) {
            write_data((p & 0x80) ? kSlave : kMaster, byte);
        } else {
            write_command((p & 0x80) ? kSlave : kMaster, byte);
        }
    }
}

}  // namespace ia32emu
