// KernelImage without a guest run: where the Multiboot header may sit, and what place() decides.
#include <gtest/gtest.h>

#include <cstring>

#include "emu/introspect/kernel_image.h"
#include "tests/support/guest_run.h"

namespace ia32emu {
namespace {

// A flat a.out-kludge file of `size` bytes with its header at `offset`, loading the whole file at 1 MiB.
std::vector<uint8_t> flat_kernel(size_t size, uint32_t offset) {
    std::vector<uint8_t> bytes(size, 0x90);
    const uint32_t flags = MultibootHeader::kAoutKludge;
    const uint32_t words[8] = {MultibootHeader::kMagic, flags, uint32_t(-(MultibootHeader::kMagic + flags)),
                               0x100000 + offset, 0x100000, 0, 0x100000 + uint32_t(size) + 0x1000, 0x100000};
    std::memcpy(bytes.data() + offset, words, sizeof words);
    return bytes;
}

const std::vector<RamRange> kPcRam{{0, 0x9fc00}, {0x100000, 0x3ffe0000}};

TEST(KernelImage, HeaderMayEndOnTheLastByteOfTheFirst8KiB) {
    KernelImage k = KernelImage::parse(flat_kernel(16384, 8192 - 12), "late.bin");
    EXPECT_EQ(k.header().offset, 8192u - 12);
    ASSERT_TRUE(k.uses_aout_kludge());
    k.place(kPcRam);
    ASSERT_EQ(k.pieces().size(), 1u);
    EXPECT_EQ(k.pieces()[0].file_offset, 0u);
    EXPECT_EQ(k.pieces()[0].file_size, 16384u);
    EXPECT_EQ(k.pieces()[0].mem_size, 16384u + 0x1000);
    EXPECT_EQ(k.loaded_end(), 0x100000u + 16384 + 0x1000);
}

TEST(KernelImage, HeaderPastThe8KiBIsNotAHeader) {
    EXPECT_THROW(KernelImage::parse(flat_kernel(16384, 8192 - 8), "too-late.bin"), ImageError);
}

TEST(KernelImage, HeadersOnlySegmentOutsideRamIsSkippedAndReported) {
    KernelImage k = KernelImage::load(test::test_guest("plain_ld"));
    k.place(kPcRam);
    EXPECT_EQ(k.skipped_program_headers(), 1u);
    ASSERT_EQ(k.notes().size(), 1u);
    for (const LoadPiece &p : k.pieces())
        EXPECT_GE(p.paddr, 0x100000u) << p.what;
    // The same segment inside usable RAM is loaded, as QEMU would.
    k.place({{0, 0x40000000}});
    EXPECT_EQ(k.skipped_program_headers(), 0u);
    EXPECT_TRUE(k.notes().empty());
}

TEST(KernelImage, SegmentWithCodeIsNeverSkipped) {
    KernelImage k = KernelImage::load(test::test_guest("hello"));
    try {
        k.place({{0, 0x9fc00}});
        FAIL() << "placed a kernel linked at 1 MiB into 640 KiB";
    } catch (const ImageError &e) {
        EXPECT_NE(std::string(e.what()).find("outside the board's RAM"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace ia32emu
