/* SPDX-License-Identifier: MIT */
/*
 * tokscan.h - the byte-class searches under matcher.c's digest token scan
 * (match layer; base/cpu.h): where the next run of 22+ base64-alphabet
 * bytes starts, and where a run of one class ends. Two implementations
 * give the same positions: scalar (byte loops, inline here) and AVX2,
 * which classifies each 64-byte block once into bitmasks (tokscan.c) and
 * answers the searches with bit operations on a window of two blocks.
 * Internal to match/ and its tests.
 */
#ifndef LT_MATCH_TOKSCAN_H
#define LT_MATCH_TOKSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/cpu.h"

/* Byte classes: hex digit, and the base64 alphabet [A-Za-z0-9+/_-]
   (LT_BOUND_B64's class; every hex digit is in it). */
#define LT__TOK_HEX 1
#define LT__TOK_B64 2
extern const uint8_t lt__tok_class[256];

/* The shortest digest token (a 16-byte digest in unpadded base64). */
#define LT__TOK_MIN_RUN 22

enum lt_tok_impl { LT_TOK_SCALAR, LT_TOK_AVX2, LT_TOK_N_IMPL };

/* Whether impl was compiled in and this CPU runs it (scalar: always). */
bool lt__tok_impl_supported(enum lt_tok_impl impl);

/* The fastest supported implementation. */
enum lt_tok_impl lt__tok_impl_best(void);

/* The searches over one buffer p[0..n), borrowed for the scanner's life. */
struct lt__tok_scan {
    const uint8_t *p;
    size_t n;
    enum lt_tok_impl impl;
    /* AVX2: class bits of p[base..base + 128) (0 past n), when has_win;
       starts22 of them, when starts_base == base */
    bool has_win;
    size_t base, starts_base;
    uint64_t b64[2], hex[2];
    uint64_t starts;
};

/* Start searching p[0..n) with impl (unsupported: scalar). */
void lt__tok_init(struct lt__tok_scan *t, enum lt_tok_impl impl, const uint8_t *p, size_t n);

#if LT_X86
/* Class bits of p[k..k + 64) into *b64, *hex; bytes at n and past count
   as no class (and are not read). AVX2 only. */
void lt__tok_classify_avx2(const uint8_t *p, size_t n, size_t k, uint64_t *b64,
                           uint64_t *hex);
#endif

/* Make the window start at the block of k, or at the block before it when
   k is in its second block already and !need_next; returns the first
   window bit of k's block (0 or 64). AVX2. Moving on a block reuses the
   second block's bits: each block is classified once while the scan goes
   forward, and going back a little (to the start of a run) costs nothing. */
static inline unsigned lt__tok_seek(struct lt__tok_scan *t, size_t k, bool need_next)
{
#if LT_X86
    const size_t blk = k & ~(size_t)63;
    if (t->has_win && blk == t->base)
        return 0;
    if (t->has_win && blk == t->base + 64) {
        if (!need_next)
            return 64;
        t->b64[0] = t->b64[1]; /* slide */
        t->hex[0] = t->hex[1];
    } else {
        lt__tok_classify_avx2(t->p, t->n, blk, &t->b64[0], &t->hex[0]);
    }
    lt__tok_classify_avx2(t->p, t->n, blk + 64, &t->b64[1], &t->hex[1]);
    t->base = blk;
    t->has_win = true;
#else
    (void)t, (void)k, (void)need_next;
#endif
    return 0;
}

/* Bit s of the result: bits s..s+21 of the 128-bit hi:lo are all set,
   for s < 64. (hi:lo) >> k, low word: lo >> k | hi << (64 - k). */
static inline uint64_t lt__tok_starts22(uint64_t lo, uint64_t hi)
{
#define LT__SHR(l, h, k) ((l) >> (k) | (h) << (64 - (k)))
    const uint64_t l2 = lo & LT__SHR(lo, hi, 1), h2 = hi & hi >> 1;
    const uint64_t l4 = l2 & LT__SHR(l2, h2, 2), h4 = h2 & h2 >> 2;
    const uint64_t l8 = l4 & LT__SHR(l4, h4, 4), h8 = h4 & h4 >> 4;
    const uint64_t l16 = l8 & LT__SHR(l8, h8, 8);
    return l16 & LT__SHR(l8, h8, 14);
#undef LT__SHR
}

/*
 * The searches, each in a scalar and an AVX2 version (on other
 * architectures the AVX2 names run the scalar code) and a version that
 * picks by t->impl. A caller may call the versions directly to get a loop
 * compiled for one implementation (matcher.c does).
 *
 * lt__tok_find_run() - the first s >= from such that p[s..s+22) are all of
 * class B64, or n when there is none. With p[from - 1] not of the class
 * (or from == 0), s starts a maximal run.
 *
 * Scalar: look at the 22nd byte first and back from there, so text of
 * short words is crossed in strides. AVX2: over the 128 window bits m,
 * r2 = m & m >> 1 marks the starts of 2 class bytes, r4 = r2 & r2 >> 2 of
 * 4, r8 of 8, r16 of 16, and r16 & r8 >> 14 of 22 (lt__tok_starts22), for
 * the 64 starts in the first block at once.
 */
