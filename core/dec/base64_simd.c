/* SPDX-License-Identifier: MIT */
/*
 * base64_simd.c - vector kernels for lt_b64_decode() (dec layer;
 * base/cpu.h): SSSE3 (16 symbols a step), AVX2 (32) and AVX-512 VBMI (64).
 * Each is compiled with __attribute__((target)), so the build stays
 * baseline x86-64 and lt__b64_kernel_get() hands one out only when the CPU
 * runs it. Elsewhere this file has no kernels.
 *
 * A kernel only decodes plain groups and skips line breaks between groups
 * (base64_int.h); padding, errors, breaks inside a group and short tails
 * stay with the scalar code, which is what defines the results. A step
 * loads a block, maps every byte to its 6-bit value and flags the bytes
 * that are not symbols, packs 4 values (24 bits) into 3 bytes, and stores
 * 3/4 of the block: no byte of dst beyond the groups decoded is touched,
 * not even transiently (SSSE3 and AVX2 decode two blocks a step and store
 * the first one whole, under the second's exact store; AVX-512 has masked
 * stores). When a block holds a non-symbol, the groups before it are
 * stored; if the non-symbol starts a run of CR/LF at that group boundary
 * (wrapped text: 76 or 64 symbols a line, whole groups), the run is
 * skipped and the next block loads right after it, else the kernel
 * returns.
 *
 * Mapping without AVX-512 (SSSE3, AVX2): pshufb looks up 16-entry tables,
 * so a byte is split into nibbles. Validity: every byte row (high nibble)
 * holding symbols gets a bit, and a table on the low nibble holds the rows
 * in which that low nibble is NOT a symbol, plus one bit set for every low
 * nibble that stands for the rows with no symbols at all (0x00-0x1f,
 * 0x80-0xff). A byte is bad iff the two lookups share a bit. Value: the
 * symbols of one row share an offset (A-Z -65, a-z -71, 0-9 +4), except
 * that row 2 holds both `+` and `/` (standard) and row 5 both letters and
 * `_` (URL-safe); the second symbol gets a spare index (row | 8).
 *
 * Mapping with AVX-512 VBMI: vpermi2b looks up 128-entry tables, so the
 * scalar table's first half (value, or top bit set) maps a byte whole;
 * bytes >= 0x80 are caught by ORing in the input's top bit.
 *
 * Packing is the same everywhere: pmaddubsw joins value pairs into 12-bit
 * halves, pmaddwd those into 24 bits per 32-bit lane, and a byte shuffle
 * puts the 3 bytes of each lane in big-endian order, side by side.
 */
#include <string.h>

#include "../base/cpu.h"
#include "base64_int.h"

#if LT_X86
#include <immintrin.h>

/* Validity tables (see the top of this file): rows by high nibble ... */
#define R_NONE 0x01 /* 0x0_, 0x1_, 0x8_-0xf_: no symbols */
#define R_2 0x02    /* 0x2_: + / (standard) or - (URL-safe) */
#define R_3 0x04    /* 0x3_: 0-9 */
#define R_46 0x08   /* 0x4_, 0x6_: letters at low nibble 1-f */
#define R_5 0x10    /* 0x5_: letters at 0-a, and _ (URL-safe) */
#define R_7 0x20    /* 0x7_: letters at 0-a */
static const uint8_t hi_rows[16] = { R_NONE, R_NONE, R_2,    R_3,    R_46,   R_5,
                                     R_46,   R_7,    R_NONE, R_NONE, R_NONE, R_NONE,
                                     R_NONE, R_NONE, R_NONE, R_NONE };

/* ... and the rows in which low nibble l is not a symbol. */
#define LO_BAD(l, url)                                                        \
    (R_NONE |                                                                 \
     ((url) ? ((l) == 0xd ? 0 : R_2) : ((l) == 0xb || (l) == 0xf ? 0 : R_2)) | \
     ((l) > 9 ? R_3 : 0) | ((l) == 0 ? R_46 : 0) |                            \
     ((l) > 0xa && !((url) && (l) == 0xf) ? R_5 : 0) | ((l) > 0xa ? R_7 : 0))
#define LO_ROW(u)                                                             \
    LO_BAD(0, u), LO_BAD(1, u), LO_BAD(2, u), LO_BAD(3, u), LO_BAD(4, u),     \
        LO_BAD(5, u), LO_BAD(6, u), LO_BAD(7, u), LO_BAD(8, u), LO_BAD(9, u), \
        LO_BAD(10, u), LO_BAD(11, u), LO_BAD(12, u), LO_BAD(13, u),           \
        LO_BAD(14, u), LO_BAD(15, u)
