/* SPDX-License-Identifier: MIT */
/* span.h - a borrowed byte range (base layer). Never owns its bytes. */
#ifndef LT_BASE_SPAN_H
#define LT_BASE_SPAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct lt_span {
    const uint8_t *p;
    size_t len;
};

static inline struct lt_span lt_span_make(const void *p, size_t len)
{
    struct lt_span s = { (const uint8_t *)p, len };
    return s;
}

static inline struct lt_span lt_span_cstr(const char *s)
{
    return lt_span_make(s, strlen(s));
}

/* 1 when a and b hold the same bytes. */
static inline int lt_span_eq(struct lt_span a, struct lt_span b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* 1 when a equals the NUL-terminated s, ASCII case-insensitively. */
int lt_span_ieq_cstr(struct lt_span a, const char *s);

#endif
