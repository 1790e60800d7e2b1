/* SPDX-License-Identifier: MIT */
/*
 * variants.c - one manifest value to the literals SDKs send for it
 * (match layer; base/, libcrypto for the digests). SPEC §3 keys,
 * notes/leak-detectors.md §6 variants, §3 hash lists. Pure apart from
 * allocation; no Vectorscan here.
 *
 * Per value: normalise (per key), derive the base variants (case,
 * separators, truncations, phone forms), skip any equal to an earlier one,
 * then hash each base variant (md5, sha1, sha256, sha512 as lower hex,
 * upper hex and unpadded base64) and hash the exact form twice over
 * (md5(sha1(x)) and the like; the outer hash reads the inner digest's lower
 * hex text, as SDKs do). A value that does not have its key's shape (an
 * "imei" with letters, a MAC that is not 12 hex digits) is matched as a
 * custom value: as given, lower case and upper case.
 *
 * Variant names (matcher.h): base variants as SPEC §4 spells them ("exact", "upper",
 * "nosep", ...); a hash of the exact form is "md5", its upper hex
 * "md5-upper", its base64 "base64(md5)"; a hash of another variant V is
 * "md5(V)", "md5(V)-upper", "base64(md5(V))"; two-level hashes are
 * "md5(sha1)" and "md5(sha1)-upper".
 */
#include <assert.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "matcher_int.h"

