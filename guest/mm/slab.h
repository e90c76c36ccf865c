/*
 * The slab allocator (SLUB-like): caches of equal-sized objects carved out of buddy pages, and
 * kmalloc on top of a ladder of size classes from 32 bytes to 128 KiB; larger kmalloc requests
 * go straight to the page allocator.
 *
 * Debug mode (mm_debug, see mm/debug.h) adds to every cache SLAB_RED_ZONE and SLAB_POISON:
 * each object is followed by a red-zone word (0xcccccccc while allocated, 0xbbbbbbbb while free)
 * and the free pointer moves out of the object; freed objects are filled with 0x6b ending in 0xa5.
 * kfree then catches double frees and overruns into the red zone, and allocation catches writes
 * to freed objects (use after free).
 */
#ifndef GUEST_MM_SLAB_H
#define GUEST_MM_SLAB_H

#include "mm/gfp.h"
#include "mm/list.h"

#define SLAB_RED_ZONE 0x00000400u
#define SLAB_POISON 0x00000800u
#define SLAB_HWCACHE_ALIGN 0x00002000u
#define SLAB_CACHE_DMA 0x00004000u

#define RED_ACTIVE 0xccccccccu
#define RED_INACTIVE 0xbbbbbbbbu
#define POISON_FREE 0x6b
#define POISON_END 0xa5

#define KMALLOC_MIN_SIZE 32
#define KMALLOC_MAX_CACHE_SIZE (128u * 1024)
#define KMALLOC_MAX_SIZE (4096u << 10)   /* PAGE_SIZE << (MAX_ORDER - 1) */
#define KMALLOC_MIN_ALIGN 8
#define NR_KMALLOC_CLASSES 15

/* kmalloc(0) returns this: not NULL (no failure) but faults when used; kfree accepts it. */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

struct kmem_cache {
    const char *name;
    unsigned int object_size;   /* as asked for */
    unsigned int size;          /* stride between objects, metadata included */
    unsigned int align;
    unsigned int offset;        /* of the free pointer within the stride */
    unsigned int red_zone;      /* offset of the red-zone word (SLAB_RED_ZONE) */
    unsigned int flags;
    unsigned int order;         /* pages per slab = 1 << order */
    unsigned int objects;       /* objects per slab */
    gfp_t gfp;                  /* for the slab pages */
    void (*ctor)(void *);
    struct list_head partial;   /* slabs with at least one free object */
    struct list_head full;
    unsigned long nr_partial, nr_slabs, inuse;
    bool dynamic;               /* made by kmem_cache_create, so destroyable */
    struct list_head list;
};

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
                                     unsigned int flags, void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *s);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *s, void *obj);
/* Returns every empty slab of the cache to the buddy allocator. */
void kmem_cache_shrink(struct kmem_cache *s);
void kmem_cache_shrink_all(void);

void *kmalloc(size_t size, gfp_t gfp);
void kfree(const void *ptr);
size_t ksize(const void *ptr);

static inline void *kzalloc(size_t size, gfp_t gfp)
{
    return kmalloc(size, gfp | __GFP_ZERO);
}

/* The cache kmalloc would use for size (NULL above KMALLOC_MAX_CACHE_SIZE). */
struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp);
extern const unsigned int kmalloc_sizes[NR_KMALLOC_CLASSES];

void kmem_cache_init(void);

#endif
