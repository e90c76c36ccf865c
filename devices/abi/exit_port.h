/* Exit port: a 32-bit OUT of code C ends the run (ia32emu exits C & 0xff; QEMU's isa-debug-exit exits (C<<1)|1). */
#ifndef IA32EMU_ABI_EXIT_PORT_H
#define IA32EMU_ABI_EXIT_PORT_H

#define EXIT_PORT 0xf4

/* Guest exit codes shared by the kernel, the host's tests and the documentation. */
#define GUEST_EXIT_OK 0
#define GUEST_EXIT_TEST_FAILED 1
#define GUEST_EXIT_PANIC 3          /* panic(): a broken kernel invariant or a fatal BUG */
#define GUEST_EXIT_OOPS 4           /* an exception the kernel cannot handle */
#define GUEST_EXIT_OOM 5            /* a fatal allocation failure */
#define GUEST_EXIT_BAD_CMDLINE 6    /* unknown scenario or malformed parameter */
#define GUEST_EXIT_DMA_REJECTED 7   /* the DMA engine flagged a transfer as rejected */
#define GUEST_EXIT_DMA_CORRUPT 8    /* a DMA transfer completed but the data is wrong */
#define GUEST_EXIT_DMA_REFUSED 9    /* the guest DMA API refused to map a buffer */
#define FIRMWARE_EXIT_LOAD_FAILED 0x70 /* the firmware could not load the kernel image */

#endif
