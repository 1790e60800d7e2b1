/* SPDX-License-Identifier: MIT */
/*
 * record.c - one leak record as a JSON line (SPEC §4).
 *
 * Everything is formatted by hand into the caller's lt_buf: numbers,
 * timestamps and addresses into small stack buffers, strings through the
 * jsonw escaper. Nothing allocates except the buffer's own growth (and
 * OpenSSL's digest context in --values hash mode). A record is written
 * whole or not at all: any error puts b->len back where it was.
 */
#include "record.h"

#include <string.h>

#include <openssl/evp.h>

#include "jsonw.h"

static const char hexd[] = "0123456789abcdef";

/* --- timestamps --------------------------------------------------------- */

/* Proleptic Gregorian date of a day count since 1970-01-01 (Howard
   Hinnant's days_from_civil inverse): valid for any int64 day count whose
   year fits an int64, with floor semantics for negative days. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);             /* [0, 146096] */
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365] */
    const unsigned mp = (5 * doy + 2) / 153;                       /* [0, 11] */
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static char *put_dig(char *o, unsigned v, int width)
{
    for (int k = width - 1; k >= 0; k--) {
        o[k] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + width;
}

void lt_record_ts(int64_t ts_ns, char *out)
{
    /* floor division: -1 ns is 1969-12-31T23:59:59.999999Z */
    int64_t sec = ts_ns / 1000000000, ns = ts_ns % 1000000000;
    if (ns < 0)
        ns += 1000000000, sec -= 1;
    int64_t day = sec / 86400, sod = sec % 86400;
    if (sod < 0)
        sod += 86400, day -= 1;
    int64_t y;
    unsigned mo, d;
    civil_from_days(day, &y, &mo, &d);
    /* an int64 of ns spans the years 1677..2262: always 4 digits */
    char *o = put_dig(out, (unsigned)y, 4);
    *o++ = '-';
    o = put_dig(o, mo, 2);
    *o++ = '-';
    o = put_dig(o, d, 2);
    *o++ = 'T';
    o = put_dig(o, (unsigned)(sod / 3600), 2);
    *o++ = ':';
    o = put_dig(o, (unsigned)(sod / 60 % 60), 2);
    *o++ = ':';
    o = put_dig(o, (unsigned)(sod % 60), 2);
    *o++ = '.';
    o = put_dig(o, (unsigned)(ns / 1000), 6);
    *o++ = 'Z';
    *o = '\0';
}

/* --- addresses ---------------------------------------------------------- */

static char *put_u8dec(char *o, unsigned v)
{
    if (v >= 100)
        *o++ = (char)('0' + v / 100);
    if (v >= 10)
        *o++ = (char)('0' + v / 10 % 10);
    *o++ = (char)('0' + v % 10);
    return o;
}

static size_t fmt_ip4(char *out, const uint8_t *a)
{
    char *o = out;
    for (int k = 0; k < 4; k++) {
        if (k)
            *o++ = '.';
        o = put_u8dec(o, a[k]);
    }
    return (size_t)(o - out);
}

/* RFC 5952: lower-case hex without leading zeros, the longest run of two
   or more zero groups (the first on a tie) as "::", and IPv4-mapped
   addresses as ::ffff:a.b.c.d. out needs 46 bytes. */
static size_t fmt_ip6(char *out, const uint8_t *a)
{
    unsigned g[8];
    for (int k = 0; k < 8; k++)
        g[k] = (unsigned)a[2 * k] << 8 | a[2 * k + 1];
    char *o = out;
    if (!g[0] && !g[1] && !g[2] && !g[3] && !g[4] && g[5] == 0xffff) {
        memcpy(o, "::ffff:", 7);
        return 7 + fmt_ip4(o + 7, a + 12);
    }
    int best = -1, best_len = 1; /* a single zero group is not compressed */
    for (int k = 0; k < 8;) {
        if (g[k]) {
            k++;
            continue;
        }
        int j = k;
        while (j < 8 && !g[j])
            j++;
        if (j - k > best_len)
            best = k, best_len = j - k;
        k = j;
    }
    for (int k = 0; k < 8; k++) {
        if (k == best) {
            *o++ = ':';
            *o++ = ':';
            k += best_len - 1;
            continue;
        }
        if (k && k != best + best_len)
            *o++ = ':';
        int started = 0;
        for (int sh = 12; sh >= 0; sh -= 4) {
            const unsigned nib = g[k] >> sh & 15;
            if (nib || started || sh == 0) {
                *o++ = hexd[nib];
                started = 1;
            }
        }
    }
    return (size_t)(o - out);
}

/* --- the record --------------------------------------------------------- */

#define TRY(expr)                 \
    do {                          \
        if ((e = (expr)) != LT_OK) \
            goto fail;            \
    } while (0)

/* Append n bytes: the capacity check inlined, so the constant-size copies
   of field names compile to a few moves. Same codes as lt_buf_append. */
static inline __attribute__((always_inline)) enum lt_err
put(struct lt_buf *b, const void *s, size_t n)
{
    if (b->cap - b->len < n)
        LT_TRY(lt_buf_reserve(b, n));
    memcpy(b->p + b->len, s, n);
    b->len += n;
    return LT_OK;
}


/* Punctuation and field names: ,"name": */
#define KEY(lit) put(b, lit, sizeof lit - 1)

/* Each chain step's opening as written: `"gzip"` whole for unnamed steps,
   `"form:` for named ones (name and closing quote follow). */
static const struct {
    const char *s;
    uint8_t len, named;
} step_open[] = {
#define STEP_OPEN(id, text, named)                                           \
    { named ? "\"" text ":" : "\"" text "\"",                               \
      (uint8_t)(named ? sizeof "\"" text ":" - 1 : sizeof "\"" text "\"" - 1), named },
    LT_STEP_LIST(STEP_OPEN)
#undef STEP_OPEN
};

/* A C string (kind, detector, ...; custom:<key> may hold any byte), or null. */
static enum lt_err cstr(struct lt_buf *b, const char *s)
{
    if (!s)
        return put(b, "null", 4);
    return lt_jsonw_str(b, lt_span_cstr(s));
}

size_t lt_record_ip(unsigned version, const uint8_t *addr, char *out)
{
    size_t n = version == 4 ? fmt_ip4(out, addr) : fmt_ip6(out, addr);
    out[n] = '\0';
    return n;
}

static enum lt_err ip(struct lt_buf *b, unsigned version, const uint8_t *a)
{
    char tmp[48];
    size_t n;
    if (!a || (version != 4 && version != 6))
        return put(b, "null", 4);
    tmp[0] = '"';
    n = 1 + (version == 4 ? fmt_ip4(tmp + 1, a) : fmt_ip6(tmp + 1, a));
    tmp[n++] = '"';
    return put(b, tmp, n);
}

static enum lt_err value_hash(struct lt_buf *b, struct lt_span v)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    static const uint8_t empty[1];
    if (!EVP_Digest(v.len ? v.p : empty, v.len, md, &md_len, EVP_sha256(), NULL))
        return LT_E_NOMEM; /* OpenSSL fails only when it cannot allocate */
    char tmp[2 + 7 + 2 * EVP_MAX_MD_SIZE];
    size_t n = 0;
    memcpy(tmp, "\"sha256:", 8);
    n = 8;
    for (unsigned k = 0; k < md_len; k++) {
        tmp[n++] = hexd[md[k] >> 4];
        tmp[n++] = hexd[md[k] & 15];
    }
    tmp[n++] = '"';
    return put(b, tmp, n);
}

