// What the CPU sees of an interrupt controller: the INTR pin and the acknowledge cycle.
#pragma once

#include <cstdint>
#include <functional>

namespace ia32emu {

class InterruptSource {
public:
    virtual ~InterruptSource() = default;
    // INTR is asserted: some unmasked request outranks everything in service. Not virtual: the
    // engine reads it on every block.
    bool intr() const { return intr_; }
    // The two INTA cycles: the controller commits to its highest request and names the vector.
    virtual uint8_t acknowledge() = 0;

protected:
    void set_intr(bool asserted) { intr_ = asserted; }

private:
    bool intr_ = false;
};

// One interrupt request line into a controller, as a device sees it (the ISA IRQ pins, a PCI INTx
// wire after routing). Level semantics: edge-triggered inputs latch on the rising transition.
using IrqLine = std::function<void(bool level)>;

} // namespace ia32emu
