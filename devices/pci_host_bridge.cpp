// Host bridge configuration identity.
#include "devices/pci_host_bridge.h"

#include "devices/abi/pci.h"
#include "devices/abi/qemu_pci_ids.h"

namespace ia32emu {

namespace {
PciIds host_bridge_ids() {
    PciIds ids;
    ids.vendor = PCI_HOST_BRIDGE_VENDOR;
    ids.device = PCI_HOST_BRIDGE_DEVICE;
    ids.class_code = 0x060000;
    ids.revision = 0x02;
    ids.subsystem_vendor = PCI_SUBSYSTEM_VENDOR_QEMU;
    ids.subsystem = PCI_SUBSYSTEM_QEMU;
    return ids;
}
}  // namespace

PciHostBridge::PciHostBridge() : pci_(host_bridge_ids()) {}

}  // namespace ia32emu
