/* SPDX-License-Identifier: MIT */
/*
 * decompress.c - capped one-shot decompression (dec layer).
 *
 * gzip / zlib / raw deflate: libdeflate first (fast, but all or nothing);
 * when it reports insufficient space or bad data, zlib's streaming inflate
 * redoes the stream (from the member libdeflate stopped in) to give the
 * exact prefix the caller asked for and to tell a truncated stream from a
 * corrupt one. brotli and zstd stream straight into dst.
 *
 * "Is there more output?" once dst is full is answered by decoding into a
 * one-byte probe outside dst: any byte there means LT_E_LIMIT, and nothing
 * is ever written past dst_cap.
 *
 * Trailing bytes after the end of a stream are LT_E_MALFORMED (the output
 * stays in dst), except after a gzip member, where another member may
 * follow and zero padding is accepted (as gzip(1) does).
 *
 * Allocation goes through the lt_alloc hooks for zlib, brotli and zstd;
 * libdeflate's decompressor (one malloc in lt_decomp_new) uses its own.
 */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDCtx_advanced: lt_alloc hooks */
#include "decompress.h"

#include <brotli/decode.h>
#include <libdeflate.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "../base/alloc.h"

/* A crafted zstd frame may ask for a window of 2^31 bytes; 2^27 (128 MiB)
   is more than any HTTP body we keep (max_decoded), and bounds memory. */
#define LT_ZSTD_WINDOW_LOG_MAX 27

struct lt_decomp {
    struct libdeflate_decompressor *ld;
    ZSTD_DCtx *zd;       /* stable output: decodes into dst, no buffer */
    uint8_t *zws;        /* workspace of the buffering context (zstd_fresh) */
    size_t zws_cap;
    z_stream zs;
    bool zs_live;
};

const char *lt_codec_name(enum lt_codec c)
{
    switch (c) {
    case LT_CODEC_GZIP: return "gzip";
    case LT_CODEC_ZLIB: return "zlib";
    case LT_CODEC_DEFLATE: return "deflate";
    case LT_CODEC_BR: return "br";
    case LT_CODEC_ZSTD: return "zstd";
    }
    return "?";
}

/* A zstd context through lt_alloc, refusing windows over the cap; with
   stable set, it writes into the caller's buffer and keeps none of its
   own (ZSTD_d_stableOutBuffer). NULL when out of memory. */
static ZSTD_DCtx *zstd_context_new(bool stable)
{
    ZSTD_customMem mem = { lt_alloc_opaque_malloc, lt_alloc_opaque_free, NULL };
    ZSTD_DCtx *zd = ZSTD_createDCtx_advanced(mem);
    if (zd && (ZSTD_isError(ZSTD_DCtx_setParameter(zd, ZSTD_d_windowLogMax,
                                                   LT_ZSTD_WINDOW_LOG_MAX)) ||
               ZSTD_isError(ZSTD_DCtx_setParameter(zd, ZSTD_d_stableOutBuffer,
                                                   stable)))) {
        ZSTD_freeDCtx(zd);
        zd = NULL;
    }
    return zd;
}

struct lt_decomp *lt_decomp_new(void)
{
    struct lt_decomp *d = lt_calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->ld = libdeflate_alloc_decompressor();
    d->zd = zstd_context_new(true);
    d->zs.zalloc = lt_alloc_opaque_calloc;
    d->zs.zfree = lt_alloc_opaque_free;
    d->zs_live = inflateInit2(&d->zs, 15) == Z_OK;
    if (!d->ld || !d->zd || !d->zs_live) {
        lt_decomp_free(d);
        return NULL;
    }
    return d;
}

void lt_decomp_free(struct lt_decomp *d)
{
    if (!d)
        return;
    if (d->ld)
        libdeflate_free_decompressor(d->ld);
    if (d->zd)
        ZSTD_freeDCtx(d->zd);
    lt_free(d->zws);
    if (d->zs_live)
        inflateEnd(&d->zs);
    lt_free(d);
}

/* After a complete gzip member: what may follow. */
static enum lt_err gzip_tail(const uint8_t *p, size_t n, bool *another)
{
    *another = false;
    if (n == 0)
        return LT_OK;
    if (p[0] == 0x1f) {
        if (n == 1)
            return LT_E_TRUNCATED;
        if (p[1] == 0x8b) {
            *another = true;
            return LT_OK;
        }
    }
    /* zero padding (tape blocks, some servers) is not an error */
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return LT_E_MALFORMED;
    return LT_OK;
}

