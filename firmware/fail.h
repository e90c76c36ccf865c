/* The firmware's only error path: one line on COM1, then end the run through the exit port. */
#ifndef FW_FAIL_H
#define FW_FAIL_H

#include "types.h"

__attribute__((noreturn)) void fail(const char *msg);
/* Same, with " 0x<value>" appended: for the address or count that made the input unusable. */
__attribute__((noreturn)) void fail_value(const char *msg, u32 value);

#endif
