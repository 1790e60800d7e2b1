/* SPDX-License-Identifier: MIT */
/*
 * percent.c - percent-decoding (dec layer). Plain runs are copied 8
 * bytes at a time (a SWAR test for `%` and `+` per word); the output never
 * runs ahead of the input, so decoding in place is safe.
 */
#include "percent.h"
#include "../base/ascii.h"

#include <string.h>


bool lt_pct_plausible(const uint8_t *src, size_t n)
{
    const uint8_t *end = src + n, *q = src;
    while (n > 0 && (q = memchr(q, '%', (size_t)(end - q))) != NULL) {
        if (end - q >= 3 && lt_hex_digit(q[1]) >= 0 && lt_hex_digit(q[2]) >= 0)
            return true;
        q++;
    }
    return false;
}

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGH 0x8080808080808080ull

/* Nonzero when one of the 8 bytes of w equals the byte c. */
static uint64_t swar_has(uint64_t w, uint8_t c)
{
    const uint64_t x = w ^ (SWAR_ONES * c);
    return (x - SWAR_ONES) & ~x & SWAR_HIGH;
}

enum lt_err lt_pct_decode(uint8_t *dst, size_t dst_cap, const uint8_t *src,
                          size_t n, bool plus_is_space, size_t *written)
{
    size_t i = 0, o = 0;
    while (i < n) {
        /* Runs without `%` (or `+`) move 8 bytes at a time; the word is
           loaded before it is stored, so this is safe in place too. */
        while (n - i >= 8 && dst_cap - o >= 8) {
            uint64_t w;
            memcpy(&w, src + i, 8);
            if (swar_has(w, '%') || (plus_is_space && swar_has(w, '+')))
                break;
            memcpy(dst + o, &w, 8);
            i += 8;
            o += 8;
        }
        /* One byte at a time up to and including the next special. */
        const size_t end = n - i < 8 ? n : i + 8;
        for (; i < end; i++) {
            if (o == dst_cap) {
                *written = o;
                return LT_E_LIMIT;
            }
            const uint8_t c = src[i];
            if (c == '%') {
                /* RFC 3986 §2.1: `%` HEXDIG HEXDIG. Anything else keeps
                   the `%` as a literal, as browsers do (WHATWG URL
                   "percent-decode"). */
                const int hi = n - i >= 3 ? lt_hex_digit(src[i + 1]) : -1;
                const int lo = hi >= 0 ? lt_hex_digit(src[i + 2]) : -1;
                if (lo >= 0) {
                    dst[o++] = (uint8_t)(hi << 4 | lo);
                    i += 3;
                    break;
                }
                dst[o++] = '%';
            } else {
                dst[o++] = plus_is_space && c == '+' ? ' ' : c;
            }
        }
    }
    *written = o;
    return LT_OK;
}
