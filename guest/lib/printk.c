/* printk: a small printf to the console, and panic(). */
#include "lib/printk.h"
#include "lib/math64.h"
#include "lib/string.h"
#include "arch/exit.h"

/* Where formatted characters go: the console, or a bounded buffer for snprintk. */
struct sink {
    char *buf;      /* NULL: console */
    size_t size;
    size_t len;     /* characters produced, including any that did not fit */
};

static void put(struct sink *s, char c)
{
    if (!s->buf)
        console_putc(c);
    else if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void put_padded(struct sink *s, const char *str, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(s, pad);
    for (size_t i = 0; i < n; i++)
        put(s, str[i]);
    if (left)
        while (fill-- > 0)
            put(s, ' ');
}

static void put_number(struct sink *s, u64 v, bool neg, unsigned base, bool upper, int width, bool left,
                       char pad)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int i = sizeof(tmp);
    do {
        u32 r;
        v = div_u64_rem(v, base, &r);
        tmp[--i] = digits[r];
    } while (v);
    if (neg && pad == '0' && !left) {
        /* The sign goes before zero padding: -0042, not 00-42. */
        put(s, '-');
        if (width > 0)
            width--;
    } else if (neg) {
        tmp[--i] = '-';
    }
    put_padded(s, &tmp[i], sizeof(tmp) - i, width, left, pad);
}

static int format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(s, *fmt);
            continue;
        }
        fmt++;
        bool left = false;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        if (*fmt == 'z')    /* size_t is 32 bits here */
            fmt++;

        switch (*fmt) {
        case 'd':
        case 'i': {
            s64 v = longs >= 2 ? va_arg(ap, s64) : va_arg(ap, s32);
            bool neg = v < 0;
            put_number(s, neg ? (u64)0 - (u64)v : (u64)v, neg, 10, false, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            u64 v = longs >= 2 ? va_arg(ap, u64) : va_arg(ap, u32);
            put_number(s, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left, pad);
            break;
        }
        case 'p':
            put(s, '0');
            put(s, 'x');
            put_number(s, (u32)(uintptr_t)va_arg(ap, void *), false, 16, false, 8, false, '0');
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            put_padded(s, str, strlen(str), width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(s, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            put(s, '%');
            break;
        case '\0':
            /* A lone '%' at the end: print it rather than read past the string. */
            put(s, '%');
            return (int)s->len;
        default:
            put(s, '%');
            put(s, *fmt);
            break;
        }
    }
    return (int)s->len;
}

int vprintk(const char *fmt, va_list ap)
{
    struct sink s = { NULL, 0, 0 };
    return format(&s, fmt, ap);
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
    struct sink s = { buf, size, 0 };
    va_list ap;
    va_start(ap, fmt);
    format(&s, fmt, ap);
    va_end(ap);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    printk("panic: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    size_t n = strlen(fmt);
    if (n == 0 || fmt[n - 1] != '\n')
        printk("\n");
    guest_exit(GUEST_EXIT_PANIC);
}
