/*
 * Persistent kmaps: a highmem page has no direct-map address, so the kernel maps it into one of
 * LAST_PKMAP slots at PKMAP_BASE while it works on it. Lowmem pages just return page_address.
 */
#ifndef GUEST_MM_HIGHMEM_H
#define GUEST_MM_HIGHMEM_H

#include "mm/layout.h"

struct page;

void *kmap(struct page *page);
void kunmap(struct page *page);
/* Slots in use, for tests that check every kmap was undone. */
unsigned int kmap_slots_in_use(void);

#endif