static const uint8_t lo_bad[2][16] = { { LO_ROW(0) }, { LO_ROW(1) } };

/* Offsets symbol -> value by row; index row | 8 for the second symbol of
   row 2 (`/`) or row 5 (`_`). */
static const int8_t offsets[2][16] = {
    { 0, 0, 62 - '+', 52 - '0', -'A', -'A', 26 - 'a', 26 - 'a', 0, 0, 63 - '/' },
    { 0, 0, 62 - '-', 52 - '0', -'A', -'A', 26 - 'a', 26 - 'a', 0, 0, 0, 0, 0, 63 - '_' },
};
static const char second[2] = { '/', '_' };

/* Within each 32-bit lane of 24 bits, bytes 2, 1, 0: the decoded order. */
#define PACK_LANE(k) 4 * (k) + 2, 4 * (k) + 1, 4 * (k)

/* Store the first len bytes of a vector spilled to tmp. */
static void put_prefix(uint8_t *dst, const void *tmp, size_t len)
{
    memcpy(dst, tmp, len);
}

/* The end of the run of CR and LF at src[i..n) (i when there is none). */
static size_t skip_eol(const uint8_t *src, size_t i, size_t n)
{
    while (i < n && (src[i] == '\r' || src[i] == '\n'))
        i++;
    return i;
}

/* The SSSE3 tables and constants, in registers for the whole kernel. */
struct ssse3_k {
    __m128i nib, t_hi, t_lo, t_off, sym2, eight, pair, quad, order;
};

/* One SSSE3 step: the 12 decoded bytes of v in the low lanes of the
   result; *bad nonzero in the lanes of non-symbols. */
__attribute__((target("ssse3"), always_inline)) static inline __m128i
step_ssse3(__m128i v, const struct ssse3_k *k, __m128i *bad)
{
    const __m128i hi = _mm_and_si128(_mm_srli_epi32(v, 4), k->nib);
    *bad = _mm_and_si128(_mm_shuffle_epi8(k->t_lo, _mm_and_si128(v, k->nib)),
                         _mm_shuffle_epi8(k->t_hi, hi));
    const __m128i idx = _mm_or_si128(hi, _mm_and_si128(_mm_cmpeq_epi8(v, k->sym2), k->eight));
    const __m128i val = _mm_add_epi8(v, _mm_shuffle_epi8(k->t_off, idx));
    const __m128i w = _mm_madd_epi16(_mm_maddubs_epi16(val, k->pair), k->quad);
    return _mm_shuffle_epi8(w, k->order);
}

__attribute__((target("ssse3"))) static size_t dec_ssse3(uint8_t *dst, size_t dst_cap,
                                                         const uint8_t *src, size_t n,
                                                         bool url, size_t *used)
{
    const struct ssse3_k k = {
        .nib = _mm_set1_epi8(0x0f),
        .t_hi = _mm_loadu_si128((const __m128i *)hi_rows),
        .t_lo = _mm_loadu_si128((const __m128i *)lo_bad[url]),
        .t_off = _mm_loadu_si128((const __m128i *)offsets[url]),
        .sym2 = _mm_set1_epi8(second[url]),
        .eight = _mm_set1_epi8(8),
        .pair = _mm_set1_epi32(0x01400140),
        .quad = _mm_set1_epi32(0x00011000),
        .order = _mm_setr_epi8(PACK_LANE(0), PACK_LANE(1), PACK_LANE(2), PACK_LANE(3), -1,
                               -1, -1, -1),
    };
    const __m128i zero = _mm_setzero_si128();
    size_t i = 0, o = 0;
    for (;;) {
        /* Two blocks a step while both are plain: the first is stored
           whole (16 bytes), the second exactly (12) over its last 4. */
        while (n - i >= 32 && dst_cap - o >= 24) {
            __m128i bad0, bad1;
            const __m128i out0 =
                step_ssse3(_mm_loadu_si128((const __m128i *)(src + i)), &k, &bad0);
            const __m128i out1 =
                step_ssse3(_mm_loadu_si128((const __m128i *)(src + i + 16)), &k, &bad1);
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(bad0, bad1), zero)) != 0xffff)
                break;
            _mm_storeu_si128((__m128i *)(dst + o), out0);
            _mm_storel_epi64((__m128i *)(dst + o + 12), out1);
            const uint32_t last = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(out1, 8));
            memcpy(dst + o + 20, &last, 4);
            i += 32;
            o += 24;
        }
        /* One block: plain, or holding the first non-symbol. */
        if (n - i < 16 || dst_cap - o < 12)
            break;
        __m128i bad;
        const __m128i out = step_ssse3(_mm_loadu_si128((const __m128i *)(src + i)), &k, &bad);
        const unsigned ok = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(bad, zero));
        const size_t g = ok == 0xffff ? 4 : (size_t)__builtin_ctz(~ok) / 4;
        uint8_t tmp[16];
        _mm_storeu_si128((__m128i *)tmp, out);
        put_prefix(dst + o, tmp, 3 * g);
        o += 3 * g;
        i += 4 * g;
        if (g == 4)
            continue;
        const size_t j = skip_eol(src, i, n); /* a line break: go on after it */
        if (j == i)
            break;
        i = j;
    }
    *used = i;
    return o;
}

