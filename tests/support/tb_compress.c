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

/* Input block for tb_compress_zeros: zeros fed again and again. */
#define ZEROS_BLOCK (1u << 20)

void tb_compress_zeros(enum tb_codec c, size_t n, struct tb_buf *out)
{
    static const uint8_t zeros[ZEROS_BLOCK];
    uint8_t chunk[1u << 16];
    if (c == TB_GZIP) {
        z_stream zs = { 0 };
        if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
            abort();
        size_t left = n;
        int flush;
        do {
            size_t take = left < ZEROS_BLOCK ? left : ZEROS_BLOCK;
            left -= take;
            flush = left ? Z_NO_FLUSH : Z_FINISH;
            zs.next_in = (Bytef *)zeros;
            zs.avail_in = (uInt)take;
            do {
                zs.next_out = chunk;
                zs.avail_out = sizeof chunk;
                if (deflate(&zs, flush) == Z_STREAM_ERROR)
                    abort();
                tb_buf_put(out, chunk, sizeof chunk - zs.avail_out);
            } while (zs.avail_out == 0);
        } while (flush != Z_FINISH);
        deflateEnd(&zs);
        return;
    }
    if (c == TB_ZSTD) {
        ZSTD_CCtx *cc = ZSTD_createCCtx();
        if (!cc)
            abort();
        ZSTD_CCtx_setPledgedSrcSize(cc, n);
        size_t left = n;
        for (;;) {
            size_t take = left < ZEROS_BLOCK ? left : ZEROS_BLOCK;
            left -= take;
            ZSTD_EndDirective end = left ? ZSTD_e_continue : ZSTD_e_end;
            ZSTD_inBuffer in = { zeros, take, 0 };
            size_t r;
            do {
                ZSTD_outBuffer o = { chunk, sizeof chunk, 0 };
                r = ZSTD_compressStream2(cc, &o, &in, end);
                if (ZSTD_isError(r))
                    abort();
                tb_buf_put(out, chunk, o.pos);
            } while (end == ZSTD_e_end ? r != 0 : in.pos < in.size);
            if (!left)
                break;
        }
        ZSTD_freeCCtx(cc);
        return;
    }
    if (c == TB_BROTLI) {
        BrotliEncoderState *bs = BrotliEncoderCreateInstance(NULL, NULL, NULL);
        if (!bs || !BrotliEncoderSetParameter(bs, BROTLI_PARAM_QUALITY, 5))
            abort();
        size_t left = n;
        for (;;) {
            size_t take = left < ZEROS_BLOCK ? left : ZEROS_BLOCK;
            left -= take;
            BrotliEncoderOperation op = left ? BROTLI_OPERATION_PROCESS
                                             : BROTLI_OPERATION_FINISH;
            const uint8_t *next_in = zeros;
            size_t avail_in = take;
            do {
                uint8_t *next_out = chunk;
                size_t avail_out = sizeof chunk;
                if (!BrotliEncoderCompressStream(bs, op, &avail_in, &next_in,
                                                 &avail_out, &next_out, NULL))
                    abort();
                tb_buf_put(out, chunk, sizeof chunk - avail_out);
            } while (avail_in || BrotliEncoderHasMoreOutput(bs) ||
                     (op == BROTLI_OPERATION_FINISH && !BrotliEncoderIsFinished(bs)));
            if (!left)
                break;
        }
        BrotliEncoderDestroyInstance(bs);
        return;
    }
    abort();
}
