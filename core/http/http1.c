/* SPDX-License-Identifier: MIT */
/*
 * http1.c - streaming HTTP/1.x request parser (http layer; base/, dec/).
 *
 * Design
 * ------
 * A direction is in one of five states: HEAD (at, or inside, a request
 * head), BODY (Content-Length body), CHUNK (chunked body), HUNT (looking
 * for a line start after '\n') and DONE. HEAD carries a mode that decides
 * what a byte sequence that is not a request line costs:
 *   START   the first bytes of the direction: hunt (bounded), or give up at
 *           once on a response ("HTTP/"), TLS, SSH or HTTP/2 preface;
 *   PROBE   after a hunt anchor or a gap: keep hunting, uncounted;
 *   SYNC    right after a complete request: malformed_requests, resync;
 *   TUNNEL  after CONNECT or Upgrade: the direction is done (http_tunnels);
 *           nothing after a tunnel is ever hunted.
 * Until the direction has produced a request, hunting is bounded by
 * LT_HTTP_HUNT_MAX skipped bytes; afterwards memchr('\n') keeps it cheap.
 * While hunting, a fed chunk (normally a TCP segment) that starts with what
 * may be a request line is parsed as one even without a '\n' before it
 * (SOCKS or other binary handshakes before HTTP): one prefix check per
 * feed. A direction given up by the hunt budget keeps doing that check for
 * LT_HTTP_SEG_FEEDS more feeds or LT_HTTP_SEG_BYTES more bytes; one given
 * up for its first bytes (response, TLS, SSH, HTTP/2) or as a tunnel does
 * not. This rule alone depends on where the chunks start.
 *
 * Heads are parsed line by line (memchr for '\n', CRLF or bare LF). Fast
 * path: a head wholly inside the fed bytes is parsed in place, and a
 * Content-Length body wholly inside them is a span into them: no copy.
 * Otherwise the head is accumulated in hp->hbuf (capped at
 * max_header_bytes), each line checked as it completes so that caps and
 * errors are met in the same order whatever the chunking (split
 * invariance), and the whole head is parsed again once its blank line
 * arrives. Body bytes go to a span of the fed bytes (Content-Length) or to
 * ctx->body (de-chunked); when the feed ends first, both are moved into
 * hp->bbuf (capped at max_body), and the head into hbuf. Since ctx->hdrs
 * is shared by all parsers of the thread, a head kept across feeds is
 * re-parsed from hbuf when its request is emitted.
 *
 * Caps: a line (request line, header, chunk size or trailer line) longer
 * than max_line; more than max_headers header lines (obs-fold lines count,
 * and are dropped); a head over max_header_bytes (request line, headers
 * and line ends). Head caps count header_cap and drop the request.
 *
 * Gaps: inside a body of known length the request stays in step; the
 * bytes before and after the hole are concatenated and the request is
 * flagged PARTIAL. Anywhere else the request in progress is dropped and the
 * next bytes are probed as a request line, then hunted.
 *
 * Body framing errors do not cost the request (its line and headers are
 * what a leak analyst needs): it is emitted with LT_HTTP_BODY_MALFORMED
 * (malformed_requests). A Transfer-Encoding whose final coding is not
 * chunked, that applies chunked twice or is continued by obs-fold, or an
 * invalid Content-Length (without a valid chunked): empty body, then the
 * parser probes the next line and hunts. Conflicting Content-Length values:
 * the last one frames the body (as tshark). A chunked body that breaks off
 * (bad size, size of 2^63 or more, missing CRLF, caps): the data de-chunked
 * so far, then hunting. Transfer codings before chunked are not undone;
 * Content-Length is ignored when chunked is present.
 *
 * Request line, as tshark reads it: METHOD SP rest, where METHOD is a
 * token of 1..32 characters [A-Z0-9_-] starting with a letter (any such
 * token, not only registered methods), rest holds visible bytes and SP,
 * and its last SP-separated token is a version "HTTP/" digit [0-9.]*
 * ("HTTP/1.0.8" is seen in the wild); "PRI * HTTP/2.0", the HTTP/2
 * preface, is not a request. Target = the bytes between the first SP and
 * the next SP or the line end. HTTP/0.9: "GET /path" with no other
 * SP is a request (no version, no headers, no body) where a request line is
 * expected: at the start of the direction or right after a request, not
 * while hunting. Header lines that are not fields (no colon, blank before
 * the colon, obs-fold before any field) are skipped. Trailers of chunked
 * bodies are skipped.
 */
#include "http1.h"
#include "../base/ascii.h"

#include <string.h>

#include "http1_int.h"

#include "../base/alloc.h"

#define LT_HTTP_HUNT_MAX (64u << 10)  /* skipped bytes before giving up */
#define LT_HTTP_METHOD_MAX 32
#define LT_HTTP_PREFIX_CHECK 64       /* request-line prefix checked early */
#define LT_HTTP_KEEP_BUF (64u << 10)  /* larger buffers are freed per request */
#define LT_HTTP_MAX_CODINGS 4
#define LT_HTTP_SEG_FEEDS 64          /* chunk starts checked after give-up */
#define LT_HTTP_SEG_BYTES (64u << 10) /* ... over at most these many bytes */

enum { ST_HEAD, ST_HUNT, ST_BODY, ST_CHUNK, ST_DONE };
enum { M_START, M_PROBE, M_SYNC, M_TUNNEL };
enum { CS_SIZE, CS_EXT, CS_SIZE_LF, CS_DATA, CS_DATA_CR, CS_DATA_LF,
       CS_TRAILER };
enum { BW_NONE, BW_CHUNK, BW_CTX, BW_BUF };  /* where the body is kept */
enum head_rc { HEAD_OK, HEAD_MORE, HEAD_CAP, HEAD_NOTREQ };