static inline size_t lt__tok_find_run_scalar(struct lt__tok_scan *t, size_t from)
{
    const uint8_t *p = t->p;
    const size_t n = t->n;
    size_t i = from;
    for (;;) {
        if (n - i < LT__TOK_MIN_RUN)
            return n;
        const uint8_t *const lo = p + i;
        const uint8_t *q = lo + LT__TOK_MIN_RUN;
        while (q > lo && (lt__tok_class[q[-1]] & LT__TOK_B64))
            q--;
        if (q == lo)
            return i;
        i = (size_t)(q - p); /* q[-1] is not of the class: no run holds it */
    }
}

static inline size_t lt__tok_find_run_avx2(struct lt__tok_scan *t, size_t from)
{
#if LT_X86
    const size_t n = t->n;
    for (size_t k = from; k < n && n - k >= LT__TOK_MIN_RUN;) {
        lt__tok_seek(t, k, true);
        if (t->starts_base != t->base) { /* once per window: runs share it */
            t->starts = lt__tok_starts22(t->b64[0], t->b64[1]);
            t->starts_base = t->base;
        }
        const uint64_t starts = t->starts & ~(uint64_t)0 << (k - t->base);
        if (starts) /* bits past n are 0: the run fits */
            return t->base + (size_t)__builtin_ctzll(starts);
        k = t->base + 64;
    }
    return n;
#else
    return lt__tok_find_run_scalar(t, from);
#endif
}

static inline size_t lt__tok_find_run(struct lt__tok_scan *t, size_t from)
{
    return t->impl == LT_TOK_AVX2 ? lt__tok_find_run_avx2(t, from)
                                  : lt__tok_find_run_scalar(t, from);
}

/*
 * lt__tok_find() - the first i in [from, to) (to <= n) whose byte is of
 * class cl, LT__TOK_HEX or LT__TOK_B64 (want), or is not (!want); to
 * when there is none.
 */
static inline size_t lt__tok_find_scalar(struct lt__tok_scan *t, size_t from, size_t to,
                                         uint8_t cl, bool want)
{
    const uint8_t *p = t->p;
    size_t i = from;
    while (i < to && ((lt__tok_class[p[i]] & cl) != 0) != want)
        i++;
    return i;
}

static inline size_t lt__tok_find_avx2(struct lt__tok_scan *t, size_t from, size_t to,
                                       uint8_t cl, bool want)
{
#if LT_X86
    for (size_t k = from; k < to;) {
        const unsigned at = lt__tok_seek(t, k, false);
        const size_t blk = t->base + at;
        uint64_t m = cl == LT__TOK_HEX ? t->hex[at / 64] : t->b64[at / 64];
        if (!want)
            m = ~m;
        m &= ~(uint64_t)0 << (k - blk);
        if (m) {
            const size_t i = blk + (size_t)__builtin_ctzll(m);
            return i < to ? i : to;
        }
        k = blk + 64;
    }
    return to;
#else
    return lt__tok_find_scalar(t, from, to, cl, want);
#endif
}

static inline size_t lt__tok_find(struct lt__tok_scan *t, size_t from, size_t to,
                                  uint8_t cl, bool want)
{
    return t->impl == LT_TOK_AVX2 ? lt__tok_find_avx2(t, from, to, cl, want)
                                  : lt__tok_find_scalar(t, from, to, cl, want);
}

/*
 * lt__tok_run_end() - the end of the class-B64 run that starts at i (with
 * p[i..i+22) of the class, as lt__tok_find_run() returned), and in
 * *all_hex whether every byte of it is a hex digit. Scalar: one pass.
 */
static inline size_t lt__tok_run_end_scalar(struct lt__tok_scan *t, size_t i, bool *all_hex)
{
    const uint8_t *p = t->p;
    const size_t n = t->n;
    uint8_t all = LT__TOK_HEX;
    for (size_t k = i; k < i + LT__TOK_MIN_RUN; k++)
        all &= lt__tok_class[p[k]];
    size_t e = i + LT__TOK_MIN_RUN;
    uint8_t c;
    while (e < n && ((c = lt__tok_class[p[e]]) & LT__TOK_B64)) {
        all &= c;
        e++;
    }
    *all_hex = all != 0;
    return e;
}

static inline size_t lt__tok_run_end_avx2(struct lt__tok_scan *t, size_t i, bool *all_hex)
{
    const size_t e = lt__tok_find_avx2(t, i + LT__TOK_MIN_RUN, t->n, LT__TOK_B64, false);
    *all_hex = lt__tok_find_avx2(t, i, e, LT__TOK_HEX, false) == e;
    return e;
}

static inline size_t lt__tok_run_end(struct lt__tok_scan *t, size_t i, bool *all_hex)
{
    return t->impl == LT_TOK_AVX2 ? lt__tok_run_end_avx2(t, i, all_hex)
                                  : lt__tok_run_end_scalar(t, i, all_hex);
}

#endif
