// The PC/AT keyboard controller (Intel 8042 / UPI-41 as IBM's AT Technical Reference programs it),
// minimal and with nothing plugged in, as QEMU's hw/input/pckbd.c answers a guest's controller
// commands.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>

#include "emu/board/interrupt_source.h"
#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at I8042_DATA_PORT (1 port) and I8042_STATUS_PORT (1 port).
//
// | port | read | write |
// |---|---|---|
// | 0x60 | the output buffer (the last byte again when empty) | data for a pending command, else for the keyboard (nobody is there) |
// | 0x64 | status: OBF, SYSFLAG, CMD/DATA, KEYLOCK, AUXDATA | a controller command |
//
// | command | effect |
// |---|---|
// | 0x20 / 0x60 | read / write the command byte (reset value 0x03: IRQ1 and IRQ12 enabled, as QEMU) |
// | 0xA7 / 0xA8, 0xAD / 0xAE | disable / enable the auxiliary and keyboard ports (command byte bits 5 and 4) |
// | 0xA9, 0xAB | interface tests: 0x00 (passed) |
// | 0xAA | self-test: 0x55, and the status's system flag is set |
// | 0xC0, 0xD0 / 0xD1 | read the input port (0x80), read / write the output port (0xCF: A20 on) |
// | 0xD2, 0xD3 | the next data byte comes back as keyboard / auxiliary output |
// | 0xDD / 0xDF | A20 off / on in the output port (recorded; the address bus is not gated) |
//
// Output waits in a queue behind OBF; a byte raises IRQ1 (IRQ12 for auxiliary data) while the
// command byte enables it, as QEMU's level. Bytes written for the keyboard or sent to the mouse
// (0xD4) are dropped: no device answers. Bit 0 of the output port is the CPU's reset line: a
// pulse command (0xF0-0xFF) with bit 0 clear, 0xFE being the usual one, or an output-port write
// (0xD1) with bit 0 clear asks the board to reset, as on QEMU. Not modelled: A20 gating, the
// input buffer's timing (IBF always reads 0).
class I8042 : public PortDevice {
public:
    // `reset` is called when the guest drives the CPU reset line; it may be empty (ignored).
    I8042(IrqLine kbd_irq, IrqLine aux_irq, std::function<void()> reset = {});

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    uint8_t command_byte() const { return ctr_; }
    uint8_t output_port() const { return output_port_; }

private:
    struct Output {
        uint8_t byte;
        bool aux;
    };
    void command(uint8_t cmd);
    void data(uint8_t value);
    void queue(uint8_t byte, bool aux);
    void update_irqs();

    IrqLine kbd_irq_, aux_irq_;
    std::function<void()> reset_;
    bool kbd_level_ = false, aux_level_ = false;
    std::deque<Output> out_;
    uint8_t last_read_ = 0;
    uint8_t ctr_;
    uint8_t status_;
    uint8_t output_port_;
    uint8_t pending_command_ = 0;
};

}  // namespace ia32emu
