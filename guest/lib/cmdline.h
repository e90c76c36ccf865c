/* Kernel command line: key=value words separated by spaces. */
#ifndef GUEST_LIB_CMDLINE_H
#define GUEST_LIB_CMDLINE_H

#include "lib/types.h"

#define CMDLINE_MAX 1024

void cmdline_init(const char *cmdline);
const char *cmdline_raw(void);
const char *cmdline_get(const char *key);
unsigned long cmdline_get_ulong(const char *key, unsigned long dflt);
unsigned long long memparse(const char *s, const char **end);

#endif
