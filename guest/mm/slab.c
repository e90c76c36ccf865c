/* Slab caches and kmalloc: objects in buddy pages, per-cache partial/full slab lists, debug checks. */
#include "mm/slab.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/debug.h"
#include "mm/page_alloc.h"

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((a) - 1))
/* Empty slabs a cache keeps for reuse beyond which a freed-empty slab goes back to the buddy lists. */
#define MIN_PARTIAL 1
/* Largest slab order tried for a low-waste fit (as SLUB's slub_max_order). */
#define SLAB_MAX_ORDER 3

const unsigned int kmalloc_sizes[NR_KMALLOC_CLASSES] = {
    32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072,
};

static const char *const kmalloc_names[2][NR_KMALLOC_CLASSES] = {
    { "kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256",
      "kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k", "kmalloc-16k",
      "kmalloc-32k", "kmalloc-64k", "kmalloc-128k" },
    { "dma-kmalloc-32", "dma-kmalloc-64", "dma-kmalloc-96", "dma-kmalloc-128", "dma-kmalloc-192",
      "dma-kmalloc-256", "dma-kmalloc-512", "dma-kmalloc-1k", "dma-kmalloc-2k", "dma-kmalloc-4k",
      "dma-kmalloc-8k", "dma-kmalloc-16k", "dma-kmalloc-32k", "dma-kmalloc-64k", "dma-kmalloc-128k" },
};

static struct kmem_cache kmalloc_caches[2][NR_KMALLOC_CLASSES];
static struct list_head slab_caches = { &slab_caches, &slab_caches };

static void **freeptr_at(const struct kmem_cache *s, void *obj)
{
    return (void **)((char *)obj + s->offset);
}

static u32 *red_zone_at(const struct kmem_cache *s, void *obj)
{
    return (u32 *)((char *)obj + s->red_zone);
}

static bool poisoned(const struct kmem_cache *s)
{
    return (s->flags & SLAB_POISON) && !s->ctor;
}

/* Smallest order up to SLAB_MAX_ORDER wasting at most 1/8 of the slab, else the smallest that fits. */
static unsigned int slab_order(unsigned int size)
{
    for (unsigned int order = get_order(size); order <= SLAB_MAX_ORDER; order++) {
        unsigned long slab = PAGE_SIZE << order;
        if ((slab % size) * 8 <= slab)
            return order;
    }
    return get_order(size);
}

/* Lays out one object slot: [object][red zone][free pointer] padded to the alignment. */
static bool cache_layout(struct kmem_cache *s)
{
    unsigned int align = s->align < KMALLOC_MIN_ALIGN ? KMALLOC_MIN_ALIGN : s->align;
    if (s->flags & SLAB_HWCACHE_ALIGN && align < 64)
        align = 64;
    s->align = align;
    unsigned int off = ALIGN_UP(s->object_size, 4u);
    if (s->flags & SLAB_RED_ZONE) {
        s->red_zone = off;
        off += 4;
    }
    /* The free pointer lives in the object unless poison or a constructor owns those bytes. */
    if (s->flags & (SLAB_POISON | SLAB_RED_ZONE) || s->ctor) {
        s->offset = off;
        off += 4;
    } else {
        s->offset = 0;
    }
    s->size = ALIGN_UP(off, align);
    if (s->size > KMALLOC_MAX_SIZE)
        return false;
    s->order = slab_order(s->size);
    s->objects = (unsigned int)((PAGE_SIZE << s->order) / s->size);
    return true;
}

static bool init_cache(struct kmem_cache *s, const char *name, unsigned int size, unsigned int align,
                       unsigned int flags, void (*ctor)(void *))
{
    memset(s, 0, sizeof(*s));
    s->name = name;
    s->object_size = size;
    s->align = align;
    s->flags = flags | (mm_debug ? SLAB_RED_ZONE | SLAB_POISON : 0);
    s->ctor = ctor;
    s->gfp = (flags & SLAB_CACHE_DMA) ? GFP_DMA : GFP_KERNEL;
    INIT_LIST_HEAD(&s->partial);
    INIT_LIST_HEAD(&s->full);
    if (size == 0 || !cache_layout(s))
        return false;
    list_add_tail(&s->list, &slab_caches);
    return true;
}

