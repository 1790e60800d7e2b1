/* SPDX-License-Identifier: MIT */
/*
 * har.c - HAR 1.2 documents as HTTP requests (http layer; base/, dec/base64).
 *
 * Two passes over the document, no allocation. Pass 1 validates the whole
 * text as JSON (RFC 8259, with dec/json_lex.h, the lexer of dec/json.c:
 * control bytes in strings, bad escapes, leading zeros, trailing commas are
 * errors; invalid UTF-8 passes) with an explicit nesting stack of 1024
 * levels. Only a valid
 * document reaches pass 2, so a failed parse makes no callback. Pass 2 is a
 * structural walk: find the first "log" member of the top object, its
 * first "entries" member, then read every element of that array (the
 * scans stop there, so pass 2 reads the document about once). Inside an entry
 * the members we want are located first (offsets, last duplicate wins, as
 * in JavaScript) and then read in a fixed order, so member order in the
 * file does not matter; everything else (responses, timings, cache) is
 * skipped by the same scanner that validated it.
 *
 * dec/json.h's lt_json_walk is not used: it reports scalars only (an empty
 * entries array or an entry without scalars would be invisible), and it
 * needs scratch for every escaped string of the whole document up front,
 * so one large escaped response body would fail the whole file instead of
 * costing one entry.
 *
 * Scratch layout, per entry (reset for each): [ strings -> ... <- headers ].
 * Strings that contain escapes are unescaped at the front (strings without
 * escapes are spans into the input); the header array grows down from the
 * aligned end and is reversed into document order before the callback. An
 * entry whose strings and headers do not fit is skipped and counted.
 *
 * Mapping (SPEC §4: frame = 1-based entry index, no flow fields):
 *   method      request.method (empty if missing)
 *   target      path and query of request.url: from the first '/' after
 *               "scheme://authority", fragment dropped; "/" when there is
 *               no path ("http://h?q" -> "/?q")
 *   version     request.httpVersion, "HTTP/1.1" when missing or empty
 *   headers     request.headers[] {name, value} in order; HTTP/2 pseudo
 *               headers (":authority", ":path", ...) are left out. Then
 *               request.cookies[] as one "Cookie: a=b; c=d" header when no
 *               Cookie header was listed, then postData.mimeType as a
 *               "Content-Type" header when none was listed.
 *   host        the first Host header (if not empty), else ":authority",
 *               else the URL's authority without userinfo (port kept, as
 *               tshark shows it)
 *   body        postData.text; base64-decoded when postData.encoding is
 *               "base64" (if that fails the text is kept and the request
 *               has LT_HTTP_BODY_UNDECODED). postData.params without text
 *               are not turned into a body.
 *   ts_ns       startedDateTime, ISO 8601 (see parse_time)
 * Entries that are not objects, or have no request object or no string
 * url, are skipped and counted. Literal spans ("HTTP/1.1", "Cookie", "/")
 * point to static storage.
 */
#include "har.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../dec/base64.h"
#include "../dec/json_lex.h"

/* Nesting cap of the validator (bit stack); HAR needs about 8 levels. */
#define HAR_MAX_DEPTH 1024
#define NONE ((size_t)-1)

struct cur {
    const uint8_t *p;
    size_t n, i;
};

static void ws(struct cur *c)
{
    c->i = lt_json_lex_ws(c->p, c->n, c->i);
}

/*
 * The string whose opening quote is at c->i: *raw = its bytes between the
 * quotes (escapes not undone), *has_esc = whether it has any. Leaves c->i
 * past the closing quote. false: not a valid JSON string (RFC 8259 §7).
 */
static bool str_scan(struct cur *c, struct lt_span *raw, bool *has_esc)
{
    size_t len;
    const size_t end =
        lt_json_lex_string(c->p, c->n, c->i, NULL, 0, &len, has_esc);
    if (!end)
        return false;
    *raw = lt_span_make(c->p + c->i + 1, end - c->i - 2);
    c->i = end;
    return true;
}

/*
 * Undo the escapes of raw, the content of a string str_scan accepted (so
 * its quotes are at raw.p[-1] and raw.p[raw.len]), into dst[0..cap): the
 * number of bytes written, or NONE when they do not fit. Surrogate pairs
 * combine, a lone surrogate is U+FFFD (dec/json_lex.h). The result is
 * never longer than the input.
 */
