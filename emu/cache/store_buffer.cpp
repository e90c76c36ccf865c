// Store buffer construction and its parameter check.
#include "emu/cache/store_buffer.h"

#include <stdexcept>

namespace ia32emu {

std::string store_buffer_params_error(const StoreBufferParams &p) {
    if (p.entries > 256) return "store_buffer.entries must be at most 256";
    return {};
}

StoreBuffer::StoreBuffer(const StoreBufferParams &params) : drained_(params.entries, 0), entries_(params.entries) {
    if (std::string err = store_buffer_params_error(params); !err.empty()) throw std::invalid_argument(err);
}

} // namespace ia32emu