static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static bool is_hex(uint8_t c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_alpha(uint8_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static bool is_alnum(uint8_t c) { return is_digit(c) || is_alpha(c); }
static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static uint8_t to_lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static uint8_t to_upper(uint8_t c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

/* ---- boundaries --------------------------------------------------------- */

enum lt_bound lt__match_classify(const uint8_t *t, size_t n)
{
    bool numeric = true, hex = true, has_digit = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = t[i];
        has_digit |= is_digit(c);
        if (!is_digit(c) && c != '.' && c != '-' && c != '+')
            numeric = false;
        if (!is_hex(c))
            hex = false;
    }
    if (numeric && has_digit)
        return LT_BOUND_DIGIT;
    if (hex && n > 0)
        return LT_BOUND_HEX;
    return LT_BOUND_ALNUM;
}

static bool in_class(uint8_t bound, uint8_t c)
{
    switch (bound) {
    case LT_BOUND_DIGIT: return is_digit(c);
    case LT_BOUND_HEX: return is_hex(c);
    /* '=' is not in it: padding only ends a token, so "h=" may precede
       a digest and its own "==" may follow (the literal is unpadded) */
    case LT_BOUND_B64: return is_alnum(c) || c == '+' || c == '/' || c == '_' || c == '-';
    default: return is_alnum(c);
    }
}

bool lt__match_bound_ok(uint8_t bound, const uint8_t *p, size_t n, size_t from, size_t to)
{
    if (from > 0) {
        uint8_t c = p[from - 1];
        /* "%22" or "%3D" right before: the literal starts a token of
           percent-encoded text (a MAC's "02%3A1a..." inside an encoded
           JSON value), whatever class the escape's last hex digit has */
        bool after_escape = from >= 3 && p[from - 3] == '%' && is_hex(p[from - 2]) && is_hex(c);
        if (!after_escape && (in_class(bound, c) || (bound == LT_BOUND_DIGIT && c == '.')))
            return false;
    }
    if (to < n) {
        uint8_t c = p[to];
        if (in_class(bound, c))
            return false;
        /* "48.8" is not in "48.85", but "48.8." ends a sentence */
        if (bound == LT_BOUND_DIGIT && c == '.' && to + 1 < n && is_digit(p[to + 1]))
            return false;
    }
    return true;
}

/* ---- known keys --------------------------------------------------------- */

static const char *const known_keys[] = {
    "imei", "imsi", "iccid", "meid", "serial", "android_id", "adid",
    "mac",  "bssid", "ssid", "email", "phone", "location", "name",
};

const char *lt__match_known_kind(const char *key)
{
    for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
        if (strcmp(key, known_keys[i]) == 0)
            return known_keys[i];
    return NULL;
}

/* ---- the base variants of one value ------------------------------------- */

#define MAX_VARIANTS 16

/* Base variant texts of one value, back to back in b (offsets, since b may
   move as it grows). */
struct vlist {
    struct lt_buf b;
    size_t off[MAX_VARIANTS], len[MAX_VARIANTS];
    const char *name[MAX_VARIANTS];
    int n;
};

enum casemode { CASE_KEEP, CASE_LOWER, CASE_UPPER };

/* Commit the len bytes written at the end of v->b as variant name, unless
   empty or equal to an earlier variant. */
static void vl_commit(struct vlist *v, const char *name, size_t len)
{
    const uint8_t *t = v->b.p + v->b.len;
    if (len == 0)
        return;
    for (int i = 0; i < v->n; i++)
        if (v->len[i] == len && memcmp(v->b.p + v->off[i], t, len) == 0)
            return;
    assert(v->n < MAX_VARIANTS);
    v->off[v->n] = v->b.len;
    v->len[v->n] = len;
    v->name[v->n] = name;
    v->n++;
    v->b.len += len;
}

static enum lt_err vl_add(struct vlist *v, const char *name, const void *t, size_t n)
{
    LT_TRY(lt_buf_reserve(&v->b, n));
    memcpy(v->b.p + v->b.len, t, n);
    vl_commit(v, name, n);
    return LT_OK;
}

/* Variant name: src[0..n) in case cm, each byte sep replaced by repl
   (which may be "", to drop it; sep 0 replaces nothing). */
static enum lt_err vl_xform(struct vlist *v, const char *name, const uint8_t *src, size_t n,
                            enum casemode cm, uint8_t sep, const char *repl)
{
    size_t rl = strlen(repl);
    if (n > ((size_t)-1 >> 4))
        return LT_E_NOMEM;
    LT_TRY(lt_buf_reserve(&v->b, n * (rl > 1 ? rl : 1)));
    uint8_t *d = v->b.p + v->b.len;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = src[i];
        if (sep && c == sep) {
            memcpy(d + k, repl, rl);
            k += rl;
            continue;
        }
        d[k++] = cm == CASE_LOWER ? to_lower(c) : cm == CASE_UPPER ? to_upper(c) : c;
    }
    vl_commit(v, name, k);
    return LT_OK;
}

static void trim(const char **t, size_t *n)
{
    while (*n && is_space((uint8_t)**t))
        (*t)++, (*n)--;
    while (*n && is_space((uint8_t)(*t)[*n - 1]))
        (*n)--;
}

/* Keys without a shape (serial, ssid, name, custom), and values that do not
   have their key's shape: as given, lower, upper. */
static enum lt_err gen_plain(struct vlist *v, const uint8_t *t, size_t n)
{
    LT_TRY(vl_xform(v, "exact", t, n, CASE_KEEP, 0, ""));
    LT_TRY(vl_xform(v, "lower", t, n, CASE_LOWER, 0, ""));
    return vl_xform(v, "upper", t, n, CASE_UPPER, 0, "");
}

/* Digits of t[0..n) with separators (space - . /) dropped into d (cap
   bytes); false when another byte occurs or there are more than cap. */
static bool digits_only(const uint8_t *t, size_t n, char *d, size_t cap, size_t *nd)
{
    *nd = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] == ' ' || t[i] == '-' || t[i] == '.' || t[i] == '/')
            continue;
        if (!is_digit(t[i]) || *nd == cap)
            return false;
        d[(*nd)++] = (char)t[i];
    }
    return *nd > 0;
}

static enum lt_err gen_hexid(struct vlist *v, const uint8_t *t, size_t n)
{
    LT_TRY(vl_xform(v, "exact", t, n, CASE_LOWER, 0, ""));
    return vl_xform(v, "upper", t, n, CASE_UPPER, 0, "");
}