struct head_info {
    struct lt_span method, target, version, line, host, cenc;
    uint64_t content_length;
    uint32_t n_headers;
    uint8_t codings[LT_HTTP_MAX_CODINGS];
    uint8_t n_codings;
    bool rl_ok, http09, has_host, has_cenc, has_cl, chunked, te_seen,
        te_chunked_last, coding_unknown, tunnel;
    bool cl_bad;      /* a Content-Length value was not a number < 2^63 */
    bool cl_conflict; /* Content-Length values differ: the last one wins */
    bool te_bad;      /* chunked applied twice, or obs-fold in the field */
    bool last_te;     /* the last field line was Transfer-Encoding */
    bool broken;      /* head_end(): no usable framing, the body is empty */
    bool odd;         /* head_end(): framing error (LT_HTTP_BODY_MALFORMED) */
};

struct lt_http_parser {
    struct lt_http_ctx *ctx;
    uint8_t state, mode, cstate, where;
    bool proven;        /* a request was emitted, or one with a valid request
                           line was dropped: hunting is unbounded */
    bool head_in_buf;   /* the current head lives in hbuf */
    bool info_fresh;    /* info and ctx->hdrs were filled in this call */
    bool chunk_digits;
    bool trail_cr;      /* current trailer line so far is "\r" */
    bool first_done;    /* first bytes collected (or a gap came first) */
    bool hunt_spent;    /* the hunt budget gave the direction up once */
    bool no_chunk_hunt; /* lt__http_set_chunk_hunt(false): tests only */
    uint8_t seg_feeds;  /* given up: feeds whose start is still checked */
    uint32_t seg_bytes; /* ... and bytes */
    uint8_t n_first;
    uint8_t first[5];
    uint32_t flags;     /* enum lt_http_req_flags of the current request */
    uint32_t n_lines;   /* slow head: complete lines so far */
    size_t line_start;  /* slow head: hbuf offset of the incomplete line */
    size_t chunk_line;  /* bytes of the current chunk-size/trailer line */
    uint32_t n_trailers;
    uint64_t remaining; /* body or chunk bytes still to come */
    uint64_t body_kept;
    uint64_t unsynced;  /* bytes skipped while not in step, before proven */
    const uint8_t *head_p;  /* head inside the fed bytes (fast path) */
    size_t head_len;
    const uint8_t *zc_p;    /* Content-Length body inside the fed bytes */
    size_t zc_len;
    struct head_info info;
    struct lt_buf hbuf, bbuf;
};

/* ---- character classes ------------------------------------------------ */

/* RFC 9110 §5.6.2 tchar */
static const uint8_t tchar[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
    ['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
    ['`'] = 1, ['|'] = 1, ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

static inline bool is_mchar(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* request-target: any visible byte, including raw UTF-8 */
static inline bool is_tgt(uint8_t c)
{
    return c > 0x20 && c != 0x7f;
}

static inline bool is_ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}


/* p[0..n) equals the lowercase letters/'-' string s, ASCII case-insensitively */
static inline bool ieq(const uint8_t *p, size_t n, const char *s, size_t sn)
{
    if (n != sn)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((uint8_t)(p[i] | 0x20) != (uint8_t)s[i])
            return false;
    return true;
}
#define IEQ(p, n, lit) ieq((p), (n), lit, sizeof(lit) - 1)

/* ---- request line ----------------------------------------------------- */

/*
 * Could p[0..n), the start of a line whose end is not seen (or a prefix of
 * a complete line without its '\n'), begin a request line? Only the first
 * LT_HTTP_PREFIX_CHECK bytes are looked at by callers, so repeated calls on
 * a growing line stay linear. Prefix-closed, and false only when
 * rl_parse() is false for every line starting with p[0..n).
 */
static bool rl_prefix_ok(const uint8_t *p, size_t n)
{
    size_t k = 1;
    if (n == 0)
        return true;
    if (!(p[0] >= 'A' && p[0] <= 'Z'))
        return false;
    while (k < n && k <= LT_HTTP_METHOD_MAX && is_mchar(p[k]))
        k++;
    if (k > LT_HTTP_METHOD_MAX)
        return false;
    if (k == n)
        return true;
    if (p[k] != ' ')
        return false;
    for (k++; k < n; k++)
        if (!is_tgt(p[k]) && p[k] != ' ')
            return p[k] == '\r' && k + 1 == n;
    return true;
}

/* "HTTP/" digit [0-9.]* */
static bool is_version(const uint8_t *v, size_t n)
{
    if (n < 6 || memcmp(v, "HTTP/", 5) != 0 || !(v[5] >= '0' && v[5] <= '9'))
        return false;
    for (size_t i = 6; i < n; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || v[i] == '.'))
            return false;
    return true;
}

/* p[0..len) is a complete line without its '\n'. allow09: an HTTP/0.9
   "GET /path" line is a request here. */
static bool rl_parse(const uint8_t *p, size_t len, struct head_info *hi,
                     bool allow09)
{
    if (len && p[len - 1] == '\r')
        len--;
    if (len < 3 || !(p[0] >= 'A' && p[0] <= 'Z'))
        return false;
    size_t k = 1;
    while (k < len && k <= LT_HTTP_METHOD_MAX && is_mchar(p[k]))
        k++;
    if (k > LT_HTTP_METHOD_MAX || k == len || p[k] != ' ')
        return false;
    /* after the method: visible bytes and SP; find the first SP after the
       target's start and the last SP */
    size_t t0 = k + 1, t1 = 0, ls = k;
    unsigned bad = 0;
    for (size_t i = t0; i < len; i++) {
        uint8_t c = p[i];
        bad |= !is_tgt(c) && c != ' ';
        if (c == ' ') {
            ls = i;
            if (!t1)
                t1 = i;
        }
    }
    if (bad)
        return false;
    if (!t1)
        t1 = len;
    if (is_version(p + ls + 1, len - ls - 1)) {
        /* the HTTP/2 connection preface (RFC 9113 §3.4) is not a request,
           also not inside a CONNECT tunnel */
        if (k == 3 && memcmp(p, "PRI", 3) == 0 && p[ls + 6] == '2')
            return false;
        hi->version = lt_span_make(p + ls + 1, len - ls - 1);
        hi->http09 = false;
    } else if (allow09 && k == 3 && memcmp(p, "GET", 3) == 0 && ls == k &&
               t0 < len && p[t0] == '/') {
        hi->version = lt_span_make(p + len, 0);
        hi->http09 = true;
    } else {
        return false;
    }
    hi->method = lt_span_make(p, k);
    hi->target = lt_span_make(p + t0, t1 - t0);
    hi->line = lt_span_make(p, len);
    hi->tunnel = k == 7 && memcmp(p, "CONNECT", 7) == 0;
    hi->rl_ok = true;
    return true;
}

/*
 * The early verdict on a request line uses exactly its first
 * min(LT_HTTP_PREFIX_CHECK, max_line + 1, max_header_bytes) bytes, which
 * every path has seen by the time a cap fires, so the verdict (not a
 * request vs over a cap) does not depend on how the bytes were fed. The
 * line is a || b (hbuf contents, then new bytes).
 */
static bool line_prefix_ok(const struct lt_limits *lim, const uint8_t *a,
                           size_t an, const uint8_t *b, size_t bn)
{
    size_t v = LT_HTTP_PREFIX_CHECK;
    if (v > (size_t)lim->max_line + 1)
        v = (size_t)lim->max_line + 1;
    if (v > lim->max_header_bytes)
        v = lim->max_header_bytes;
    if (an + bn < v)
        v = an + bn;
    if (an >= v || !b)
        return rl_prefix_ok(a, v);
    if (an == 0)
        return rl_prefix_ok(b, v);
    uint8_t tmp[LT_HTTP_PREFIX_CHECK];
    memcpy(tmp, a, an);
    memcpy(tmp + an, b, v - an);
    return rl_prefix_ok(tmp, v);
}

/* ---- header lines ----------------------------------------------------- */

static void hi_init(struct head_info *hi)
{
    memset(hi, 0, sizeof *hi);
}

/* Content-Encoding list: RFC 9110 §8.4; applied in order, undone reversed. */
static void add_codings(struct head_info *hi, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && is_ows(p[a]))
            a++;
        while (b > a && is_ows(p[b - 1]))
            b--;
        const uint8_t *t = p + a;
        size_t tn = b - a;
        int c = -1;
        if (tn == 0 || IEQ(t, tn, "identity"))
            c = -2; /* nothing to undo */
        else if (IEQ(t, tn, "gzip") || IEQ(t, tn, "x-gzip"))
            c = LT_CODEC_GZIP;
        else if (IEQ(t, tn, "deflate"))
            c = LT_CODEC_ZLIB;
        else if (IEQ(t, tn, "br"))
            c = LT_CODEC_BR;
        else if (IEQ(t, tn, "zstd"))
            c = LT_CODEC_ZSTD;
        if (c == -1 || (c >= 0 && hi->n_codings == LT_HTTP_MAX_CODINGS))
            hi->coding_unknown = true; /* the body stays as sent */
        else if (c >= 0)
            hi->codings[hi->n_codings++] = (uint8_t)c;
        i = j + 1;
    }
}

