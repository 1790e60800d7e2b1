/* SPDX-License-Identifier: MIT */
/*
 * percent.h - percent-decoding (RFC 3986 §2.1), with `+` as space for form
 * encoding (application/x-www-form-urlencoded) (dec layer; base/). Pure.
 * Invalid escapes (`%` not followed by two hex digits) are kept as they
 * are, as browsers and servers do.
 */
#ifndef LT_DEC_PERCENT_H
#define LT_DEC_PERCENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/* true when src holds at least one valid %XX escape. */
bool lt_pct_plausible(const uint8_t *src, size_t n);

/* Decode into dst[0..dst_cap) (output is never longer than the input);
   plus_is_space: `+` becomes a space. *written on every return. LT_OK or
   LT_E_LIMIT. dst may equal src (in-place decoding). */
enum lt_err lt_pct_decode(uint8_t *dst, size_t dst_cap, const uint8_t *src,
                          size_t n, bool plus_is_space, size_t *written);

#endif