/* GAID / IDFA / OAID: lower case with dashes is exact (32 hex digits get
   the 8-4-4-4-12 dashes of a UUID), then upper, then both without dashes. */
static enum lt_err gen_adid(struct vlist *v, const uint8_t *t, size_t n)
{
    bool all_hex = n == 32;
    for (size_t i = 0; all_hex && i < n; i++)
        all_hex = is_hex(t[i]);
    uint8_t uuid[36];
    if (all_hex) {
        size_t k = 0;
        for (size_t i = 0; i < 32; i++) {
            if (i == 8 || i == 12 || i == 16 || i == 20)
                uuid[k++] = '-';
            uuid[k++] = t[i];
        }
        t = uuid;
        n = 36;
    }
    LT_TRY(vl_xform(v, "exact", t, n, CASE_LOWER, 0, ""));
    LT_TRY(vl_xform(v, "upper", t, n, CASE_UPPER, 0, ""));
    LT_TRY(vl_xform(v, "nosep", t, n, CASE_LOWER, '-', ""));
    return vl_xform(v, "nosep-upper", t, n, CASE_UPPER, '-', "");
}

/* MAC / BSSID: 12 hex digits with ':', '-', '.' or no separators. */
static enum lt_err gen_mac(struct vlist *v, const uint8_t *t, size_t n)
{
    uint8_t h[12];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] == ':' || t[i] == '-' || t[i] == '.')
            continue;
        if (!is_hex(t[i]) || k == 12)
            return gen_plain(v, t, n);
        h[k++] = to_lower(t[i]);
    }
    if (k != 12)
        return gen_plain(v, t, n);
    uint8_t c[17], dot[14];
    for (int i = 0; i < 6; i++) {
        c[3 * i] = h[2 * i];
        c[3 * i + 1] = h[2 * i + 1];
        if (i < 5)
            c[3 * i + 2] = ':';
    }
    for (int i = 0, j = 0; i < 12; i++) {
        if (i == 4 || i == 8)
            dot[j++] = '.';
        dot[j++] = h[i];
    }
    LT_TRY(vl_xform(v, "exact", c, 17, CASE_LOWER, 0, ""));
    LT_TRY(vl_xform(v, "upper", c, 17, CASE_UPPER, 0, ""));
    LT_TRY(vl_xform(v, "dashed", c, 17, CASE_LOWER, ':', "-"));
    LT_TRY(vl_xform(v, "dashed-upper", c, 17, CASE_UPPER, ':', "-"));
    LT_TRY(vl_xform(v, "dotted", dot, 14, CASE_LOWER, 0, ""));
    LT_TRY(vl_xform(v, "dotted-upper", dot, 14, CASE_UPPER, 0, ""));
    LT_TRY(vl_xform(v, "percent", c, 17, CASE_LOWER, ':', "%3A"));
    LT_TRY(vl_xform(v, "percent-upper", c, 17, CASE_UPPER, ':', "%3A"));
    LT_TRY(vl_xform(v, "nosep", c, 17, CASE_LOWER, ':', ""));
    return vl_xform(v, "nosep-upper", c, 17, CASE_UPPER, ':', "");
}

/* ITU calling code length of the E.164 digits d (1, 2 or 3): 1 and 7 are
   one digit, the listed zones are two, everything else three. */
static size_t cc_length(const char *d, size_t nd)
{
    static const uint8_t two[] = { 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46,
                                   47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63,
                                   64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98 };
    if (d[0] == '1' || d[0] == '7')
        return 1;
    if (nd >= 2) {
        int cc = (d[0] - '0') * 10 + (d[1] - '0');
        for (size_t i = 0; i < sizeof two; i++)
            if (two[i] == cc)
                return 2;
    }
    return 3;
}

/* "+CC" then the national number in groups: NANP 3-3-4, else its first
   digit then pairs (a last odd digit alone). */