enum lt_err lt_record_write(struct lt_buf *b, const struct lt_record *r,
                            enum lt_values_mode values)
{
    const size_t old = b->len;
    enum lt_err e;
    char ts[32];
    ts[0] = '"';
    lt_record_ts(r->ts_ns, ts + 1);
    ts[28] = '"';

    TRY(KEY("{\"ts\":"));
    TRY(put(b, ts, 29));
    TRY(KEY(",\"device\":"));
    TRY(lt_jsonw_str(b, r->device));
    TRY(KEY(",\"capture\":"));
    TRY(lt_jsonw_str(b, r->capture));
    TRY(KEY(",\"frame\":"));
    TRY(lt_jsonw_u64(b, r->frame));
    if (r->has_flow) {
        TRY(KEY(",\"src_ip\":"));
        TRY(ip(b, r->ip_version, r->src_ip));
        TRY(KEY(",\"src_port\":"));
        TRY(lt_jsonw_u64(b, r->src_port));
        TRY(KEY(",\"dest_ip\":"));
        TRY(ip(b, r->ip_version, r->dest_ip));
        TRY(KEY(",\"dest_port\":"));
        TRY(lt_jsonw_u64(b, r->dest_port));
        TRY(KEY(",\"proto\":"));
        TRY(cstr(b, r->proto));
    }
    if (r->app.len) {
        TRY(KEY(",\"app\":"));
        TRY(lt_jsonw_str(b, r->app));
    }
    TRY(KEY(",\"host\":"));
    TRY(lt_jsonw_str(b, r->host));
    if (r->method.len) {
        TRY(KEY(",\"method\":"));
        TRY(lt_jsonw_str(b, r->method));
    }
    if (r->url.len) {
        TRY(KEY(",\"url\":"));
        TRY(lt_jsonw_str(b, r->url));
    }
    TRY(KEY(",\"kind\":"));
    TRY(cstr(b, r->kind));
    TRY(KEY(",\"detector\":"));
    TRY(cstr(b, r->detector));
    TRY(KEY(",\"key\":"));
    TRY(r->key.p ? lt_jsonw_str(b, r->key) : put(b, "null", 4));
    TRY(KEY(",\"variant\":"));
    TRY(cstr(b, r->variant));
    TRY(KEY(",\"chain\":["));
    for (size_t k = 0; k < r->chain_len; k++) {
        const struct lt_step *st = &r->chain[k];
        if (k)
            TRY(KEY(","));
        if ((unsigned)st->kind >= LT_STEP__COUNT) {
            /* not a step kind: written as lt_step_text names it ("?") */
            TRY(KEY("\""));
            TRY(lt_jsonw_raw(b, lt_step_text(st->kind)));
            TRY(KEY("\""));
            continue;
        }
        TRY(put(b, step_open[st->kind].s, step_open[st->kind].len));
        if (step_open[st->kind].named) {
            TRY(lt_jsonw_str_body(b, st->name));
            TRY(KEY("\""));
        }
    }
    TRY(KEY("]"));
    if (values == LT_VALUES_PLAIN) {
        TRY(KEY(",\"value\":"));
        TRY(lt_jsonw_str(b, r->value));
    } else if (values == LT_VALUES_HASH) {
        TRY(KEY(",\"value\":"));
        TRY(value_hash(b, r->value));
    }
    TRY(KEY("}\n"));
    return LT_OK;
fail:
    b->len = old;
    return e;
}
