/* SPDX-License-Identifier: MIT */
/*
 * buf.h - a growable byte buffer with a hard cap (base layer).
 * Every buffer in core/ that grows with input is an lt_buf: growth past
 * max returns LT_E_LIMIT and leaves the contents as they were.
 */
#ifndef LT_BASE_BUF_H
#define LT_BASE_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct lt_buf {
    uint8_t *p;     /* owned; NULL until the first growth */
    size_t len;     /* bytes in use */
    size_t cap;     /* bytes allocated */
    size_t max;     /* cap on cap: growth beyond it is LT_E_LIMIT */
};

/* Prepare an empty buffer that may grow to max bytes; allocates nothing. */
void lt_buf_init(struct lt_buf *b, size_t max);
/* Make room for n more bytes. LT_OK, LT_E_LIMIT (len + n > max) or LT_E_NOMEM. */
enum lt_err lt_buf_reserve(struct lt_buf *b, size_t n);
/* Append n bytes (copied). Same codes as lt_buf_reserve; nothing appended on error. */
enum lt_err lt_buf_append(struct lt_buf *b, const void *src, size_t n);
/* Drop the first n bytes (n <= len), keeping capacity. */
void lt_buf_consume(struct lt_buf *b, size_t n);
/* Empty the buffer, keeping capacity. */
static inline void lt_buf_reset(struct lt_buf *b) { b->len = 0; }
/* Free the storage; the buffer stays usable (empty, same max). */
void lt_buf_release(struct lt_buf *b);

#endif
