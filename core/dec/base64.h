/* SPDX-License-Identifier: MIT */
/*
 * base64.h - base64 decoding, standard and URL-safe (RFC 4648 §4, §5), padded
 * or not, with CR/LF line breaks tolerated (Android Base64.DEFAULT wraps at
 * 76 columns) (dec layer; base/). Pure; writes into caller memory.
 */
#ifndef LT_DEC_BASE64_H
#define LT_DEC_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/*
 * lt_b64_plausible() - cheap test of whether src could be base64 worth a
 * decoding trial: at least min_len symbols, only symbols of one alphabet
 * (standard `+/` or URL-safe `-_`; neither is fine), `=` padding only at the
 * end (at most 2), CR/LF only as line breaks, and a symbol count that is
 * not 1 mod 4. Sets *is_url when `-` or `_` occur. Rejects text that is
 * obviously not encoded (e.g. all decimal digits, or all lower-case hex of
 * even length: hex wins those).
 */
bool lt_b64_plausible(const uint8_t *src, size_t n, size_t min_len,
                      bool *is_url);

/* Decoded size bound for n input bytes. */
static inline size_t lt_b64_decoded_max(size_t n) { return n / 4 * 3 + 3; }

/*
 * lt_b64_decode() - decode src (alphabet: URL-safe when url, else standard;
 * padding optional; CR and LF skipped) into dst[0..dst_cap).
 * *written is set on every return. LT_OK; LT_E_LIMIT (dst too small:
 * nothing written past dst_cap, dst filled exactly); LT_E_MALFORMED (bad
 * symbol, misplaced `=`, or a final group of 1 symbol: *written = the bytes
 * of the whole 4-symbol groups before the group holding the error). A
 * padded group may have 1 or 2 `=` ("Zg=" is accepted); the unused bits of
 * a final partial group are not checked.
 */
enum lt_err lt_b64_decode(uint8_t *dst, size_t dst_cap, const uint8_t *src,
                          size_t n, bool url, size_t *written);

#endif
