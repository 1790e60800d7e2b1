/* SPDX-License-Identifier: MIT */
/*
 * input.c - read an input file, undoing gzip (zlib), zstd or xz (liblzma) as
 * a stream (io layer; base/). Plain files are read(2) straight into the
 * caller's buffer. Compressed files go through one fixed read buffer and one
 * decoder per input, so memory does not grow with the file. Decoders
 * allocate through the lt_alloc hooks.
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDStream_advanced: alloc hooks */
#include <zstd.h>
#include <zstd_errors.h>

#include "../base/alloc.h"

#define RBUF_CAP (256u << 10) /* compressed bytes read per read(2) */
#define HEAD_CAP 8            /* bytes sniffed at open (xz magic is 6) */
/* liblzma may allocate a dictionary of this size at most: xz -9 needs
   64 MiB, so only crafted or exotic streams exceed it. */
#define XZ_MEMLIMIT (256ull << 20)

struct lt_input_dec {
    bool in_unit;     /* inside a member/frame/stream: EOF here is truncation */
    bool done;        /* END or an error was returned: only LT_END from now */
    union {
        z_stream z;
        ZSTD_DStream *zs;
        lzma_stream xz;
    } u;
    lzma_allocator xz_alloc;
};

const char *lt_compression_name(enum lt_compression c)
{
    switch (c) {
    case LT_COMP_NONE: return "none";
    case LT_COMP_GZIP: return "gzip";
    case LT_COMP_ZSTD: return "zstd";
    case LT_COMP_XZ: return "xz";
    }
    return "unknown";
}

/* Allocator adapters: every decoder allocates through lt_alloc.
   liblzma asks for memory it does not need zeroed (base.h): zeroing would
   touch the whole dictionary (64 MiB for xz -9) even for a small file. */
static void *xz_alloc(void *opaque, size_t nmemb, size_t size)
{
    (void)opaque;
    if (size && nmemb > SIZE_MAX / size)
        return NULL;
    return lt_malloc(nmemb * size);
}
static void xz_free(void *opaque, void *p)
{
    (void)opaque;
    lt_free(p);
}

/* read(2) retrying on EINTR; -1 with errno on failure. */
static ssize_t read_some(int fd, void *dst, size_t cap)
{
    for (;;) {
        ssize_t r = read(fd, dst, cap);
        if (r >= 0 || errno != EINTR)
            return r;
    }
}

static enum lt_compression sniff(const uint8_t *h, size_t n)
{
    static const uint8_t gz[2] = { 0x1f, 0x8b };
    static const uint8_t zs[4] = { 0x28, 0xb5, 0x2f, 0xfd };
    static const uint8_t xz[6] = { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 };
    if (n >= sizeof gz && memcmp(h, gz, sizeof gz) == 0)
        return LT_COMP_GZIP;
    if (n >= sizeof zs && memcmp(h, zs, sizeof zs) == 0)
        return LT_COMP_ZSTD;
    if (n >= sizeof xz && memcmp(h, xz, sizeof xz) == 0)
        return LT_COMP_XZ;
    return LT_COMP_NONE;
}

