// 8042 controller commands and the output buffer with its IRQ1/IRQ12 levels.
#include "devices/i8042.h"

#include "devices/abi/i8042.h"

namespace ia32emu {

namespace {
constexpr uint8_t kOutputPortReset = 0x01;   // 0 would reset the CPU
constexpr uint8_t kOutputPortA20 = 0x02;
constexpr uint8_t kOutputPortOnes = 0xcc;    // unused lines read high, as on QEMU
constexpr uint8_t kInputPort = 0x80;         // keyboard not inhibited
constexpr uint8_t kInterfaceTestPassed = 0x00;
constexpr size_t kQueueBytes = 16;
}  // namespace

I8042::I8042(IrqLine kbd_irq, IrqLine aux_irq, std::function<void()> reset)
    : kbd_irq_(std::move(kbd_irq)), aux_irq_(std::move(aux_irq)), reset_(std::move(reset)), ctr_(I8042_CTR_KBDINT | I8042_CTR_AUXINT),
      status_(I8042_STR_CMDDAT | I8042_STR_KEYLOCK), output_port_(kOutputPortReset | kOutputPortA20 | kOutputPortOnes) {}

void I8042::update_irqs() {
    bool kbd = false, aux = false;
    if (!out_.empty()) {
        if (out_.front().aux)
            aux = ctr_ & I8042_CTR_AUXINT;
        else
            kbd = (ctr_ & I8042_CTR_KBDINT) && !(ctr_ & I8042_CTR_KBDDIS);
    }
    if (kbd != kbd_level_ && kbd_irq_)
        kbd_irq_(kbd);
    if (aux != aux_level_ && aux_irq_)
        aux_irq_(aux);
    kbd_level_ = kbd;
    aux_level_ = aux;
}

void I8042::queue(uint8_t byte, bool aux) {
    if (out_.size() < kQueueBytes)
        out_.push_back({byte, aux});
    update_irqs();
}

void I8042::command(uint8_t cmd) {
    // 0xF0-0xFF pulse low the output-port bits 3-0 whose command bit is clear; only bit 0, the
    // CPU's reset line, is wired to anything.
    if (cmd >= 0xf0) {
        if (!(cmd & kOutputPortReset) && reset_)
            reset_();
        return;
    }
    switch (cmd) {
    case I8042_CMD_READ_CTR: queue(ctr_, false); break;
    case I8042_CMD_WRITE_CTR:
    case I8042_CMD_WRITE_OUTPUT:
    case I8042_CMD_KBD_LOOP:
    case I8042_CMD_AUX_LOOP:
    case I8042_CMD_AUX_SEND: pending_command_ = cmd; break;
    case I8042_CMD_AUX_DISABLE: ctr_ |= I8042_CTR_AUXDIS; break;
    case I8042_CMD_AUX_ENABLE: ctr_ &= uint8_t(~I8042_CTR_AUXDIS); break;
    case I8042_CMD_AUX_TEST:
    case I8042_CMD_KBD_TEST: queue(kInterfaceTestPassed, false); break;
    case I8042_CMD_SELF_TEST:
        status_ |= I8042_STR_SYSFLAG;
        queue(I8042_SELF_TEST_PASSED, false);
        break;
    case I8042_CMD_KBD_DISABLE:
        ctr_ |= I8042_CTR_KBDDIS;
        update_irqs();
        break;
    case I8042_CMD_KBD_ENABLE:
        ctr_ &= uint8_t(~I8042_CTR_KBDDIS);
        update_irqs();
        break;
    case I8042_CMD_READ_INPUT: queue(kInputPort, false); break;
    case I8042_CMD_READ_OUTPUT: queue(output_port_, false); break;
    case I8042_CMD_DISABLE_A20: output_port_ &= uint8_t(~kOutputPortA20); break;
    case I8042_CMD_ENABLE_A20: output_port_ |= kOutputPortA20; break;
    default: break;   // unknown commands are ignored, as QEMU does
    }
}

void I8042::data(uint8_t value) {
    uint8_t cmd = pending_command_;
    pending_command_ = 0;
    switch (cmd) {
    case I8042_CMD_WRITE_CTR:
        ctr_ = value;
        update_irqs();
        break;
    case I8042_CMD_WRITE_OUTPUT:
        output_port_ = value;
        if (!(value & kOutputPortReset) && reset_)
            reset_();
        break;
    case I8042_CMD_KBD_LOOP: queue(value, false); break;
    case I8042_CMD_AUX_LOOP: queue(value, true); break;
    default: break;   // for the keyboard or the mouse: nothing is plugged in
    }
}

uint32_t I8042::io_read(uint16_t port, unsigned) {
    if (port == I8042_STATUS_PORT) {
        uint8_t status = status_;
        if (!out_.empty())
            status |= I8042_STR_OBF | (out_.front().aux ? I8042_STR_AUXDATA : 0);
        return status;
    }
    if (!out_.empty()) {
        last_read_ = out_.front().byte;
        out_.pop_front();
        update_irqs();
    }
    return last_read_;
}

void I8042::io_write(uint16_t port, unsigned, uint32_t value) {
    if (port == I8042_STATUS_PORT) {
        status_ |= I8042_STR_CMDDAT;
        command(uint8_t(value));
    } else {
        status_ &= uint8_t(~I8042_STR_CMDDAT);
        data(uint8_t(value));
    }
}

}  // namespace ia32emu
