/* SPDX-License-Identifier: MIT */
/*
 * fuzz_base64.c - lt_b64_decode / lt_b64_plausible on arbitrary bytes, and
 * round trips. Input: p[0] mode (bit 0 URL-safe, bit 1 round trip, bit 2
 * padded, bits 3-4 wrap: none / 76 LF / 76 CRLF / 4 LF); p[1] dst_cap
 * (255: the decoded size bound); the rest is the data. Invariants: written
 * <= dst_cap, guard bytes intact, LT_E_LIMIT fills dst exactly, plausible
 * text decodes, a round trip gives the data back, and every implementation
 * this CPU runs (base64_int.h) gives what the scalar one gives.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dec/base64.h"
#include "core/dec/base64_int.h"
#include "tb_buf.h"

#define GUARD 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void encode(const uint8_t *p, size_t n, bool url, bool pad, size_t wrap,
                   bool crlf, struct tb_buf *b)
{
    const char *a = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                        : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        const size_t k = n - i >= 3 ? 3 : n - i;
        uint32_t v = (uint32_t)p[i] << 16;
        if (k > 1)
            v |= (uint32_t)p[i + 1] << 8;
        if (k > 2)
            v |= p[i + 2];
        for (size_t j = 0; j < 4; j++) {
            if (j > k && !pad)
                break;
            if (wrap && col == wrap) {
                tb_buf_puts(b, crlf ? "\r\n" : "\n");
                col = 0;
            }
            tb_buf_u8(b, j <= k ? (uint8_t)a[v >> (18 - 6 * j) & 63] : '=');
            col++;
        }
    }
}

static enum lt_err checked_decode(const uint8_t *src, size_t n, bool url, size_t cap,
                                  uint8_t **out, size_t *w)
{
    uint8_t *dst = malloc(cap + GUARD);
    memset(dst, 0x5a, cap + GUARD);
    *w = (size_t)-1;
    enum lt_err e = lt_b64_decode(dst, cap, src, n, url, w);
    if (*w > cap)
        abort();
    for (size_t i = 0; i < GUARD; i++)
        if (dst[cap + i] != 0x5a)
            abort();
    if (e == LT_E_LIMIT && *w != cap)
        abort();
    if (e != LT_OK && e != LT_E_LIMIT && e != LT_E_MALFORMED)
        abort();
    /* the same code, count and bytes (guard included) with each impl */
    uint8_t *alt = malloc(cap + GUARD);
    for (enum lt_b64_impl k = LT_B64_SCALAR; k < LT_B64_N_IMPL; k++) {
        if (!lt__b64_impl_supported(k))
            continue;
        memset(alt, 0x5a, cap + GUARD);
        size_t w_alt = (size_t)-1;
        if (lt__b64_decode_with(k, alt, cap, src, n, url, &w_alt) != e || w_alt != *w ||
            memcmp(alt, dst, cap + GUARD) != 0)
            abort();
    }
    free(alt);
    *out = dst;
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t mode = data[0];
    const bool url = mode & 1;
    size_t cap = data[1];
    data += 2;
    size -= 2;
    uint8_t *dst;
    size_t w;
    if (mode & 2) {
        static const size_t wraps[4] = { 0, 76, 76, 4 };
        struct tb_buf e = { 0 };
        encode(data, size, url, mode & 4, wraps[mode >> 3 & 3], (mode >> 3 & 3) == 2, &e);
        if (checked_decode(e.p, e.len, url, size, &dst, &w) != LT_OK || w != size ||
            (size && memcmp(dst, data, size) != 0))
            abort();
        free(dst);
        if (size > 0) {
            if (checked_decode(e.p, e.len, url, size - 1, &dst, &w) != LT_E_LIMIT)
                abort();
            free(dst);
        }
        tb_buf_release(&e);
        return 0;
    }
    if (cap == 255)
        cap = lt_b64_decoded_max(size);
    checked_decode(data, size, url, cap, &dst, &w);
    free(dst);
    /* whatever the gate lets through decodes */
    bool is_url = false;
    if (lt_b64_plausible(data, size, mode >> 5, &is_url)) {
        if (checked_decode(data, size, is_url, lt_b64_decoded_max(size), &dst, &w) != LT_OK)
            abort();
        free(dst);
    }
    return 0;
}