static bool valid_object(const struct kmem_cache *s, const struct page *page, const void *obj)
{
    unsigned long base = (unsigned long)page_address(page);
    unsigned long x = (unsigned long)obj;
    return x >= base && x < base + (unsigned long)page->objects * s->size && (x - base) % s->size == 0;
}

static void poison_object(const struct kmem_cache *s, void *obj)
{
    memset(obj, POISON_FREE, s->object_size - 1);
    ((u8 *)obj)[s->object_size - 1] = POISON_END;
}

static struct page *new_slab(struct kmem_cache *s, gfp_t gfp)
{
    struct page *page = alloc_pages(s->gfp | (gfp & (__GFP_NOWARN | __GFP_NOFAIL)) | __GFP_COMP, s->order);
    if (!page)
        return NULL;
    page->flags |= PG_slab;
    page->slab_cache = s;
    page->inuse = 0;
    page->objects = (u16)s->objects;
    char *base = page_address(page);
    for (unsigned int i = 0; i < s->objects; i++) {
        void *obj = base + i * s->size;
        if (s->ctor)
            s->ctor(obj);
        else if (poisoned(s))
            poison_object(s, obj);
        if (s->flags & SLAB_RED_ZONE)
            *red_zone_at(s, obj) = RED_INACTIVE;
        *freeptr_at(s, obj) = (i + 1 < s->objects) ? base + (i + 1) * s->size : NULL;
    }
    page->freelist = base;
    list_add(&page->lru, &s->partial);
    s->nr_partial++;
    s->nr_slabs++;
    return page;
}

static void discard_slab(struct kmem_cache *s, struct page *page, unsigned long caller)
{
    list_del(&page->lru);
    s->nr_partial--;
    s->nr_slabs--;
    page->flags &= ~PG_slab;
    page->slab_cache = NULL;
    page->freelist = NULL;
    page->inuse = 0;
    page->objects = 0;
    __free_pages_caller(page, s->order, caller);
}

/* Debug checks on a free object about to be handed out: red zone and poison must be intact. */
static void check_free_object(struct kmem_cache *s, void *obj, unsigned long caller)
{
    u32 rz = *red_zone_at(s, obj);
    if (rz != RED_INACTIVE)
        mm_bug(caller, "slab %s: red zone of free object 0x%08lx overwritten (0x%08x)", s->name,
               (unsigned long)obj, rz);
    if (poisoned(s)) {
        const u8 *p = obj;
        for (unsigned int i = 0; i < s->object_size; i++) {
            u8 want = (i == s->object_size - 1) ? POISON_END : POISON_FREE;
            if (p[i] != want) {
                mm_bug(caller, "slab %s: poison overwritten in free object 0x%08lx at offset %u (use after free)",
                       s->name, (unsigned long)obj, i);
                break;
            }
        }
    }
    *red_zone_at(s, obj) = RED_ACTIVE;
}

static __noinline void *slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
    struct page *page;
    if (list_empty(&s->partial)) {
        page = new_slab(s, gfp);
        if (!page)
            return NULL;
    } else {
        page = list_first_entry(&s->partial, struct page, lru);
    }
    void *obj = page->freelist;
    if (!obj || !valid_object(s, page, obj))
        mm_fatal(GUEST_EXIT_PANIC, caller, "slab %s: corrupted freelist in slab 0x%08lx (0x%08lx)", s->name,
                 (unsigned long)page_address(page), (unsigned long)obj);
    void *next = *freeptr_at(s, obj);
    if (next && !valid_object(s, page, next))
        mm_fatal(GUEST_EXIT_PANIC, caller, "slab %s: corrupted free pointer in object 0x%08lx (0x%08lx)",
                 s->name, (unsigned long)obj, (unsigned long)next);
    page->freelist = next;
    page->inuse++;
    s->inuse++;
    if (!next) {
        list_del(&page->lru);
        list_add(&page->lru, &s->full);
        s->nr_partial--;
    }
    if (s->flags & SLAB_RED_ZONE)
        check_free_object(s, obj, caller);
    if (gfp & __GFP_ZERO)
        memset(obj, 0, s->object_size);
    return obj;
}

