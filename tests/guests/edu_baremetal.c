/*
 * A bare-metal driver for QEMU's edu device, written the way an OS-dev tutorial writes one: no
 * DMA API, no allocator, paging off, bus addresses are the physical addresses of its own static
 * buffers, the PCI bus scanned by hand through ports 0xCF8/0xCFC. It boots on QEMU
 * (`-device edu`) and on ia32emu alike. The Multiboot command line picks what it does:
 *
 *   test=copy          a pattern to the device and back, at several lengths (the good path)
 *   test=jit           runs a function in its own page, DMA-writes new code over it, runs it again
 *   test=outside_ram   receives into the BIOS area at 0xE0000, which is not RAM
 *   test=framebuffer   receives into the bochs-display framebuffer (BAR0)
 *   test=kernel_code   receives over its own kernel_main
 *   test=huge          a transfer of 256 MiB
 *   test=flood         (hostile) rings the doorbell for ever with a 64-bit count into memory that
 *                      is not RAM, without waiting or printing: only the run's limits end it
 *
 * Exit codes: 0 success, 1 wrong data (or the old code ran again), 2 no edu device, 7 a transfer
 * was rejected (ia32emu's strict edu only).
 */
#include <stddef.h>
#include <stdint.h>

#define COM1 0x3F8
#define EXIT_PORT 0xF4

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11E8
#define BOCHS_DISPLAY_DEVICE 0x1111

/* edu registers (QEMU's docs/specs/edu.txt) */
#define EDU_IDENT 0x00
#define EDU_STATUS 0x20
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_COUNT_HIGH 0x94
#define EDU_DMA_CMD 0x98
#define EDU_BUFFER 0x40000
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2
/* ia32emu's strict edu flags a refused transfer in the status register; QEMU never sets it. */
#define EDU_STATUS_REJECTED 0x100

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void serial_putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

static void print(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s);
    }
}

