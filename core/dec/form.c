/* SPDX-License-Identifier: MIT */
/*
 * form.c - `k=v&k=v` and `k=v##k=v` pair iteration and plausibility (dec
 * layer). Separators are found with memchr; no byte is copied.
 */
#include "form.h"

#include <string.h>

/* The end of the pair starting at off (exclusive) and where the next one
   starts (past the separator; n at the end). */
static void pair_end(const uint8_t *p, size_t n, size_t off,
                     enum lt_form_style style, size_t *end, size_t *next)
{
    if (style == LT_FORM_AMP) {
        const uint8_t *q = memchr(p + off, '&', n - off);
        *end = q ? (size_t)(q - p) : n;
        *next = q ? *end + 1 : n;
        return;
    }
    size_t i = off;
    for (;;) {
        const uint8_t *q = i < n ? memchr(p + i, '#', n - i) : NULL;
        if (!q) {
            *end = *next = n;
            return;
        }
        i = (size_t)(q - p);
        if (i + 1 < n && p[i + 1] == '#') {
            *end = i;
            *next = i + 2;
            return;
        }
        i++;
    }
}

void lt_form_iter_init(struct lt_form_iter *it, const uint8_t *src, size_t n,
                       enum lt_form_style style)
{
    it->p = src;
    it->n = n;
    it->off = 0;
    it->style = style;
}

bool lt_form_next(struct lt_form_iter *it, struct lt_span *name,
                  struct lt_span *value)
{
    while (it->off < it->n) {
        size_t end, next;
        pair_end(it->p, it->n, it->off, it->style, &end, &next);
        const size_t a = it->off;
        it->off = next;
        if (end == a)
            continue; /* `&&` or a trailing separator */
        const uint8_t *eq = memchr(it->p + a, '=', end - a);
        const size_t name_end = eq ? (size_t)(eq - it->p) : end;
        *name = lt_span_make(it->p + a, name_end - a);
        const size_t v = eq ? name_end + 1 : end;
        *value = lt_span_make(it->p + v, end - v);
        return true;
    }
    return false;
}

static bool is_name_byte(uint8_t c)
{
    if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        return true;
    switch (c) {
    case '_': case '-': case '.': case '$': case '[': case ']': case '%':
    case '+': case ':':
        return true;
    }
    return false;
}

bool lt_form_plausible(const uint8_t *src, size_t n, enum lt_form_style style,
                       bool allow_single)
{
    const uint8_t *eq = n ? memchr(src, '=', n) : NULL;
    if (!eq)
        return false;
    /* "eyJhIjoxfQ==": base64 padding, not an empty value */
    size_t k = (size_t)(eq - src);
    while (k < n && src[k] == '=')
        k++;
    if (k == n)
        return false;
    size_t off = 0, n_pairs = 0;
    bool has_sep = false;
    while (off < n) {
        size_t end, next;
        pair_end(src, n, off, style, &end, &next);
        has_sep |= next < n || end < next; /* a separator was consumed */
        const size_t a = off;
        off = next;
        if (end == a)
            continue;
        size_t i = a;
        while (i < end && src[i] != '=') {
            if (!is_name_byte(src[i]))
                return false;
            i++;
        }
        if (i == a || i - a > LT_FORM_MAX_NAME_LEN)
            return false;
        if (i == end && style == LT_FORM_HASH2)
            return false;
        /* Values: no control bytes; AMP text would encode a space. */
        for (i++; i < end; i++) {
            const uint8_t c = src[i];
            if (c < 0x20 || c == 0x7f || (c == ' ' && style == LT_FORM_AMP))
                return false;
        }
        n_pairs++;
    }
    if (style == LT_FORM_HASH2)
        return has_sep;
    return n_pairs >= 2 || (n_pairs == 1 && allow_single);
}