/* Transfer-Encoding (RFC 9112 §6.1): chunked must be the final coding,
   applied once; head_end() checks that it is final. */
static void add_te(struct head_info *hi, const uint8_t *p, size_t n)
{
    size_t i = 0;
    hi->te_seen = true;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && is_ows(p[a]))
            a++;
        while (b > a && is_ows(p[b - 1]))
            b--;
        if (b > a) {
            if (hi->te_chunked_last)
                hi->te_bad = true; /* chunked applied, then something else */
            hi->te_chunked_last = IEQ(p + a, b - a, "chunked");
        }
        i = j + 1;
    }
}

/* Content-Length (RFC 9112 §6.3): digits only, below 2^63. Duplicates
   should agree; when they do not, the last one counts (cl_conflict). */
static void add_cl(struct head_info *hi, const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    if (n == 0) {
        hi->cl_bad = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)p[i] - '0';
        if (d > 9 || v > (UINT64_C(0x7fffffffffffffff) - d) / 10) {
            hi->cl_bad = true; /* not a number, or beyond 2^63 - 1 */
            return;
        }
        v = v * 10 + d;
    }
    if (hi->has_cl && hi->content_length != v)
        hi->cl_conflict = true;
    hi->has_cl = true;
    hi->content_length = v;
}

/*
 * One header line p[0..len) (no '\n', maybe a final '\r', not empty),
 * followed in memory by its '\n'.
 * Stores it in hdrs[hi->n_headers] (the caller checked the count cap).
 * A line that is not a field is skipped: what follows it may still be the
 * Host a leak analyst needs.
 */
static void head_line(struct lt_http_header *hdrs, struct head_info *hi,
                      const uint8_t *p, size_t len)
{
    if (len && p[len - 1] == '\r')
        len--;
    if (len == 0)
        return;
    /* obs-fold (RFC 9112 §5.2): continuation dropped; inside
       Transfer-Encoding the framing is unknown */
    if (is_ows(p[0])) {
        if (hi->last_te)
            hi->te_bad = true;
        return;
    }
    hi->last_te = false;
    /* name: tchars, then a colon with no whitespace before it (RFC 9112
       §5.1). p[len] is '\r' or '\n', not a tchar: it stops the scan. */
    size_t k = 0;
    while (tchar[p[k]])
        k++;
    if (k == 0 || k >= len || p[k] != ':')
        return;
    size_t a = k + 1, b = len;
    while (a < b && is_ows(p[a]))
        a++;
    while (b > a && is_ows(p[b - 1]))
        b--;
    struct lt_http_header *h = &hdrs[hi->n_headers++];
    h->name = lt_span_make(p, k);
    h->value = lt_span_make(p + a, b - a);
    const uint8_t *v = p + a;
    size_t vn = b - a;
    switch (k) {
    case 4:
        if (!hi->has_host && IEQ(p, k, "host")) {
            hi->has_host = true;
            hi->host = h->value;
        }
        break;
    case 7:
        if (IEQ(p, k, "upgrade"))
            hi->tunnel = true;
        break;
    case 14:
        if (IEQ(p, k, "content-length"))
            add_cl(hi, v, vn);
        break;
    case 16:
        if (IEQ(p, k, "content-encoding")) {
            if (!hi->has_cenc) {
                hi->has_cenc = true;
                hi->cenc = h->value;
            }
            add_codings(hi, v, vn);
        }
        break;
    case 17:
        if (IEQ(p, k, "transfer-encoding")) {
            add_te(hi, v, vn);
            hi->last_te = true;
        }
        break;
    default:
        break;
    }
}