/* The AVX2 tables and constants. */
struct avx2_k {
    __m256i nib, t_hi, t_lo, t_off, sym2, eight, pair, quad, order, join;
};

/* One AVX2 step: the 24 decoded bytes of v in the low lanes of the
   result; *bad nonzero in the lanes of non-symbols. */
__attribute__((target("avx2"), always_inline)) static inline __m256i
step_avx2(__m256i v, const struct avx2_k *k, __m256i *bad)
{
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi32(v, 4), k->nib);
    *bad = _mm256_and_si256(_mm256_shuffle_epi8(k->t_lo, _mm256_and_si256(v, k->nib)),
                            _mm256_shuffle_epi8(k->t_hi, hi));
    const __m256i idx =
        _mm256_or_si256(hi, _mm256_and_si256(_mm256_cmpeq_epi8(v, k->sym2), k->eight));
    const __m256i val = _mm256_add_epi8(v, _mm256_shuffle_epi8(k->t_off, idx));
    const __m256i w = _mm256_madd_epi16(_mm256_maddubs_epi16(val, k->pair), k->quad);
    return _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(w, k->order), k->join);
}

__attribute__((target("avx2"))) static size_t dec_avx2(uint8_t *dst, size_t dst_cap,
                                                       const uint8_t *src, size_t n,
                                                       bool url, size_t *used)
{
    const struct avx2_k k = {
        .nib = _mm256_set1_epi8(0x0f),
        .t_hi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)hi_rows)),
        .t_lo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)lo_bad[url])),
        .t_off = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)offsets[url])),
        .sym2 = _mm256_set1_epi8(second[url]),
        .eight = _mm256_set1_epi8(8),
        .pair = _mm256_set1_epi32(0x01400140),
        .quad = _mm256_set1_epi32(0x00011000),
        .order = _mm256_setr_epi8(PACK_LANE(0), PACK_LANE(1), PACK_LANE(2), PACK_LANE(3), -1,
                                  -1, -1, -1, PACK_LANE(0), PACK_LANE(1), PACK_LANE(2),
                                  PACK_LANE(3), -1, -1, -1, -1),
        /* each 128-bit lane has 12 bytes: close the gap between them */
        .join = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7),
    };
    const __m256i zero = _mm256_setzero_si256();
    size_t i = 0, o = 0;
    for (;;) {
        /* Two blocks a step while both are plain: the first is stored
           whole (32 bytes), the second exactly (24) over its last 8. */
        while (n - i >= 64 && dst_cap - o >= 48) {
            __m256i bad0, bad1;
            const __m256i out0 =
                step_avx2(_mm256_loadu_si256((const __m256i *)(src + i)), &k, &bad0);
            const __m256i out1 =
                step_avx2(_mm256_loadu_si256((const __m256i *)(src + i + 32)), &k, &bad1);
            const __m256i bad = _mm256_or_si256(bad0, bad1);
            if (!_mm256_testz_si256(bad, bad))
                break;
            _mm256_storeu_si256((__m256i *)(dst + o), out0);
            _mm_storeu_si128((__m128i *)(dst + o + 24), _mm256_castsi256_si128(out1));
            _mm_storel_epi64((__m128i *)(dst + o + 40), _mm256_extracti128_si256(out1, 1));
            i += 64;
            o += 48;
        }
        /* One block: plain, or holding the first non-symbol. */
        if (n - i < 32 || dst_cap - o < 24)
            break;
        __m256i bad;
        const __m256i out =
            step_avx2(_mm256_loadu_si256((const __m256i *)(src + i)), &k, &bad);
        const uint32_t ok = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(bad, zero));
        const size_t g = ok == UINT32_MAX ? 8 : (size_t)__builtin_ctz(~ok) / 4;
        uint8_t tmp[32];
        _mm256_storeu_si256((__m256i *)tmp, out);
        put_prefix(dst + o, tmp, 3 * g);
        o += 3 * g;
        i += 4 * g;
        if (g == 8)
            continue;
        const size_t j = skip_eol(src, i, n); /* a line break: go on after it */
        if (j == i)
            break;
        i = j;
    }
    *used = i;
    return o;
}

