/* SPDX-License-Identifier: MIT */
/*
 * fuzz_textdec.c - percent- and hex-decoding on arbitrary bytes, and round
 * trips. Input: p[0] mode (bit 0 hex, else percent; bit 1 `+` as space;
 * bit 2 round trip); p[1] dst_cap (255: the input length); the rest is the
 * data. Invariants: written <= dst_cap and <= the input length, guard
 * bytes intact, LT_E_LIMIT fills dst exactly, in-place percent-decoding
 * equals decoding into another buffer, round trips give the data back.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dec/hex.h"
#include "core/dec/percent.h"
#include "tb_buf.h"

#define GUARD 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum lt_err run(bool hex, bool plus, const uint8_t *src, size_t n, size_t cap,
                       uint8_t **out, size_t *w)
{
    uint8_t *dst = malloc(cap + GUARD);
    memset(dst, 0x5a, cap + GUARD);
    *w = (size_t)-1;
    enum lt_err e = hex ? lt_hex_decode(dst, cap, src, n, w)
                        : lt_pct_decode(dst, cap, src, n, plus, w);
    if (*w > cap || *w > n)
        abort();
    for (size_t i = 0; i < GUARD; i++)
        if (dst[cap + i] != 0x5a)
            abort();
    if (e == LT_E_LIMIT && *w != cap)
        abort();
    if (e != LT_OK && e != LT_E_LIMIT && !(hex && e == LT_E_MALFORMED))
        abort();
    *out = dst;
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const bool hex = data[0] & 1, plus = data[0] & 2, round_trip = data[0] & 4;
    size_t cap = data[1] == 255 ? size - 2 : data[1];
    data += 2;
    size -= 2;
    uint8_t *dst;
    size_t w;
    if (round_trip) {
        static const char d[] = "0123456789abcdef0123456789ABCDEF";
        struct tb_buf e = { 0 };
        for (size_t i = 0; i < size; i++) {
            const char *dd = d + (i % 2) * 16;
            if (!hex && data[i] != '%' && data[i] != '+' && data[i] % 3 == 0) {
                tb_buf_u8(&e, data[i]); /* some bytes stay literal */
                continue;
            }
            if (!hex)
                tb_buf_u8(&e, '%');
            tb_buf_u8(&e, (uint8_t)dd[data[i] >> 4]);
            tb_buf_u8(&e, (uint8_t)dd[data[i] & 15]);
        }
        if (run(hex, plus, e.p, e.len, size, &dst, &w) != LT_OK || w != size ||
            (size && memcmp(dst, data, size) != 0))
            abort();
        free(dst);
        tb_buf_release(&e);
        return 0;
    }
    enum lt_err e = run(hex, plus, data, size, cap, &dst, &w);
    if (!hex) {
        /* in place over a copy, with the same cap */
        uint8_t *copy = malloc(size + 1);
        memcpy(copy, data, size);
        size_t w2 = (size_t)-1;
        const size_t cap2 = cap < size ? cap : size;
        enum lt_err e2 = lt_pct_decode(copy, cap2, copy, size, plus, &w2);
        if (cap2 == cap && (e2 != e || w2 != w || memcmp(copy, dst, w) != 0))
            abort();
        free(copy);
        (void)lt_pct_plausible(data, size);
    } else {
        (void)lt_hex_plausible(data, size, cap);
    }
    free(dst);
    return 0;
}
