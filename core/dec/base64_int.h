/* SPDX-License-Identifier: MIT */
/*
 * base64_int.h - the insides of base64.c shared with base64_simd.c, the
 * tests and bench_dec (dec layer; base/cpu.h): the implementations
 * lt_b64_decode() picks from, a way to force one, and the vector kernels'
 * contract. Not an API: callers outside dec/, tests and benches use
 * base64.h.
 */
#ifndef LT_DEC_BASE64_INT_H
#define LT_DEC_BASE64_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base64.h"

enum lt_b64_impl {
    LT_B64_SCALAR,
    LT_B64_SSSE3,
    LT_B64_AVX2,
    LT_B64_AVX512VBMI,
    LT_B64_N_IMPL
};

/* "scalar", "ssse3", "avx2", "avx512vbmi"; "?" out of range. */
const char *lt__b64_impl_name(enum lt_b64_impl impl);

/* Whether impl was compiled in and this CPU runs it (scalar: always). */
bool lt__b64_impl_supported(enum lt_b64_impl impl);

/* The fastest supported implementation: what lt_b64_decode() uses. */
enum lt_b64_impl lt__b64_impl_best(void);

/*
 * lt__b64_decode_with() - lt_b64_decode() with the implementation forced.
 * Same contract and results for every impl; an unsupported impl (see
 * lt__b64_impl_supported()) runs the scalar code.
 */
enum lt_err lt__b64_decode_with(enum lt_b64_impl impl, uint8_t *dst, size_t dst_cap,
                                const uint8_t *src, size_t n, bool url,
                                size_t *written);

/*
 * A vector kernel decodes a prefix of src[0..n): whole groups of 4 alphabet
 * symbols, and runs of CR and LF that stand between two groups (a line
 * break of wrapped text, which the scalar code skips as well). It returns
 * the bytes written, 3 per group, at dst[0..) (at most dst_cap; no other
 * byte of dst is touched), and sets *used to the bytes of src it consumed
 * (never reading past n). It stops before the first group holding anything
 * else (`=`, a bad byte, a line break inside a group) and may stop earlier
 * (short tail, little room in dst); the scalar code takes over from there,
 * at a group boundary. url selects the alphabet.
 */
typedef size_t (*lt__b64_kernel)(uint8_t *dst, size_t dst_cap, const uint8_t *src,
                                 size_t n, bool url, size_t *used);

/* The kernel of impl, or NULL for scalar and for unsupported impls. */
lt__b64_kernel lt__b64_kernel_get(enum lt_b64_impl impl);

/* The scalar tables: symbol value, or a byte with the top bit set (not a
   symbol: `=`, CR, LF or bad). [0] standard alphabet, [1] URL-safe. */
extern const uint8_t lt__b64_tab[2][256];

#endif
