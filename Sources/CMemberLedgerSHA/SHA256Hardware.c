// SHA-256 compression with the x86 SHA extensions (SHA-NI): the journal hashes every record it writes
// and reads, and a snapshot's state bytes on load, so the hash is on the hot path of append, replay
// and recovery. Swift has no portable access to these instructions; this is the one place C earns
// its keep. The Swift implementation (MemberLedgerCore/Crypto/SHA256.swift) stays the reference and
// the fallback, and the tests check both against the NIST vectors and each other.
//
// The round structure follows Intel's "Intel SHA Extensions" white paper (2013): state kept as ABEF/CDGH,
// two rounds per SHA256RNDS2, the message schedule by SHA256MSG1/SHA256MSG2.

#include "CMemberLedgerSHA.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

int memberledger_sha256_hardware_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}

static const uint32_t roundConstants[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3"), always_inline)) static inline

// H0..H7 (as two vectors of four native words) into the ABEF / CDGH layout SHA256RNDS2 works on.
SHA_TARGET void toRoundLayout(__m128i dcba, __m128i hgfe, __m128i *abef, __m128i *cdgh) {
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    *abef = _mm_alignr_epi8(cdab, efgh, 8);
    *cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
}

// And back to H0..H3, H4..H7.
SHA_TARGET void fromRoundLayout(__m128i abef, __m128i cdgh, __m128i *dcba, __m128i *hgfe) {
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    *dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    *hgfe = _mm_alignr_epi8(dchg, feba, 8);
}

// One block's 64 rounds on a state in round layout; `words` are W0..W15 as native integers, four per
// vector with the lowest-numbered word in lane 0. Adds the state it started from, as FIPS 180-4 says.
SHA_TARGET void compressBlock(__m128i *abef, __m128i *cdgh, __m128i words[4]) {
    const __m128i abefBefore = *abef, cdghBefore = *cdgh;
    for (int group = 0; group < 16; group++) {
        if (group >= 4) {
            // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], four words at a time.
            __m128i next = _mm_sha256msg1_epu32(words[(group - 4) & 3], words[(group - 3) & 3]);
            next = _mm_add_epi32(next, _mm_alignr_epi8(words[(group - 1) & 3], words[(group - 2) & 3], 4));
            words[group & 3] = _mm_sha256msg2_epu32(next, words[(group - 1) & 3]);
        }
        __m128i message = _mm_add_epi32(words[group & 3], _mm_load_si128((const __m128i *)&roundConstants[4 * group]));
        *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, message);
        message = _mm_shuffle_epi32(message, 0x0E);
        *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, message);
    }
    *abef = _mm_add_epi32(*abef, abefBefore);
    *cdgh = _mm_add_epi32(*cdgh, cdghBefore);
}

__attribute__((target("sha,sse4.1,ssse3")))
void memberledger_sha256_compress_hardware(uint32_t state[8], const uint8_t *blocks, size_t count) {
    // Big-endian message words from bytes.
    const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abef, cdgh;
    toRoundLayout(_mm_loadu_si128((const __m128i *)&state[0]), _mm_loadu_si128((const __m128i *)&state[4]), &abef, &cdgh);
    while (count--) {
        __m128i words[4];
        for (int group = 0; group < 4; group++) {
            words[group] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16 * group)), byteSwap);
        }
        compressBlock(&abef, &cdgh, words);
        blocks += 64;
    }
    __m128i dcba, hgfe;
    fromRoundLayout(abef, cdgh, &dcba, &hgfe);
    _mm_storeu_si128((__m128i *)&state[0], dcba);
    _mm_storeu_si128((__m128i *)&state[4], hgfe);
}

__attribute__((target("sha,sse4.1,ssse3")))
void memberledger_pbkdf2_sha256_iterate_hardware(
    const uint32_t inner[8], const uint32_t outer[8], uint32_t u[8], uint32_t accumulated[8], uint64_t count) {
    // Each HMAC in the loop hashes one 32-byte value after its padded key block, so its block is the
    // value's eight words, the 0x80 marker word, zeros, and the 96-byte message's bit length: the value
    // goes from one hash's output to the next one's input without leaving the registers.
    const __m128i marker = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
    const __m128i bitLength = _mm_set_epi32((64 + 32) * 8, 0, 0, 0);
    __m128i innerABEF, innerCDGH, outerABEF, outerCDGH;
    toRoundLayout(_mm_loadu_si128((const __m128i *)&inner[0]), _mm_loadu_si128((const __m128i *)&inner[4]), &innerABEF, &innerCDGH);
    toRoundLayout(_mm_loadu_si128((const __m128i *)&outer[0]), _mm_loadu_si128((const __m128i *)&outer[4]), &outerABEF, &outerCDGH);
    __m128i low = _mm_loadu_si128((const __m128i *)&u[0]), high = _mm_loadu_si128((const __m128i *)&u[4]);
    __m128i sumLow = _mm_loadu_si128((const __m128i *)&accumulated[0]);
    __m128i sumHigh = _mm_loadu_si128((const __m128i *)&accumulated[4]);
    while (count--) {
        __m128i abef = innerABEF, cdgh = innerCDGH;
        __m128i words[4] = {low, high, marker, bitLength};
        compressBlock(&abef, &cdgh, words);
        fromRoundLayout(abef, cdgh, &low, &high);
        abef = outerABEF;
        cdgh = outerCDGH;
        __m128i outerWords[4] = {low, high, marker, bitLength};
        compressBlock(&abef, &cdgh, outerWords);
        fromRoundLayout(abef, cdgh, &low, &high);
        sumLow = _mm_xor_si128(sumLow, low);
        sumHigh = _mm_xor_si128(sumHigh, high);
    }
    _mm_storeu_si128((__m128i *)&u[0], low);
    _mm_storeu_si128((__m128i *)&u[4], high);
    _mm_storeu_si128((__m128i *)&accumulated[0], sumLow);
    _mm_storeu_si128((__m128i *)&accumulated[4], sumHigh);
}

#else

int memberledger_sha256_hardware_available(void) { return 0; }

void memberledger_sha256_compress_hardware(uint32_t state[8], const uint8_t *blocks, size_t count) {
    (void)state;
    (void)blocks;
    (void)count;
    __builtin_trap();  // never called: availability is checked first
}

void memberledger_pbkdf2_sha256_iterate_hardware(
    const uint32_t inner[8], const uint32_t outer[8], uint32_t u[8], uint32_t accumulated[8], uint64_t count) {
    (void)inner;
    (void)outer;
    (void)u;
    (void)accumulated;
    (void)count;
    __builtin_trap();  // never called: availability is checked first
}

#endif
