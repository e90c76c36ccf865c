// PIIX3 function 0, the PCI-to-ISA bridge of QEMU's pc machine: PCI INTx routing to the 8259s.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "emu/board/interrupt_source.h"
#include "emu/board/pci_function.h"

namespace ia32emu {

// Identifies as PIIX3 (8086:7000, class 0x0601 ISA bridge) and models its PIRQ route control
// registers (0x60-0x63, devices/abi/pci.h): the four PCI interrupt links PIRQA#-PIRQD# each
// reach the 8259 input their register names, or nothing while bit 7 is set (the reset value).
// Links are level-sensitive and wired-OR: an 8259 input is high while any link routed to it is.
// Which link a slot's INTx pin drives is the i440FX board's wiring (pirq_of). Not modelled: the
// bridge's other registers (they read 0), its IDE, USB and power-management functions, and the
// ISA bus itself (the board attaches ISA devices directly).
class PiixIsaBridge {
public:
    static constexpr unsigned kSlot = 1;
    using PicInput = std::function<void(unsigned irq, bool level)>;

    explicit PiixIsaBridge(PicInput pic);
    PiixIsaBridge(const PiixIsaBridge&) = delete;
    PiixIsaBridge& operator=(const PiixIsaBridge&) = delete;

    PciFunction& pci() { return pci_; }

    // The link (0-3 for PIRQA#-D#) that INTx pin `pin` (1-4 for INTA#-D#) of a device in `slot`
    // drives: the board rotates the pins by slot so that INTA# of neighbouring slots differ.
    static unsigned pirq_of(unsigned slot, unsigned pin);
    // Wires the function's interrupt pin, as its configuration space names it, to its link.
    // A function without a pin stays unconnected.
    void connect(PciFunction& fn, unsigned slot);
    // A device on link 0-3 drives it to `level`.
    IrqLine link(unsigned pirq);

private:
    void set_link(unsigned pirq, unsigned device, bool level);
    void route();

    PciFunction pci_;
    PicInput pic_;
    // Per link, which of its connected devices assert it (one bit per connection).
    std::array<uint32_t, 4> asserted_{};
    std::array<unsigned, 4> connections_{};
    uint16_t driven_ = 0;   // 8259 inputs this bridge holds high
};

}  // namespace ia32emu