/* Blank line seen: decide the body framing (RFC 9112 §6.3). */
static void head_end(struct head_info *hi)
{
    if (hi->te_seen) {
        /* a request whose final coding is not chunked has no framing */
        if (hi->te_bad || !hi->te_chunked_last) {
            hi->broken = hi->odd = true;
            return;
        }
        hi->chunked = true;
        hi->odd = hi->cl_bad || hi->cl_conflict;
        return;
    }
    hi->broken = hi->cl_bad;
    hi->odd = hi->cl_bad || hi->cl_conflict;
}

/*
 * Parse a head starting at p[0] (a non-empty line start) from n bytes.
 * HEAD_OK: *off = head length (through the blank line, or through the
 * request line of an HTTP/0.9 request, allowed if allow09), hi and
 * ctx->hdrs filled. HEAD_MORE: *off = start of the incomplete line, *lines
 * = complete lines. Failures: *off = end of the failing line (after its
 * '\n') or n.
 */
static enum head_rc parse_head(const struct lt_http_ctx *c, const uint8_t *p,
                               size_t n, struct head_info *hi, size_t *off,
                               uint32_t *lines_out, bool allow09)
{
    const struct lt_limits *lim = c->lim;
    size_t pos = 0;
    uint32_t lines = 0;
    hi_init(hi);
    for (;;) {
        const uint8_t *nl = memchr(p + pos, '\n', n - pos);
        if (!nl) {
            *off = n;
            if (lines == 0 && !line_prefix_ok(lim, p, n, NULL, 0))
                return HEAD_NOTREQ;
            if (n - pos > (size_t)lim->max_line + 1 || n > lim->max_header_bytes)
                return HEAD_CAP;
            *off = pos;
            *lines_out = lines;
            return HEAD_MORE;
        }
        size_t e = (size_t)(nl - p), ll = e - pos;
        size_t le = (ll && p[e - 1] == '\r') ? ll - 1 : ll;
        const uint8_t *line = p + pos;
        *off = e + 1;
        if (lines == 0) {
            /* a cap counts only for what could be a request line */
            if (le > lim->max_line || e + 1 > lim->max_header_bytes)
                return line_prefix_ok(lim, line, ll, NULL, 0) ? HEAD_CAP : HEAD_NOTREQ;
            if (!rl_parse(line, ll, hi, allow09))
                return HEAD_NOTREQ;
            if (hi->http09)
                return HEAD_OK;
        } else if (le == 0) {
            if (e + 1 > lim->max_header_bytes)
                return HEAD_CAP;
            head_end(hi);
            return HEAD_OK;
        } else {
            if (le > lim->max_line || e + 1 > lim->max_header_bytes ||
                lines > lim->max_headers)
                return HEAD_CAP;
            head_line(c->hdrs, hi, line, ll);
        }
        lines++;
        pos = e + 1;
    }
}

/* ---- buffers and emission --------------------------------------------- */

static void buf_recycle(struct lt_buf *b)
{
    if (b->cap > LT_HTTP_KEEP_BUF)
        lt_buf_release(b);
    else
        lt_buf_reset(b);
}

/* Skipped bytes while out of step; an unproven direction gives up, but
   the first time it still checks where the next chunks start. */
static void charge(struct lt_http_parser *hp, uint64_t k)
{
    if (hp->proven)
        return;
    hp->unsynced += k;
    if (hp->unsynced > LT_HTTP_HUNT_MAX) {
        hp->state = ST_DONE;
        if (!hp->hunt_spent && !hp->no_chunk_hunt) {
            hp->hunt_spent = true;
            hp->seg_feeds = LT_HTTP_SEG_FEEDS;
            hp->seg_bytes = LT_HTTP_SEG_BYTES;
        }
    }
}

static void go_done(struct lt_http_parser *hp)
{
    hp->state = ST_DONE;
    hp->seg_feeds = 0;
    lt_buf_release(&hp->hbuf);
    lt_buf_release(&hp->bbuf);
}

/* Drop the request in progress (bad input or allocation failure) and look
   for the next request line: at the next line if at_bol, else after '\n'. */
static void resync(struct lt_http_parser *hp, bool at_bol)
{
    buf_recycle(&hp->hbuf);
    buf_recycle(&hp->bbuf);
    hp->head_in_buf = false;
    hp->where = BW_NONE;
    if (hp->mode == M_TUNNEL) {
        /* never hunt inside what may be a tunnel */
        hp->ctx->st->http_tunnels++;
        go_done(hp);
        return;
    }
    hp->ctx->st->http_resyncs++;
    hp->mode = M_PROBE;
    hp->state = at_bol ? ST_HEAD : ST_HUNT;
}

/*
 * A head failed. rc and whether its request line was valid decide the
 * cost: bytes that never looked like a request cost nothing outside SYNC.
 */
static void head_fail(struct lt_http_parser *hp, enum head_rc rc, bool rl_ok,
                      size_t skipped, bool at_bol)
{
    struct lt_stats *st = hp->ctx->st;
    if (!rl_ok && hp->mode != M_SYNC) {
        buf_recycle(&hp->hbuf);
        if (hp->mode == M_TUNNEL) {
            st->http_tunnels++;
            go_done(hp);
            return;
        }
        hp->mode = M_PROBE;
        hp->state = at_bol ? ST_HEAD : ST_HUNT;
        charge(hp, skipped);
        return;
    }
    if (rc == HEAD_CAP)
        st->header_cap++;
    else
        st->malformed_requests++;
    /* A valid request line shows the direction is HTTP: the hunt through
       the rest of an over-cap head (10^5 fields, a line of megabytes) must
       not use up the budget meant for streams that are not HTTP at all, or
       the requests pipelined after it are lost. */
    hp->proven = true;
    resync(hp, at_bol);
}

