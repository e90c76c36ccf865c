/* Guards RAM the firmware still needs (hand-off area, scratch, stack) and everything not RAM. */
#include "load_target.h"

#include "e820.h"
#include "fail.h"
#include "layout.h"

static int overlaps(u64 start, u64 end, u32 area_start, u32 area_end)
{
    return start < area_end && area_start < end;
}

void load_target_check(u32 start, u32 size)
{
    u64 end = (u64)start + size;
    if (size == 0)
        return;
    if (end > 0x100000000ull)
        fail_value("kernel segment wraps past 4 GiB, at", start);
    if (e820_ram_end_from(start) < end)
        fail_value("kernel segment is not in RAM, at", start);
    if (overlaps(start, end, HANDOFF_AREA_START, HANDOFF_AREA_END) ||
        overlaps(start, end, WORK_AREA_START, WORK_AREA_END))
        fail_value("kernel segment overlaps the firmware's low-memory areas, at", start);
}