static void print_hex(uint32_t v)
{
    print("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        serial_putc("0123456789abcdef"[(v >> shift) & 0xF]);
}

static void __attribute__((noreturn)) finish(uint32_t code)
{
    outl(EXIT_PORT, code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

static uint32_t pci_read(uint32_t dev, uint32_t off)
{
    outl(0xCF8, 0x80000000u | dev << 11 | (off & 0xFC));
    return inl(0xCFC);
}

static void pci_write(uint32_t dev, uint32_t off, uint32_t v)
{
    outl(0xCF8, 0x80000000u | dev << 11 | (off & 0xFC));
    outl(0xCFC, v);
}

/* The slot on bus 0 of vendor:device, or -1. */
static int pci_find(uint16_t vendor, uint16_t device)
{
    for (uint32_t dev = 0; dev < 32; dev++)
        if (pci_read(dev, 0) == ((uint32_t)device << 16 | vendor))
            return (int)dev;
    return -1;
}

static volatile uint32_t *edu;

static uint32_t edu_read(uint32_t off) { return edu[off / 4]; }
static void edu_write(uint32_t off, uint32_t v) { edu[off / 4] = v; }

/* One transfer; 0 when it completed, 7 when the device refused it. */
static int edu_dma(uint32_t src, uint32_t dst, uint32_t count, int to_ram)
{
    edu_write(EDU_DMA_SRC, src);
    edu_write(EDU_DMA_DST, dst);
    edu_write(EDU_DMA_COUNT, count);
    edu_write(EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
    while (edu_read(EDU_DMA_CMD) & EDU_CMD_START)
        ;
    uint32_t status = edu_read(EDU_STATUS);
    if (status & EDU_STATUS_REJECTED) {
        print("edu: transfer refused, status ");
        print_hex(status);
        print("\n");
        return 7;
    }
    return 0;
}

static int to_device(const void *ram, uint32_t count)
{
    return edu_dma((uint32_t)(uintptr_t)ram, EDU_BUFFER, count, 0);
}

static int to_ram(uint32_t bus, uint32_t count) { return edu_dma(EDU_BUFFER, bus, count, 1); }

static uint8_t tx[4096] __attribute__((aligned(16)));
static uint8_t rx[4096] __attribute__((aligned(16)));

static int test_copy(void)
{
    static const uint32_t lengths[] = {1, 64, 1000, 4095};
    for (unsigned i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        uint32_t len = lengths[i];
        for (uint32_t j = 0; j < len; j++) {
            tx[j] = (uint8_t)(j * 7 + i);
            rx[j] = 0;
        }
        int r = to_device(tx, len);
        if (!r)
            r = to_ram((uint32_t)(uintptr_t)rx, len);
        if (r)
            return r;
        for (uint32_t j = 0; j < len; j++)
            if (rx[j] != tx[j]) {
                print("copy: byte ");
                print_hex(j);
                print(" differs\n");
                return 1;
            }
        print("copy: ");
        print_hex(len);
        print(" bytes ok\n");
    }
    return 0;
}

/*
 * A page of its own for loaded code, as a program loader or JIT keeps one: writable, and nothing
 * else in it, so the CPU never writes there once the code is in place.
 */
static uint8_t code_page[4096] __attribute__((aligned(4096), section(".data.code_page"))) = {0xC3};
/* mov $N, %eax; ret */
static const uint8_t answer_one[] = {0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3};
static const uint8_t answer_two[] = {0xB8, 0x02, 0x00, 0x00, 0x00, 0xC3};

static int test_jit(void)
{
    int (*loaded)(void) = (int (*)(void))(uintptr_t)code_page;
    for (unsigned i = 0; i < sizeof answer_one; i++)
        code_page[i] = answer_one[i];
    int before = loaded();
    print("jit: the loaded code returns ");
    print_hex((uint32_t)before);
    print("\n");
    int r = to_device(answer_two, sizeof answer_two);
    if (!r)
        r = to_ram((uint32_t)(uintptr_t)code_page, sizeof answer_two);
    if (r)
        return r;
    int after = loaded();
    print("jit: after the DMA it returns ");
    print_hex((uint32_t)after);
    print("\n");
    return before == 1 && after == 2 ? 0 : 1;
}

static int receive_into(uint32_t bus, uint32_t count)
{
    for (uint32_t j = 0; j < 64; j++)
        tx[j] = 0xCC;
    int r = to_device(tx, 64);
    return r ? r : to_ram(bus, count);
}

static void __attribute__((noreturn)) test_flood(void)
{
    edu_write(EDU_DMA_SRC, EDU_BUFFER);
    edu_write(EDU_DMA_DST, 0xE0000);
    edu_write(EDU_DMA_COUNT, 0xFFFFF000u);
    edu_write(EDU_DMA_COUNT_HIGH, 0xFFFFFFFFu);
    for (;;)
        edu_write(EDU_DMA_CMD, EDU_CMD_START | EDU_CMD_TO_RAM);
}

static int test_framebuffer(void)
{
    int display = pci_find(EDU_VENDOR, BOCHS_DISPLAY_DEVICE);
    if (display < 0) {
        print("framebuffer: no bochs-display\n");
        return 2;
    }
    return receive_into(pci_read((uint32_t)display, 0x10) & ~0xFu, 64);
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* The value of `key=` in the command line, copied into out; empty when absent. */
static void cmdline_value(const char *cmdline, const char *key, char *out, size_t size)
{
    out[0] = 0;
    for (const char *p = cmdline; *p; p++) {
        if (p != cmdline && p[-1] != ' ')
            continue;
        const char *k = key, *q = p;
        while (*k && *q == *k)
            k++, q++;
        if (*k || *q != '=')
            continue;
        size_t n = 0;
        for (q++; *q && *q != ' ' && n + 1 < size; q++)
            out[n++] = *q;
        out[n] = 0;
        return;
    }
}

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

void kernel_main(uint32_t magic, const struct multiboot_info *mbi);

/* Called by vga_boot.S's _start with the boot loader's EAX and EBX. */
void kernel_main(uint32_t magic, const struct multiboot_info *mbi)
{
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 2, 0xC7);
    char test[32];
    const char *cmdline = magic == 0x2BADB002 && (mbi->flags & 4) ? (const char *)(uintptr_t)mbi->cmdline : "";
    cmdline_value(cmdline, "test", test, sizeof test);

    int slot = pci_find(EDU_VENDOR, EDU_DEVICE);
    if (slot < 0) {
        print("edu: not found\n");
        finish(2);
    }
    /* Memory decoding and bus mastering: the firmware leaves the latter off. */
    pci_write((uint32_t)slot, 0x04, pci_read((uint32_t)slot, 0x04) | 0x6);
    edu = (volatile uint32_t *)(uintptr_t)(pci_read((uint32_t)slot, 0x10) & ~0xFu);
    print("edu: ident ");
    print_hex(edu_read(EDU_IDENT));
    print("\n");

    int r = 1;
    if (streq(test, "copy"))
        r = test_copy();
    else if (streq(test, "jit"))
        r = test_jit();
    else if (streq(test, "outside_ram"))
        r = receive_into(0xE0000, 64);
    else if (streq(test, "framebuffer"))
        r = test_framebuffer();
    else if (streq(test, "kernel_code"))
        r = receive_into((uint32_t)(uintptr_t)kernel_main, 64);
    else if (streq(test, "huge"))
        r = receive_into((uint32_t)(uintptr_t)rx, 0x10000000);
    else if (streq(test, "flood"))
        test_flood();
    else
        print("usage: test=copy|jit|outside_ram|framebuffer|kernel_code|huge|flood\n");
    print("edu_baremetal: ");
    print(test);
    print(" exit ");
    print_hex((uint32_t)r);
    print("\n");
    finish((uint32_t)r);
}