static struct lt_span cur_body(const struct lt_http_parser *hp)
{
    switch (hp->where) {
    case BW_CHUNK:
        return lt_span_make(hp->zc_p, hp->zc_len);
    case BW_CTX:
        return lt_span_make(hp->ctx->body.p, hp->ctx->body.len);
    case BW_BUF:
        return lt_span_make(hp->bbuf.p, hp->bbuf.len);
    default:
        return lt_span_make(NULL, 0);
    }
}

/*
 * Undo the Content-Encoding chain (last applied first) into ctx->decoded /
 * decoded2. A cap hit keeps the prefix (DECODED); a body that is cut,
 * partial or malformed may end mid-stream, so a truncated stream is then accepted with
 * what it gave. Any other failure leaves the raw body (UNDECODED).
 */
static void decode_body(struct lt_http_parser *hp, struct lt_http_request *r)
{
    struct lt_http_ctx *c = hp->ctx;
    const struct head_info *hi = &hp->info;
    struct lt_buf *bufs[2] = { &c->decoded, &c->decoded2 };
    struct lt_span cur = r->body;
    bool cut = (r->flags & (LT_HTTP_BODY_CUT | LT_HTTP_BODY_PARTIAL |
                            LT_HTTP_BODY_MALFORMED)) != 0;
    unsigned step = 0;
    for (unsigned k = hi->n_codings; k-- > 0; step++) {
        struct lt_buf *dst = bufs[step & 1];
        size_t cap = c->lim->max_decoded;
        bool by_ratio = false;
        uint64_t rcap = (uint64_t)c->lim->max_ratio * cur.len;
        if (cur.len && rcap / cur.len != c->lim->max_ratio)
            rcap = UINT64_MAX; /* overflow: the ratio bound is not smaller */
        if (rcap < UINT64_MAX - 4096 && rcap + 4096 < cap) {
            cap = (size_t)(rcap + 4096);
            by_ratio = true;
        }
        lt_buf_reset(dst);
        size_t w = 0;
        enum lt_err e = lt_buf_reserve(dst, cap);
        if (e == LT_OK) {
            enum lt_codec codec = (enum lt_codec)hi->codings[k];
            e = lt_decompress(c->decomp, codec, dst->p, cap, cur.p, cur.len, &w);
            /* "deflate" is zlib by RFC 9110, raw deflate by some servers */
            if (codec == LT_CODEC_ZLIB && e == LT_E_MALFORMED && w == 0)
                e = lt_decompress(c->decomp, LT_CODEC_DEFLATE, dst->p, cap,
                                  cur.p, cur.len, &w);
        }
        if (e == LT_E_LIMIT) {
            if (by_ratio)
                c->st->ratio_cap++;
            else
                c->st->decoded_cap++;
            cut = true;
        } else if (!(e == LT_OK || (e == LT_E_TRUNCATED && cut && w > 0))) {
            c->st->decode_errors++;
            r->flags |= LT_HTTP_BODY_UNDECODED;
            return;
        }
        dst->len = w;
        cur = lt_span_make(dst->p, w);
    }
    c->st->decoded_bodies++;
    r->flags |= LT_HTTP_BODY_DECODED;
    r->body = cur;
}

/* The current request is complete (or cut by a gap / the end): report it,
   then expect the next head. */
static void emit(struct lt_http_parser *hp, lt_http_request_cb cb, void *ud)
{
    struct lt_http_ctx *c = hp->ctx;
    struct head_info *hi = &hp->info;
    if (!hp->info_fresh) {
        /* ctx->hdrs may hold another parser's head since: parse again */
        size_t off;
        uint32_t lines;
        if (!hp->head_in_buf ||
            parse_head(c, hp->hbuf.p, hp->hbuf.len, hi, &off, &lines, false) != HEAD_OK) {
            resync(hp, false); /* cannot happen: it parsed before */
            return;
        }
    }
    struct lt_http_request r = {
        .method = hi->method,
        .target = hi->target,
        .version = hi->version,
        .host = hi->host,
        .headers = c->hdrs,
        .n_headers = hi->n_headers,
        .body = cur_body(hp),
        .raw_body_encoding = hi->cenc,
        .flags = hp->flags,
        .line = hi->line,
    };
    if (hp->flags & LT_HTTP_BODY_CUT)
        c->st->body_cap++;
    if (hp->flags & LT_HTTP_BODY_MALFORMED)
        c->st->malformed_requests++;
    if (hi->n_codings && !hi->coding_unknown && r.body.len)
        decode_body(hp, &r);
    c->st->requests++;
    cb(ud, &r);
    hp->proven = true;
    hp->mode = hi->tunnel ? M_TUNNEL : M_SYNC;
    hp->state = ST_HEAD;
    hp->where = BW_NONE;
    hp->head_in_buf = false;
    hp->flags = 0;
    buf_recycle(&hp->hbuf);
    buf_recycle(&hp->bbuf);
}

/* Keep body bytes up to max_body; the rest is skipped (BODY_CUT). */
static bool body_put(struct lt_http_parser *hp, const uint8_t *s, size_t len)
{
    uint64_t room = hp->ctx->lim->max_body - hp->body_kept;
    size_t keep = len < room ? len : (size_t)room;
    if (keep < len)
        hp->flags |= LT_HTTP_BODY_CUT;
    if (keep == 0)
        return true;
    enum lt_err e = LT_OK;
    switch (hp->where) {
    case BW_CHUNK:
        if (hp->zc_len == 0)
            hp->zc_p = s;
        hp->zc_len += keep;
        break;
    case BW_CTX:
        e = lt_buf_append(&hp->ctx->body, s, keep);
        break;
    default:
        e = lt_buf_append(&hp->bbuf, s, keep);
        break;
    }
    hp->body_kept += keep;
    return e == LT_OK;
}

