// The host's unpacking of a bzImage's payload (--linux-decompress host): the vmlinux's segments
// land where the kernel's own decompressor would put them, and a hostile payload (a bomb, a
// corrupt stream, an unknown compressor, a kernel that would need relocating) is one clear error.
#include "emu/introspect/linux_payload.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <lzma.h>
#include <zlib.h>

#include "emu/introspect/elf_image.h"

namespace ia32emu {
namespace {

constexpr uint32_t kPrefAddress = 0x1000000;
constexpr uint32_t kInitSize = 0x40000;

void put32(std::vector<uint8_t> &b, size_t off, uint32_t v) { std::memcpy(b.data() + off, &v, 4); }
void put16(std::vector<uint8_t> &b, size_t off, uint16_t v) { std::memcpy(b.data() + off, &v, 2); }

// A vmlinux as Linux links it for i386: physical entry, text and data segments at physical
// addresses from `base`, the second with a bss beyond its file bytes.
std::vector<uint8_t> vmlinux(uint32_t base) {
    std::vector<uint8_t> elf(0x3000, 0);
    const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
    std::memcpy(elf.data(), ident, sizeof ident);
    put16(elf, 16, 2);        // ET_EXEC
    put16(elf, 18, 3);        // EM_386
    put32(elf, 20, 1);
    put32(elf, 24, base);     // e_entry: startup_32, physical
    put32(elf, 28, 52);       // e_phoff
    put16(elf, 40, 52);
    put16(elf, 42, 32);
    put16(elf, 44, 2);
    const uint32_t phdrs[2][8] = {{1, 0x1000, 0xc0000000 + base, base, 0x1000, 0x1000, 5, 0x1000},
                                  {1, 0x2000, 0xc0000000 + base + 0x3000, base + 0x3000, 0x800, 0x2000, 6, 0x1000}};
    std::memcpy(elf.data() + 52, phdrs, sizeof phdrs);
    for (size_t i = 0x1000; i < 0x2000; ++i)
        elf[i] = uint8_t(i * 7);
    for (size_t i = 0x2000; i < 0x2800; ++i)
        elf[i] = uint8_t(i * 13 + 1);
    return elf;
}

std::vector<uint8_t> xz(const std::vector<uint8_t> &in) {
    std::vector<uint8_t> out(lzma_stream_buffer_bound(in.size()));
    size_t pos = 0;
    EXPECT_EQ(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, nullptr, in.data(), in.size(), out.data(), &pos, out.size()),
              LZMA_OK);
    out.resize(pos);
    // Linux appends the unpacked size to the stream (scripts/Makefile.lib, size_append).
    const uint32_t size = uint32_t(in.size());
    out.insert(out.end(), reinterpret_cast<const uint8_t *>(&size), reinterpret_cast<const uint8_t *>(&size) + 4);
    return out;
}

std::vector<uint8_t> gzip(const std::vector<uint8_t> &in) {
    z_stream s{};
    EXPECT_EQ(deflateInit2(&s, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::vector<uint8_t> out(deflateBound(&s, uLong(in.size())));
    s.next_in = const_cast<uint8_t *>(in.data());
    s.avail_in = uInt(in.size());
    s.next_out = out.data();
    s.avail_out = uInt(out.size());
    EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

// A bzImage (boot protocol 2.15) whose protected-mode part is a stub followed by `payload`.
LinuxImage bzimage(const std::vector<uint8_t> &payload, uint32_t init_size = kInitSize) {
    std::vector<uint8_t> b(1024, 0);
    b[0x1f1] = 1;   // setup_sects
    put16(b, 0x1fe, 0xaa55);
    b[0x201] = 0x66;   // the jump's reach: the header ends at 0x268
    std::memcpy(b.data() + 0x202, "HdrS", 4);
    put16(b, 0x206, 0x020f);
    b[0x211] = 0x01;   // LOADED_HIGH
    put32(b, 0x214, 0x100000);
    put32(b, 0x238, 2048);
    const uint32_t stub = 0x100;
    put32(b, 0x248, stub);
    put32(b, 0x24c, uint32_t(payload.size()));
    put32(b, 0x258, kPrefAddress);
    put32(b, 0x260, init_size);
    b.resize(1024 + stub, 0x90);
    b.insert(b.end(), payload.begin(), payload.end());
    return LinuxImage::parse(std::move(b), "test.bzImage");
}

std::string error_of(const LinuxImage &image) {
    try {
        unpack_linux_kernel(image, "test.bzImage");
    } catch (const ImageError &e) {
        return e.what();
    }
    return "no error";
}

void expect_laid_out_as_the_decompressor_would(const UnpackedLinuxKernel &k, const std::vector<uint8_t> &elf) {
    EXPECT_EQ(k.load_address, kPrefAddress);
    EXPECT_EQ(k.entry, kPrefAddress);
    // Text at 0, data at 0x3000 (its file bytes only: the kernel clears its own bss), zeros between.
    ASSERT_EQ(k.image.size(), 0x3800u);
    EXPECT_TRUE(std::equal(elf.begin() + 0x1000, elf.begin() + 0x2000, k.image.begin()));
    EXPECT_TRUE(std::all_of(k.image.begin() + 0x1000, k.image.begin() + 0x3000, [](uint8_t v) { return v == 0; }));
    EXPECT_TRUE(std::equal(elf.begin() + 0x2000, elf.begin() + 0x2800, k.image.begin() + 0x3000));
}

TEST(LinuxPayload, XzKernelLandsAtPrefAddressWithItsPhysicalEntry) {
    const auto elf = vmlinux(kPrefAddress);
    UnpackedLinuxKernel k = unpack_linux_kernel(bzimage(xz(elf)), "test.bzImage");
    EXPECT_EQ(k.compression, "xz");
    expect_laid_out_as_the_decompressor_would(k, elf);
}

TEST(LinuxPayload, GzipKernelToo) {
    const auto elf = vmlinux(kPrefAddress);
    UnpackedLinuxKernel k = unpack_linux_kernel(bzimage(gzip(elf)), "test.bzImage");
    EXPECT_EQ(k.compression, "gzip");
    expect_laid_out_as_the_decompressor_would(k, elf);
}

TEST(LinuxPayload, PayloadThatUnpacksPastInitSizeIsRefusedWithoutUnpackingItAll) {
    // 64 MiB of zeros: a few KiB of XZ. The decoder stops at init_size.
    std::vector<uint8_t> bomb(64u << 20, 0);
    const std::string xz_error = error_of(bzimage(xz(bomb)));
    EXPECT_NE(xz_error.find("unpacks to more than its init_size of 262144 bytes"), std::string::npos) << xz_error;
    const std::string gzip_error = error_of(bzimage(gzip(bomb)));
    EXPECT_NE(gzip_error.find("unpacks to more than its init_size"), std::string::npos) << gzip_error;
}

TEST(LinuxPayload, CorruptOrTruncatedStreamIsNamed) {
    auto packed = xz(vmlinux(kPrefAddress));
    auto corrupt = packed;
    corrupt[corrupt.size() / 2] ^= 0xff;
    EXPECT_NE(error_of(bzimage(corrupt)).find("XZ payload of 'test.bzImage' is corrupt or truncated"),
              std::string::npos)
        << error_of(bzimage(corrupt));
    packed.resize(packed.size() / 2);
    EXPECT_NE(error_of(bzimage(packed)).find("corrupt or truncated"), std::string::npos);
    auto gz = gzip(vmlinux(kPrefAddress));
    gz.resize(gz.size() / 2);
    EXPECT_NE(error_of(bzimage(gz)).find("gzip payload of 'test.bzImage' is corrupt or truncated"),
              std::string::npos)
        << error_of(bzimage(gz));
}

TEST(LinuxPayload, OtherCompressorsAreLeftToTheKernelsOwnDecompressor) {
    std::vector<uint8_t> bzip2{'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26};
    EXPECT_NE(error_of(bzimage(bzip2)).find("neither XZ nor gzip"), std::string::npos) << error_of(bzimage(bzip2));
}

TEST(LinuxPayload, KernelLinkedElsewhereWouldNeedRelocatingAndIsRefused) {
    const std::string e = error_of(bzimage(xz(vmlinux(0x2000000))));
    EXPECT_NE(e.find("not linked at its pref_address 16777216; it would need relocating"), std::string::npos) << e;
}

TEST(LinuxPayload, HeaderNamingNoPayloadIsRefused) {
    const std::string e = error_of(bzimage({}));
    EXPECT_NE(e.find("names no payload inside its protected-mode code"), std::string::npos) << e;
}

TEST(LinuxPayload, UnpackedDataThatIsNoI386ElfIsNamed) {
    std::vector<uint8_t> not_elf(4096, 0x41);
    const std::string e = error_of(bzimage(xz(not_elf)));
    EXPECT_NE(e.find("'the vmlinux inside test.bzImage' is not an ELF file"), std::string::npos) << e;
}

} // namespace
} // namespace ia32emu
