/* SPDX-License-Identifier: MIT */
/*
 * browsing.c - the browsing detector of browsing.h (match layer; base/,
 * libpsl, dec/percent.h).
 *
 * Finding URLs: memchr() hops from '/' to '/' (rare in text without
 * URLs, one or two byte tests per hit in base64 or paths); a '/' that
 * starts "//" after ':' or "\/\/" after ':' (org.json's escaped form,
 * tracker-formats.md §0) is checked backwards for the scheme "http" or
 * "https" (any case) standing on a word boundary. The URL then extends
 * over RFC 3986 characters plus '%' and well-formed UTF-8 (IRIs: browsers
 * and org.json send non-ASCII search terms unencoded); "\/" becomes '/'
 * and "\u00XX" the URL character it names (Gson's "\u0026", "\u003d");
 * anything else ends it, and trailing ')' ']' '.' ',' are punctuation of
 * the text around it. The unescaped URL is built in the caller's scratch.
 *
 * Deciding: the host (userinfo, port, brackets and trailing dots removed,
 * ASCII lower-cased) goes to libpsl for its registrable domain (IP
 * literals and hosts without one: the host itself), compared with the
 * request's. Search terms: engines[] names hosts and parameters; else a
 * path containing "search" with a generic parameter name.
 * Not done: IDNA/punycode equivalence of hosts, fragments (#q=) as queries.
 */
#include "browsing.h"

#include <libpsl.h>
#include <string.h>

#include "../base/alloc.h"
#include "../dec/percent.h"

#define HOST_MAX 253 /* RFC 1035 §2.3.4: longest DNS name in text form */

struct lt_browsing {
    const psl_ctx_t *psl; /* NULL: no suffix list, last two labels */
    psl_ctx_t *owned;     /* psl_latest() fallback, freed with b */
};

struct lt_browsing *lt_browsing_new(void)
{
    struct lt_browsing *b = lt_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->psl = psl_builtin();
    if (!b->psl) {
        /* libpsl built without its list: the system's copy, if any */
        b->owned = psl_latest(NULL);
        b->psl = b->owned;
    }
    return b;
}

void lt_browsing_free(struct lt_browsing *b)
{
    if (!b)
        return;
    if (b->owned)
        psl_free(b->owned);
    lt_free(b);
}

/* ---- domains ------------------------------------------------------------ */

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

static bool is_ip_literal(const char *h, size_t n)
{
    if (memchr(h, ':', n))
        return true; /* IPv6 (brackets already removed) */
    for (size_t i = 0; i < n; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || h[i] == '.'))
            return false;
    return true;
}

/* The registrable domain of the lower-cased, NUL-terminated host h (n
   bytes, 1..HOST_MAX) into out; its length, 0 when out is too small. The
   domain is always a suffix of h. */
static size_t reg_domain(const struct lt_browsing *b, const char *h, size_t n,
                         char *out, size_t out_cap)
{
    const char *d = h;
    if (!is_ip_literal(h, n)) {
        if (b->psl) {
            const char *r = psl_registrable_domain(b->psl, h);
            if (r)
                d = r; /* a suffix of h */
        } else {
            /* no list at all: the last two labels */
            size_t dots = 0, i = n;
            while (i > 0 && !(h[i - 1] == '.' && ++dots == 2))
                i--;
            d = h + i;
        }
    }
    const size_t len = n - (size_t)(d - h);
    if (len > out_cap)
        return 0;
    memcpy(out, d, len);
    return len;
}

/* Normalise a host span into hb (HOST_MAX + 1 bytes): drop "[...]"
   brackets or a ":port", trailing dots, ASCII upper case. Its length, 0
   when empty or longer than HOST_MAX. */
