/* SPDX-License-Identifier: MIT */
/*
 * tokscan.c - the byte-class table of the digest token scan and the AVX2
 * block classifier behind tokscan.h's bitmask searches (match layer;
 * base/cpu.h). The AVX2 code is compiled with __attribute__((target)), so
 * the build stays baseline x86-64; elsewhere only the scalar searches
 * exist.
 *
 * A block of 64 bytes becomes two bitmasks (base64 alphabet, hex digit)
 * with two pshufb lookups on the nibbles of each byte, as in
 * dec/base64_simd.c: every byte row (high nibble) holding class bytes has
 * a bit, the table on the low nibble says in which rows that nibble is a
 * class byte, and a byte is of a class when the lookups share one of its
 * bits.
 */
#include "tokscan.h"

#include <string.h>

const uint8_t lt__tok_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0,
    0, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2,
    0, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
};

bool lt__tok_impl_supported(enum lt_tok_impl impl)
{
    return impl == LT_TOK_SCALAR || (impl == LT_TOK_AVX2 && lt_cpu_has_avx2());
}

enum lt_tok_impl lt__tok_impl_best(void)
{
    return lt_cpu_has_avx2() ? LT_TOK_AVX2 : LT_TOK_SCALAR;
}

void lt__tok_init(struct lt__tok_scan *t, enum lt_tok_impl impl, const uint8_t *p, size_t n)
{
    memset(t, 0, sizeof *t);
    t->p = p;
    t->n = n;
    t->impl = lt__tok_impl_supported(impl) ? impl : LT_TOK_SCALAR;
    t->starts_base = 1; /* no window starts there (blocks are at multiples of 64) */
}

#if LT_X86
#include <immintrin.h>

/* Rows by high nibble, and the low nibbles of class bytes in each. */
#define T_R2 0x01   /* 0x2_: + - / */
#define T_R3 0x02   /* 0x3_: 0-9, hex too */
#define T_R46 0x04  /* 0x4_, 0x6_: letters at 1-f */
#define T_R46H 0x08 /* 0x4_, 0x6_: hex letters at 1-6 */
#define T_R5 0x10   /* 0x5_: letters at 0-a, and _ */
#define T_R7 0x20   /* 0x7_: letters at 0-a */
#define T_HEX (T_R3 | T_R46H)
static const uint8_t rows[16] = { 0, 0, T_R2, T_R3, T_R46 | T_R46H, T_R5, T_R46 | T_R46H, T_R7 };
#define T_LO(l)                                                                        \
    (((l) == 0xb || (l) == 0xd || (l) == 0xf ? T_R2 : 0) | ((l) <= 9 ? T_R3 : 0) |     \
     ((l) >= 1 ? T_R46 : 0) | ((l) >= 1 && (l) <= 6 ? T_R46H : 0) |                  \
     ((l) <= 0xa || (l) == 0xf ? T_R5 : 0) | ((l) <= 0xa ? T_R7 : 0))
static const uint8_t lows[16] = { T_LO(0),  T_LO(1),  T_LO(2),  T_LO(3), T_LO(4),  T_LO(5),
                                  T_LO(6),  T_LO(7),  T_LO(8),  T_LO(9), T_LO(10), T_LO(11),
                                  T_LO(12), T_LO(13), T_LO(14), T_LO(15) };

/* The class masks of q[0..32): bit i set when q[i] is base64 / hex. */
__attribute__((target("avx2"))) static inline void classify32(const uint8_t *q,
                                                              uint32_t *b64, uint32_t *hex)
{
    const __m256i nib = _mm256_set1_epi8(0x0f);
    const __m256i t_lo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)lows));
    const __m256i t_hi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)rows));
    const __m256i zero = _mm256_setzero_si256();
    const __m256i v = _mm256_loadu_si256((const __m256i *)q);
    const __m256i x =
        _mm256_and_si256(_mm256_shuffle_epi8(t_lo, _mm256_and_si256(v, nib)),
                         _mm256_shuffle_epi8(t_hi, _mm256_and_si256(_mm256_srli_epi32(v, 4), nib)));
    *b64 = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, zero));
    *hex = ~(uint32_t)_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_and_si256(x, _mm256_set1_epi8(T_HEX)), zero));
}

__attribute__((target("avx2"))) void lt__tok_classify_avx2(const uint8_t *p, size_t n,
                                                           size_t k, uint64_t *b64,
                                                           uint64_t *hex)
{
    if (k >= n) {
        *b64 = *hex = 0;
        return;
    }
    uint8_t tmp[64];
    const uint8_t *q = p + k;
    if (n - k < 64) { /* the last block: zeros after the end */
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, q, n - k);
        q = tmp;
    }
    uint32_t b0, b1, h0, h1;
    classify32(q, &b0, &h0);
    classify32(q + 32, &b1, &h1);
    *b64 = (uint64_t)b1 << 32 | b0;
    *hex = (uint64_t)h1 << 32 | h0;
}
#endif
