// The PCI host bridge in slot 0: i440FX IDs, nothing behind it but configuration space.
#pragma once

#include "emu/board/pci_function.h"

namespace ia32emu {

// Identifies as QEMU's i440FX does (8086:1237, revision 2, class 0x0600 host bridge), so
// enumeration code finds the bus it expects. It has no BARs; firmware and guest only read it.
class PciHostBridge {
public:
    static constexpr unsigned kSlot = 0;

    PciHostBridge();
    PciFunction& pci() { return pci_; }

private:
    PciFunction pci_;
};

}  // namespace ia32emu
