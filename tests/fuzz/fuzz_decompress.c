/* SPDX-License-Identifier: MIT */
/*
 * fuzz_decompress.c - lt_decompress on arbitrary bytes, and round trips.
 * Input: p[0] codec (p[0] % 5) and mode (bit 7: compress the data first
 * and check the round trip); p[1..2] dst_cap (little endian); the rest is
 * the data. Invariants: written <= dst_cap, guard bytes after dst intact,
 * LT_E_LIMIT fills dst exactly, a round trip gives the data back. One
 * decompressor serves every input, as one serves a flow shard: nothing an
 * input leaves in it may break the next.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/dec/decompress.h"
#include "tb_compress.h"

#define GUARD 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum tb_codec tbc[] = { TB_GZIP, TB_ZLIB, TB_DEFLATE, TB_BROTLI, TB_ZSTD };
    if (size < 3)
        return 0;
    enum lt_codec c = (enum lt_codec)(data[0] % 5);
    bool round_trip = data[0] & 0x80;
    size_t cap = (size_t)data[1] | (size_t)data[2] << 8;
    data += 3;
    size -= 3;
    static struct lt_decomp *d;
    if (!d && !(d = lt_decomp_new()))
        abort();
    struct tb_buf z = { 0 };
    const uint8_t *src = data;
    size_t src_len = size;
    if (round_trip) {
        tb_compress(tbc[c], data, size, &z);
        src = z.p;
        src_len = z.len;
        cap = size;
    }
    uint8_t *dst = malloc(cap + GUARD);
    memset(dst, 0x5a, cap + GUARD);
    size_t w = (size_t)-1;
    enum lt_err e = lt_decompress(d, c, dst, cap, src, src_len, &w);
    if (w > cap)
        abort();
    for (size_t i = 0; i < GUARD; i++)
        if (dst[cap + i] != 0x5a)
            abort();
    if (e == LT_E_LIMIT && w != cap)
        abort();
    if (e != LT_OK && e != LT_E_LIMIT && e != LT_E_TRUNCATED &&
        e != LT_E_MALFORMED && e != LT_E_NOMEM)
        abort();
    if (round_trip && (e != LT_OK || w != size || memcmp(dst, data, size) != 0))
        abort();
    free(dst);
    tb_buf_release(&z);
    return 0;
}