static size_t phone_grouped(char *out, const char *cc, size_t ncc, const char *nat, size_t nn,
                            char sep)
{
    size_t k = 0;
    out[k++] = '+';
    memcpy(out + k, cc, ncc);
    k += ncc;
    bool nanp = ncc == 1 && cc[0] == '1' && nn == 10;
    for (size_t i = 0; i < nn; i++) {
        bool cut = nanp ? (i == 0 || i == 3 || i == 6) : (i == 0 || (i >= 1 && (i - 1) % 2 == 0));
        if (cut)
            out[k++] = sep;
        out[k++] = nat[i];
    }
    return k;
}

/* Phone: E.164 from "+..." or "00..." with spaces, dashes, dots and
   parentheses allowed (and the "(0)" trunk notation dropped). A number
   without a country code is matched as its digits only. */
static enum lt_err gen_phone(struct vlist *v, const uint8_t *t, size_t n)
{
    char d[24];
    size_t nd = 0;
    bool plus = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = t[i];
        if (c == '(' && i + 2 < n && t[i + 1] == '0' && t[i + 2] == ')' && plus && nd > 0) {
            i += 2;
            continue;
        }
        if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/')
            continue;
        if (c == '+' && nd == 0 && !plus) {
            plus = true;
            continue;
        }
        if (!is_digit(c) || nd == sizeof d)
            return gen_plain(v, t, n);
        d[nd++] = (char)c;
    }
    if (!plus && nd > 2 && d[0] == '0' && d[1] == '0') {
        memmove(d, d + 2, nd - 2);
        nd -= 2;
        plus = true;
    }
    if (nd == 0)
        return gen_plain(v, t, n);
    if (!plus)
        return vl_add(v, "exact", d, nd);

    char buf[64];
    buf[0] = '+';
    memcpy(buf + 1, d, nd);
    LT_TRY(vl_add(v, "exact", buf, nd + 1));
    buf[0] = buf[1] = '0';
    memcpy(buf + 2, d, nd);
    LT_TRY(vl_add(v, "00", buf, nd + 2));
    LT_TRY(vl_add(v, "nosep", d, nd));
    size_t ncc = cc_length(d, nd);
    if (nd <= ncc)
        return LT_OK;
    const char *nat = d + ncc;
    size_t nn = nd - ncc;
    /* trunk prefix: none in NANP (+1) and Italy (+39, where the leading 0
       of landlines is part of the number), "8" in Russia/Kazakhstan (+7),
       "0" elsewhere (best effort) */
    const char *trunk = "0";
    if ((ncc == 1 && d[0] == '1') || (ncc == 2 && d[0] == '3' && d[1] == '9'))
        trunk = "";
    else if (ncc == 1 && d[0] == '7')
        trunk = "8";
    size_t tl = strlen(trunk);
    memcpy(buf, trunk, tl);
    memcpy(buf + tl, nat, nn);
    LT_TRY(vl_add(v, "national", buf, tl + nn));
    LT_TRY(vl_add(v, "spaced", buf, phone_grouped(buf, d, ncc, nat, nn, ' ')));
    return vl_add(v, "dashed", buf, phone_grouped(buf, d, ncc, nat, nn, '-'));
}

static enum lt_err gen_base(struct vlist *v, const char *key, const uint8_t *t0, size_t n0)
{
    const char *ts = (const char *)t0;
    size_t n = n0;
    trim(&ts, &n);
    const uint8_t *t = (const uint8_t *)ts;
    const char *kind = lt__match_known_kind(key);
    if (!kind || n == 0 || strcmp(kind, "serial") == 0 || strcmp(kind, "ssid") == 0 ||
        strcmp(kind, "name") == 0)
        return gen_plain(v, t0, n0); /* exactly as given */
    if (strcmp(kind, "android_id") == 0 || strcmp(kind, "meid") == 0)
        return gen_hexid(v, t, n);
    if (strcmp(kind, "adid") == 0)
        return gen_adid(v, t, n);
    if (strcmp(kind, "mac") == 0 || strcmp(kind, "bssid") == 0)
        return gen_mac(v, t, n);
    if (strcmp(kind, "email") == 0)
        return vl_xform(v, "exact", t, n, CASE_LOWER, 0, "");
    if (strcmp(kind, "phone") == 0)
        return gen_phone(v, t, n);
    char d[32];
    size_t nd;
    if (!digits_only(t, n, d, sizeof d, &nd))
        return gen_plain(v, t, n);
    LT_TRY(vl_add(v, "exact", d, nd));
    if (strcmp(kind, "imei") == 0 && nd == 15)
        return vl_add(v, "truncated", d, 14);
    if (strcmp(kind, "iccid") == 0 && nd > 1)
        return vl_add(v, "truncated", d, nd - 1);
    return LT_OK; /* imsi, or a "location" given as a string */
}