/* Head complete at p[i]: choose the body framing. */
static size_t start_body(struct lt_http_parser *hp, size_t i,
                         lt_http_request_cb cb, void *ud)
{
    const struct head_info *hi = &hp->info;
    hp->flags = hi->odd ? LT_HTTP_BODY_MALFORMED : 0;
    hp->body_kept = 0;
    hp->info_fresh = true;
    if (hi->broken) {
        /* no usable framing: report the head, then probe what follows */
        hp->where = BW_NONE;
        emit(hp, cb, ud);
        resync(hp, true);
    } else if (hi->chunked) {
        hp->state = ST_CHUNK;
        hp->cstate = CS_SIZE;
        hp->remaining = 0;
        hp->chunk_digits = false;
        hp->chunk_line = 0;
        hp->n_trailers = 0;
        hp->where = BW_CTX;
        lt_buf_reset(&hp->ctx->body);
    } else if (hi->has_cl && hi->content_length > 0) {
        hp->state = ST_BODY;
        hp->remaining = hi->content_length;
        hp->where = BW_CHUNK;
        hp->zc_p = NULL;
        hp->zc_len = 0;
    } else {
        /* requests have no close-delimited bodies (RFC 9112 §6.3) */
        hp->where = BW_NONE;
        emit(hp, cb, ud);
    }
    return i;
}

/* Where a request line is expected rather than hunted for. */
static bool allow09(const struct lt_http_parser *hp)
{
    return hp->mode == M_START || hp->mode == M_SYNC;
}

/* ---- states ----------------------------------------------------------- */

static size_t do_hunt(struct lt_http_parser *hp, const uint8_t *p, size_t n,
                      size_t i)
{
    const uint8_t *nl = memchr(p + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - p) + 1 : n;
    if (nl)
        hp->state = ST_HEAD;
    charge(hp, end - i);
    return end;
}

/* Head spread over feeds: append line by line to hbuf, checking each line
   as it completes, in the order parse_head() would. */
static size_t head_slow(struct lt_http_parser *hp, const uint8_t *p, size_t n,
                        size_t i, lt_http_request_cb cb, void *ud)
{
    struct lt_http_ctx *c = hp->ctx;
    const struct lt_limits *lim = c->lim;
    struct lt_buf *hb = &hp->hbuf;
    struct head_info *hi = &hp->info;
    while (i < n) {
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        size_t take = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
        size_t total = hb->len + take;
        if (!nl) {
            size_t so_far = total - hp->line_start;
            if (hp->n_lines == 0 && !line_prefix_ok(lim, hb->p, hb->len, p + i, take)) {
                head_fail(hp, HEAD_NOTREQ, false, hb->len + take, false);
                return n;
            }
            if (so_far > (size_t)lim->max_line + 1 || total > lim->max_header_bytes) {
                head_fail(hp, HEAD_CAP, hi->rl_ok, hb->len + take, false);
                return n;
            }
            if (lt_buf_append(hb, p + i, take) != LT_OK) {
                resync(hp, false);
                return n;
            }
            return n;
        }
        if (total > lim->max_header_bytes) {
            /* the line would pass the cap: judge it as parse_head would */
            if (hp->n_lines == 0 && !line_prefix_ok(lim, hb->p, hb->len, p + i, take - 1)) {
                head_fail(hp, HEAD_NOTREQ, false, hb->len + take, true);
                return i + take;
            }
            head_fail(hp, HEAD_CAP, hi->rl_ok, hb->len + take, true);
            return i + take;
        }
        if (lt_buf_append(hb, p + i, take) != LT_OK) {
            resync(hp, true);
            return i + take;
        }
        i += take;
        const uint8_t *line = hb->p + hp->line_start;
        size_t ll = hb->len - hp->line_start - 1;
        size_t le = (ll && line[ll - 1] == '\r') ? ll - 1 : ll;
        enum head_rc rc = HEAD_OK;
        if (hp->n_lines == 0) {
            if (le > lim->max_line)
                rc = line_prefix_ok(lim, line, ll, NULL, 0) ? HEAD_CAP : HEAD_NOTREQ;
            else if (!rl_parse(line, ll, hi, allow09(hp)))
                rc = HEAD_NOTREQ;
            else if (hi->http09) {
                hp->head_in_buf = true;
                return start_body(hp, i, cb, ud);
            }
        } else if (le == 0) {
            size_t off;
            uint32_t lines;
            rc = parse_head(c, hb->p, hb->len, hi, &off, &lines, allow09(hp));
            if (rc == HEAD_OK) {
                hp->head_in_buf = true;
                return start_body(hp, i, cb, ud);
            }
        } else if (le > lim->max_line || hp->n_lines > lim->max_headers) {
            rc = HEAD_CAP;
        } else {
            head_line(c->hdrs, hi, line, ll);
        }
        if (rc != HEAD_OK) {
            head_fail(hp, rc, hi->rl_ok, hb->len, true);
            return i;
        }
        hp->n_lines++;
        hp->line_start = hb->len;
    }
    return i;
}

