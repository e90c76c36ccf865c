/* Region-of-interest markers: the name's address goes out a magic port the host watches. */
#include "lib/roi.h"
#include "arch/io.h"
#include "devices/abi/magic_ops.h"

void roi_begin(const char *name)
{
    outl(ROI_BEGIN_PORT, (u32)(uintptr_t)name);
}

void roi_end(const char *name)
{
    outl(ROI_END_PORT, (u32)(uintptr_t)name);
}

void roi_fail(const char *name)
{
    outl(ROI_FAIL_PORT, (u32)(uintptr_t)name);
}