static void slab_free(struct kmem_cache *s, struct page *page, void *obj, unsigned long caller)
{
    if (!valid_object(s, page, obj)) {
        mm_bug(caller, "slab %s: 0x%08lx is not the start of an object", s->name, (unsigned long)obj);
        return;
    }
    if (s->flags & SLAB_RED_ZONE) {
        u32 rz = *red_zone_at(s, obj);
        if (rz == RED_INACTIVE) {
            mm_bug(caller, "slab %s: double free of object 0x%08lx", s->name, (unsigned long)obj);
            return;
        }
        if (rz != RED_ACTIVE)
            mm_bug(caller, "slab %s: red zone of object 0x%08lx overwritten (0x%08x): buffer overrun", s->name,
                   (unsigned long)obj, rz);
        if (poisoned(s))
            poison_object(s, obj);
        *red_zone_at(s, obj) = RED_INACTIVE;
    } else if (obj == page->freelist) {
        mm_bug(caller, "slab %s: double free of object 0x%08lx", s->name, (unsigned long)obj);
        return;
    }
    bool was_full = page->inuse == page->objects;
    *freeptr_at(s, obj) = page->freelist;
    page->freelist = obj;
    page->inuse--;
    s->inuse--;
    if (was_full) {
        list_del(&page->lru);
        list_add(&page->lru, &s->partial);
        s->nr_partial++;
    }
    if (page->inuse == 0 && s->nr_partial > MIN_PARTIAL)
        discard_slab(s, page, caller);
}

__attribute__((noinline)) void kmem_cache_shrink(struct kmem_cache *s)
{
    struct list_head *pos = s->partial.next;
    while (pos != &s->partial) {
        struct page *page = list_entry(pos, struct page, lru);
        pos = pos->next;
        if (page->inuse == 0)
            discard_slab(s, page, _RET_IP_);
    }
}

void kmem_cache_shrink_all(void)
{
    for (struct list_head *pos = slab_caches.next; pos != &slab_caches; pos = pos->next)
        kmem_cache_shrink(list_entry(pos, struct kmem_cache, list));
}

__attribute__((noinline)) struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
                                     unsigned int flags, void (*ctor)(void *))
{
    struct kmem_cache *s = kmalloc(sizeof(*s), GFP_KERNEL);
    if (s && !init_cache(s, name, size, align, flags, ctor)) {
        mm_warn(_RET_IP_, "kmem_cache_create %s: object size %u is not supported", name, size);
        kfree(s);
        s = NULL;
    }
    if (s)
        s->dynamic = true;
    return s;
}

__attribute__((noinline)) void kmem_cache_destroy(struct kmem_cache *s)
{
    unsigned long caller = _RET_IP_;
    if (!s)
        return;
    if (!s->dynamic) {
        mm_bug(caller, "kmem_cache_destroy %s: not created by kmem_cache_create", s->name);
    } else if (s->inuse) {
        mm_warn(caller, "kmem_cache_destroy %s: slab cache still has %lu objects", s->name, s->inuse);
    } else {
        kmem_cache_shrink(s);
        list_del(&s->list);
        kfree(s);
    }
}

__tracked void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
    void *obj = slab_alloc(s, gfp, _RET_IP_);
    keep_frame(obj);
    return obj;
}

static __noinline void cache_free_checked(struct kmem_cache *s, void *obj, unsigned long caller)
{
    if (!obj)
        return;
    if (!virt_addr_valid(obj)) {
        mm_bug(caller, "kmem_cache_free: 0x%08lx is not a slab address", (unsigned long)obj);
        return;
    }
    struct page *page = virt_to_head_page(obj);
    if (!(page->flags & PG_slab) || page->slab_cache != s) {
        mm_bug(caller, "kmem_cache_free: object 0x%08lx does not belong to cache %s", (unsigned long)obj, s->name);
        return;
    }
    slab_free(s, page, obj, caller);
}

