/* SPDX-License-Identifier: MIT */
#include "pieces.h"

#include <string.h>

#include "../dec/base64.h"
#include "../dec/form.h"
#include "../dec/hex.h"
#include "../dec/multipart.h"
#include "../dec/percent.h"

#define NAME_MAX_LEN 128 /* header and cookie names kept in a chain */

static bool starts_with_ci(struct lt_span s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (s.len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s.p[i];
        if (c >= 'A' && c <= 'Z')
            c += 32;
        if (c != (uint8_t)prefix[i])
            return false;
    }
    return true;
}

static bool contains_ci(struct lt_span s, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= s.len; i++)
        if (starts_with_ci(lt_span_make(s.p + i, s.len - i), needle))
            return true;
    return false;
}

struct lt_span lt_http_target_path(struct lt_span t)
{
    size_t start = 0;
    /* absolute-form (proxies): skip "scheme://authority" */
    if (t.len && t.p[0] != '/') {
        const uint8_t *sep = memchr(t.p, ':', t.len);
        if (sep && (size_t)(sep - t.p) + 3 <= t.len && sep[1] == '/' && sep[2] == '/') {
            start = (size_t)(sep - t.p) + 3;
            while (start < t.len && t.p[start] != '/' && t.p[start] != '?')
                start++;
        }
    }
    size_t end = start;
    while (end < t.len && t.p[end] != '?' && t.p[end] != '#')
        end++;
    return lt_span_make(t.p + start, end - start);
}

static void path_pieces(struct lt_unwrap *u, struct lt_span path,
                        lt_piece_cb cb, void *ud)
{
    struct lt_step step = { LT_STEP_URL, { NULL, 0 } };
    struct lt_span none = { NULL, 0 };
    if (!path.len)
        return;
    /* the whole path is scanned as sent; segments that look encoded are
       decoded on their own (their undecoded copy is the same leak as the
       whole path's, and the writer keeps one) */
    lt_unwrap_field(u, path, &step, 1, none, LT_HINT_OPAQUE, none, cb, ud);
    size_t i = 0;
    while (i < path.len) {
        size_t j = i;
        while (j < path.len && path.p[j] != '/' && path.p[j] != ';')
            j++;
        struct lt_span seg = lt_span_make(path.p + i, j - i);
        bool url;
        if (seg.len >= 8 && (lt_b64_plausible(seg.p, seg.len, 8, &url) ||
                             lt_hex_plausible(seg.p, seg.len, 16) ||
                             lt_pct_plausible(seg.p, seg.len)))
            lt_unwrap_field(u, seg, &step, 1, none, LT_HINT_NONE, none, cb, ud);
        i = j + 1;
    }
}

static void query_pieces(struct lt_unwrap *u, struct lt_span target,
                         lt_piece_cb cb, void *ud)
{
    const uint8_t *q = memchr(target.p, '?', target.len);
    if (!q)
        return;
    size_t off = (size_t)(q - target.p) + 1;
    size_t end = off;
    while (end < target.len && target.p[end] != '#')
        end++;
    struct lt_form_iter it;
    struct lt_span name, value, none = { NULL, 0 };
    uint8_t nbuf[NAME_MAX_LEN];
    lt_form_iter_init(&it, target.p + off, end - off, LT_FORM_AMP);
    while (lt_form_next(&it, &name, &value)) {
        size_t nl = 0, vl = 0;
        size_t ncap = name.len < sizeof nbuf ? name.len : sizeof nbuf;
        lt_pct_decode(nbuf, ncap, name.p, ncap, true, &nl);
        if (!value.len)
            continue;
        /* the decoded value lives in the message's decoding budget */
        size_t mark = u->top;
        uint8_t *vbuf = lt_unwrap_push(u, value.len);
        if (!vbuf)
            return;
        lt_pct_decode(vbuf, value.len, value.p, value.len, true, &vl);
        struct lt_step step = { LT_STEP_QUERY, { nbuf, nl } };
        lt_unwrap_field(u, lt_span_make(vbuf, vl), &step, 1,
                        lt_span_make(nbuf, nl), LT_HINT_NONE, none, cb, ud);
        lt_unwrap_pop(u, mark);
    }
}

static void cookie_pieces(struct lt_unwrap *u, struct lt_span v,
                          lt_piece_cb cb, void *ud)
{
    struct lt_span none = { NULL, 0 };
    size_t i = 0;
    while (i < v.len) {
        while (i < v.len && (v.p[i] == ' ' || v.p[i] == ';'))
            i++;
        size_t j = i;
        while (j < v.len && v.p[j] != ';')
            j++;
        const uint8_t *eq = memchr(v.p + i, '=', j - i);
        if (eq) {
            struct lt_span name = lt_span_make(v.p + i, (size_t)(eq - v.p) - i);
            struct lt_span val = lt_span_make(eq + 1, (size_t)(v.p + j - eq - 1));
            if (name.len > NAME_MAX_LEN)
                name.len = NAME_MAX_LEN;
            /* RFC 6265 allows a quoted value */
            if (val.len >= 2 && val.p[0] == '"' && val.p[val.len - 1] == '"')
                val = lt_span_make(val.p + 1, val.len - 2);
            struct lt_step step = { LT_STEP_COOKIE, name };
            if (val.len)
                lt_unwrap_field(u, val, &step, 1, name, LT_HINT_NONE, none, cb, ud);
        }
        i = j + 1;
    }
}

