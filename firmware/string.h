/* The few memory routines the firmware needs; gcc may also emit calls to memset/memcpy itself. */
#ifndef FW_STRING_H
#define FW_STRING_H

#include "types.h"

void *memset(void *dst, int c, usize n);
void *memcpy(void *dst, const void *src, usize n);

#endif
