/* SPDX-License-Identifier: MIT */
#include "tb_compress.h"

#include <brotli/encode.h>
#include <lzma.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

static void zlib_family(int window_bits, const void *src, size_t n,
                        struct tb_buf *out)
{
    z_stream zs = { 0 };
    if (deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    size_t bound = deflateBound(&zs, (uLong)n) + 64;
    tb_buf_zero(out, bound);
    out->len -= bound;
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)n;
    zs.next_out = out->p + out->len;
    zs.avail_out = (uInt)bound;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        abort();
    out->len += zs.total_out;
    deflateEnd(&zs);
}

void tb_compress(enum tb_codec c, const void *src, size_t n, struct tb_buf *out)
{
    switch (c) {
    case TB_GZIP:
        zlib_family(15 + 16, src, n, out);
        return;
    case TB_ZLIB:
        zlib_family(15, src, n, out);
        return;
    case TB_DEFLATE:
        zlib_family(-15, src, n, out);
        return;
    case TB_BROTLI: {
        size_t cap = BrotliEncoderMaxCompressedSize(n) + 64;
        tb_buf_zero(out, cap);
        out->len -= cap;
        size_t got = cap;
        if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                                   n, src, &got, out->p + out->len))
            abort();
        out->len += got;
        return;
    }
    case TB_ZSTD: {
        size_t cap = ZSTD_compressBound(n);
        tb_buf_zero(out, cap);
        out->len -= cap;
        size_t got = ZSTD_compress(out->p + out->len, cap, src, n, 3);
        if (ZSTD_isError(got))
            abort();
        out->len += got;
        return;
    }
    case TB_XZ: {
        size_t cap = lzma_stream_buffer_bound(n);
        tb_buf_zero(out, cap);
        out->len -= cap;
        size_t pos = 0;
        if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, src, n,
                                    out->p + out->len, &pos, cap) != LZMA_OK)
            abort();
        out->len += pos;
        return;
    }
    }
    abort();
}
