/* 64-bit division helpers, since gcc -m32 would otherwise call libgcc's __udivdi3. */
#include "lib/math64.h"

/* Two 32-bit divisions: the high half first, then (remainder:low), which cannot overflow divl. */
u64 div_u64_rem(u64 n, u32 d, u32 *rem)
{
    u32 hi = (u32)(n >> 32), lo = (u32)n;
    u32 qhi = hi / d, r = hi % d, qlo = lo;
    __asm__("divl %2" : "+a"(qlo), "+d"(r) : "rm"(d));
    if (rem)
        *rem = r;
    return ((u64)qhi << 32) | qlo;
}

u64 div_u64(u64 n, u32 d)
{
    return div_u64_rem(n, d, NULL);
}

/* Shift-and-subtract, one quotient bit per step. */
u64 div64_u64_rem(u64 n, u64 d, u64 *rem)
{
    u64 q = 0, r = 0;
    if (d >> 32 == 0) {
        u32 r32;
        q = div_u64_rem(n, (u32)d, &r32);
        r = r32;
    } else {
        for (int bit = 63; bit >= 0; bit--) {
            r = (r << 1) | ((n >> bit) & 1);
            if (r >= d) {
                r -= d;
                q |= (u64)1 << bit;
            }
        }
    }
    if (rem)
        *rem = r;
    return q;
}

u64 div64_u64(u64 n, u64 d)
{
    return div64_u64_rem(n, d, NULL);
}
