/* SPDX-License-Identifier: MIT */
/* hex.h - hexadecimal text to bytes (dec layer; base/). Pure. */
#ifndef LT_DEC_HEX_H
#define LT_DEC_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/* true when src is an even number (>= min_len) of hex digits, all of one
   case, and decoding could give something (not e.g. 32/40/64/128 hex
   digits, which are digests: decoding those only gives random bytes). */
bool lt_hex_plausible(const uint8_t *src, size_t n, size_t min_len);

/* Decode into dst[0..dst_cap); *written on every return. LT_OK, LT_E_LIMIT,
   LT_E_MALFORMED (odd length or non-hex digit). */
enum lt_err lt_hex_decode(uint8_t *dst, size_t dst_cap, const uint8_t *src,
                          size_t n, size_t *written);

#endif