static size_t unescape(uint8_t *dst, size_t cap, struct lt_span raw)
{
    size_t len;
    bool esc;
    if (!lt_json_lex_string(raw.p - 1, raw.len + 2, 0, dst, cap, &len, &esc))
        return NONE; /* not reached for scanned strings */
    if (!esc) {
        if (len > cap)
            return NONE;
        memcpy(dst, raw.p, len);
    }
    return len <= cap ? len : NONE;
}

/* RFC 8259 §6 number at c->i; leaves c->i past it. */
static bool num_scan(struct cur *c)
{
    const size_t end = lt_json_lex_number(c->p, c->n, c->i);
    if (!end)
        return false;
    c->i = end;
    return true;
}

/*
 * Skip (and validate) the value starting at or after c->i, leaving c->i
 * just past it. LT_OK, LT_E_MALFORMED (c->i near the offending byte) or
 * LT_E_LIMIT (nested deeper than HAR_MAX_DEPTH). Iterative: the kind of
 * each open container is one bit of a fixed stack.
 */
static enum lt_err skip_value(struct cur *c)
{
    uint64_t is_obj[HAR_MAX_DEPTH / 64];
    const uint8_t *p = c->p;
    const size_t n = c->n;
    size_t depth = 0;
    struct lt_span raw;
    bool esc, obj;

value:
    ws(c);
    if (c->i >= n)
        return LT_E_MALFORMED;
    switch (p[c->i]) {
    case '{':
    case '[':
        if (depth >= HAR_MAX_DEPTH)
            return LT_E_LIMIT;
        obj = p[c->i] == '{';
        if (obj)
            is_obj[depth / 64] |= 1ull << (depth % 64);
        else
            is_obj[depth / 64] &= ~(1ull << (depth % 64));
        depth++;
        c->i++;
        ws(c);
        if (c->i < n && p[c->i] == (obj ? '}' : ']')) {
            c->i++;
            depth--;
            goto after;
        }
        if (obj)
            goto member;
        goto value;
    case '"':
        if (!str_scan(c, &raw, &esc))
            return LT_E_MALFORMED;
        goto after;
    default: {
        /* true, false, null or a number */
        size_t end = lt_json_lex_literal(p, n, c->i);
        if (!end)
            end = lt_json_lex_number(p, n, c->i);
        if (!end)
            return LT_E_MALFORMED;
        c->i = end;
        goto after;
    }
    }

member:
    if (c->i >= n || p[c->i] != '"' || !str_scan(c, &raw, &esc))
        return LT_E_MALFORMED;
    ws(c);
    if (c->i >= n || p[c->i] != ':')
        return LT_E_MALFORMED;
    c->i++;
    goto value;

after:
    if (depth == 0)
        return LT_OK;
    ws(c);
    if (c->i >= n)
        return LT_E_MALFORMED;
    obj = is_obj[(depth - 1) / 64] >> ((depth - 1) % 64) & 1;
    if (p[c->i] == ',') {
        c->i++;
        ws(c);
        if (obj)
            goto member;
        goto value;
    }
    if (p[c->i] != (obj ? '}' : ']'))
        return LT_E_MALFORMED;
    c->i++;
    depth--;
    goto after;
}

/*
 * Pass 2 iterators over a validated document. obj_next: c->i just inside
 * the object or after a member's value; 1 = a member, *key its raw name,
 * c->i at its value (which the caller must consume); 0 = end of the object
 * (consumed). arr_next likewise for array elements. Out-of-shape bytes
 * (impossible after validation) end the container.
 */
static int obj_next(struct cur *c, struct lt_span *key, bool *kesc)
{
    ws(c);
    if (c->i < c->n && c->p[c->i] == ',') {
        c->i++;
        ws(c);
    }
    if (c->i >= c->n || c->p[c->i] != '"' || !str_scan(c, key, kesc)) {
        if (c->i < c->n)
            c->i++;
        return 0;
    }
    ws(c);
    if (c->i >= c->n || c->p[c->i] != ':')
        return 0;
    c->i++;
    ws(c);
    return c->i < c->n;
}

