// The payload is untrusted input like the rest of the bzImage: its size is bounded by the kernel's
// own init_size before and while it is unpacked, and every segment must land inside that window.
#include "emu/introspect/linux_payload.h"

#include <algorithm>
#include <cstring>

#include <lzma.h>
#include <zlib.h>

#include "emu/introspect/elf_image.h"

namespace ia32emu {
namespace {

constexpr uint8_t kXzMagic[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
constexpr uint8_t kGzipMagic[] = {0x1f, 0x8b};
// The XZ decoder's dictionary: Linux compresses with 32 MiB (scripts/xz_wrap.sh); twice that
// leaves room and still bounds what a hostile header can make the host allocate.
constexpr uint64_t kXzMemoryLimit = 64ull << 20;

template <size_t N> bool starts_with(const uint8_t *p, size_t len, const uint8_t (&magic)[N]) {
    return len >= N && std::memcmp(p, magic, N) == 0;
}

enum class Step { More, End, Corrupt };

// Runs a decoder step by step into `out`, which grows as needed up to `limit` bytes: `step`
// decodes into the free room it is given and says whether the stream goes on. A stream that
// would pass `limit` is refused at that point, however far it would go.
template <typename DecodeStep>
std::vector<uint8_t> unpack_bounded(size_t limit, const std::string &what, const std::string &name, DecodeStep step) {
    std::vector<uint8_t> out(std::min<size_t>(limit, 1u << 20));
    size_t produced = 0;
    for (;;) {
        if (produced == out.size()) {
            if (out.size() == limit)
                throw ImageError("the kernel in '" + name + "' unpacks to more than its init_size of " +
                                 std::to_string(limit) + " bytes");
            out.resize(std::min<size_t>(limit, out.size() * 2));
        }
        size_t room = out.size() - produced;
        const Step s = step(out.data() + produced, room);
        produced = out.size() - room;
        if (s == Step::End)
            break;
        if (s == Step::Corrupt)
            throw ImageError("the " + what + " payload of '" + name + "' is corrupt or truncated");
    }
    out.resize(produced);
    return out;
}

// One XZ stream; what follows it (Linux appends the unpacked size) is ignored.
std::vector<uint8_t> unpack_xz(const uint8_t *in, size_t len, size_t limit, const std::string &name) {
    lzma_stream strm = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&strm, kXzMemoryLimit, 0) != LZMA_OK)
        throw ImageError("cannot start the XZ decoder for '" + name + "'");
    strm.next_in = in;
    strm.avail_in = len;
    try {
        auto out = unpack_bounded(limit, "XZ", name, [&](uint8_t *to, size_t &room) {
            strm.next_out = to;
            strm.avail_out = room;
            const lzma_ret ret = lzma_code(&strm, LZMA_FINISH);
            room = strm.avail_out;
            return ret == LZMA_STREAM_END ? Step::End : ret == LZMA_OK ? Step::More : Step::Corrupt;
        });
        lzma_end(&strm);
        return out;
    } catch (...) {
        lzma_end(&strm);
        throw;
    }
}

std::vector<uint8_t> unpack_gzip(const uint8_t *in, size_t len, size_t limit, const std::string &name) {
    z_stream strm{};
    // 16 + 15: a gzip wrapper around a deflate stream with a 32 KiB window.
    if (inflateInit2(&strm, 16 + 15) != Z_OK)
        throw ImageError("cannot start the gzip decoder for '" + name + "'");
    strm.next_in = const_cast<uint8_t *>(in);
    strm.avail_in = uInt(std::min<size_t>(len, UINT32_MAX));
    try {
        auto out = unpack_bounded(limit, "gzip", name, [&](uint8_t *to, size_t &room) {
            strm.next_out = to;
            strm.avail_out = uInt(std::min<size_t>(room, UINT32_MAX));
            const uInt given = strm.avail_out;
            const int ret = inflate(&strm, Z_NO_FLUSH);
            room -= given - strm.avail_out;
            if (ret == Z_STREAM_END)
                return Step::End;
            // Z_BUF_ERROR with input left means only that the output room ran out.
            return ret == Z_OK || (ret == Z_BUF_ERROR && strm.avail_in != 0) ? Step::More : Step::Corrupt;
        });
        inflateEnd(&strm);
        return out;
    } catch (...) {
        inflateEnd(&strm);
        throw;
    }
}

} // namespace

UnpackedLinuxKernel unpack_linux_kernel(const LinuxImage &image, const std::string &name) {
    const std::vector<uint8_t> &pm = image.protected_mode_kernel();
    if (image.payload_length() == 0 || uint64_t(image.payload_offset()) + image.payload_length() > pm.size())
        throw ImageError("'" + name + "' names no payload inside its protected-mode code (payload_offset " +
                         std::to_string(image.payload_offset()) + ", payload_length " +
                         std::to_string(image.payload_length()) + ")");
    if (image.pref_address() < 0x100000)
        throw ImageError("'" + name + "' names no usable pref_address to run the unpacked kernel at");
    const uint8_t *payload = pm.data() + image.payload_offset();
    const size_t len = image.payload_length();
    UnpackedLinuxKernel kernel;
    std::vector<uint8_t> vmlinux;
    if (starts_with(payload, len, kXzMagic)) {
        kernel.compression = "xz";
        vmlinux = unpack_xz(payload, len, image.init_size(), name);
    } else if (starts_with(payload, len, kGzipMagic)) {
        kernel.compression = "gzip";
        vmlinux = unpack_gzip(payload, len, image.init_size(), name);
    } else {
        throw ImageError("the payload of '" + name +
                         "' is neither XZ nor gzip; the host unpacks only those (the kernel's own decompressor "
                         "handles the rest: --linux-decompress guest)");
    }

    const ElfImage elf = ElfImage::parse(std::move(vmlinux), "the vmlinux inside " + name);
    uint64_t first = UINT64_MAX, end = 0;
    for (const LoadSegment &s : elf.segments()) {
        if (s.mem_size == 0)
            continue;
        first = std::min(first, s.paddr);
        end = std::max(end, s.paddr + s.mem_size);
    }
    // The decompressor would relocate a kernel that does not start at pref_address; this does not.
    if (first != image.pref_address())
        throw ImageError("the vmlinux inside '" + name + "' is not linked at its pref_address " +
                         std::to_string(image.pref_address()) + "; it would need relocating");
    if (end - first > image.init_size())
        throw ImageError("the vmlinux inside '" + name + "' spans more than its init_size");
    if (elf.entry() < first || elf.entry() >= end)
        throw ImageError("the vmlinux inside '" + name + "' has its entry outside its segments");
    kernel.load_address = uint32_t(first);
    kernel.entry = elf.entry();
    uint64_t file_end = first;
    for (const LoadSegment &s : elf.segments())
        if (s.file_size != 0)
            file_end = std::max(file_end, s.paddr + s.file_size);
    kernel.image.assign(file_end - first, 0);
    for (const LoadSegment &s : elf.segments())
        if (s.file_size != 0)
            std::copy_n(elf.bytes().begin() + long(s.offset), s.file_size,
                        kernel.image.begin() + long(s.paddr - first));
    return kernel;
}

} // namespace ia32emu
