/* SPDX-License-Identifier: MIT */
#include "tb_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void grow(struct tb_buf *b, size_t n)
{
    if (b->len + n <= b->cap)
        return;
    size_t ncap = b->cap ? b->cap * 2 : 256;
    while (ncap < b->len + n)
        ncap *= 2;
    b->p = realloc(b->p, ncap);
    if (!b->p)
        abort();
    b->cap = ncap;
}

void tb_buf_put(struct tb_buf *b, const void *src, size_t n)
{
    grow(b, n);
    if (n)
        memcpy(b->p + b->len, src, n);
    b->len += n;
}

void tb_buf_puts(struct tb_buf *b, const char *s)
{
    tb_buf_put(b, s, strlen(s));
}

void tb_buf_printf(struct tb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    grow(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void tb_buf_u8(struct tb_buf *b, uint8_t v) { tb_buf_put(b, &v, 1); }

void tb_buf_be16(struct tb_buf *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };
    tb_buf_put(b, x, 2);
}

void tb_buf_be32(struct tb_buf *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                     (uint8_t)v };
    tb_buf_put(b, x, 4);
}

void tb_buf_le16(struct tb_buf *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    tb_buf_put(b, x, 2);
}

void tb_buf_le32(struct tb_buf *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                     (uint8_t)(v >> 24) };
    tb_buf_put(b, x, 4);
}

void tb_buf_zero(struct tb_buf *b, size_t n)
{
    grow(b, n);
    memset(b->p + b->len, 0, n);
    b->len += n;
}

bool tb_buf_eq(const struct tb_buf *a, const struct tb_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

void tb_buf_release(struct tb_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void tb_buf_write_file(const struct tb_buf *b, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f || (b->len && fwrite(b->p, 1, b->len, f) != b->len) || fclose(f) != 0) {
        fprintf(stderr, "tb_buf_write_file: cannot write '%s'\n", path);
        abort();
    }
}

const char *tb_tempdir(const char *tag)
{
    static char path[512];
    const char *base = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/lt-%s-XXXXXX", base ? base : "/tmp", tag);
    if (!mkdtemp(path))
        abort();
    return path;
}