/* ---- hashes ------------------------------------------------------------- */

struct hasher {
    EVP_MD_CTX *ctx;
    const EVP_MD *md[4];
};

enum { H_MD5, H_SHA1, H_SHA256, H_SHA512 };
static const char *const hash_name[4] = { "md5", "sha1", "sha256", "sha512" };

static enum lt_err digest(struct hasher *h, int which, const void *t, size_t n, uint8_t *out,
                          unsigned *out_len)
{
    if (!h->md[which] || !EVP_DigestInit_ex(h->ctx, h->md[which], NULL) ||
        !EVP_DigestUpdate(h->ctx, t, n) || !EVP_DigestFinal_ex(h->ctx, out, out_len))
        return LT_E_UNSUPPORTED;
    return LT_OK;
}

static size_t to_hex(char *out, const uint8_t *d, size_t n, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    return 2 * n;
}

/* Standard alphabet, no padding (the scan lets '=' follow). */
static size_t to_b64(char *out, const uint8_t *d, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t k = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t x = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
        out[k++] = a[x >> 18];
        out[k++] = a[(x >> 12) & 63];
        out[k++] = a[(x >> 6) & 63];
        out[k++] = a[x & 63];
    }
    if (n - i == 1) {
        out[k++] = a[d[i] >> 2];
        out[k++] = a[(d[i] & 3) << 4];
    } else if (n - i == 2) {
        uint32_t x = (uint32_t)d[i] << 8 | d[i + 1];
        out[k++] = a[x >> 10];
        out[k++] = a[(x >> 4) & 63];
        out[k++] = a[(x << 2) & 63];
    }
    return k;
}

static enum lt_err emit(const struct lt__match_sink *s, const void *t, size_t n, uint8_t bound,
                        const char *variant)
{
    return s->add(s->ud, t, n, bound, variant, 0);
}

/* The 12 hash literals of one base variant named vname. */
static enum lt_err emit_hashes(struct hasher *h, const struct lt__match_sink *s, const uint8_t *t,
                               size_t n, const char *vname)
{
    bool is_exact = strcmp(vname, "exact") == 0;
    for (int w = 0; w < 4; w++) {
        uint8_t dg[EVP_MAX_MD_SIZE];
        unsigned dl;
        char txt[2 * EVP_MAX_MD_SIZE], name[96], name2[112];
        LT_TRY(digest(h, w, t, n, dg, &dl));
        if (is_exact)
            snprintf(name, sizeof name, "%s", hash_name[w]);
        else
            snprintf(name, sizeof name, "%s(%s)", hash_name[w], vname);
        LT_TRY(emit(s, txt, to_hex(txt, dg, dl, false), LT_BOUND_HEX, name));
        snprintf(name2, sizeof name2, "%s-upper", name);
        LT_TRY(emit(s, txt, to_hex(txt, dg, dl, true), LT_BOUND_HEX, name2));
        snprintf(name2, sizeof name2, "base64(%s)", name);
        LT_TRY(emit(s, txt, to_b64(txt, dg, dl), LT_BOUND_B64, name2));
    }
    return LT_OK;
}

