/* BUG/WARN lines for allocator misuse, counted so tests can check that misuse was detected. */
#include "mm/debug.h"
#include "arch/exit.h"
#include "lib/printk.h"

bool mm_debug = true;
unsigned int mm_bug_count;
unsigned int mm_warn_count;

static void report(const char *kind, unsigned long caller, const char *fmt, va_list ap)
{
    printk("%s: ", kind);
    vprintk(fmt, ap);
    printk(" caller=0x%08lx\n", caller);
}

void mm_bug(unsigned long caller, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report("BUG", caller, fmt, ap);
    va_end(ap);
    mm_bug_count++;
}

void mm_warn(unsigned long caller, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report("WARN", caller, fmt, ap);
    va_end(ap);
    mm_warn_count++;
}

void mm_fatal(int exit_code, unsigned long caller, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report("BUG", caller, fmt, ap);
    va_end(ap);
    guest_exit(exit_code);
}