static size_t do_head(struct lt_http_parser *hp, const uint8_t *p, size_t n,
                      size_t i, lt_http_request_cb cb, void *ud)
{
    if (hp->hbuf.len)
        return head_slow(hp, p, n, i, cb, ud);
    /* empty lines before a request line are skipped (RFC 9112 §2.2) */
    while (i < n && (p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i == n)
        return n;
    size_t off = 0;
    uint32_t lines = 0;
    struct head_info *hi = &hp->info;
    enum head_rc rc = parse_head(hp->ctx, p + i, n - i, hi, &off, &lines,
                                 allow09(hp));
    if (rc == HEAD_OK) {
        hp->head_p = p + i;
        hp->head_len = off;
        hp->head_in_buf = false;
        return start_body(hp, i + off, cb, ud);
    }
    if (rc == HEAD_MORE) {
        if (lt_buf_append(&hp->hbuf, p + i, n - i) != LT_OK) {
            resync(hp, false);
            return n;
        }
        hp->line_start = off;
        hp->n_lines = lines;
        return n;
    }
    bool at_bol = i + off > 0 && p[i + off - 1] == '\n';
    head_fail(hp, rc, hi->rl_ok, off, at_bol);
    return i + off;
}

static size_t do_body(struct lt_http_parser *hp, const uint8_t *p, size_t n,
                      size_t i, lt_http_request_cb cb, void *ud)
{
    size_t avail = n - i;
    size_t take = hp->remaining < avail ? (size_t)hp->remaining : avail;
    if (!body_put(hp, p + i, take)) {
        resync(hp, false);
        return i + take;
    }
    hp->remaining -= take;
    if (hp->remaining == 0)
        emit(hp, cb, ud);
    return i + take;
}

/* Chunked coding, RFC 9112 §7.1. Errors end the request (MALFORMED) and
   resync. */
static size_t do_chunk(struct lt_http_parser *hp, const uint8_t *p, size_t n,
                       size_t i, lt_http_request_cb cb, void *ud)
{
    const struct lt_limits *lim = hp->ctx->lim;
    while (i < n) {
        uint8_t ch = p[i];
        switch (hp->cstate) {
        case CS_SIZE: {
            int v = lt_hex_digit(ch);
            i++;
            if (++hp->chunk_line > (size_t)lim->max_line + 2)
                goto bad;
            if (v >= 0) {
                /* sizes of 2^63 and more are malformed */
                if (hp->remaining >> 59)
                    goto bad;
                hp->remaining = hp->remaining * 16 + (unsigned)v;
                hp->chunk_digits = true;
                break;
            }
            if (!hp->chunk_digits)
                goto bad;
            if (ch == ';' || is_ows(ch))
                hp->cstate = CS_EXT; /* chunk-ext: skipped */
            else if (ch == '\r')
                hp->cstate = CS_SIZE_LF;
            else if (ch == '\n')
                goto size_done;
            else
                goto bad;
            break;
        }
        case CS_EXT: {
            const uint8_t *nl = memchr(p + i, '\n', n - i);
            size_t take = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
            hp->chunk_line += take;
            i += take;
            if (hp->chunk_line > (size_t)lim->max_line + 2)
                goto bad;
            if (nl)
                goto size_done;
            break;
        }
        case CS_SIZE_LF:
            i++;
            if (ch != '\n')
                goto bad;
            goto size_done;
        case CS_DATA: {
            size_t avail = n - i;
            size_t take = hp->remaining < avail ? (size_t)hp->remaining : avail;
            if (!body_put(hp, p + i, take)) {
                resync(hp, false);
                return i + take;
            }
            i += take;
            hp->remaining -= take;
            if (hp->remaining == 0)
                hp->cstate = CS_DATA_CR;
            break;
        }
        case CS_DATA_CR:
            i++;
            if (ch == '\r')
                hp->cstate = CS_DATA_LF;
            else if (ch == '\n')
                goto next_size;
            else
                goto bad;
            break;
        case CS_DATA_LF:
            i++;
            if (ch != '\n')
                goto bad;
            goto next_size;
        case CS_TRAILER:
            i++;
            if (ch == '\n') {
                if (hp->chunk_line == 0 || (hp->chunk_line == 1 && hp->trail_cr)) {
                    emit(hp, cb, ud);
                    return i;
                }
                /* trailer fields are skipped, but capped like headers */
                if (++hp->n_trailers > lim->max_headers)
                    goto bad;
                hp->chunk_line = 0;
                break;
            }
            hp->trail_cr = hp->chunk_line == 0 && ch == '\r';
            if (++hp->chunk_line > (size_t)lim->max_line + 1)
                goto bad;
            break;
        }
        continue;
    size_done:
        hp->chunk_line = 0;
        if (hp->remaining == 0) {
            hp->cstate = CS_TRAILER;
            hp->trail_cr = false;
        } else {
            hp->cstate = CS_DATA;
        }
        continue;
    next_size:
        hp->cstate = CS_SIZE;
        hp->chunk_line = 0;
        hp->chunk_digits = false;
        hp->remaining = 0;
        continue;
    }
    return i;
bad:
    /* report what was de-chunked so far, then hunt */
    hp->flags |= LT_HTTP_BODY_MALFORMED;
    emit(hp, cb, ud);
    resync(hp, i > 0 && p[i - 1] == '\n');
    return i;
}

/* End of a feed: nothing may point into the caller's bytes any more. */
static void stash(struct lt_http_parser *hp)
{
    hp->info_fresh = false;
    if (hp->state != ST_BODY && hp->state != ST_CHUNK)
        return;
    enum lt_err e = LT_OK;
    if (!hp->head_in_buf) {
        lt_buf_reset(&hp->hbuf);
        e = lt_buf_append(&hp->hbuf, hp->head_p, hp->head_len);
        hp->head_in_buf = e == LT_OK;
    }
    if (e == LT_OK && hp->where == BW_CHUNK)
        e = lt_buf_append(&hp->bbuf, hp->zc_p, hp->zc_len);
    else if (e == LT_OK && hp->where == BW_CTX)
        e = lt_buf_append(&hp->bbuf, hp->ctx->body.p, hp->ctx->body.len);
    hp->where = BW_BUF;
    if (e != LT_OK) {
        /* out of memory: the request is lost, the body is hunted through */
        resync(hp, false);
    }
}

/* ---- API -------------------------------------------------------------- */

static bool foreign(const uint8_t *f)
{
    /* a response, TLS record (RFC 8446 §5.1), SSH banner, HTTP/2 preface */
    if (memcmp(f, "HTTP/", 5) == 0 || memcmp(f, "SSH-", 4) == 0 ||
        memcmp(f, "PRI *", 5) == 0)
        return true;
    return f[0] >= 0x14 && f[0] <= 0x17 && f[1] == 0x03 && f[2] <= 0x04;
}

/* Could the fed chunk p[0..n) start with a request line? Looks at most
   at its first LT_HTTP_PREFIX_CHECK bytes. */
static bool chunk_starts_request(const struct lt_http_parser *hp,
                                 const uint8_t *p, size_t n)
{
    if (!(p[0] >= 'A' && p[0] <= 'Z'))
        return false;
    size_t m = n < LT_HTTP_PREFIX_CHECK ? n : LT_HTTP_PREFIX_CHECK;
    const uint8_t *nl = memchr(p, '\n', m);
    if (nl)
        m = (size_t)(nl - p); /* the line without its '\n' */
    return line_prefix_ok(hp->ctx->lim, NULL, 0, p, m);
}

void lt_http_feed(struct lt_http_parser *hp, const uint8_t *p, size_t n,
                  lt_http_request_cb cb, void *ud)
{
    if (n == 0)
        return;
    if (hp->state == ST_DONE) {
        /* given up by the hunt budget: still look at chunk starts, for a
           while (LT_HTTP_SEG_FEEDS / LT_HTTP_SEG_BYTES) */
        if (hp->seg_feeds == 0)
            return;
        hp->seg_feeds--;
        if (n >= hp->seg_bytes)
            hp->seg_feeds = 0;
        else
            hp->seg_bytes -= (uint32_t)n;
        if (!chunk_starts_request(hp, p, n))
            return;
        hp->state = ST_HEAD;
        hp->mode = M_PROBE;
    } else if (hp->state == ST_HUNT && !hp->no_chunk_hunt &&
               chunk_starts_request(hp, p, n)) {
        hp->state = ST_HEAD;
    }
    if (!hp->first_done) {
        size_t k = sizeof hp->first - hp->n_first;
        if (k > n)
            k = n;
        memcpy(hp->first + hp->n_first, p, k);
        hp->n_first += (uint8_t)k;
        if (hp->n_first == sizeof hp->first) {
            hp->first_done = true;
            if (!hp->proven && foreign(hp->first)) {
                go_done(hp);
                return;
            }
        }
    }
    size_t i = 0;
    while (i < n && hp->state != ST_DONE) {
        switch (hp->state) {
        case ST_HUNT:
            i = do_hunt(hp, p, n, i);
            break;
        case ST_HEAD:
            i = do_head(hp, p, n, i, cb, ud);
            break;
        case ST_BODY:
            i = do_body(hp, p, n, i, cb, ud);
            break;
        case ST_CHUNK:
            i = do_chunk(hp, p, n, i, cb, ud);
            break;
        default:
            i = n;
            break;
        }
    }
    stash(hp);
}

void lt_http_gap(struct lt_http_parser *hp, uint64_t len,
                 lt_http_request_cb cb, void *ud)
{
    if (hp->state == ST_DONE || len == 0)
        return;
    hp->first_done = true;
    switch (hp->state) {
    case ST_HUNT:
        /* a request may start right after the gap; missing bytes were not
           scanned, so they do not count against the hunt budget */
        hp->state = ST_HEAD;
        return;
    case ST_HEAD:
        if (hp->mode == M_TUNNEL) {
            hp->ctx->st->http_tunnels++;
            go_done(hp);
            return;
        }
        if (hp->hbuf.len || hp->mode == M_SYNC)
            hp->ctx->st->http_resyncs++;
        buf_recycle(&hp->hbuf);
        hp->mode = M_PROBE;
        return;
    case ST_BODY:
        hp->flags |= LT_HTTP_BODY_PARTIAL;
        if (len < hp->remaining) {
            hp->remaining -= len; /* still in step */
            return;
        }
        len -= hp->remaining;
        hp->remaining = 0;
        emit(hp, cb, ud);
        break;
    case ST_CHUNK:
        hp->flags |= LT_HTTP_BODY_PARTIAL;
        if (hp->cstate == CS_DATA && len <= hp->remaining) {
            hp->remaining -= len;
            if (hp->remaining == 0)
                hp->cstate = CS_DATA_CR;
            return;
        }
        emit(hp, cb, ud);
        break;
    default:
        return;
    }
    /* the gap went past the end of the request: the next head is lost */
    if (len > 0 && hp->state == ST_HEAD)
        resync(hp, true);
}

void lt_http_finish(struct lt_http_parser *hp, lt_http_request_cb cb, void *ud)
{
    if (hp->state == ST_BODY || hp->state == ST_CHUNK) {
        hp->flags |= LT_HTTP_BODY_PARTIAL;
        emit(hp, cb, ud);
    }
    go_done(hp);
}

void lt__http_set_chunk_hunt(struct lt_http_parser *hp, bool on)
{
    hp->no_chunk_hunt = !on;
}

bool lt_http_is_done(const struct lt_http_parser *hp)
{
    return hp->state == ST_DONE && hp->seg_feeds == 0;
}

struct lt_http_parser *lt_http_parser_new(struct lt_http_ctx *c)
{
    struct lt_http_parser *hp = lt_calloc(1, sizeof *hp);
    if (!hp)
        return NULL;
    hp->ctx = c;
    hp->state = ST_HEAD;
    hp->mode = M_START;
    lt_buf_init(&hp->hbuf, c->lim->max_header_bytes);
    lt_buf_init(&hp->bbuf, c->lim->max_body);
    return hp;
}

void lt_http_parser_free(struct lt_http_parser *hp)
{
    if (!hp)
        return;
    lt_buf_release(&hp->hbuf);
    lt_buf_release(&hp->bbuf);
    lt_free(hp);
}

enum lt_err lt_http_ctx_init(struct lt_http_ctx *c, const struct lt_limits *lim,
                             struct lt_stats *st)
{
    memset(c, 0, sizeof *c);
    c->lim = lim;
    c->st = st;
    c->decomp = lt_decomp_new();
    c->hdrs = lt_calloc(lim->max_headers ? lim->max_headers : 1, sizeof *c->hdrs);
    lt_buf_init(&c->body, lim->max_body);
    lt_buf_init(&c->decoded, lim->max_decoded);
    lt_buf_init(&c->decoded2, lim->max_decoded);
    if (!c->decomp || !c->hdrs) {
        lt_http_ctx_release(c);
        return LT_E_NOMEM;
    }
    return LT_OK;
}

void lt_http_ctx_release(struct lt_http_ctx *c)
{
    lt_decomp_free(c->decomp);
    lt_free(c->hdrs);
    lt_buf_release(&c->body);
    lt_buf_release(&c->decoded);
    lt_buf_release(&c->decoded2);
    memset(c, 0, sizeof *c);
}
