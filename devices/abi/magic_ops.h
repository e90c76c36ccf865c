/*
 * Regions of interest, like gem5's m5ops: the guest writes the virtual address of a
 * NUL-terminated name (at most 63 bytes) to ROI_BEGIN_PORT or ROI_END_PORT with a 32-bit OUT.
 * Regions nest and are reported like tracked functions. A write to ROI_FAIL_PORT marks the
 * innermost open region of that name as failed (e.g. its allocation returned NULL): the report
 * counts it in the region's `failures` when it ends. Elsewhere (QEMU) the writes go nowhere.
 */
#ifndef IA32EMU_ABI_MAGIC_OPS_H
#define IA32EMU_ABI_MAGIC_OPS_H

#define ROI_BEGIN_PORT 0x5e0
#define ROI_END_PORT 0x5e4
#define ROI_FAIL_PORT 0x5e8
#define ROI_PORT_COUNT 12
#define ROI_NAME_MAX 64

#endif
