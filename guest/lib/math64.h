/* 64-bit division without libgcc (gcc -m32 would call __udivdi3). */
#ifndef GUEST_LIB_MATH64_H
#define GUEST_LIB_MATH64_H

#include "lib/types.h"

u64 div_u64_rem(u64 n, u32 d, u32 *rem);
u64 div_u64(u64 n, u32 d);
u64 div64_u64_rem(u64 n, u64 d, u64 *rem);
u64 div64_u64(u64 n, u64 d);

#endif
