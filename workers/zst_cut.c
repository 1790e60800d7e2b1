/* SPDX-License-Identifier: MIT */
#include "zst_cut.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/alloc.h"

#define ZSTD_MAGIC 0xFD2FB528u
#define SKIP_MAGIC 0x184D2A50u   /* low 4 bits free: 16 skippable magics */
#define BLOCK_MAX ((uint32_t)128 << 10)
#define WIN ((size_t)64 << 10)

/* Reads a file through one window, so walking small blocks costs one
   pread per 64 KiB rather than one per header. */
struct reader {
    int fd;
    uint64_t size;
    uint8_t buf[WIN];
    uint64_t buf_off;
    size_t buf_len;
};

enum got { GOT_OK, GOT_PAST_END, GOT_IO };

/* n (<= 32) bytes at off into dst. */
static enum got get(struct reader *r, uint64_t off, size_t n, uint8_t *dst)
{
    if (off > r->size || r->size - off < n)
        return GOT_PAST_END;
    if (off < r->buf_off || off + n > r->buf_off + r->buf_len) {
        ssize_t got;
        do
            got = pread(r->fd, r->buf, WIN, (off_t)off);
        while (got < 0 && errno == EINTR);
        if (got < 0)
            return GOT_IO;
        r->buf_off = off;
        r->buf_len = (size_t)got;
        if ((size_t)got < n) {
            errno = EIO; /* shrank under us */
            return GOT_IO;
        }
    }
    memcpy(dst, r->buf + (off - r->buf_off), n);
    return GOT_OK;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

enum walk { WALK_WHOLE, WALK_TORN, WALK_BAD, WALK_IO };

/* The frame at *off: WALK_WHOLE with *off moved past it, WALK_TORN (it
   runs past the end), WALK_BAD (*why) or WALK_IO (errno). */
static enum walk frame(struct reader *r, uint64_t *off, const char **why)
{
    uint8_t h[18];
    enum got g = get(r, *off, 4, h);
    if (g != GOT_OK)
        return g == GOT_IO ? WALK_IO : WALK_TORN;
    uint32_t magic = le32(h);
    if ((magic & 0xFFFFFFF0u) == SKIP_MAGIC) {
        /* RFC 8878 §3.1.2: magic, 4-byte length, that many bytes */
        if ((g = get(r, *off + 4, 4, h + 4)) != GOT_OK)
            return g == GOT_IO ? WALK_IO : WALK_TORN;
        uint64_t end = *off + 8 + le32(h + 4);
        if (end > r->size)
            return WALK_TORN;
        *off = end;
        return WALK_WHOLE;
    }
    if (magic != ZSTD_MAGIC) {
        *why = "not a zstd frame";
        return WALK_BAD;
    }
    /* §3.1.1.1: the descriptor sizes the rest of the header */
    if ((g = get(r, *off + 4, 1, h + 4)) != GOT_OK)
        return g == GOT_IO ? WALK_IO : WALK_TORN;
    uint8_t fhd = h[4];
    if (fhd & 0x08) {
        *why = "reserved bit set in a frame header";
        return WALK_BAD;
    }
    static const uint8_t did_size[4] = { 0, 1, 2, 4 };
    static const uint8_t fcs_size[4] = { 0, 2, 4, 8 };
    bool single = fhd & 0x20;
    size_t hdr = 5 + !single + did_size[fhd & 3] + fcs_size[fhd >> 6] +
                 (single && !(fhd >> 6)); /* single segment: FCS at least 1 */
    uint64_t pos = *off + hdr;
    for (;;) {
        /* §3.1.1.2: 3-byte block header: last flag, type, size */
        if ((g = get(r, pos, 3, h)) != GOT_OK)
            return g == GOT_IO ? WALK_IO : WALK_TORN;
        uint32_t bh = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16;
        uint32_t type = bh >> 1 & 3, bsize = bh >> 3;
        if (type == 3 || bsize > BLOCK_MAX) {
            *why = type == 3 ? "reserved block type" : "block larger than 128 KiB";
            return WALK_BAD;
        }
        pos += 3 + (type == 1 ? 1 : bsize); /* RLE: one byte, repeated */
        if (bh & 1)
            break;
    }
    pos += (fhd & 0x04) ? 4 : 0; /* content checksum */
    if (pos > r->size)
        return WALK_TORN;
    *off = pos;
    return WALK_WHOLE;
}

enum lt_err lt_zst_cut_torn(const char *path, uint64_t *new_len,
                            char *msg, size_t msg_cap)
{
    *new_len = 0;
    struct reader *r = lt_malloc(sizeof *r);
    if (!r)
        return LT_E_NOMEM;
    enum lt_err e = LT_OK;
    r->fd = open(path, O_RDWR | O_CLOEXEC);
    r->buf_off = 0;
    r->buf_len = 0;
    struct stat st;
    if (r->fd < 0 || fstat(r->fd, &st) != 0) {
        snprintf(msg, msg_cap, "cannot open '%s': %s", path, strerror(errno));
        e = LT_E_IO;
        goto out;
    }
    r->size = (uint64_t)st.st_size;
    uint64_t off = 0;
    const char *why = NULL;
    enum walk w = WALK_WHOLE;
    while (off < r->size && (w = frame(r, &off, &why)) == WALK_WHOLE)
        ;
    if (w == WALK_BAD) {
        snprintf(msg, msg_cap, "'%s': %s at offset %llu; left as it is", path, why,
                 (unsigned long long)off);
        e = LT_E_MALFORMED;
    } else if (w == WALK_IO) {
        snprintf(msg, msg_cap, "cannot read '%s': %s", path, strerror(errno));
        e = LT_E_IO;
    } else if (off < r->size && ftruncate(r->fd, (off_t)off) != 0) {
        snprintf(msg, msg_cap, "cannot truncate '%s': %s", path, strerror(errno));
        e = LT_E_IO;
    } else {
        *new_len = off;
    }
out:
    if (r->fd >= 0)
        close(r->fd);
    lt_free(r);
    return e;
}