/*
 * zlib streaming decode of src into dst[*off..cap), advancing *off.
 * wbits selects the wrapper; gzip decodes member after member.
 */
static enum lt_err zlib_decode(struct lt_decomp *d, int wbits, bool gzip,
                               uint8_t *dst, size_t cap, size_t *off,
                               const uint8_t *src, size_t len)
{
    z_stream *zs = &d->zs;
    size_t in = 0;
    uint8_t probe;
    for (;;) {
        if (inflateReset2(zs, wbits) != Z_OK)
            return LT_E_MALFORMED; /* cannot happen: wbits are ours */
        int stalls = 0;
        for (;;) {
            size_t ain = len - in;
            if (ain > UINT_MAX)
                ain = UINT_MAX;
            bool probing = *off >= cap;
            uint8_t *o = probing ? &probe : dst + *off;
            size_t aout = probing ? 1 : cap - *off;
            if (aout > UINT_MAX)
                aout = UINT_MAX;
            zs->next_in = (Bytef *)(uintptr_t)(src + in);
            zs->avail_in = (uInt)ain;
            zs->next_out = o;
            zs->avail_out = (uInt)aout;
            int r = inflate(zs, Z_SYNC_FLUSH);
            size_t used = ain - zs->avail_in;
            size_t made = aout - zs->avail_out;
            in += used;
            if (probing && made)
                return LT_E_LIMIT;
            *off += made;
            if (r == Z_STREAM_END)
                break;
            if (r == Z_MEM_ERROR)
                return LT_E_NOMEM;
            if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_STREAM_ERROR)
                return LT_E_MALFORMED;
            if (used == 0 && made == 0) {
                /* Z_BUF_ERROR: no progress. With all input used the
                   stream is cut short; otherwise dst was full and the
                   next round probes. */
                if (in == len || ++stalls > 2)
                    return LT_E_TRUNCATED;
            } else {
                stalls = 0;
            }
        }
        if (!gzip)
            return in == len ? LT_OK : LT_E_MALFORMED;
        bool another;
        enum lt_err e = gzip_tail(src + in, len - in, &another);
        if (e != LT_OK || !another)
            return e;
    }
}

static enum lt_err do_gzip(struct lt_decomp *d, uint8_t *dst, size_t cap,
                           size_t *off, const uint8_t *src, size_t len)
{
    size_t in = 0;
    for (;;) {
        size_t ain = 0, aout = 0;
        enum libdeflate_result r = libdeflate_gzip_decompress_ex(
            d->ld, src + in, len - in, dst + *off, cap - *off, &ain, &aout);
        if (r != LIBDEFLATE_SUCCESS)
            /* too big or bad: zlib redoes this member and the rest */
            return zlib_decode(d, 15 + 16, true, dst, cap, off, src + in,
                               len - in);
        in += ain;
        *off += aout;
        bool another;
        enum lt_err e = gzip_tail(src + in, len - in, &another);
        if (e != LT_OK || !another)
            return e;
    }
}

static enum lt_err do_zlib(struct lt_decomp *d, bool raw, uint8_t *dst,
                           size_t cap, size_t *off, const uint8_t *src,
                           size_t len)
{
    size_t ain = 0, aout = 0;
    enum libdeflate_result r =
        raw ? libdeflate_deflate_decompress_ex(d->ld, src, len, dst, cap,
                                               &ain, &aout)
            : libdeflate_zlib_decompress_ex(d->ld, src, len, dst, cap, &ain,
                                            &aout);
    if (r == LIBDEFLATE_SUCCESS) {
        *off = aout;
        return ain == len ? LT_OK : LT_E_MALFORMED;
    }
    return zlib_decode(d, raw ? -15 : 15, false, dst, cap, off, src, len);
}

