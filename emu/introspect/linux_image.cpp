// The bzImage is untrusted input: every header field is bounds-checked before it is used.
#include "emu/introspect/linux_image.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "emu/introspect/elf_image.h"

namespace ia32emu {
namespace {

// Offsets in the boot sector / boot_params (boot.rst, "THE REAL-MODE KERNEL HEADER" and
// zero-page.rst). The setup header starts at 0x1f1 in both.
constexpr size_t kSetupHeaderStart = 0x1f1;
constexpr size_t kSetupSects = 0x1f1;
constexpr size_t kBootFlag = 0x1fe;
constexpr size_t kJump = 0x200;
constexpr size_t kHeaderMagic = 0x202;
constexpr size_t kVersion = 0x206;
constexpr size_t kTypeOfLoader = 0x210;
constexpr size_t kLoadflags = 0x211;
constexpr size_t kCode32Start = 0x214;
constexpr size_t kRamdiskImage = 0x218;
constexpr size_t kRamdiskSize = 0x21c;
constexpr size_t kHeapEndPtr = 0x224;
constexpr size_t kCmdLinePtr = 0x228;
constexpr size_t kInitrdAddrMax = 0x22c;
constexpr size_t kCmdlineSize = 0x238;
constexpr size_t kPayloadOffset = 0x248;
constexpr size_t kPayloadLength = 0x24c;
constexpr size_t kPrefAddress = 0x258;
constexpr size_t kInitSize = 0x260;
constexpr size_t kAltMemK = 0x1e0;
constexpr size_t kE820Entries = 0x1e8;
constexpr size_t kE820Table = 0x2d0;
constexpr size_t kE820Max = 128;      // E820_MAX_ENTRIES_ZEROPAGE
constexpr size_t kE820EntrySize = 20;
constexpr size_t kBootParamsSize = 4096;

constexpr uint8_t kLoadedHigh = 0x01;   // the protected-mode code goes to 1 MiB: a bzImage
constexpr uint8_t kCanUseHeap = 0x80;
// "Undefined" boot loader id with the extended version 0: boot.rst asks unlisted loaders for 0xff.
constexpr uint8_t kLoaderUndefined = 0xff;
// The 32-bit entry and the fields it relies on (cmdline_size, init_size) need protocol 2.10.
constexpr uint16_t kMinProtocol = 0x020a;
constexpr uint32_t kHeaderMagicValue = 0x53726448;  // "HdrS"

uint32_t get32(const std::vector<uint8_t> &b, size_t off) {
    uint32_t v;
    std::memcpy(&v, b.data() + off, sizeof v);
    return v;
}
uint16_t get16(const std::vector<uint8_t> &b, size_t off) {
    uint16_t v;
    std::memcpy(&v, b.data() + off, sizeof v);
    return v;
}
void put32(std::vector<uint8_t> &b, size_t off, uint32_t v) { std::memcpy(b.data() + off, &v, sizeof v); }
void put16(std::vector<uint8_t> &b, size_t off, uint16_t v) { std::memcpy(b.data() + off, &v, sizeof v); }

bool has_bzimage_header(const std::vector<uint8_t> &b) {
    return b.size() >= kHeaderMagic + 4 && get16(b, kBootFlag) == 0xaa55 && get32(b, kHeaderMagic) == kHeaderMagicValue;
}

} // namespace

bool is_linux_bzimage(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> head(kHeaderMagic + 4);
    if (!in.read(reinterpret_cast<char *>(head.data()), std::streamsize(head.size())))
        return false;
    return has_bzimage_header(head);
}

LinuxImage LinuxImage::load(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ImageError("cannot open kernel image '" + path.string() + "'");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse(std::move(bytes), path.string());
}

LinuxImage LinuxImage::parse(std::vector<uint8_t> bytes, const std::string &name) {
    if (!has_bzimage_header(bytes))
        throw ImageError("'" + name + "' is not a Linux bzImage (no \"HdrS\" setup header)");
    // Every field read below lies in the protocol 2.10 setup header, which ends with init_size.
    if (bytes.size() < kInitSize + 4)
        throw ImageError("truncated bzImage: '" + name + "' ends inside its setup header");
    LinuxImage img;
    img.protocol_ = get16(bytes, kVersion);
    if (img.protocol_ < kMinProtocol) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%u.%02u", img.protocol_ >> 8, img.protocol_ & 0xff);
        throw ImageError("'" + name + "' uses Linux boot protocol " + buf + "; 2.10 or later is required");
    }
    if (!(bytes[kLoadflags] & kLoadedHigh))
        throw ImageError("'" + name + "' is a zImage (loaded low); only bzImage kernels are supported");
    size_t header_end = kJump + 2 + bytes[kJump + 1];
    unsigned setup_sects = bytes[kSetupSects] ? bytes[kSetupSects] : 4;
    size_t setup_bytes = size_t(setup_sects + 1) * 512;
    if (header_end > setup_bytes || setup_bytes >= bytes.size())
        throw ImageError("truncated bzImage: '" + name + "' ends inside its real-mode setup code");
    img.setup_header_.assign(bytes.begin() + kSetupHeaderStart, bytes.begin() + long(header_end));
    img.kernel_.assign(bytes.begin() + long(setup_bytes), bytes.end());
    img.code32_start_ = get32(bytes, kCode32Start);
    img.init_size_ = std::max<uint32_t>(get32(bytes, kInitSize), uint32_t(img.kernel_.size()));
    img.initrd_addr_max_ = get32(bytes, kInitrdAddrMax);
    img.cmdline_size_ = get32(bytes, kCmdlineSize);
    img.pref_address_ = get32(bytes, kPrefAddress + 4) == 0 ? get32(bytes, kPrefAddress) : 0;
    img.payload_offset_ = get32(bytes, kPayloadOffset);
    img.payload_length_ = get32(bytes, kPayloadLength);
    if (img.code32_start_ < 0x100000 || uint64_t(img.code32_start_) + img.init_size_ > 0xffffffffull)
        throw ImageError("'" + name + "' asks to be loaded at an unusable address (code32_start)");
    if (img.kernel_end() > 0xffffffffull)
        throw ImageError("'" + name + "' asks to run at an unusable address (pref_address)");
    return img;
}

