/* Helpers for the dma_* scenarios: device bring-up, patterns, outcome lines and exit codes. */
#include "scenarios/dma_common.h"
#include "arch/exit.h"
#include "lib/printk.h"

int dma_setup(struct edu *edu)
{
    if (edu_probe(edu) != 0)
        return GUEST_EXIT_TEST_FAILED;
    printk("dma: edu ready, bus mastering on, DMA mask %d bits\n", EDU_DMA_BITS);
    return GUEST_EXIT_OK;
}

static u8 pattern_byte(size_t i, u32 seed)
{
    u32 x = (u32)i * 0x9e3779b1u + seed * 0x85ebca6bu;
    x ^= x >> 15;
    return (u8)(x ^ (x >> 8));
}

void dma_fill(void *buf, size_t len, u32 seed)
{
    u8 *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = pattern_byte(i, seed);
}

size_t dma_mismatch(const void *buf, size_t len, u32 seed)
{
    const u8 *p = buf;
    for (size_t i = 0; i < len; i++)
        if (p[i] != pattern_byte(i, seed))
            return i;
    return len;
}

void dma_print_rejection(const struct edu *edu, const char *what)
{
    unsigned int rule = edu_rejected_rule(edu);
    printk("dma: %s: rejected by the device (rule %u %s)\n", what, rule, edu_rule_name(rule));
}

int dma_expect_done(const struct edu *edu, enum edu_dma_result r, const char *what)
{
    switch (r) {
    case EDU_DMA_DONE:
        return GUEST_EXIT_OK;
    case EDU_DMA_REJECTED:
        dma_print_rejection(edu, what);
        return GUEST_EXIT_DMA_REJECTED;
    default:
        printk("dma: %s: no completion\n", what);
        return GUEST_EXIT_TEST_FAILED;
    }
}

int dma_expect_pattern(const void *buf, size_t len, u32 seed, const char *what)
{
    size_t bad = dma_mismatch(buf, len, seed);
    if (bad == len)
        return GUEST_EXIT_OK;
    printk("dma: %s: data differs from byte %u on\n", what, (unsigned int)bad);
    return GUEST_EXIT_DMA_CORRUPT;
}
