// mmap keeps a 1 GiB guest (or a 16 MiB framebuffer) cheap: pages the guest never touches cost the host nothing.
#include "emu/board/host_memory.h"

#include <sys/mman.h>

#include <stdexcept>
#include <string>

namespace ia32emu {

HostMemory::HostMemory(uint64_t bytes) : size_(bytes) {
    void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        throw std::runtime_error("cannot reserve " + std::to_string(bytes >> 20) + " MiB of host memory");
    data_ = static_cast<uint8_t *>(p);
    // A guest touches its RAM page by page; 2 MiB host pages make that 512 times fewer host faults.
    madvise(p, bytes, MADV_HUGEPAGE);
}

HostMemory::~HostMemory() { munmap(data_, size_); }

} // namespace ia32emu
