/* Kernel command line: a private copy split into words, looked up as key=value. */
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "arch/exit.h"

#define MAX_WORDS 64

static char raw[CMDLINE_MAX];      /* the arguments as given, minus the kernel path */
static char words_buf[CMDLINE_MAX];
static const char *words[MAX_WORDS];
static int nr_words;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/*
 * Loaders put the kernel's path first (QEMU passes "/path/kernel.elf args"). That word differs
 * between hosts, so it is dropped; a first word containing '=' is an argument and is kept.
 */
static const char *skip_kernel_path(const char *s)
{
    while (is_space(*s))
        s++;
    const char *p = s;
    while (*p && !is_space(*p)) {
        if (*p == '=')
            return s;
        p++;
    }
    while (is_space(*p))
        p++;
    return p;
}

void cmdline_init(const char *cmdline)
{
    const char *args = skip_kernel_path(cmdline ? cmdline : "");
    if (strlen(args) >= CMDLINE_MAX) {
        printk("cmdline: longer than %d bytes\n", CMDLINE_MAX - 1);
        guest_exit(GUEST_EXIT_BAD_CMDLINE);
    }
    memcpy(raw, args, strlen(args) + 1);
    memcpy(words_buf, raw, sizeof(raw));

    nr_words = 0;
    char *p = words_buf;
    for (;;) {
        while (is_space(*p))
            *p++ = '\0';
        if (!*p)
            break;
        if (nr_words == MAX_WORDS) {
            printk("cmdline: more than %d words\n", MAX_WORDS);
            guest_exit(GUEST_EXIT_BAD_CMDLINE);
        }
        words[nr_words++] = p;
        while (*p && !is_space(*p))
            p++;
    }
}

const char *cmdline_raw(void)
{
    return raw;
}

/* The last occurrence wins, so appending key=value overrides an earlier one. */
const char *cmdline_get(const char *key)
{
    size_t n = strlen(key);
    const char *found = NULL;
    for (int i = 0; i < nr_words; i++) {
        if (strncmp(words[i], key, n) != 0)
            continue;
        if (words[i][n] == '=')
            found = &words[i][n + 1];
        else if (words[i][n] == '\0')
            found = &words[i][n];
    }
    return found;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

/* Decimal, or hex with 0x; stops at the first character that is not a digit of the base. */
static unsigned long long parse_ull(const char *s, const char **end)
{
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
        base = 16;
        s += 2;
    }
    unsigned long long v = 0;
    while (digit_value(*s) < (int)base)
        v = v * base + (unsigned)digit_value(*s++);
    if (end)
        *end = s;
    return v;
}

unsigned long long memparse(const char *s, const char **end)
{
    const char *p;
    unsigned long long v = parse_ull(s, &p);
    switch (*p) {
    case 'G':
    case 'g':
        v <<= 10;
        /* fall through */
    case 'M':
    case 'm':
        v <<= 10;
        /* fall through */
    case 'K':
    case 'k':
        v <<= 10;
        p++;
        break;
    default:
        break;
    }
    if (end)
        *end = p;
    return v;
}

/* A malformed number is a user error: say which key, then stop with GUEST_EXIT_BAD_CMDLINE. */
unsigned long cmdline_get_ulong(const char *key, unsigned long dflt)
{
    const char *v = cmdline_get(key);
    if (!v)
        return dflt;
    const char *end;
    unsigned long long n = memparse(v, &end);
    if (end == v || *end != '\0' || n > 0xffffffffull) {
        printk("cmdline: bad value for %s: '%s'\n", key, v);
        guest_exit(GUEST_EXIT_BAD_CMDLINE);
    }
    return (unsigned long)n;
}
