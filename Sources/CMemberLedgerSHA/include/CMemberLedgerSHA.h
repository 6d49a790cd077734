#ifndef CMEMBERLEDGERSHA_H
#define CMEMBERLEDGERSHA_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has the x86 SHA extensions (and SSSE3, SSE4.1) that
/// `memberledger_sha256_compress_hardware` needs. Always 0 on other architectures.
int memberledger_sha256_hardware_available(void);

/// FIPS 180-4 SHA-256 compression of `count` consecutive 64-byte blocks into `state` (H0..H7 as native
/// integers), with the SHA-NI instructions. Call only when `memberledger_sha256_hardware_available()`.
void memberledger_sha256_compress_hardware(uint32_t state[8], const uint8_t *blocks, size_t count);

/// PBKDF2-HMAC-SHA256 (RFC 8018) iterations after the first, for one output block: `count` times,
/// U = HMAC(U) from the key's padded inner and outer chaining values, and `accumulated` ^= U. All
/// values are H0..H7 as native integers; `u` and `accumulated` are updated in place. Call only when
/// `memberledger_sha256_hardware_available()`.
void memberledger_pbkdf2_sha256_iterate_hardware(
    const uint32_t inner[8], const uint32_t outer[8], uint32_t u[8], uint32_t accumulated[8], uint64_t count);

#endif
