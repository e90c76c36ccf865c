/* Fixed-width integer types for the freestanding firmware (built with -nostdinc, so no <stdint.h>). */
#ifndef FW_TYPES_H
#define FW_TYPES_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned int usize;

#define NULL ((void *)0)

#endif
