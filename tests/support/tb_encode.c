/* SPDX-License-Identifier: MIT */
#include "tb_encode.h"

#include <string.h>

void tb_b64(struct tb_buf *o, const void *src, size_t n, bool url, size_t wrap,
            const char *nl)
{
    const char *al = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                         : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const uint8_t *p = src;
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = { al[v >> 18 & 63], al[v >> 12 & 63],
                      i + 1 < n ? al[v >> 6 & 63] : '=',
                      i + 2 < n ? al[v & 63] : '=' };
        for (int k = 0; k < 4; k++) {
            tb_buf_u8(o, (uint8_t)q[k]);
            if (wrap && ++col == wrap) {
                tb_buf_puts(o, nl);
                col = 0;
            }
        }
    }
    if (wrap && col)
        tb_buf_puts(o, nl);
}

void tb_pb_varint(struct tb_buf *o, uint64_t v)
{
    while (v >= 0x80) {
        tb_buf_u8(o, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    tb_buf_u8(o, (uint8_t)v);
}

void tb_pb_int(struct tb_buf *o, uint32_t field, uint64_t v)
{
    tb_pb_varint(o, (uint64_t)field << 3);
    tb_pb_varint(o, v);
}

void tb_pb_bytes(struct tb_buf *o, uint32_t field, const void *p, size_t n)
{
    tb_pb_varint(o, (uint64_t)field << 3 | 2);
    tb_pb_varint(o, n);
    tb_buf_put(o, p, n);
}

void tb_pb_str(struct tb_buf *o, uint32_t field, const char *s)
{
    tb_pb_bytes(o, field, s, strlen(s));
}