static int arr_next(struct cur *c)
{
    ws(c);
    if (c->i < c->n && c->p[c->i] == ',') {
        c->i++;
        ws(c);
    }
    if (c->i >= c->n)
        return 0;
    if (c->p[c->i] == ']') {
        c->i++;
        return 0;
    }
    return 1;
}

static bool key_is(struct lt_span k, bool esc, const char *w)
{
    const size_t wl = strlen(w);
    if (!esc)
        return k.len == wl && memcmp(k.p, w, wl) == 0;
    uint8_t tmp[32];
    const size_t m = unescape(tmp, sizeof tmp, k);
    return m == wl && memcmp(tmp, w, wl) == 0;
}

/* Byte at offset off (NONE or past the end: 0). */
static uint8_t at(const struct cur *c, size_t off)
{
    return off < c->n ? c->p[off] : 0;
}

/* Skip the value at c->i; false only for out-of-shape bytes. */
static bool skip(struct cur *c)
{
    return skip_value(c) == LT_OK;
}

/* ---- per-entry builder ------------------------------------------------ */

struct bld {
    uint8_t *sc;
    size_t front;       /* bytes used at the front */
    size_t hdr_off;     /* offset of the aligned end (header slots below) */
    uint32_t n_hdr;
    bool over;          /* something did not fit: skip the entry */
};

static size_t avail(const struct bld *b)
{
    const size_t lim =
        b->hdr_off - (size_t)b->n_hdr * sizeof(struct lt_http_header);
    return lim - b->front;
}

static struct lt_http_header *hdr_slot(const struct bld *b, uint32_t k)
{
    return (struct lt_http_header *)(void *)(b->sc + b->hdr_off) - (k + 1);
}

static void push_hdr(struct bld *b, struct lt_span name, struct lt_span value)
{
    if (b->over)
        return;
    if (avail(b) < sizeof(struct lt_http_header) || b->n_hdr == UINT32_MAX) {
        b->over = true;
        return;
    }
    struct lt_http_header *h = hdr_slot(b, b->n_hdr++);
    h->name = name;
    h->value = value;
}

/* Append bytes at the front (contiguous with what came before). */
static void put_bytes(struct bld *b, const void *s, size_t n)
{
    if (b->over || n == 0)
        return;
    if (n > avail(b)) {
        b->over = true;
        return;
    }
    memcpy(b->sc + b->front, s, n);
    b->front += n;
}

/* Append a JSON string's content, unescaped, at the front. */
static void put_str(struct bld *b, struct lt_span raw, bool esc)
{
    if (!esc) {
        put_bytes(b, raw.p, raw.len);
        return;
    }
    if (b->over)
        return;
    const size_t m = unescape(b->sc + b->front, avail(b), raw);
    if (m == NONE)
        b->over = true;
    else
        b->front += m;
}

/* A JSON string's content as a span: the input itself without escapes,
   else unescaped at the front. */
static struct lt_span str_val(struct bld *b, struct lt_span raw, bool esc)
{
    if (!esc)
        return raw;
    const size_t start = b->front;
    put_str(b, raw, esc);
    if (b->over)
        return lt_span_make(b->sc, 0);
    return lt_span_make(b->sc + start, b->front - start);
}

/* The string at offset off: true with its raw content, false if the value
   there is not a string (or off is NONE). */
static bool get_raw(struct cur *c, size_t off, struct lt_span *raw, bool *esc)
{
    if (at(c, off) != '"')
        return false;
    c->i = off;
    return str_scan(c, raw, esc);
}

static bool get_str(struct cur *c, struct bld *b, size_t off,
                    struct lt_span *out)
{
    struct lt_span raw;
    bool esc;
    if (!get_raw(c, off, &raw, &esc))
        return false;
    *out = str_val(b, raw, esc);
    return true;
}

static struct lt_span trim(struct lt_span s)
{
    while (s.len && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.len--;
    }
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
        s.len--;
    return s;
}

/* ---- startedDateTime ---------------------------------------------------- */

