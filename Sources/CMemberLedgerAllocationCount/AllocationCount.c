// See include/CMemberLedgerAllocationCount.h. Deliberately without <stdlib.h>, whose declarations of
// the functions defined here carry glibc's attributes.
#include "CMemberLedgerAllocationCount.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

// glibc's own allocator entry points (exported by libc.so.6 for exactly this use).
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_memalign(size_t alignment, size_t size);

static atomic_bool counting;
static _Atomic uint64_t allocations;

static inline void count(void) {
    if (atomic_load_explicit(&counting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    }
}

static inline int isPowerOfTwo(size_t value) { return value != 0 && (value & (value - 1)) == 0; }

void *malloc(size_t size) {
    count();
    return __libc_malloc(size);
}

void *calloc(size_t count_, size_t size) {
    count();
    return __libc_calloc(count_, size);
}

void *realloc(void *pointer, size_t size) {
    // realloc(p, 0) frees; anything else may allocate anew.
    if (pointer == NULL || size != 0) count();
    return __libc_realloc(pointer, size);
}

void free(void *pointer) { __libc_free(pointer); }

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || !isPowerOfTwo(alignment)) return EINVAL;
    count();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
    if (!isPowerOfTwo(alignment)) {
        errno = EINVAL;
        return NULL;
    }
    count();
    return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

uint64_t cml_allocation_count(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }

void cml_allocation_counting(bool on) { atomic_store_explicit(&counting, on, memory_order_relaxed); }
