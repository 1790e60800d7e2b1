/* SPDX-License-Identifier: MIT */
/*
 * multipart.c - multipart/form-data part iteration (RFC 7578, RFC 2046
 * §5.1.1) (dec layer). Spans into the body; nothing is copied.
 *
 * A delimiter is "--" boundary at the start of the body or of a line,
 * followed by optional spaces/tabs and a line break ("--" after it closes
 * the body). A "--boundary" not at a line start, or followed by other text
 * on its line, is body data. Line breaks may be CRLF or bare LF (some
 * hand-written clients); the line break before a delimiter belongs to the
 * delimiter, so a part's body ends before it. A preamble before the first
 * delimiter is skipped, an epilogue after the closing one ignored.
 *
 * Not done: header folding (obsolete), RFC 2231/5987 `filename*=`,
 * backslash unescaping in quoted names (the span keeps the escapes),
 * nested multipart/mixed (a part body is returned as is).
 */
#include "multipart.h"

#include <string.h>

static bool is_lws(uint8_t c) { return c == ' ' || c == '\t'; }

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

static bool ieq(const uint8_t *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    if (n != k)
        return false;
    for (size_t i = 0; i < k; i++)
        if (lower(p[i]) != (uint8_t)s[i])
            return false;
    return true;
}

/*
 * Find parameter `name` in a header value's `; a=b; c="d"` list, starting
 * at p[0] (the media type or disposition type comes first and is skipped
 * up to the first `;`). Quoted values may contain `;` and backslash
 * escapes (the returned span keeps them). false when absent.
 */
static bool find_param(const uint8_t *p, size_t n, const char *name,
                       struct lt_span *val)
{
    size_t i = 0;
    bool in_quote = false;
    /* skip the type */
    for (; i < n; i++) {
        if (p[i] == '"')
            in_quote = !in_quote;
        else if (p[i] == ';' && !in_quote)
            break;
    }
    while (i < n) {
        i++; /* the `;` */
        while (i < n && (is_lws(p[i]) || p[i] == ';'))
            i++;
        const size_t a = i;
        while (i < n && p[i] != '=' && p[i] != ';' && !is_lws(p[i]))
            i++;
        const size_t name_end = i;
        while (i < n && is_lws(p[i]))
            i++;
        struct lt_span v = { p + i, 0 };
        if (i < n && p[i] == '=') {
            i++;
            while (i < n && is_lws(p[i]))
                i++;
            if (i < n && p[i] == '"') {
                const size_t vs = ++i;
                while (i < n && p[i] != '"') {
                    if (p[i] == '\\' && i + 1 < n)
                        i++;
                    i++;
                }
                v = lt_span_make(p + vs, (i < n ? i : n) - vs);
                if (i < n)
                    i++;
            } else {
                const size_t vs = i;
                while (i < n && p[i] != ';' && !is_lws(p[i]))
                    i++;
                v = lt_span_make(p + vs, i - vs);
            }
        }
        if (ieq(p + a, name_end - a, name)) {
            *val = v;
            return true;
        }
        /* skip to the next `;` outside quotes */
        in_quote = false;
        for (; i < n; i++) {
            if (p[i] == '"')
                in_quote = !in_quote;
            else if (p[i] == ';' && !in_quote)
                break;
        }
    }
    return false;
}

bool lt_multipart_boundary(struct lt_span content_type, struct lt_span *boundary)
{
    struct lt_span b;
    /* RFC 2046 §5.1.1: 1 to 70 characters; longer ones are accepted (they
       cost nothing) but an empty one cannot delimit anything. */
    if (!find_param(content_type.p, content_type.len, "boundary", &b) ||
        b.len == 0)
        return false;
    *boundary = b;
    return true;
}

/*
 * Is there a delimiter at p[i] ("--" boundary)? On success *next is where
 * the following part's headers start (past the line break; n when the
 * body ends there) and *is_close tells a closing delimiter.
 */
