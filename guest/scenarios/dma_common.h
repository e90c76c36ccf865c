/*
 * Shared by the dma_* scenarios: bringing up the edu device, test patterns, and turning a
 * transfer's outcome into a `dma:` line and an exit code (devices/abi/exit_port.h).
 */
#ifndef GUEST_SCENARIOS_DMA_COMMON_H
#define GUEST_SCENARIOS_DMA_COMMON_H

#include "drivers/edu.h"
#include "lib/types.h"

/* Transfer length of the single-buffer scenarios: the whole device buffer that QEMU 7.2 allows. */
#define DMA_TEST_LEN EDU_DMA_MAX_PORTABLE

/* Probes the device and prints `dma: edu ready ...`; GUEST_EXIT_OK or GUEST_EXIT_TEST_FAILED. */
int dma_setup(struct edu *edu);

/* A position- and seed-dependent byte pattern, so a shifted or foreign buffer never matches. */
void dma_fill(void *buf, size_t len, u32 seed);
/* Offset of the first byte that differs from the pattern, or len if none does. */
size_t dma_mismatch(const void *buf, size_t len, u32 seed);

/*
 * For a transfer that should work: GUEST_EXIT_OK when done; otherwise prints why (`dma: <what>:
 * rejected by the device (rule N name)` or a timeout) and returns GUEST_EXIT_DMA_REJECTED or
 * GUEST_EXIT_TEST_FAILED.
 */
int dma_expect_done(const struct edu *edu, enum edu_dma_result r, const char *what);

/* Prints the rejection line of dma_expect_done without judging it. */
void dma_print_rejection(const struct edu *edu, const char *what);

/* Checks buf against the pattern: GUEST_EXIT_OK, or a `dma: <what>: data differs` line and GUEST_EXIT_DMA_CORRUPT. */
int dma_expect_pattern(const void *buf, size_t len, u32 seed, const char *what);

#endif