/* outer(lower_hex(inner(exact))), lower and upper hex. */
static enum lt_err emit_two_level(struct hasher *h, const struct lt__match_sink *s,
                                  const uint8_t *t, size_t n)
{
    static const int pairs[4][2] = {
        { H_MD5, H_SHA1 }, { H_SHA1, H_MD5 }, { H_MD5, H_MD5 }, { H_SHA256, H_SHA256 }
    };
    for (int i = 0; i < 4; i++) {
        uint8_t dg[EVP_MAX_MD_SIZE];
        unsigned dl;
        char txt[2 * EVP_MAX_MD_SIZE], name[64];
        LT_TRY(digest(h, pairs[i][1], t, n, dg, &dl));
        size_t inner = to_hex(txt, dg, dl, false);
        LT_TRY(digest(h, pairs[i][0], txt, inner, dg, &dl));
        snprintf(name, sizeof name, "%s(%s)", hash_name[pairs[i][0]], hash_name[pairs[i][1]]);
        LT_TRY(emit(s, txt, to_hex(txt, dg, dl, false), LT_BOUND_HEX, name));
        strcat(name, "-upper");
        LT_TRY(emit(s, txt, to_hex(txt, dg, dl, true), LT_BOUND_HEX, name));
    }
    return LT_OK;
}

enum lt_err lt__match_gen_value(const char *key, const char *value,
                                const struct lt__match_sink *sink)
{
    struct vlist v = { .n = 0 };
    lt_buf_init(&v.b, (size_t)-1 >> 1);
    struct hasher h = { NULL, { NULL, NULL, NULL, NULL } };
    enum lt_err e = gen_base(&v, key, (const uint8_t *)value, strlen(value));
    if (e == LT_OK && v.n > 0) {
        h.ctx = EVP_MD_CTX_new();
        h.md[H_MD5] = EVP_md5();
        h.md[H_SHA1] = EVP_sha1();
        h.md[H_SHA256] = EVP_sha256();
        h.md[H_SHA512] = EVP_sha512();
        if (!h.ctx)
            e = LT_E_NOMEM;
    }
    for (int i = 0; e == LT_OK && i < v.n; i++) {
        const uint8_t *t = v.b.p + v.off[i];
        e = emit(sink, t, v.len[i], (uint8_t)lt__match_classify(t, v.len[i]), v.name[i]);
    }
    for (int i = 0; e == LT_OK && i < v.n; i++)
        e = emit_hashes(&h, sink, v.b.p + v.off[i], v.len[i], v.name[i]);
    if (e == LT_OK && v.n > 0)
        e = emit_two_level(&h, sink, v.b.p + v.off[0], v.len[0]);
    EVP_MD_CTX_free(h.ctx);
    lt_buf_release(&v.b);
    return e;
}

/* ---- location ------------------------------------------------------------ */

/*
 * A coordinate is handled as decimal text, never as a float: the shortest
 * fixed-point text that reads back as the manifest's double (48.85661 ->
 * "48.85661", 5 decimals) is cut or rounded digit by digit, so no binary
 * artefact (48.856609999...) reaches a literal. Truncations stop at the
 * manifest's own decimals: nothing is padded with zeros, except when
 * scaling to an integer (x 1e6, x 1e7), where the zeros are real digits.
 */
struct dec {
    bool neg;
    char ip[24];  /* integer part digits, no sign ("0" for 0.5) */
    size_t ni;
    char fp[32];  /* fraction digits */
    size_t nf;
};

static void dec_of(double x, struct dec *d)
{
    char s[80];
    for (int prec = 0; prec <= 25; prec++) {
        snprintf(s, sizeof s, "%.*f", prec, x);
        if (strtod(s, NULL) == x)
            break;
    }
    const char *q = s;
    d->neg = *q == '-';
    if (d->neg)
        q++;
    d->ni = d->nf = 0;
    while (is_digit((uint8_t)*q) && d->ni < sizeof d->ip)
        d->ip[d->ni++] = *q++;
    if (*q == '.')
        q++;
    while (is_digit((uint8_t)*q) && d->nf < sizeof d->fp)
        d->fp[d->nf++] = *q++;
    while (d->nf > 0 && d->fp[d->nf - 1] == '0') /* "%.0f" etc. never pad, but be sure */
        d->nf--;
    bool zero = true;
    for (size_t i = 0; i < d->ni; i++)
        zero &= d->ip[i] == '0';
    for (size_t i = 0; i < d->nf; i++)
        zero &= d->fp[i] == '0';
    if (zero)
        d->neg = false; /* -0.0 is 0 */
}

