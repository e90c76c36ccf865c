/* Checks that a physical range may receive kernel bytes before any are written. */
#ifndef FW_LOAD_TARGET_H
#define FW_LOAD_TARGET_H

#include "types.h"

/* Fails the boot unless [start, start+size) is RAM and clear of the firmware's own areas. */
void load_target_check(u32 start, u32 size);

#endif