static enum lt_err do_brotli(uint8_t *dst, size_t cap, size_t *off,
                             const uint8_t *src, size_t len)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(lt_alloc_opaque_malloc, lt_alloc_opaque_free, NULL);
    if (!s)
        return LT_E_NOMEM;
    const uint8_t *next_in = src;
    size_t avail_in = len;
    uint8_t probe;
    enum lt_err e;
    int stalls = 0;
    for (;;) {
        bool probing = *off >= cap;
        uint8_t *o = probing ? &probe : dst + *off;
        size_t aout = probing ? 1 : cap - *off;
        size_t a0 = aout, in0 = avail_in;
        BrotliDecoderResult r =
            BrotliDecoderDecompressStream(s, &avail_in, &next_in, &aout, &o, NULL);
        size_t made = a0 - aout;
        if (probing && made) {
            e = LT_E_LIMIT;
            break;
        }
        *off += made;
        if (r == BROTLI_DECODER_RESULT_SUCCESS) {
            e = avail_in ? LT_E_MALFORMED : LT_OK;
            break;
        }
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            e = LT_E_TRUNCATED;
            break;
        }
        if (r == BROTLI_DECODER_RESULT_ERROR) {
            int code = BrotliDecoderGetErrorCode(s);
            e = code <= BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES &&
                        code >= BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES
                    ? LT_E_NOMEM
                    : LT_E_MALFORMED;
            break;
        }
        /* NEEDS_MORE_OUTPUT: loop; a full dst is probed next round */
        if (made == 0 && in0 == avail_in && ++stalls > 2) {
            e = LT_E_MALFORMED;
            break;
        }
    }
    BrotliDecoderDestroyInstance(s);
    return e;
}

static enum lt_err zstd_stream(ZSTD_DCtx *zd, uint8_t *dst, size_t cap,
                               size_t *off, const uint8_t *src, size_t len)
{
    ZSTD_DCtx_reset(zd, ZSTD_reset_session_only);
    ZSTD_inBuffer in = { src, len, 0 };
    uint8_t probe;
    int stalls = 0;
    for (;;) {
        bool probing = *off >= cap;
        ZSTD_outBuffer ob = { probing ? &probe : dst + *off,
                              probing ? 1 : cap - *off, 0 };
        size_t in0 = in.pos;
        size_t r = ZSTD_decompressStream(zd, &ob, &in);
        if (probing && ob.pos)
            return LT_E_LIMIT;
        *off += ob.pos;
        if (ZSTD_isError(r))
            return ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation
                       ? LT_E_NOMEM
                       : LT_E_MALFORMED;
        if (r == 0) {
            /* a frame ended; more input is another frame */
            if (in.pos == in.size)
                return LT_OK;
            continue;
        }
        if (in.pos == in.size && ob.pos < ob.size)
            return LT_E_TRUNCATED; /* flushed all it could, wants input */
        if (ob.pos == 0 && in.pos == in0 && ++stalls > 2)
            return LT_E_TRUNCATED;
    }
}

/* zstd straight into dst[*off..cap) on a stable-output context. A block
   that does not fit is an error before any of it is written: LT_E_LIMIT
   then means "more than fits", with dst holding whole blocks only. */
static enum lt_err zstd_into(ZSTD_DCtx *zd, uint8_t *dst, size_t cap, size_t *off,
                             const uint8_t *src, size_t len)
{
    ZSTD_DCtx_reset(zd, ZSTD_reset_session_only);
    ZSTD_inBuffer in = { src, len, 0 };
    ZSTD_outBuffer ob = { dst, cap, *off };
    int stalls = 0;
    for (;;) {
        size_t in0 = in.pos, out0 = ob.pos;
        size_t r = ZSTD_decompressStream(zd, &ob, &in);
        *off = ob.pos;
        if (ZSTD_isError(r)) {
            switch (ZSTD_getErrorCode(r)) {
            case ZSTD_error_memory_allocation: return LT_E_NOMEM;
            case ZSTD_error_dstSize_tooSmall: return LT_E_LIMIT;
            default: return LT_E_MALFORMED;
            }
        }
        if (r == 0) {
            /* a frame ended; more input is another frame */
            if (in.pos == in.size)
                return LT_OK;
            continue;
        }
        if (in.pos == in.size && ob.pos < ob.size)
            return LT_E_TRUNCATED; /* wants more input */
        if (ob.pos == out0 && in.pos == in0 && ++stalls > 2)
            return LT_E_TRUNCATED;
    }
}

/* Workspace for any frame the window cap lets through. */
#define ZWS_MAX ZSTD_estimateDStreamSize((size_t)1 << LT_ZSTD_WINDOW_LOG_MAX)