/* vpermb indices: 16 lanes of 3 bytes, then 16 unused bytes. */
static const uint8_t order64[64] = {
    PACK_LANE(0),  PACK_LANE(1),  PACK_LANE(2),  PACK_LANE(3),
    PACK_LANE(4),  PACK_LANE(5),  PACK_LANE(6),  PACK_LANE(7),
    PACK_LANE(8),  PACK_LANE(9),  PACK_LANE(10), PACK_LANE(11),
    PACK_LANE(12), PACK_LANE(13), PACK_LANE(14), PACK_LANE(15),
};

#define AVX512_TARGET "avx512f,avx512bw,avx512vbmi"

/* Decode one block of 64 bytes: values packed by __m512i *out; returns
   the mask of bytes that are not symbols. */
__attribute__((target(AVX512_TARGET))) static inline __mmask64
step_vbmi(__m512i v, __m512i t0, __m512i t1, __m512i order, __m512i *out)
{
    const __m512i val = _mm512_permutex2var_epi8(t0, v, t1);
    const __m512i w = _mm512_madd_epi16(_mm512_maddubs_epi16(val, _mm512_set1_epi32(0x01400140)),
                                        _mm512_set1_epi32(0x00011000));
    *out = _mm512_permutexvar_epi8(order, w);
    return _mm512_movepi8_mask(_mm512_or_si512(val, v));
}

__attribute__((target(AVX512_TARGET))) static size_t dec_avx512vbmi(uint8_t *dst,
                                                                    size_t dst_cap,
                                                                    const uint8_t *src,
                                                                    size_t n, bool url,
                                                                    size_t *used)
{
    const __m512i t0 = _mm512_loadu_si512(lt__b64_tab[url]);
    const __m512i t1 = _mm512_loadu_si512(lt__b64_tab[url] + 64);
    const __m512i order = _mm512_loadu_si512(order64);
    size_t i = 0, o = 0;
    for (;;) {
        const size_t left = n - i, room = dst_cap - o;
        __m512i out;
        __mmask64 stop;
        if (left >= 64 && room >= 48) {
            stop = step_vbmi(_mm512_loadu_si512(src + i), t0, t1, order, &out);
            if (!stop) {
                _mm256_storeu_si256((__m256i *)(dst + o), _mm512_castsi512_si256(out));
                _mm_storeu_si128((__m128i *)(dst + o + 32), _mm512_extracti32x4_epi32(out, 2));
                i += 64;
                o += 48;
                continue;
            }
        } else {
            /* A short tail or little room: masked loads and stores touch
               no byte outside their masks (no fault, no write); bytes past
               the tail load as 0, which is not a symbol. */
            if (left < 4 || room < 3)
                break;
            const __mmask64 in = left >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << left) - 1;
            stop = step_vbmi(_mm512_maskz_loadu_epi8(in, src + i), t0, t1, order, &out) | ~in;
        }
        size_t g = stop ? (size_t)__builtin_ctzll(stop) / 4 : 16;
        if (g > room / 3)
            g = room / 3;
        _mm512_mask_storeu_epi8(dst + o, ((__mmask64)1 << (3 * g)) - 1, out);
        o += 3 * g;
        i += 4 * g;
        const size_t j = skip_eol(src, i, n); /* a line break: go on after it */
        if (j == i)
            break;
        i = j;
    }
    *used = i;
    return o;
}
#endif

lt__b64_kernel lt__b64_kernel_get(enum lt_b64_impl impl)
{
    switch (impl) {
#if LT_X86
    case LT_B64_SSSE3:
        return lt_cpu_has_ssse3() ? dec_ssse3 : NULL;
    case LT_B64_AVX2:
        return lt_cpu_has_avx2() ? dec_avx2 : NULL;
    case LT_B64_AVX512VBMI:
        return lt_cpu_has_avx512vbmi() ? dec_avx512vbmi : NULL;
#endif
    default:
        return NULL;
    }
}
