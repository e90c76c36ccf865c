/* Prints the Multiboot information the way a kernel that uses it reads it: flags, boot device,
 * boot loader name, every module (command line, size, alignment, a checksum and its first line)
 * and the framebuffer fields when present. With `exit=N` it ends through the exit port. */
#include <stddef.h>
#include <stdint.h>

struct mb_module {
    uint32_t mod_start, mod_end, string, reserved;
};

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void putc_serial(char c)
{
    while (!(inb(0x3F8 + 5) & 0x20))
        ;
    outb(0x3F8, (uint8_t)c);
}

static void puts_serial(const char *s)
{
    while (*s)
        putc_serial(*s++);
}

static void hex(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    puts_serial("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        putc_serial(digits[(v >> shift) & 15]);
}

static void dec(uint32_t v)
{
    char buf[11];
    int i = 10;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts_serial(buf + i);
}

static int exit_code(const char *cmdline)
{
    for (const char *s = cmdline; *s; s++) {
        if (s[0] == 'e' && s[1] == 'x' && s[2] == 'i' && s[3] == 't' && s[4] == '=') {
            int v = 0;
            for (s += 5; *s >= '0' && *s <= '9'; s++)
                v = v * 10 + (*s - '0');
            return v;
        }
    }
    return -1;
}

extern char _end[]; /* ld's default script: the end of the kernel's bss */

void kernel_main(uint32_t magic, const uint32_t *mbi);

void kernel_main(uint32_t magic, const uint32_t *mbi)
{
    if (magic != 0x2BADB002) {
        puts_serial("mbinfo: not a Multiboot loader\n");
        return;
    }
    uint32_t flags = mbi[0];
    puts_serial("mbinfo: flags ");
    hex(flags);
    puts_serial("\n");
    if (flags & (1u << 1)) {
        puts_serial("mbinfo: boot_device ");
        hex(mbi[3]);
        puts_serial("\n");
    }
    if (flags & (1u << 9)) {
        puts_serial("mbinfo: boot loader name '");
        puts_serial((const char *)mbi[16]);
        puts_serial("'\n");
    }
    if (flags & (1u << 3)) {
        const struct mb_module *mods = (const struct mb_module *)mbi[6];
        puts_serial("mbinfo: ");
        dec(mbi[5]);
        puts_serial(" modules\n");
        for (uint32_t i = 0; i < mbi[5]; i++) {
            const uint8_t *p = (const uint8_t *)mods[i].mod_start;
            uint32_t size = mods[i].mod_end - mods[i].mod_start, sum = 0;
            for (uint32_t k = 0; k < size; k++)
                sum = sum * 31 + p[k];
            puts_serial("mbinfo: module ");
            dec(i);
            puts_serial(mods[i].mod_start >= (uint32_t)_end ? " above the kernel" : " INSIDE the kernel");
            puts_serial(mods[i].mod_start & 0xfff ? ", unaligned" : ", page-aligned");
            puts_serial(", ");
            dec(size);
            puts_serial(" bytes, sum ");
            hex(sum);
            puts_serial(", cmdline '");
            puts_serial((const char *)mods[i].string);
            puts_serial("', first line '");
            for (uint32_t k = 0; k < size && p[k] != '\n'; k++)
                putc_serial((char)p[k]);
            puts_serial("'\n");
        }
    }
    if (flags & (1u << 12)) {
        const uint8_t *fb = (const uint8_t *)mbi;
        puts_serial("mbinfo: framebuffer ");
        hex(mbi[22]);
        puts_serial(" pitch ");
        dec(mbi[24]);
        puts_serial(" ");
        dec(mbi[25]);
        puts_serial("x");
        dec(mbi[26]);
        puts_serial(" bpp ");
        dec(fb[108]);
        puts_serial(" type ");
        dec(fb[109]);
        puts_serial("\n");
    }
    int code = (flags & (1u << 2)) ? exit_code((const char *)mbi[4]) : -1;
    if (code >= 0)
        outl(0xF4, (uint32_t)code);
}
