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
