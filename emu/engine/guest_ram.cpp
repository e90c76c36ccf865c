// mmap keeps a 1 GiB guest cheap: pages the guest never touches cost the host nothing.
#include "emu/engine/guest_ram.h"

#include <sys/mman.h>

#include <stdexcept>
#include <string>

namespace ia32emu {

GuestRam::GuestRam(uint64_t bytes) : size_(bytes) {
    void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        throw std::runtime_error("cannot reserve " + std::to_string(bytes >> 20) + " MiB of host memory for guest RAM");
    data_ = static_cast<uint8_t *>(p);
}

GuestRam::~GuestRam() { munmap(data_, size_); }

} // namespace ia32emu