// A relocatable kernel's decompressor extracts to pref_address when loaded below it (boot.rst,
// pref_address), and the kernel keeps init_size bytes from there.
uint64_t LinuxImage::kernel_end() const { return uint64_t(std::max(code32_start_, pref_address_)) + init_size_; }

uint32_t LinuxImage::initrd_address(uint32_t size, uint64_t ram_top) const {
    uint64_t limit = std::min<uint64_t>(uint64_t(initrd_addr_max_) + 1, ram_top);
    const uint64_t kernel_end = this->kernel_end();
    if (size > limit || ((limit - size) & ~0xfffull) < kernel_end)
        throw ImageError("the initrd (" + std::to_string(size) + " bytes) does not fit in RAM above the kernel");
    return uint32_t((limit - size) & ~0xfffull);
}

std::vector<uint8_t> LinuxImage::boot_params(const std::vector<E820Entry> &e820, uint32_t cmdline_addr,
                                             uint32_t initrd_addr, uint32_t initrd_size) const {
    std::vector<uint8_t> zp(kBootParamsSize, 0);
    std::copy(setup_header_.begin(), setup_header_.end(), zp.begin() + kSetupHeaderStart);
    zp[kTypeOfLoader] = kLoaderUndefined;
    // No real-mode setup runs, so there is no heap to announce.
    zp[kLoadflags] = uint8_t(zp[kLoadflags] & ~kCanUseHeap);
    put16(zp, kHeapEndPtr, 0);
    put32(zp, kCmdLinePtr, cmdline_addr);
    put32(zp, kRamdiskImage, initrd_size ? initrd_addr : 0);
    put32(zp, kRamdiskSize, initrd_size);
    size_t n = std::min(e820.size(), kE820Max);
    uint64_t ram_above_1m = 0;
    for (size_t i = 0; i < n; ++i) {
        uint8_t *at = zp.data() + kE820Table + i * kE820EntrySize;
        std::memcpy(at, &e820[i].base, 8);
        std::memcpy(at + 8, &e820[i].length, 8);
        std::memcpy(at + 16, &e820[i].type, 4);
        if (e820[i].type == 1 && e820[i].base >= 0x100000)
            ram_above_1m += e820[i].length;
    }
    zp[kE820Entries] = uint8_t(n);
    // The pre-E820 fallback: KiB of RAM above 1 MiB, as BIOS int 15h/E801 would say.
    put32(zp, kAltMemK, uint32_t(std::min<uint64_t>(ram_above_1m >> 10, 0xffffffffu)));
    return zp;
}

} // namespace ia32emu
