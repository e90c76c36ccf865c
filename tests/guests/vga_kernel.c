/* The C half of an OSDev "Bare Bones" kernel, compiled as the tutorial compiles it (gcc -m32
 * -ffreestanding -O2): a VGA text terminal at 0xB8000 with colours, newlines, scrolling and the
 * hardware cursor moved through the CRTC. It reports on COM1 what it read from the CRTC and,
 * with `exit=N` on the command line, ends through the exit port; otherwise it halts, as the
 * tutorial's kernel does. */
#include <stddef.h>
#include <stdint.h>

enum vga_color {
    VGA_COLOR_BLACK = 0, VGA_COLOR_BLUE = 1, VGA_COLOR_GREEN = 2, VGA_COLOR_CYAN = 3, VGA_COLOR_RED = 4,
    VGA_COLOR_LIGHT_GREY = 7, VGA_COLOR_WHITE = 15, VGA_COLOR_YELLOW = 14,
};

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint8_t vga_entry_color(enum vga_color fg, enum vga_color bg) { return fg | bg << 4; }
static inline uint16_t vga_entry(unsigned char uc, uint8_t color) { return (uint16_t)uc | (uint16_t)color << 8; }

static size_t strlen(const char *str)
{
    size_t len = 0;
    while (str[len])
        len++;
    return len;
}

#define VGA_WIDTH 80
#define VGA_HEIGHT 25

static size_t terminal_row;
static size_t terminal_column;
static uint8_t terminal_color;
static uint16_t *terminal_buffer = (uint16_t *)0xB8000;

static void update_cursor(size_t x, size_t y)
{
    uint16_t pos = (uint16_t)(y * VGA_WIDTH + x);
    outb(0x3D4, 0x0F);
    outb(0x3D5, (uint8_t)(pos & 0xFF));
    outb(0x3D4, 0x0E);
    outb(0x3D5, (uint8_t)((pos >> 8) & 0xFF));
}

static void terminal_initialize(void)
{
    terminal_row = 0;
    terminal_column = 0;
    terminal_color = vga_entry_color(VGA_COLOR_LIGHT_GREY, VGA_COLOR_BLACK);
    for (size_t y = 0; y < VGA_HEIGHT; y++)
        for (size_t x = 0; x < VGA_WIDTH; x++)
            terminal_buffer[y * VGA_WIDTH + x] = vga_entry(' ', terminal_color);
}

static void terminal_scroll(void)
{
    for (size_t i = 0; i < (VGA_HEIGHT - 1) * VGA_WIDTH; i++)
        terminal_buffer[i] = terminal_buffer[i + VGA_WIDTH];
    for (size_t x = 0; x < VGA_WIDTH; x++)
        terminal_buffer[(VGA_HEIGHT - 1) * VGA_WIDTH + x] = vga_entry(' ', terminal_color);
}

static void terminal_newline(void)
{
    terminal_column = 0;
    if (++terminal_row == VGA_HEIGHT) {
        terminal_scroll();
        terminal_row = VGA_HEIGHT - 1;
    }
}

static void terminal_putchar(char c)
{
    if (c == '\n') {
        terminal_newline();
        return;
    }
    terminal_buffer[terminal_row * VGA_WIDTH + terminal_column] = vga_entry((unsigned char)c, terminal_color);
    if (++terminal_column == VGA_WIDTH)
        terminal_newline();
}

static void terminal_writestring(const char *data)
{
    size_t n = strlen(data);
    for (size_t i = 0; i < n; i++)
        terminal_putchar(data[i]);
    update_cursor(terminal_column, terminal_row);
}

static void serial_putchar(char c)
{
    while (!(inb(0x3F8 + 5) & 0x20))
        ;
    outb(0x3F8, (uint8_t)c);
}

static void serial_writestring(const char *s)
{
    while (*s)
        serial_putchar(*s++);
}

static void serial_hex8(uint8_t v)
{
    static const char digits[] = "0123456789abcdef";
    serial_writestring("0x");
    serial_putchar(digits[v >> 4]);
    serial_putchar(digits[v & 15]);
}

static uint8_t crtc_read(uint8_t index)
{
    outb(0x3D4, index);
    return inb(0x3D5);
}

/* The number after "exit=" on the Multiboot command line, or -1. */
static int exit_code(uint32_t magic, const uint32_t *mbi)
{
    if (magic != 0x2BADB002 || !(mbi[0] & 4))
        return -1;
    for (const char *s = (const char *)mbi[4]; *s; s++) {
        if (s[0] == 'e' && s[1] == 'x' && s[2] == 'i' && s[3] == 't' && s[4] == '=') {
            int v = 0;
            for (s += 5; *s >= '0' && *s <= '9'; s++)
                v = v * 10 + (*s - '0');
            return v;
        }
    }
    return -1;
}

void kernel_main(uint32_t magic, const uint32_t *mbi);

void kernel_main(uint32_t magic, const uint32_t *mbi)
{
    terminal_initialize();
    terminal_writestring("Hello, kernel World!\n");
    terminal_color = vga_entry_color(VGA_COLOR_YELLOW, VGA_COLOR_BLUE);
    terminal_writestring("Colours: yellow on blue.\n");
    terminal_color = vga_entry_color(VGA_COLOR_LIGHT_GREY, VGA_COLOR_BLACK);
    for (int i = 0; i < 23; i++) {
        char line[] = "line 00 of a scrolling terminal\n";
        line[5] = (char)('0' + i / 10);
        line[6] = (char)('0' + i % 10);
        terminal_writestring(line);
    }
    terminal_writestring("The last line, no newline");

    serial_writestring("vga: crtc cursor start ");
    serial_hex8(crtc_read(0x0A));
    serial_writestring(" end ");
    serial_hex8(crtc_read(0x0B));
    serial_writestring(" location ");
    serial_hex8(crtc_read(0x0E));
    serial_hex8(crtc_read(0x0F));
    serial_writestring("\nvga: done\n");

    int code = exit_code(magic, mbi);
    if (code >= 0)
        outl(0xF4, (uint32_t)code);
}