/* Digits of the value in units of 10^-places, cut (not rounded) or padded
   to that many decimals, without a sign: into out, returns the length. */
static size_t dec_units(const struct dec *d, size_t places, char *out)
{
    size_t k = 0;
    memcpy(out, d->ip, d->ni);
    k = d->ni;
    for (size_t i = 0; i < places; i++)
        out[k++] = i < d->nf ? d->fp[i] : '0';
    return k;
}

/* sign + digits with a '.' before the last places digits, leading zeros of
   the integer part trimmed (kept as "0"); returns the length. */
static size_t dec_text(char *out, bool neg, const char *digits, size_t n, size_t places)
{
    size_t k = 0, lead = 0;
    while (lead + places + 1 < n && digits[lead] == '0')
        lead++;
    if (neg)
        out[k++] = '-';
    for (size_t i = lead; i < n; i++) {
        if (places && i == n - places)
            out[k++] = '.';
        out[k++] = digits[i];
    }
    return k;
}

static bool all_zero(const char *digits, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (digits[i] != '0')
            return false;
    return true;
}

static enum lt_err gen_coord(const struct lt__match_sink *s, double x, uint8_t coord)
{
    struct dec d;
    dec_of(x, &d);
    char units[64], txt[80];
    struct vlist v = { .n = 0 };
    lt_buf_init(&v.b, 4096);
    enum lt_err e;
    size_t n = dec_units(&d, d.nf, units);
    e = vl_add(&v, "exact", txt, dec_text(txt, d.neg, units, n, d.nf));
    for (size_t p = 1; e == LT_OK && p <= 6 && p < d.nf; p++) {
        n = dec_units(&d, p, units);
        /* a cut that leaves 0 ("-0.00" of -0.0000001) says nothing */
        if (!all_zero(units, n))
            e = vl_add(&v, "truncated", txt, dec_text(txt, d.neg, units, n, p));
        if (e != LT_OK || d.fp[p] < '5')
            continue;
        /* round half away from zero: add one unit in the last place */
        size_t i = n;
        while (i > 0 && units[i - 1] == '9')
            units[--i] = '0';
        if (i > 0) {
            units[i - 1]++;
        } else {
            memmove(units + 1, units, n++);
            units[0] = '1';
        }
        e = vl_add(&v, "rounded", txt, dec_text(txt, d.neg, units, n, p));
    }
    for (size_t p = 6; e == LT_OK && p <= 7; p++) {
        n = dec_units(&d, p, units);
        size_t lead = 0;
        while (lead + 1 < n && units[lead] == '0')
            lead++;
        if (all_zero(units, n))
            continue;
        size_t k = 0;
        if (d.neg)
            txt[k++] = '-';
        memcpy(txt + k, units + lead, n - lead);
        e = vl_add(&v, "scaled", txt, k + n - lead);
    }
    for (int i = 0; e == LT_OK && i < v.n; i++)
        e = s->add(s->ud, v.b.p + v.off[i], v.len[i], LT_BOUND_DIGIT, v.name[i], coord);
    lt_buf_release(&v.b);
    return e;
}

enum lt_err lt__match_gen_location(double lat, double lon, const struct lt__match_sink *sink)
{
    if (!isfinite(lat) || !isfinite(lon) || fabs(lat) > 1e9 || fabs(lon) > 1e9)
        return LT_OK; /* the manifest checks ranges; nothing sensible to match */
    LT_TRY(gen_coord(sink, lat, 'a'));
    return gen_coord(sink, lon, 'o');
}