static enum lt_err dec_init(struct lt_input *in)
{
    struct lt_input_dec *d = lt_calloc(1, sizeof *d);
    if (!d)
        return LT_E_NOMEM;
    in->dec = d;
    switch (in->comp) {
    case LT_COMP_GZIP:
        d->u.z.zalloc = lt_alloc_opaque_calloc;
        d->u.z.zfree = lt_alloc_opaque_free;
        /* 16 + 15: gzip wrapper only, 32 KiB window */
        if (inflateInit2(&d->u.z, 16 + 15) != Z_OK)
            return LT_E_NOMEM;
        return LT_OK;
    case LT_COMP_ZSTD: {
        ZSTD_customMem mem = { lt_alloc_opaque_malloc, lt_alloc_opaque_free, NULL };
        d->u.zs = ZSTD_createDStream_advanced(mem);
        if (!d->u.zs)
            return LT_E_NOMEM;
        return LT_OK;
    }
    case LT_COMP_XZ: {
        d->xz_alloc.alloc = xz_alloc;
        d->xz_alloc.free = xz_free;
        d->xz_alloc.opaque = NULL;
        lzma_stream init = LZMA_STREAM_INIT;
        d->u.xz = init;
        d->u.xz.allocator = &d->xz_alloc;
        if (lzma_stream_decoder(&d->u.xz, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
            return LT_E_NOMEM;
        return LT_OK;
    }
    case LT_COMP_NONE:
        break;
    }
    return LT_OK;
}

static void dec_free(struct lt_input *in)
{
    struct lt_input_dec *d = in->dec;
    if (!d)
        return;
    switch (in->comp) {
    case LT_COMP_GZIP: inflateEnd(&d->u.z); break;
    case LT_COMP_ZSTD: ZSTD_freeDStream(d->u.zs); break;
    case LT_COMP_XZ: lzma_end(&d->u.xz); break;
    case LT_COMP_NONE: break;
    }
    lt_free(d);
    in->dec = NULL;
}

enum lt_err lt_input_open(struct lt_input *in, const char *path)
{
    memset(in, 0, sizeof *in);
    in->fd = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(in->msg, sizeof in->msg, "cannot open '%s': %s", path,
                 strerror(errno));
        return LT_E_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        snprintf(in->msg, sizeof in->msg, "cannot stat '%s': %s", path,
                 strerror(errno));
        close(fd);
        return LT_E_IO;
    }
    if (S_ISDIR(sb.st_mode)) {
        snprintf(in->msg, sizeof in->msg, "cannot read '%s': %s", path,
                 strerror(EISDIR));
        close(fd);
        return LT_E_IO;
    }
    in->fd = fd;
    in->file_size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;

    /* Sniff from the first bytes, read (not pread) so pipes work too; they
       stay in rbuf and are handed out or decoded first. */
    uint8_t head[HEAD_CAP];
    size_t n_head = 0;
    while (n_head < sizeof head) {
        ssize_t r = read_some(fd, head + n_head, sizeof head - n_head);
        if (r < 0) {
            snprintf(in->msg, sizeof in->msg, "cannot read '%s': %s", path,
                     strerror(errno));
            lt_input_close(in);
            return LT_E_IO;
        }
        if (r == 0) {
            in->at_eof = 1;
            break;
        }
        n_head += (size_t)r;
    }
    in->raw_bytes = n_head;
    in->comp = sniff(head, n_head);

    in->rbuf = lt_malloc(in->comp == LT_COMP_NONE ? HEAD_CAP : RBUF_CAP);
    if (!in->rbuf) {
        snprintf(in->msg, sizeof in->msg, "out of memory");
        lt_input_close(in);
        return LT_E_NOMEM;
    }
    memcpy(in->rbuf, head, n_head);
    in->rbuf_len = n_head;
    in->rbuf_pos = 0;
    if (in->comp != LT_COMP_NONE) {
        enum lt_err e = dec_init(in);
        if (e != LT_OK) {
            snprintf(in->msg, sizeof in->msg, "%s: cannot set up the decoder",
                     lt_compression_name(in->comp));
            lt_input_close(in);
            return e;
        }
    }
    return LT_OK;
}

void lt_input_close(struct lt_input *in)
{
    if (in->fd >= 0)
        close(in->fd);
    in->fd = -1;
    dec_free(in);
    lt_free(in->rbuf);
    in->rbuf = NULL;
    in->rbuf_len = in->rbuf_pos = 0;
}

/* Offset in the compressed file of the next byte the decoder would take. */
static uint64_t comp_off(const struct lt_input *in)
{
    return in->raw_bytes - (in->rbuf_len - in->rbuf_pos);
}

/* Refill rbuf when it is empty. LT_OK (maybe at EOF) or LT_E_IO. */
static enum lt_err refill(struct lt_input *in)
{
    if (in->rbuf_pos < in->rbuf_len || in->at_eof)
        return LT_OK;
    ssize_t r = read_some(in->fd, in->rbuf, RBUF_CAP);
    if (r < 0) {
        snprintf(in->msg, sizeof in->msg, "read failed at offset %" PRIu64 ": %s",
                 in->raw_bytes, strerror(errno));
        return LT_E_IO;
    }
    in->rbuf_pos = 0;
    in->rbuf_len = (size_t)r;
    in->raw_bytes += (uint64_t)r;
    if (r == 0)
        in->at_eof = 1;
    return LT_OK;
}

static enum lt_err read_plain(struct lt_input *in, uint8_t *dst, size_t cap,
                              size_t *got)
{
    size_t k = 0;
    if (in->rbuf_pos < in->rbuf_len) { /* the sniffed head first */
        k = in->rbuf_len - in->rbuf_pos;
        if (k > cap)
            k = cap;
        memcpy(dst, in->rbuf + in->rbuf_pos, k);
        in->rbuf_pos += k;
    }
    if (k < cap && !in->at_eof) {
        ssize_t r = read_some(in->fd, dst + k, cap - k);
        if (r < 0) {
            snprintf(in->msg, sizeof in->msg, "read failed at offset %" PRIu64 ": %s",
                     in->raw_bytes, strerror(errno));
            in->at_eof = 1;
            in->rbuf_pos = in->rbuf_len;
            *got = k;
            in->out_bytes += k;
            return LT_E_IO;
        }
        if (r == 0)
            in->at_eof = 1;
        in->raw_bytes += (uint64_t)r;
        k += (size_t)r;
    }
    *got = k;
    in->out_bytes += k;
    return k ? LT_OK : LT_END;
}

/*
 * One decoder step over rbuf into dst[*got..cap). Sets d->in_unit, and
 * returns LT_OK, LT_E_MALFORMED or LT_E_NOMEM (msg set).
 */
static enum lt_err step_gzip(struct lt_input *in, uint8_t *dst, size_t cap,
                             size_t *got)
{
    struct lt_input_dec *d = in->dec;
    z_stream *z = &d->u.z;
    if (!d->in_unit) {
        /* Between members: zero padding (as left by tape tools) is
           skipped, as gzip(1) does; anything else must be a member. */
        while (in->rbuf_pos < in->rbuf_len && in->rbuf[in->rbuf_pos] == 0)
            in->rbuf_pos++;
        if (in->rbuf_pos == in->rbuf_len)
            return LT_OK;
        if (inflateReset(z) != Z_OK)
            return LT_E_MALFORMED;
        d->in_unit = true;
    }
    z->next_in = in->rbuf + in->rbuf_pos;
    z->avail_in = (uInt)(in->rbuf_len - in->rbuf_pos);
    z->next_out = dst + *got;
    size_t room = cap - *got;
    z->avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
    uInt out_before = z->avail_out;
    int zr = inflate(z, Z_NO_FLUSH);
    in->rbuf_pos = in->rbuf_len - z->avail_in;
    *got += out_before - z->avail_out;
    if (zr == Z_STREAM_END) {
        d->in_unit = false;
        return LT_OK;
    }
    if (zr == Z_OK || zr == Z_BUF_ERROR)
        return LT_OK;
    if (zr == Z_MEM_ERROR) {
        snprintf(in->msg, sizeof in->msg, "gzip: out of memory");
        return LT_E_NOMEM;
    }
    snprintf(in->msg, sizeof in->msg,
             "gzip: %s at compressed offset %" PRIu64,
             z->msg ? z->msg : "corrupt data", comp_off(in));
    return LT_E_MALFORMED;
}

static enum lt_err step_zstd(struct lt_input *in, uint8_t *dst, size_t cap,
                             size_t *got)
{
    struct lt_input_dec *d = in->dec;
    ZSTD_inBuffer ib = { in->rbuf, in->rbuf_len, in->rbuf_pos };
    ZSTD_outBuffer ob = { dst, cap, *got };
    size_t zr = ZSTD_decompressStream(d->u.zs, &ob, &ib);
    in->rbuf_pos = ib.pos;
    *got = ob.pos;
    if (ZSTD_isError(zr) && ZSTD_getErrorCode(zr) == ZSTD_error_memory_allocation) {
        snprintf(in->msg, sizeof in->msg, "zstd: out of memory");
        return LT_E_NOMEM;
    }
    if (ZSTD_isError(zr)) {
        snprintf(in->msg, sizeof in->msg,
                 "zstd: %s at compressed offset %" PRIu64,
                 ZSTD_getErrorName(zr), comp_off(in));
        return LT_E_MALFORMED;
    }
    /* 0: a frame is complete and flushed; EOF is fine here. Any
       consumed input afterwards starts the next frame. */
    d->in_unit = zr != 0;
    return LT_OK;
}

static enum lt_err step_xz(struct lt_input *in, uint8_t *dst, size_t cap,
                           size_t *got)
{
    struct lt_input_dec *d = in->dec;
    lzma_stream *s = &d->u.xz;
    s->next_in = in->rbuf + in->rbuf_pos;
    s->avail_in = in->rbuf_len - in->rbuf_pos;
    s->next_out = dst + *got;
    s->avail_out = cap - *got;
    size_t out_before = s->avail_out;
    /* LZMA_CONCATENATED: only LZMA_FINISH (at EOF) tells the decoder
       that no further stream follows. */
    bool fin = in->at_eof && in->rbuf_pos == in->rbuf_len;
    lzma_ret xr = lzma_code(s, fin ? LZMA_FINISH : LZMA_RUN);
    in->rbuf_pos = in->rbuf_len - s->avail_in;
    *got += out_before - s->avail_out;
    d->in_unit = true;
    switch (xr) {
    case LZMA_OK:
        return LT_OK;
    case LZMA_STREAM_END:
        d->in_unit = false;
        return LT_OK;
    case LZMA_BUF_ERROR:
        /* No progress possible: with LZMA_FINISH the input ended inside a
           stream, which the caller reports as truncation. */
        return LT_OK;
    case LZMA_MEM_ERROR:
        snprintf(in->msg, sizeof in->msg, "xz: out of memory");
        return LT_E_NOMEM;
    case LZMA_MEMLIMIT_ERROR:
        snprintf(in->msg, sizeof in->msg,
                 "xz: stream needs more than %llu MiB to decode at compressed "
                 "offset %" PRIu64, XZ_MEMLIMIT >> 20, comp_off(in));
        return LT_E_MALFORMED;
    case LZMA_FORMAT_ERROR:
        snprintf(in->msg, sizeof in->msg,
                 "xz: not an xz stream at compressed offset %" PRIu64,
                 comp_off(in));
        return LT_E_MALFORMED;
    case LZMA_OPTIONS_ERROR:
        snprintf(in->msg, sizeof in->msg,
                 "xz: unsupported options at compressed offset %" PRIu64,
                 comp_off(in));
        return LT_E_MALFORMED;
    case LZMA_DATA_ERROR:
        snprintf(in->msg, sizeof in->msg,
                 "xz: corrupt data at compressed offset %" PRIu64,
                 comp_off(in));
        return LT_E_MALFORMED;
    default:
        snprintf(in->msg, sizeof in->msg,
                 "xz: decoder error %d at compressed offset %" PRIu64, (int)xr,
                 comp_off(in));
        return LT_E_MALFORMED;
    }
}

static enum lt_err step(struct lt_input *in, uint8_t *dst, size_t cap,
                        size_t *got)
{
    switch (in->comp) {
    case LT_COMP_GZIP: return step_gzip(in, dst, cap, got);
    case LT_COMP_ZSTD: return step_zstd(in, dst, cap, got);
    default: return step_xz(in, dst, cap, got);
    }
}

/*
 * Decode until dst is full, the stream ends, or rbuf is drained with some
 * output in hand (hand it out rather than block on another read). At EOF
 * the decoder is stepped with no input while it still flushes buffered
 * output; if it is then still inside a member/frame/stream, the file was
 * cut short.
 */
static enum lt_err read_comp(struct lt_input *in, uint8_t *dst, size_t cap,
                             size_t *got)
{
    struct lt_input_dec *d = in->dec;
    enum lt_err e = LT_OK;
    if (d->done)
        return LT_END;
    while (*got < cap) {
        if (*got > 0 && in->rbuf_pos == in->rbuf_len && !in->at_eof)
            break;
        e = refill(in);
        if (e != LT_OK)
            break;
        bool eof = in->at_eof && in->rbuf_pos == in->rbuf_len;
        if (eof && !d->in_unit)
            break;
        size_t got_before = *got, pos_before = in->rbuf_pos;
        e = step(in, dst, cap, got);
        if (e != LT_OK)
            break;
        bool progress = *got != got_before || in->rbuf_pos != pos_before;
        if (eof && d->in_unit && !progress) {
            snprintf(in->msg, sizeof in->msg,
                     "%s: stream ends inside a %s at compressed offset %" PRIu64,
                     lt_compression_name(in->comp),
                     in->comp == LT_COMP_GZIP ? "member"
                     : in->comp == LT_COMP_ZSTD ? "frame" : "stream",
                     in->raw_bytes);
            e = LT_E_TRUNCATED;
            break;
        }
        if (!eof && !progress) {
            /* Input and room were both there: a decoder that takes nothing
               and gives nothing would spin forever. */
            snprintf(in->msg, sizeof in->msg,
                     "%s: decoder stalled at compressed offset %" PRIu64,
                     lt_compression_name(in->comp), comp_off(in));
            e = LT_E_MALFORMED;
            break;
        }
    }
    in->out_bytes += *got;
    if (e != LT_OK) {
        d->done = true;
        return e;
    }
    if (*got == 0) {
        d->done = true;
        return LT_END;
    }
    return LT_OK;
}

enum lt_err lt_input_read(struct lt_input *in, uint8_t *dst, size_t cap,
                          size_t *got)
{
    *got = 0;
    if (cap == 0)
        return LT_OK;
    if (in->comp == LT_COMP_NONE)
        return read_plain(in, dst, cap, got);
    return read_comp(in, dst, cap, got);
}