static size_t norm_host(const uint8_t *p, size_t n, char *hb)
{
    if (n > 0 && p[0] == '[') {
        const uint8_t *rb = memchr(p, ']', n);
        p++;
        n = rb ? (size_t)(rb - p) : n - 1;
    } else {
        const uint8_t *c = memchr(p, ':', n);
        /* a bare IPv6 address (two colons or more) keeps its colons */
        if (c && !memchr(c + 1, ':', n - (size_t)(c - p) - 1))
            n = (size_t)(c - p);
    }
    while (n > 0 && p[n - 1] == '.')
        n--;
    if (n == 0 || n > HOST_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        hb[i] = (char)lower(p[i]);
    hb[n] = 0;
    return n;
}

size_t lt_browsing_domain(const struct lt_browsing *b, struct lt_span host,
                          char *out, size_t out_cap)
{
    char hb[HOST_MAX + 1];
    const uint8_t *p = host.p;
    size_t n = host.len;
    /* a Host header value may carry optional whitespace (RFC 9110 §5.5) */
    while (n > 0 && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    const size_t hn = n ? norm_host(p, n, hb) : 0;
    return hn ? reg_domain(b, hb, hn, out, out_cap) : 0;
}

static bool domain_eq(const char *d, size_t dn, struct lt_span r)
{
    size_t rn = r.len;
    while (rn > 0 && r.p[rn - 1] == '.')
        rn--;
    if (rn != dn)
        return false;
    for (size_t i = 0; i < dn; i++)
        if ((uint8_t)d[i] != lower(r.p[i]))
            return false;
    return true;
}

/* ---- search engines ----------------------------------------------------- */

enum host_rule {
    BY_DOMAIN, /* the registrable domain is name */
    BY_LABEL,  /* the registrable domain is name.<public suffix> */
    BY_HOST,   /* the host is name or ends with ".name" */
};

struct engine {
    const char *name;
    enum host_rule rule;
    const char *params[3]; /* NULL-terminated when shorter */
};

static const struct engine engines[] = {
    { "google", BY_LABEL, { "q" } },
    { "bing.com", BY_DOMAIN, { "q" } },
    { "duckduckgo.com", BY_DOMAIN, { "q" } },
    { "yahoo", BY_LABEL, { "p", "q" } },
    { "baidu.com", BY_DOMAIN, { "wd", "word" } },
    { "yandex", BY_LABEL, { "text" } },
    { "ecosia.org", BY_DOMAIN, { "q" } },
    { "startpage.com", BY_DOMAIN, { "query", "q" } },
    { "qwant.com", BY_DOMAIN, { "q" } },
    { "search.brave.com", BY_HOST, { "q" } },
    { "ask.com", BY_DOMAIN, { "q" } },
    { "naver.com", BY_DOMAIN, { "query" } },
    { "sogou.com", BY_DOMAIN, { "query" } },
    { "so.com", BY_DOMAIN, { "q" } },
    { "seznam.cz", BY_DOMAIN, { "q" } },
};

/* Any host, when the path says "search". */
static const char *const generic_params[] = { "q", "query", "keywords", "keyword",
                                              "search", "term", NULL };

static bool engine_matches(const struct engine *e, const char *host, size_t hn,
                           const char *dom, size_t dn)
{
    const size_t en = strlen(e->name);
    switch (e->rule) {
    case BY_DOMAIN:
        return dn == en && memcmp(dom, e->name, en) == 0;
    case BY_LABEL:
        return dn > en + 1 && memcmp(dom, e->name, en) == 0 && dom[en] == '.';
    case BY_HOST:
        return (hn == en || (hn > en && host[hn - en - 1] == '.')) &&
               memcmp(host + hn - en, e->name, en) == 0;
    }
    return false;
}

static bool name_in(const uint8_t *k, size_t kn, const char *const *names, size_t max)
{
    for (size_t i = 0; i < max && names[i]; i++)
        if (strlen(names[i]) == kn && memcmp(names[i], k, kn) == 0)
            return true;
    return false;
}

/* The first parameter of query q (n bytes) named in names whose decoded
   value is not blank, decoded into dst (cap bytes). Its length; 0 when
   there is none or it does not fit whole. */
static size_t find_term(const uint8_t *q, size_t n, const char *const *names, size_t max,
                        uint8_t *dst, size_t cap)
{
    size_t i = 0;
    while (i < n) {
        const uint8_t *amp = memchr(q + i, '&', n - i);
        const size_t end = amp ? (size_t)(amp - q) : n;
        const uint8_t *eq = memchr(q + i, '=', end - i);
        if (eq && name_in(q + i, (size_t)(eq - q) - i, names, max)) {
            const size_t v = (size_t)(eq - q) + 1;
            size_t w = 0;
            if (lt_pct_decode(dst, cap, q + v, end - v, true, &w) == LT_OK) {
                for (size_t k = 0; k < w; k++)
                    if (dst[k] != ' ' && dst[k] != '\t' && dst[k] != '\r' && dst[k] != '\n')
                        return w;
            } else {
                return 0; /* does not fit: documented as no search */
            }
        }
        i = end + 1;
    }
    return 0;
}

static bool path_says_search(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 6 <= n; i++)
        if (lower(p[i]) == 's' && lower(p[i + 1]) == 'e' && lower(p[i + 2]) == 'a' &&
            lower(p[i + 3]) == 'r' && lower(p[i + 4]) == 'c' && lower(p[i + 5]) == 'h')
            return true;
    return false;
}

/* ---- URL extent --------------------------------------------------------- */

/* RFC 3986 §2.2, §2.3 (unreserved, gen-delims, sub-delims) and '%'. The
   quote '\'' is a sub-delim but ends the URL here: in text it quotes it. */
static const uint8_t url_char[256] = {
#define R(c) [c] = 1
    R('!'), R('#'), R('$'), R('%'), R('&'), R('('), R(')'), R('*'), R('+'), R(','),
    R('-'), R('.'), R('/'), R(':'), R(';'), R('='), R('?'), R('@'), R('['), R(']'),
    R('_'), R('~'),
    R('0'), R('1'), R('2'), R('3'), R('4'), R('5'), R('6'), R('7'), R('8'), R('9'),
    R('A'), R('B'), R('C'), R('D'), R('E'), R('F'), R('G'), R('H'), R('I'), R('J'),
    R('K'), R('L'), R('M'), R('N'), R('O'), R('P'), R('Q'), R('R'), R('S'), R('T'),
    R('U'), R('V'), R('W'), R('X'), R('Y'), R('Z'),
    R('a'), R('b'), R('c'), R('d'), R('e'), R('f'), R('g'), R('h'), R('i'), R('j'),
    R('k'), R('l'), R('m'), R('n'), R('o'), R('p'), R('q'), R('r'), R('s'), R('t'),
    R('u'), R('v'), R('w'), R('x'), R('y'), R('z'),
#undef R
};

static int hexv(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Length of the well-formed UTF-8 sequence at p[0..n) (lead byte >= 0x80),
   0 when it is not one (RFC 3629 §4, overlongs and surrogates excluded). */
static size_t utf8_len(const uint8_t *p, size_t n)
{
    const uint8_t c = p[0];
    size_t len;
    uint8_t lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        if (c == 0xf4)
            hi = 0x8f;
    } else
        return 0;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

static bool is_scheme_char(uint8_t c)
{
    c = lower(c);
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
           c == '.';
}

static bool ieq4(const uint8_t *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(p[i]) != (uint8_t)s[i])
            return false;
    return true;
}

struct extent {
    size_t to;      /* end of the URL in data */
    size_t len;     /* bytes written to scratch */
    bool truncated; /* scratch ran out */
};

/* Copy the URL at data[s..) unescaped into scratch: the scheme
   data[s..colon), "://" (either form), then data[rest..) as far as it
   goes. */
static struct extent extend(const uint8_t *p, size_t n, size_t s, size_t colon,
                            size_t rest, uint8_t *out, size_t cap)
{
    struct extent x = { 0, 0, false };
    size_t o = 0;
#define EMIT(c)                    \
    do {                           \
        if (o < cap)               \
            out[o++] = (uint8_t)c; \
        else                       \
            x.truncated = true;    \
    } while (0)
    for (size_t i = s; i < colon; i++)
        EMIT(p[i]);
    EMIT(':');
    EMIT('/');
    EMIT('/');
    size_t j = rest, good_in = rest, good_out = o;
    while (j < n) {
        const uint8_t c = p[j];
        uint8_t e;
        if (url_char[c]) {
            e = c;
            j++;
        } else if (c == '\\') {
            /* JSON escapes that stand for URL characters (RFC 8259 §7) */
            if (j + 1 < n && p[j + 1] == '/') {
                e = '/';
                j += 2;
            } else if (n - j >= 6 && p[j + 1] == 'u' && p[j + 2] == '0' && p[j + 3] == '0' &&
                       hexv(p[j + 4]) >= 0 && hexv(p[j + 5]) >= 0 &&
                       url_char[hexv(p[j + 4]) << 4 | hexv(p[j + 5])]) {
                e = (uint8_t)(hexv(p[j + 4]) << 4 | hexv(p[j + 5]));
                j += 6;
            } else {
                break;
            }
        } else if (c >= 0x80) {
            const size_t k = utf8_len(p + j, n - j);
            if (!k)
                break;
            for (size_t i = 0; i < k; i++)
                EMIT(p[j + i]);
            j += k;
            good_in = j;
            good_out = o;
            continue;
        } else {
            break;
        }
        EMIT(e);
        if (e != ')' && e != ']' && e != '.' && e != ',') {
            good_in = j;
            good_out = o;
        }
    }
#undef EMIT
    x.to = good_in;
    x.len = good_out;
    return x;
}

/* ---- scan --------------------------------------------------------------- */

/* libpsl takes about 400 ns a lookup; a batch of events names the same few
   hosts again and again. One scan keeps its last DCACHE answers on the
   stack (the context stays read-only and shared). */
#define DCACHE 4

struct dcache {
    size_t n, next;
    struct {
        size_t host_len, dom_off; /* the domain is a suffix of the host */
        char host[HOST_MAX + 1];
    } e[DCACHE];
};

/* The registrable domain of hb (hn bytes, normalised) as a pointer into
   a cache entry or hb; its length in *dn. */
static const char *cached_domain(const struct lt_browsing *b, struct dcache *c,
                                 const char *hb, size_t hn, size_t *dn)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->e[i].host_len == hn && memcmp(c->e[i].host, hb, hn) == 0) {
            *dn = hn - c->e[i].dom_off;
            return c->e[i].host + c->e[i].dom_off;
        }
    char dom[HOST_MAX + 1];
    *dn = reg_domain(b, hb, hn, dom, sizeof dom);
    const size_t k = c->next;
    c->next = (c->next + 1) % DCACHE;
    if (c->n < DCACHE)
        c->n++;
    memcpy(c->e[k].host, hb, hn + 1);
    c->e[k].host_len = hn;
    c->e[k].dom_off = hn - *dn;
    return c->e[k].host + c->e[k].dom_off;
}

