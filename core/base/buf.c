/* SPDX-License-Identifier: MIT */
#include "buf.h"

#include <string.h>

#include "alloc.h"

void lt_buf_init(struct lt_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

enum lt_err lt_buf_reserve(struct lt_buf *b, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return LT_E_LIMIT;
    size_t need = b->len + n;
    if (need <= b->cap)
        return LT_OK;
    /* double, but never past max: the cap is the point of this type */
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap = ncap > b->max / 2 ? b->max : ncap * 2;
    if (ncap < need)
        ncap = need;
    uint8_t *np = lt_realloc(b->p, ncap);
    if (!np)
        return LT_E_NOMEM;
    b->p = np;
    b->cap = ncap;
    return LT_OK;
}

enum lt_err lt_buf_append(struct lt_buf *b, const void *src, size_t n)
{
    if (n == 0)
        return LT_OK;
    LT_TRY(lt_buf_reserve(b, n));
    memcpy(b->p + b->len, src, n);
    b->len += n;
    return LT_OK;
}

void lt_buf_consume(struct lt_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
}

void lt_buf_release(struct lt_buf *b)
{
    lt_free(b->p);
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}