static void header_pieces(struct lt_unwrap *u, const struct lt_http_request *r,
                          lt_piece_cb cb, void *ud)
{
    struct lt_span none = { NULL, 0 };
    uint8_t lname[NAME_MAX_LEN];
    for (uint32_t i = 0; i < r->n_headers; i++) {
        const struct lt_http_header *h = &r->headers[i];
        if (lt_span_ieq_cstr(h->name, "cookie")) {
            cookie_pieces(u, h->value, cb, ud);
            continue;
        }
        if (!h->value.len)
            continue;
        size_t n = h->name.len < sizeof lname ? h->name.len : sizeof lname;
        for (size_t k = 0; k < n; k++) {
            uint8_t c = h->name.p[k];
            lname[k] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
        }
        struct lt_step step = { LT_STEP_HEADER, { lname, n } };
        /* framing headers carry no payload worth decoding */
        enum lt_hint hint = LT_HINT_NONE;
        if (lt_span_ieq_cstr(h->name, "host") ||
            lt_span_ieq_cstr(h->name, "content-length") ||
            lt_span_ieq_cstr(h->name, "content-type") ||
            lt_span_ieq_cstr(h->name, "content-encoding") ||
            lt_span_ieq_cstr(h->name, "transfer-encoding") ||
            lt_span_ieq_cstr(h->name, "accept-encoding") ||
            lt_span_ieq_cstr(h->name, "connection"))
            hint = LT_HINT_OPAQUE;
        lt_unwrap_field(u, h->value, &step, 1, lt_span_make(lname, n), hint,
                        none, cb, ud);
    }
}

static struct lt_span header_value(const struct lt_http_request *r,
                                   const char *name)
{
    for (uint32_t i = 0; i < r->n_headers; i++)
        if (lt_span_ieq_cstr(r->headers[i].name, name))
            return r->headers[i].value;
    return lt_span_make(NULL, 0);
}

/* The Content-Encoding steps the parser undid, outermost first: the coding
   applied last is undone first ("gzip, br" -> br, then gzip). */
static size_t encoding_steps(const struct lt_http_request *r,
                             struct lt_step *steps, size_t max)
{
    if (!(r->flags & LT_HTTP_BODY_DECODED))
        return 0;
    struct lt_span v = r->raw_body_encoding;
    enum lt_step_kind kinds[8];
    size_t n = 0, i = 0;
    while (i < v.len && n < 8) {
        while (i < v.len && (v.p[i] == ' ' || v.p[i] == ','))
            i++;
        size_t j = i;
        while (j < v.len && v.p[j] != ',' && v.p[j] != ' ')
            j++;
        struct lt_span tok = lt_span_make(v.p + i, j - i);
        if (lt_span_ieq_cstr(tok, "gzip") || lt_span_ieq_cstr(tok, "x-gzip"))
            kinds[n++] = LT_STEP_GZIP;
        else if (lt_span_ieq_cstr(tok, "deflate"))
            kinds[n++] = LT_STEP_DEFLATE;
        else if (lt_span_ieq_cstr(tok, "br"))
            kinds[n++] = LT_STEP_BR;
        else if (lt_span_ieq_cstr(tok, "zstd"))
            kinds[n++] = LT_STEP_ZSTD;
        i = j;
    }
    size_t out = 0;
    while (n > 0 && out < max) {
        steps[out].kind = kinds[--n];
        steps[out].name = lt_span_make(NULL, 0);
        out++;
    }
    return out;
}

static void body_pieces(struct lt_unwrap *u, const struct lt_http_request *r,
                        lt_piece_cb cb, void *ud)
{
    struct lt_step steps[9] = { { LT_STEP_BODY, { NULL, 0 } } };
    size_t n = 1 + encoding_steps(r, steps + 1, 8);
    for (size_t i = 1; i < n; i++)
        u->st->decode_steps[steps[i].kind]++;
    struct lt_span ct = header_value(r, "content-type");
    struct lt_span boundary = { NULL, 0 }, none = { NULL, 0 };
    enum lt_hint hint = LT_HINT_NONE;
    if (starts_with_ci(ct, "application/x-www-form-urlencoded"))
        hint = LT_HINT_FORM;
    else if (starts_with_ci(ct, "multipart/") && lt_multipart_boundary(ct, &boundary))
        hint = LT_HINT_MULTIPART;
    else if (contains_ci(ct, "json"))
        hint = LT_HINT_JSON;
    lt_unwrap_field(u, r->body, steps, n, none, hint, boundary, cb, ud);
}

void lt_http_pieces(struct lt_unwrap *u, const struct lt_http_request *req,
                    lt_piece_cb cb, void *ud)
{
    path_pieces(u, lt_http_target_path(req->target), cb, ud);
    query_pieces(u, req->target, cb, ud);
    header_pieces(u, req, cb, ud);
    if (req->body.len)
        body_pieces(u, req, cb, ud);
}