/*
 * A buffering context as a fresh one is, without an allocation per use: a
 * static context made again in d's workspace (ZSTD_initStaticDCtx), which
 * carves its buffers to the size each frame needs. The workspace grows to
 * the largest need met. NULL when out of memory.
 */
static ZSTD_DCtx *zstd_fresh(struct lt_decomp *d, size_t need)
{
    if (need > d->zws_cap) {
        uint8_t *w = lt_malloc(need);
        if (!w)
            return NULL;
        lt_free(d->zws);
        d->zws = w;
        d->zws_cap = need;
    }
    ZSTD_DCtx *zd = ZSTD_initStaticDCtx(d->zws, d->zws_cap);
    if (zd && ZSTD_isError(ZSTD_DCtx_setParameter(zd, ZSTD_d_windowLogMax,
                                                  LT_ZSTD_WINDOW_LOG_MAX)))
        zd = NULL;
    return zd;
}

/* What the first frame needs; a header zstd refuses needs no buffers. */
static size_t zstd_need(const uint8_t *src, size_t len)
{
    size_t need = ZSTD_estimateDStreamSize_fromFrame(src, len);
    if (ZSTD_isError(need) || need > ZWS_MAX)
        need = ZSTD_estimateDCtxSize();
    return need;
}

/*
 * A zstd context that buffers output keeps that buffer from frame to
 * frame, and where a corrupt frame fails depended on its size (a block
 * larger than the frame's declared content fits a buffer grown by an
 * earlier frame: fuzz_http1 found a flow's output depending on earlier
 * flows of its thread). So frames are decoded into dst itself, by a
 * context that keeps no output buffer; only a stream cut by the cap is
 * decoded again by a buffering context made fresh, for the exact dst_cap
 * bytes the API promises. Its workspace is sized for the first frame; a
 * later frame that needs more gets the largest, and legacy frames (v0.5 to
 * v0.7), which a static context refuses, a context of their own.
 */
static enum lt_err do_zstd(struct lt_decomp *d, uint8_t *dst, size_t cap,
                           size_t *off, const uint8_t *src, size_t len)
{
    const size_t start = *off;
    enum lt_err e = zstd_into(d->zd, dst, cap, off, src, len);
    if (e != LT_E_LIMIT)
        return e;
    const size_t needs[2] = { zstd_need(src, len), ZWS_MAX };
    for (int i = 0; i < 2; i++) {
        ZSTD_DCtx *zd = zstd_fresh(d, needs[i]);
        if (!zd)
            return LT_E_NOMEM;
        *off = start;
        e = zstd_stream(zd, dst, cap, off, src, len);
        if (e != LT_E_NOMEM) /* a static context never allocates */
            return e;
    }
    ZSTD_DCtx *legacy = zstd_context_new(false);
    if (!legacy)
        return LT_E_NOMEM;
    *off = start;
    e = zstd_stream(legacy, dst, cap, off, src, len);
    ZSTD_freeDCtx(legacy);
    return e;
}

enum lt_err lt_decompress(struct lt_decomp *d, enum lt_codec c, uint8_t *dst,
                          size_t dst_cap, const uint8_t *src, size_t src_len,
                          size_t *written)
{
    static const uint8_t empty_src[1];
    uint8_t dummy;
    size_t off = 0;
    enum lt_err e;
    if (!dst) {     /* dst_cap 0: keep pointer arithmetic defined */
        dst = &dummy;
        dst_cap = 0;
    }
    if (!src) {
        src = empty_src;
        src_len = 0;
    }
    switch (c) {
    case LT_CODEC_GZIP:
        e = do_gzip(d, dst, dst_cap, &off, src, src_len);
        break;
    case LT_CODEC_ZLIB:
        e = do_zlib(d, false, dst, dst_cap, &off, src, src_len);
        break;
    case LT_CODEC_DEFLATE:
        e = do_zlib(d, true, dst, dst_cap, &off, src, src_len);
        break;
    case LT_CODEC_BR:
        e = do_brotli(dst, dst_cap, &off, src, src_len);
        break;
    case LT_CODEC_ZSTD:
        e = do_zstd(d, dst, dst_cap, &off, src, src_len);
        break;
    default:
        e = LT_E_MALFORMED;
        break;
    }
    *written = off;
    return e;
}
