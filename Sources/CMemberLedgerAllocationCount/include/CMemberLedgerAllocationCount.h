#ifndef CMEMBERLEDGER_ALLOCATION_COUNT_H
#define CMEMBERLEDGER_ALLOCATION_COUNT_H

#include <stdbool.h>
#include <stdint.h>

// Counts the process's heap allocations, for memberledger-bench only (never linked into the server
// binary or the tests): this target defines malloc, calloc, realloc, free, posix_memalign,
// aligned_alloc and memalign, which ELF symbol interposition puts in front of glibc's for the whole
// process (the Swift runtime, Foundation, libdispatch and glibc itself call them), and forwards each
// to glibc's own implementation (__libc_malloc and friends), so the heap is glibc's as before.
//
// Whether interposition took is for the caller to check: count while the Swift runtime (another shared
// object) allocates, and see the count move.
//
// Counting is off until enabled: while off, an allocation costs one relaxed load more than without
// this target; while on, one relaxed atomic add on a counter both cores share.

/// Allocations (malloc, calloc, realloc to a new size or from NULL, posix_memalign, aligned_alloc,
/// memalign) made while counting was on.
uint64_t cml_allocation_count(void);

/// Turns counting on or off.
void cml_allocation_counting(bool on);

#endif