void lt_browsing_scan(const struct lt_browsing *b, struct lt_span data,
                      struct lt_span request_domain, uint8_t *scratch,
                      size_t scratch_cap, lt_url_cb cb, void *ud)
{
    const uint8_t *p = data.p;
    const size_t n = data.len;
    size_t pos = 0;
    struct dcache dc;
    dc.n = dc.next = 0;
    while (pos < n) {
        const uint8_t *sl = memchr(p + pos, '/', n - pos);
        if (!sl)
            break;
        const size_t i = (size_t)(sl - p);
        pos = i + 1;
        size_t colon, rest;
        if (i >= 1 && p[i - 1] == ':' && i + 1 < n && p[i + 1] == '/') {
            colon = i - 1; /* "://" */
            rest = i + 2;
        } else if (i >= 2 && p[i - 1] == '\\' && p[i - 2] == ':' && n - i >= 3 &&
                   p[i + 1] == '\\' && p[i + 2] == '/') {
            colon = i - 2; /* ":\/\/" */
            rest = i + 3;
        } else {
            continue;
        }
        size_t s;
        if (colon >= 5 && ieq4(p + colon - 5, "https", 5))
            s = colon - 5;
        else if (colon >= 4 && ieq4(p + colon - 4, "http", 4))
            s = colon - 4;
        else
            continue;
        /* "xhttp://" is another scheme (RFC 3986 §3.1 scheme characters) */
        if (s > 0 && is_scheme_char(p[s - 1]))
            continue;

        const struct extent x = extend(p, n, s, colon, rest, scratch, scratch_cap);
        const size_t hdr = colon - s + 3; /* "scheme://" in scratch */
        if (x.len <= hdr)
            continue; /* nothing after "//" (or no room for it) */
        const uint8_t *u = scratch;
        /* authority: up to the path, query or fragment (RFC 3986 §3.2) */
        size_t ae = hdr;
        while (ae < x.len && u[ae] != '/' && u[ae] != '?' && u[ae] != '#')
            ae++;
        if (ae == x.len && x.truncated)
            continue; /* the cut may have shortened the host */
        size_t hs = hdr;
        for (size_t k = hdr; k < ae; k++)
            if (u[k] == '@')
                hs = k + 1; /* userinfo ends at the last '@' */
        char hb[HOST_MAX + 1];
        const size_t hn = norm_host(u + hs, ae - hs, hb);
        if (!hn)
            continue;
        size_t dn;
        const char *dom = cached_domain(b, &dc, hb, hn, &dn);
        if (domain_eq(dom, dn, request_domain))
            continue; /* first party: look for URLs nested inside it */

        struct lt_url_hit h;
        h.from = s;
        h.to = x.to;
        h.url = lt_span_make(scratch, x.len);
        h.search = lt_span_make(scratch + x.len, 0);
        h.truncated = x.truncated;

        size_t pe = ae;
        while (pe < x.len && u[pe] != '?' && u[pe] != '#')
            pe++;
        if (pe < x.len && u[pe] == '?') {
            const uint8_t *qs = u + pe + 1;
            const uint8_t *hash = memchr(qs, '#', x.len - pe - 1);
            const size_t qn = hash ? (size_t)(hash - qs) : x.len - pe - 1;
            uint8_t *dst = scratch + x.len;
            const size_t cap = scratch_cap - x.len;
            size_t tn = 0;
            for (size_t e = 0; e < sizeof engines / sizeof engines[0]; e++)
                if (engine_matches(&engines[e], hb, hn, dom, dn)) {
                    tn = find_term(qs, qn, engines[e].params, 3, dst, cap);
                    break;
                }
            if (!tn && path_says_search(u + ae, pe - ae))
                tn = find_term(qs, qn, generic_params, SIZE_MAX, dst, cap);
            h.search.len = tn;
        }
        cb(ud, &h);
        pos = x.to;
    }
}