static bool digits(const uint8_t *p, size_t n, size_t i, size_t k, int *v)
{
    if (i > n || n - i < k)
        return false;
    int x = 0;
    for (size_t j = 0; j < k; j++) {
        if (p[i + j] < '0' || p[i + j] > '9')
            return false;
        x = x * 10 + (p[i + j] - '0');
    }
    *v = x;
    return true;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/*
 * parse_time() - "YYYY-MM-DDTHH:MM:SS[.frac][Z|+HH:MM|+HHMM|+HH]" ('T' or
 * a space; fraction digits past 9 ignored; no zone is read as UTC) to
 * nanoseconds since the epoch, UTC. 0 for anything else, and for times
 * outside int64 nanoseconds (years 1678..2262).
 */
static int64_t parse_time(struct lt_span s)
{
    const uint8_t *p = s.p;
    const size_t n = s.len;
    int y, mo, d, h, mi, se;
    if (!digits(p, n, 0, 4, &y) || n < 19 || p[4] != '-' ||
        !digits(p, n, 5, 2, &mo) || p[7] != '-' || !digits(p, n, 8, 2, &d) ||
        (p[10] != 'T' && p[10] != 't' && p[10] != ' ') ||
        !digits(p, n, 11, 2, &h) || p[13] != ':' ||
        !digits(p, n, 14, 2, &mi) || p[16] != ':' ||
        !digits(p, n, 17, 2, &se))
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return 0;
    size_t i = 19;
    int64_t frac = 0;
    if (i < n && (p[i] == '.' || p[i] == ',')) {
        i++;
        const size_t d0 = i;
        int64_t scale = 100000000;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            frac += (p[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        if (i == d0)
            return 0;
    }
    int64_t off = 0;
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
        i++;
    } else if (i < n && (p[i] == '+' || p[i] == '-')) {
        const int sign = p[i] == '-' ? -1 : 1;
        int oh, om = 0;
        if (!digits(p, n, i + 1, 2, &oh))
            return 0;
        i += 3;
        if (i < n && p[i] == ':')
            i++;
        if (i < n) {
            if (!digits(p, n, i, 2, &om))
                return 0;
            i += 2;
        }
        if (oh > 23 || om > 59)
            return 0;
        off = sign * (int64_t)(oh * 3600 + om * 60);
    }
    if (i != n)
        return 0;
    const int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 +
                         mi * 60 + se - off;
    /* int64 nanoseconds reach 2262-04-11 */
    if (secs <= -9223372036LL || secs >= 9223372036LL)
        return 0;
    return secs * 1000000000 + frac;
}

/* ---- URL ---------------------------------------------------------------- */

/*
 * Split url into authority (without userinfo) and the request target:
 * path and query, fragment dropped. *rest may be empty or start with '?'
 * ("http://h?q"): the caller makes the target "/" or "/?q".
 */
static void split_url(struct lt_span url, struct lt_span *auth,
                      struct lt_span *rest)
{
    const uint8_t *p = url.p;
    const size_t n = url.len;
    size_t a = NONE;
    /* RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
    if (n && ((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z')) {
        size_t i = 1;
        while (i < n && (((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') ||
                         (p[i] >= '0' && p[i] <= '9') || p[i] == '+' ||
                         p[i] == '-' || p[i] == '.'))
            i++;
        if (n - i >= 3 && p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/')
            a = i + 3;
    }
    if (a == NONE && n >= 2 && p[0] == '/' && p[1] == '/')
        a = 2; /* scheme-relative */
    size_t r = 0;
    *auth = lt_span_make(p, 0);
    if (a != NONE) {
        r = a;
        while (r < n && p[r] != '/' && p[r] != '?' && p[r] != '#')
            r++;
        size_t h = a;
        for (size_t k = a; k < r; k++)
            if (p[k] == '@')
                h = k + 1;
        *auth = lt_span_make(p + h, r - h);
    }
    size_t e = r;
    while (e < n && p[e] != '#')
        e++;
    *rest = lt_span_make(p + r, e - r);
}

/* ---- one entry ---------------------------------------------------------- */

struct req_off {
    size_t method, url, version, headers, cookies, post;
};

/* Locate the members of the object at c->i we care about (last wins). */
static void find_req(struct cur *c, struct req_off *o)
{
    struct lt_span k;
    bool esc;
    o->method = o->url = o->version = o->headers = o->cookies = o->post = NONE;
    c->i++;
    while (obj_next(c, &k, &esc)) {
        const size_t v = c->i;
        if (key_is(k, esc, "method"))
            o->method = v;
        else if (key_is(k, esc, "url"))
            o->url = v;
        else if (key_is(k, esc, "httpVersion"))
            o->version = v;
        else if (key_is(k, esc, "headers"))
            o->headers = v;
        else if (key_is(k, esc, "cookies"))
            o->cookies = v;
        else if (key_is(k, esc, "postData"))
            o->post = v;
        if (!skip(c))
            return;
    }
}

/*
 * The array element at c->i: when an object, the values of its "name" and
 * "value" members (last wins); c->i ends past the element. false for
 * out-of-shape bytes.
 */
static bool next_pair(struct cur *c, size_t *name, size_t *value)
{
    struct lt_span k;
    bool esc;
    *name = *value = NONE;
    if (at(c, c->i) != '{')
        return skip(c);
    c->i++;
    while (obj_next(c, &k, &esc)) {
        if (key_is(k, esc, "name"))
            *name = c->i;
        else if (key_is(k, esc, "value"))
            *value = c->i;
        if (!skip(c))
            return false;
    }
    return true;
}

struct hdr_state {
    struct lt_span host, authority;
    bool has_host, has_authority, has_cookie, has_ctype;
};

static void read_headers(struct cur *c, struct bld *b, size_t off,
                         struct hdr_state *hs)
{
    if (at(c, off) != '[')
        return;
    size_t pos = off + 1;
    for (;;) {
        c->i = pos;
        if (!arr_next(c))
            return;
        size_t n_off, v_off;
        if (!next_pair(c, &n_off, &v_off))
            return;
        pos = c->i;
        struct lt_span name, value = lt_span_make(c->p, 0);
        if (!get_str(c, b, n_off, &name) || name.len == 0)
            continue;
        const uint8_t v0 = at(c, v_off);
        if (v0 == '"') {
            get_str(c, b, v_off, &value);
        } else if (v0 == '-' || (v0 >= '0' && v0 <= '9')) {
            c->i = v_off; /* a number: its text */
            if (num_scan(c))
                value = lt_span_make(c->p + v_off, c->i - v_off);
        }
        value = trim(value);
        if (b->over)
            return;
        /* HTTP/2 pseudo-headers (RFC 9113 §8.3) are not header fields;
           :authority stands in for Host */
        if (name.p[0] == ':') {
            if (!hs->has_authority && lt_span_ieq_cstr(name, ":authority")) {
                hs->authority = value;
                hs->has_authority = true;
            }
            continue;
        }
        if (!hs->has_host && lt_span_ieq_cstr(name, "host")) {
            hs->host = value;
            hs->has_host = true;
        }
        hs->has_cookie |= lt_span_ieq_cstr(name, "cookie");
        hs->has_ctype |= lt_span_ieq_cstr(name, "content-type");
        push_hdr(b, name, value);
    }
}

/* request.cookies[] as one "a=b; c=d" header at the front. */
static void read_cookies(struct cur *c, struct bld *b, size_t off)
{
    if (at(c, off) != '[')
        return;
    const size_t start = b->front;
    size_t pos = off + 1;
    bool any = false;
    for (;;) {
        c->i = pos;
        if (!arr_next(c))
            break;
        size_t n_off, v_off;
        if (!next_pair(c, &n_off, &v_off))
            break;
        pos = c->i;
        struct lt_span nr, vr;
        bool ne, ve;
        if (!get_raw(c, n_off, &nr, &ne) || nr.len == 0)
            continue;
        if (any)
            put_bytes(b, "; ", 2);
        put_str(b, nr, ne);
        put_bytes(b, "=", 1);
        if (get_raw(c, v_off, &vr, &ve))
            put_str(b, vr, ve);
        any = true;
    }
    if (any && !b->over)
        push_hdr(b, lt_span_cstr("Cookie"),
                 lt_span_make(b->sc + start, b->front - start));
}

static bool has_url_alphabet(struct lt_span s)
{
    return memchr(s.p, '-', s.len) || memchr(s.p, '_', s.len);
}

static void read_post(struct cur *c, struct bld *b, size_t off,
                      const struct hdr_state *hs, struct lt_http_request *req)
{
    struct lt_span k, mime, text, enc;
    bool esc;
    size_t mime_off = NONE, text_off = NONE, enc_off = NONE;
    if (at(c, off) != '{')
        return;
    c->i = off + 1;
    while (obj_next(c, &k, &esc)) {
        if (key_is(k, esc, "mimeType"))
            mime_off = c->i;
        else if (key_is(k, esc, "text"))
            text_off = c->i;
        else if (key_is(k, esc, "encoding"))
            enc_off = c->i;
        if (!skip(c))
            break;
    }
    if (!hs->has_ctype && get_str(c, b, mime_off, &mime)) {
        mime = trim(mime);
        if (mime.len)
            push_hdr(b, lt_span_cstr("Content-Type"), mime);
    }
    const size_t text_at = b->front;
    if (!get_str(c, b, text_off, &text) || b->over)
        return;
    req->body = text;
    if (!get_str(c, b, enc_off, &enc) ||
        !lt_span_ieq_cstr(trim(enc), "base64") || b->over)
        return;
    /* decode after the text, then move down over an unescaped copy */
    const size_t dst_at = b->front;
    size_t w = 0;
    const enum lt_err e = lt_b64_decode(b->sc + dst_at, avail(b), text.p,
                                        text.len, has_url_alphabet(text), &w);
    if (e == LT_E_LIMIT) {
        b->over = true;
    } else if (e != LT_OK) {
        req->flags |= LT_HTTP_BODY_UNDECODED; /* keep the text as sent */
    } else if (text.p == b->sc + text_at && text.len) {
        memmove(b->sc + text_at, b->sc + dst_at, w);
        b->front = text_at + w;
        req->body = lt_span_make(b->sc + text_at, w);
    } else {
        b->front = dst_at + w;
        req->body = lt_span_make(b->sc + dst_at, w);
    }
}

/*
 * Build the entry whose request object is at req_off into scratch; false
 * when it is skipped (no request object, no string url, scratch too
 * small).
 */
static bool read_entry(struct cur *c, size_t req_off, size_t ts_off,
                       uint8_t *sc, size_t cap, struct lt_har_entry *e)
{
    if (at(c, req_off) != '{')
        return false;
    struct bld b = { sc, 0, 0, 0, false };
    {
        const uintptr_t s0 = (uintptr_t)sc;
        const uintptr_t end = (s0 + cap) &
                              ~(uintptr_t)(alignof(struct lt_http_header) - 1);
        b.hdr_off = end >= s0 ? (size_t)(end - s0) : 0;
    }
    struct req_off ro;
    c->i = req_off;
    find_req(c, &ro);

    memset(e, 0, sizeof *e);
    struct lt_http_request *r = &e->req;
    /* empty spans still point somewhere (callers may memcmp them) */
    r->body = r->raw_body_encoding = r->line = lt_span_make(c->p, 0);
    if (!get_str(c, &b, ro.url, &e->url))
        return false;
    if (!get_str(c, &b, ro.method, &r->method))
        r->method = lt_span_make(c->p, 0);
    if (!get_str(c, &b, ro.version, &r->version) || trim(r->version).len == 0)
        r->version = lt_span_cstr("HTTP/1.1");

    struct hdr_state hs = { 0 };
    read_headers(c, &b, ro.headers, &hs);
    if (!hs.has_cookie)
        read_cookies(c, &b, ro.cookies);
    read_post(c, &b, ro.post, &hs, r);

    struct lt_span auth, rest;
    split_url(e->url, &auth, &rest);
    if (rest.len && rest.p[0] == '/') {
        r->target = rest;
    } else if (rest.len == 0) {
        r->target = lt_span_cstr("/");
    } else { /* "?q" or a relative reference: put "/" in front */
        const size_t start = b.front;
        put_bytes(&b, "/", 1);
        put_bytes(&b, rest.p, rest.len);
        r->target = lt_span_make(b.sc + start, b.front - start);
    }
    if (hs.has_host && hs.host.len)
        r->host = hs.host;
    else if (hs.has_authority && hs.authority.len)
        r->host = hs.authority;
    else
        r->host = auth;
    if (b.over)
        return false;

    /* the header slots run downwards: reverse into document order */
    struct lt_http_header *h =
        (struct lt_http_header *)(void *)(b.sc + b.hdr_off) - b.n_hdr;
    for (uint32_t i = 0, j = b.n_hdr ? b.n_hdr - 1 : 0; i < j; i++, j--) {
        const struct lt_http_header t = h[i];
        h[i] = h[j];
        h[j] = t;
    }
    r->headers = h;
    r->n_headers = b.n_hdr;

    struct lt_span raw;
    bool tesc;
    if (get_raw(c, ts_off, &raw, &tesc)) {
        uint8_t tmp[64];
        const size_t m = tesc ? unescape(tmp, sizeof tmp, raw)
                              : raw.len;
        if (m != NONE)
            e->ts_ns = parse_time(lt_span_make(tesc ? tmp : raw.p, m));
    }
    return true;
}

/* ---- document ----------------------------------------------------------- */

/* In the object at c->i, the offset of the first member named name (the
   scan stops there: the rest of the document is read only once). */
static size_t find_member(struct cur *c, const char *name)
{
    struct lt_span k;
    bool esc;
    c->i++;
    while (obj_next(c, &k, &esc)) {
        if (key_is(k, esc, name))
            return c->i;
        if (!skip(c))
            break;
    }
    return NONE;
}

static enum lt_err fail(char *msg, size_t msg_cap, enum lt_err e,
                        const char *what, size_t off)
{
    if (msg && msg_cap) {
        if (off == NONE)
            snprintf(msg, msg_cap, "har: %s", what);
        else
            snprintf(msg, msg_cap, "har: %s at offset %zu", what, off);
    }
    return e;
}

enum lt_err lt_har_parse(const uint8_t *p, size_t n, uint8_t *scratch,
                         size_t scratch_cap, lt_har_cb cb, void *ud,
                         uint64_t *n_skipped, char *msg, size_t msg_cap)
{
    uint64_t skipped = 0;
    uint8_t dummy;
    if (n_skipped)
        *n_skipped = 0;
    if (msg && msg_cap)
        msg[0] = '\0';
    if (!scratch) {
        scratch = &dummy;
        scratch_cap = 0;
    }
    if (!p) {
        p = &dummy;
        n = 0;
    }
    struct cur c = { p, n, 0 };
    /* a UTF-8 byte order mark, as lt_capture_sniff allows */
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
        c.i = 3;
    const size_t start = c.i;

    /* pass 1: RFC 8259 validation of the whole text */
    enum lt_err e = skip_value(&c);
    if (e == LT_OK) {
        ws(&c);
        if (c.i != n)
            e = LT_E_MALFORMED;
    }
    if (e == LT_E_LIMIT)
        return fail(msg, msg_cap, e, "JSON nested deeper than 1024 levels",
                    c.i);
    if (e != LT_OK)
        return fail(msg, msg_cap, e, "invalid JSON", c.i);

    /* pass 2: HAR 1.2 log.entries[] */
    c.i = start;
    ws(&c);
    if (at(&c, c.i) != '{')
        return fail(msg, msg_cap, LT_E_MALFORMED, "top level is not an object",
                    NONE);
    const size_t log = find_member(&c, "log");
    if (at(&c, log) != '{')
        return fail(msg, msg_cap, LT_E_MALFORMED, "no log object", NONE);
    c.i = log;
    const size_t ents = find_member(&c, "entries");
    if (at(&c, ents) != '[')
        return fail(msg, msg_cap, LT_E_MALFORMED, "no log.entries array", NONE);

    uint64_t index = 0;
    c.i = ents + 1;
    while (arr_next(&c)) {
        index++;
        /* HAR 1.2 §entries: an entry is an object with a request; other
           elements (and entries too large for the scratch) cost only
           themselves */
        if (at(&c, c.i) != '{') {
            skipped++;
            if (!skip(&c))
                break;
            continue;
        }
        struct lt_span k;
        bool esc;
        size_t req_off = NONE, ts_off = NONE;
        c.i++;
        while (obj_next(&c, &k, &esc)) {
            if (key_is(k, esc, "request"))
                req_off = c.i;
            else if (key_is(k, esc, "startedDateTime"))
                ts_off = c.i;
            if (!skip(&c))
                break;
        }
        const size_t next = c.i;
        struct lt_har_entry ent;
        if (!read_entry(&c, req_off, ts_off, scratch, scratch_cap, &ent)) {
            skipped++;
        } else {
            ent.index = index;
            if (cb)
                cb(ud, &ent);
        }
        c.i = next;
    }
    if (n_skipped)
        *n_skipped = skipped;
    return LT_OK;
}
