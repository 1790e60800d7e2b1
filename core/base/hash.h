/* SPDX-License-Identifier: MIT */
/* hash.h - fixed-seed hashes (base layer): same input, same value, every run. */
#ifndef LT_BASE_HASH_H
#define LT_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit FNV-1a of p[0..n), continuing from h (start with LT_FNV_SEED). */
#define LT_FNV_SEED 0xcbf29ce484222325ull
static inline uint64_t lt_fnv1a(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Hash of p[0..n) eight bytes at a time, continuing from h: for long
   values (URLs) where FNV's byte loop shows in profiles. Mixes the length
   in, so "ab" + "c" and "a" + "bc" differ across calls. Finalise with
   lt_mix64. */
static inline uint64_t lt_hash_bytes(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    h ^= n * 0x9e3779b97f4a7c15ull;
    for (; n >= 8; b += 8, n -= 8) {
        uint64_t w;
        __builtin_memcpy(&w, b, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)b[i] << (8 * i);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 32);
}

/* Finaliser that spreads all input bits (splitmix64). */
static inline uint64_t lt_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

#endif
