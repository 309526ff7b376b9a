// A malloc-family call counter for `selfplay bench nn`, loaded with LD_PRELOAD.
// It forwards every call to the next definition (glibc's) and counts the calls made by
// all threads; the bench finds `selfplay_malloc_count` with dlsym. Build:
//   cc -O2 -shared -fPIC -o libmalloc_count.so malloc_count.c -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static _Atomic uint64_t calls;
static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void *(*next_memalign)(size_t, size_t);
static void (*next_free)(void *);

// dlsym may itself call calloc before the real one is known: serve that from here.
static char bootstrap[4096] __attribute__((aligned(64)));
static size_t bootstrap_used;

static int is_bootstrap(void *p) { return (char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap; }

static void *bootstrap_alloc(size_t n) {
    size_t start = (bootstrap_used + 63) & ~(size_t)63;
    if (start + n > sizeof bootstrap) return NULL;
    bootstrap_used = start + n;
    return bootstrap + start;  // static storage: already zero
}

static void resolve(void) {
    static _Atomic int resolving;
    if (next_free || atomic_exchange(&resolving, 1)) return;
    next_calloc = dlsym(RTLD_NEXT, "calloc");
    next_malloc = dlsym(RTLD_NEXT, "malloc");
    next_realloc = dlsym(RTLD_NEXT, "realloc");
    next_memalign = dlsym(RTLD_NEXT, "memalign");
    next_free = dlsym(RTLD_NEXT, "free");
}

uint64_t selfplay_malloc_count(void) { return atomic_load(&calls); }

void *malloc(size_t n) {
    resolve();
    if (!next_malloc) return bootstrap_alloc(n);
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    return next_malloc(n);
}

void *calloc(size_t count, size_t size) {
    resolve();
    if (!next_calloc) return bootstrap_alloc(count * size);
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    return next_calloc(count, size);
}

void *realloc(void *p, size_t n) {
    resolve();
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    if (is_bootstrap(p)) {
        void *moved = malloc(n);
        size_t available = (size_t)(bootstrap + sizeof bootstrap - (char *)p);
        if (moved) memcpy(moved, p, n < available ? n : available);
        return moved;
    }
    return next_realloc(p, n);
}

void *memalign(size_t alignment, size_t n) {
    resolve();
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    return next_memalign(alignment, n);
}

void *aligned_alloc(size_t alignment, size_t n) { return memalign(alignment, n); }

int posix_memalign(void **out, size_t alignment, size_t n) {
    void *p = memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

void free(void *p) {
    if (!p || is_bootstrap(p)) return;
    resolve();
    next_free(p);
}