static bool delim_at(const struct lt_multipart_iter *it, size_t i,
                     size_t *next, bool *is_close)
{
    const uint8_t *p = it->p;
    const size_t n = it->n, bl = it->boundary.len;
    if (n - i < 2 + bl || p[i] != '-' || p[i + 1] != '-' ||
        memcmp(p + i + 2, it->boundary.p, bl) != 0)
        return false;
    i += 2 + bl;
    *is_close = n - i >= 2 && p[i] == '-' && p[i + 1] == '-';
    if (*is_close) {
        *next = n;
        return true;
    }
    while (i < n && is_lws(p[i]))
        i++;
    if (i == n) { /* cut right after the delimiter */
        *next = n;
        return true;
    }
    if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
        i++;
    if (p[i] != '\n')
        return false;
    *next = i + 1;
    return true;
}

/* The first delimiter at a line start at or after `from` (which must be a
   line start); *at is where it starts (p + *at is "--boundary"). */
static bool find_delim(const struct lt_multipart_iter *it, size_t from,
                       size_t *at, size_t *next, bool *is_close)
{
    const uint8_t *p = it->p;
    const size_t n = it->n;
    size_t i = from;
    for (;;) {
        if (i < n && delim_at(it, i, next, is_close)) {
            *at = i;
            return true;
        }
        const uint8_t *q = i < n ? memchr(p + i, '\n', n - i) : NULL;
        if (!q)
            return false;
        i = (size_t)(q - p) + 1;
    }
}

void lt_multipart_init(struct lt_multipart_iter *it, const uint8_t *body,
                       size_t n, struct lt_span boundary)
{
    it->p = body;
    it->n = n;
    it->off = 0;
    it->boundary = boundary;
    it->done = true;
    size_t at, next;
    bool is_close;
    if (boundary.len == 0 || !find_delim(it, 0, &at, &next, &is_close) ||
        is_close)
        return;
    it->off = next;
    it->done = next >= n;
}

/* Parse the part header line [a, b) (without its line break). */
static void part_header(const uint8_t *p, size_t a, size_t b,
                        struct lt_multipart_part *part)
{
    const uint8_t *colon = memchr(p + a, ':', b - a);
    if (!colon)
        return;
    size_t name_end = (size_t)(colon - p), v = name_end + 1;
    while (name_end > a && is_lws(p[name_end - 1]))
        name_end--;
    while (v < b && is_lws(p[v]))
        v++;
    while (b > v && is_lws(p[b - 1]))
        b--;
    if (ieq(p + a, name_end - a, "content-disposition")) {
        struct lt_span s;
        if (find_param(p + v, b - v, "name", &s))
            part->name = s;
        if (find_param(p + v, b - v, "filename", &s))
            part->filename = s;
    } else if (ieq(p + a, name_end - a, "content-type")) {
        part->content_type = lt_span_make(p + v, b - v);
    }
}

bool lt_multipart_next(struct lt_multipart_iter *it, struct lt_multipart_part *part)
{
    if (it->done)
        return false;
    const uint8_t *p = it->p;
    const size_t n = it->n;
    size_t i = it->off;
    memset(part, 0, sizeof *part);
    part->name = part->filename = part->content_type = lt_span_make(p + i, 0);
    /* Part headers up to an empty line (RFC 2046 §5.1.1; RFC 7578 §4.2) */
    for (;;) {
        const uint8_t *q = memchr(p + i, '\n', n - i);
        if (!q) {
            /* cut inside the headers: no body to return */
            it->done = true;
            return false;
        }
        const size_t eol = (size_t)(q - p);
        const size_t line_end = eol > i && p[eol - 1] == '\r' ? eol - 1 : eol;
        if (line_end == i) {
            i = eol + 1;
            break;
        }
        part_header(p, i, line_end, part);
        i = eol + 1;
    }
    const size_t body = i;
    /* The body ends at the line break before the next delimiter. The
       search starts at body, a line start: an empty body may have its
       delimiter right after the blank line (lenient writers). */
    size_t at, next;
    bool is_close;
    if (!find_delim(it, body, &at, &next, &is_close)) {
        part->body = lt_span_make(p + body, n - body); /* cut off: as is */
        it->done = true;
        it->off = n;
        return true;
    }
    size_t end = at;
    if (end > body && p[end - 1] == '\n')
        end--;
    if (end > body && p[end - 1] == '\r')
        end--;
    part->body = lt_span_make(p + body, end - body);
    it->off = next;
    it->done = is_close || next >= n;
    return true;
}