__tracked void kmem_cache_free(struct kmem_cache *s, void *obj)
{
    cache_free_checked(s, obj, _RET_IP_);
    keep_frame_void();
}

static unsigned int kmalloc_index(size_t size)
{
    unsigned int i = 0;
    while (kmalloc_sizes[i] < size)
        i++;
    return i;
}

struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp)
{
    if (size > KMALLOC_MAX_CACHE_SIZE)
        return NULL;
    return &kmalloc_caches[(gfp & __GFP_DMA) ? 1 : 0][kmalloc_index(size ? size : 1)];
}

static void *kmalloc_large(size_t size, gfp_t gfp, unsigned long caller)
{
    if (size > KMALLOC_MAX_SIZE) {
        if (!(gfp & __GFP_NOWARN))
            mm_warn(caller, "kmalloc: %lu bytes exceeds KMALLOC_MAX_SIZE (%u)", (unsigned long)size,
                    KMALLOC_MAX_SIZE);
        return NULL;
    }
    struct page *page = alloc_pages(gfp | __GFP_COMP, get_order(size));
    if (!page)
        return NULL;
    page->flags |= PG_large;
    return page_address(page);
}

static __noinline void *do_kmalloc(size_t size, gfp_t gfp, unsigned long caller)
{
    if (size == 0)
        return ZERO_SIZE_PTR;
    if (gfp & __GFP_HIGHMEM) {
        mm_warn(caller, "kmalloc: __GFP_HIGHMEM is not allowed, using lowmem");
        gfp &= ~__GFP_HIGHMEM;
    }
    if (size > KMALLOC_MAX_CACHE_SIZE)
        return kmalloc_large(size, gfp, caller);
    return slab_alloc(kmalloc_slab(size, gfp), gfp, caller);
}

__tracked void *kmalloc(size_t size, gfp_t gfp)
{
    void *p = do_kmalloc(size, gfp, _RET_IP_);
    keep_frame(p);
    return p;
}

static __noinline void do_kfree(const void *ptr, unsigned long caller)
{
    if (ZERO_OR_NULL_PTR(ptr))
        return;
    if (!virt_addr_valid(ptr)) {
        mm_bug(caller, "kfree: 0x%08lx is not a kmalloc address", (unsigned long)ptr);
        return;
    }
    struct page *page = virt_to_head_page(ptr);
    if (page->flags & PG_slab) {
        slab_free(page->slab_cache, page, (void *)ptr, caller);
    } else if ((page->flags & PG_large) && ptr == page_address(page)) {
        __free_pages_caller(page, page->private, caller);
    } else {
        mm_bug(caller, "kfree: 0x%08lx was not allocated by kmalloc (or is already free)", (unsigned long)ptr);
    }
}

__tracked void kfree(const void *ptr)
{
    do_kfree(ptr, _RET_IP_);
    keep_frame_void();
}

__attribute__((noinline)) size_t ksize(const void *ptr)
{
    size_t n = 0;
    if (ZERO_OR_NULL_PTR(ptr)) {
        n = 0;
    } else if (!virt_addr_valid(ptr)) {
        mm_bug(_RET_IP_, "ksize: 0x%08lx is not a kmalloc address", (unsigned long)ptr);
    } else {
        struct page *page = virt_to_head_page(ptr);
        if (page->flags & PG_slab)
            n = page->slab_cache->object_size;
        else if (page->flags & PG_large)
            n = PAGE_SIZE << page->private;
        else
            mm_bug(_RET_IP_, "ksize: 0x%08lx was not allocated by kmalloc", (unsigned long)ptr);
    }
    return n;
}

void kmem_cache_init(void)
{
    for (int dma = 0; dma < 2; dma++)
        for (int i = 0; i < NR_KMALLOC_CLASSES; i++)
            init_cache(&kmalloc_caches[dma][i], kmalloc_names[dma][i], kmalloc_sizes[i], 0,
                       dma ? SLAB_CACHE_DMA : 0, NULL);
}
