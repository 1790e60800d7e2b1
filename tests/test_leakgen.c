/* SPDX-License-Identifier: MIT */
/*
 * test_leakgen.c - the planted-leak generator (bench/leakgen.h) checked
 * against itself: for every expected record, the test walks the record's
 * chain over the request bytes with its own small decoders (HTTP, query,
 * cookie, form, k=v##k=v, multipart, JSON path, protobuf path, base64,
 * hex, percent, zlib inflate), so the ground truth does not depend on the
 * detector it is meant to judge. It also recomputes every value from the
 * identifiers and its variant name, checks the Sensors seed request field
 * by field, that decoys are near misses holding no identifier, framing and
 * determinism.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "leakgen.h"

/* ---- the request ------------------------------------------------------- */

struct req {
    const char *p;
    size_t n;
    char method[16];
    char target[4096];
    const char *hdr;     /* first header line */
    size_t hdr_len;      /* up to and including the blank line */
    const char *body;
    size_t body_len;
    bool has_cl;
    size_t cl;
};

static bool parse_req(const struct tb_buf *b, struct req *r)
{
    memset(r, 0, sizeof *r);
    r->p = (const char *)b->p;
    r->n = b->len;
    const char *end = memmem(r->p, r->n, "\r\n\r\n", 4);
    const char *eol = memmem(r->p, r->n, "\r\n", 2);
    if (!end || !eol)
        return false;
    char line[4200];
    size_t ll = (size_t)(eol - r->p);
    if (ll >= sizeof line)
        return false;
    memcpy(line, r->p, ll);
    line[ll] = '\0';
    char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strcmp(sp2, " HTTP/1.1") || (size_t)(sp1 - line) >= sizeof r->method)
        return false;
    memcpy(r->method, line, (size_t)(sp1 - line));
    snprintf(r->target, sizeof r->target, "%.*s", (int)(sp2 - sp1 - 1), sp1 + 1);
    r->hdr = eol + 2;
    r->hdr_len = (size_t)(end + 4 - r->hdr);
    r->body = end + 4;
    r->body_len = r->n - (size_t)(r->body - r->p);
    return true;
}

/* Value of header name (case-insensitive), trimmed, into out. */
static bool header(const struct req *r, const char *name, struct tb_buf *out)
{
    const char *s = r->hdr, *e = r->hdr + r->hdr_len;
    size_t nl = strlen(name);
    while (s < e) {
        const char *eol = memmem(s, (size_t)(e - s), "\r\n", 2);
        if (!eol || eol == s)
            break;
        if ((size_t)(eol - s) > nl && s[nl] == ':' && !strncasecmp(s, name, nl)) {
            const char *v = s + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            out->len = 0;
            tb_buf_put(out, v, (size_t)(ve - v));
            return true;
        }
        s = eol + 2;
    }
    return false;
}

/* ---- small decoders ----------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool pct_decode(const char *s, size_t n, bool plus, struct tb_buf *out)
{
    out->len = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n)
                return false;
            int a = hexval(s[i + 1]), b = hexval(s[i + 2]);
            if (a < 0 || b < 0)
                return false;
            tb_buf_u8(out, (uint8_t)(a * 16 + b));
            i += 2;
        } else if (s[i] == '+' && plus) {
            tb_buf_u8(out, ' ');
        } else {
            tb_buf_u8(out, (uint8_t)s[i]);
        }
    }
    return true;
}

/* Pairs separated by sep; value of name, percent-decoded when decode. */
static bool pairs_get(const char *s, size_t n, const char *sep, bool decode,
                      const char *name, struct tb_buf *out)
{
    size_t sl = strlen(sep), i = 0;
    struct tb_buf k = { 0 };
    bool found = false;
    while (i <= n && !found) {
        const char *e = memmem(s + i, n - i, sep, sl);
        size_t end = e ? (size_t)(e - s) : n;
        const char *eq = memchr(s + i, '=', end - i);
        if (eq) {
            size_t kl = (size_t)(eq - (s + i));
            if (decode)
                pct_decode(s + i, kl, true, &k);
            else {
                k.len = 0;
                tb_buf_put(&k, s + i, kl);
            }
            if (k.len == strlen(name) && !memcmp(k.p, name, k.len)) {
                size_t vl = end - (size_t)(eq + 1 - s);
                if (decode)
                    found = pct_decode(eq + 1, vl, true, out);
                else {
                    out->len = 0;
                    tb_buf_put(out, eq + 1, vl);
                    found = true;
                }
            }
        }
        if (!e)
            break;
        i = end + sl;
    }
    tb_buf_release(&k);
    return found;
}

static int b64val(int c, bool url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

/* Base64 with padding; CR/LF anywhere are skipped (android DEFAULT). */
static bool b64_decode(const uint8_t *s, size_t n, bool url, struct tb_buf *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t pad = 0, syms = 0;
    out->len = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' || s[i] == '\n')
            continue;
        if (s[i] == '=') {
            pad++;
            continue;
        }
        int v = b64val(s[i], url);
        if (v < 0 || pad)
            return false;
        syms++;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            tb_buf_u8(out, (uint8_t)(acc >> bits));
        }
    }
    return (syms + pad) % 4 == 0 && pad <= 2;
}

static bool hex_decode(const uint8_t *s, size_t n, struct tb_buf *out)
{
    out->len = 0;
    if (n % 2)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        int a = hexval(s[i]), b = hexval(s[i + 1]);
        if (a < 0 || b < 0)
            return false;
        tb_buf_u8(out, (uint8_t)(a * 16 + b));
    }
    return true;
}

static bool inflate_all(const uint8_t *s, size_t n, int wbits, struct tb_buf *out)
{
    z_stream z = { 0 };
    if (inflateInit2(&z, wbits) != Z_OK)
        return false;
    out->len = 0;
    z.next_in = (Bytef *)s;
    z.avail_in = (uInt)n;
    int rc;
    do {
        uint8_t chunk[4096];
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = inflate(&z, Z_NO_FLUSH);
        tb_buf_put(out, chunk, sizeof chunk - z.avail_out);
    } while (rc == Z_OK);
    inflateEnd(&z);
    return rc == Z_STREAM_END && z.avail_in == 0;
}

/* ---- JSON path walk (own parser: numbers keep their source text) ------- */

struct js {
    const uint8_t *p;
    size_t n, i;
};

static void js_ws(struct js *j)
{
    while (j->i < j->n && strchr(" \t\r\n", j->p[j->i]))
        j->i++;
}

static bool js_string(struct js *j, struct tb_buf *out)
{
    if (j->i >= j->n || j->p[j->i] != '"')
        return false;
    j->i++;
    if (out)
        out->len = 0;
    while (j->i < j->n) {
        uint8_t c = j->p[j->i++];
        if (c == '"')
            return true;
        if (c == '\\') {
            if (j->i >= j->n)
                return false;
            uint8_t e = j->p[j->i++];
            const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
            const char *k = strchr(from, e);
            if (e == 'u') {
                if (j->i + 4 > j->n)
                    return false;
                unsigned v = 0;
                for (int q = 0; q < 4; q++)
                    v = v * 16 + (unsigned)hexval(j->p[j->i++]);
                if (v > 0x7f)
                    return false;          /* the generator writes ASCII */
                c = (uint8_t)v;
            } else if (k && e) {
                c = (uint8_t)to[k - from];
            } else {
                return false;
            }
        }
        if (out)
            tb_buf_u8(out, c);
    }
    return false;
}

static bool js_skip(struct js *j)
{
    js_ws(j);
    if (j->i >= j->n)
        return false;
    uint8_t c = j->p[j->i];
    if (c == '"')
        return js_string(j, NULL);
    if (c == '{' || c == '[') {
        uint8_t close = c == '{' ? '}' : ']';
        j->i++;
        js_ws(j);
        if (j->i < j->n && j->p[j->i] == close) {
            j->i++;
            return true;
        }
        for (;;) {
            if (c == '{') {
                js_ws(j);
                if (!js_string(j, NULL))
                    return false;
                js_ws(j);
                if (j->i >= j->n || j->p[j->i++] != ':')
                    return false;
            }
            if (!js_skip(j))
                return false;
            js_ws(j);
            if (j->i >= j->n)
                return false;
            if (j->p[j->i] == ',') {
                j->i++;
                continue;
            }
            return j->p[j->i++] == close;
        }
    }
    while (j->i < j->n && !strchr(",]} \t\r\n", j->p[j->i]))
        j->i++;
    return true;
}

/* The value at path ("$.a['b c'][2].d") in JSON text s: a string's
   unescaped bytes, or a number/literal's source text. */
static bool json_get(const uint8_t *s, size_t n, const char *path, struct tb_buf *out)
{
    struct js j = { s, n, 0 };
    struct tb_buf key = { 0 }, want = { 0 };
    bool ok = false;
    if (*path++ != '$')
        goto done;
    while (*path) {
        js_ws(&j);
        if (*path == '[' && path[1] != '\'') {
            long idx = strtol(path + 1, (char **)&path, 10);
            if (*path++ != ']' || j.i >= j.n || j.p[j.i] != '[')
                goto done;
            j.i++;
            for (long k = 0; k < idx; k++) {
                if (!js_skip(&j))
                    goto done;
                js_ws(&j);
                if (j.i >= j.n || j.p[j.i++] != ',')
                    goto done;
            }
            continue;
        }
        want.len = 0;
        if (*path == '.') {
            path++;
            while (*path && *path != '.' && *path != '[')
                tb_buf_u8(&want, (uint8_t)*path++);
        } else if (!strncmp(path, "['", 2)) {
            const char *e = strstr(path + 2, "']");
            if (!e)
                goto done;
            tb_buf_put(&want, path + 2, (size_t)(e - path - 2));
            path = e + 2;
        } else {
            goto done;
        }
        if (j.i >= j.n || j.p[j.i++] != '{')
            goto done;
        for (;;) {
            js_ws(&j);
            if (!js_string(&j, &key))
                goto done;
            js_ws(&j);
            if (j.i >= j.n || j.p[j.i++] != ':')
                goto done;
            if (key.len == want.len && !memcmp(key.p, want.p, key.len))
                break;
            if (!js_skip(&j))
                goto done;
            js_ws(&j);
            if (j.i >= j.n || j.p[j.i++] != ',')
                goto done;
        }
    }
    js_ws(&j);
    if (j.i < j.n && j.p[j.i] == '"') {
        ok = js_string(&j, out);
    } else if (j.i < j.n && j.p[j.i] != '{' && j.p[j.i] != '[') {
        size_t from = j.i;
        js_skip(&j);
        out->len = 0;
        tb_buf_put(out, s + from, j.i - from);
        ok = true;
    }
done:
    tb_buf_release(&key);
    tb_buf_release(&want);
    return ok;
}

/* ---- protobuf path ("1.19": first field 1, inside it first field 19) --- */

static bool pb_varint(const uint8_t *s, size_t n, size_t *i, uint64_t *v)
{
    *v = 0;
    for (int sh = 0; sh < 64 && *i < n; sh += 7) {
        uint8_t b = s[(*i)++];
        *v |= (uint64_t)(b & 0x7f) << sh;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

static bool pb_field(const uint8_t *s, size_t n, unsigned want, const uint8_t **fp, size_t *fn)
{
    size_t i = 0;
    while (i < n) {
        uint64_t key, v;
        if (!pb_varint(s, n, &i, &key))
            return false;
        switch (key & 7) {
        case 0:
            if (!pb_varint(s, n, &i, &v))
                return false;
            break;
        case 1:
            i += 8;
            break;
        case 5:
            i += 4;
            break;
        case 2:
            if (!pb_varint(s, n, &i, &v) || v > n - i)
                return false;
            if (key >> 3 == want) {
                *fp = s + i;
                *fn = (size_t)v;
                return true;
            }
            i += (size_t)v;
            break;
        default:
            return false;
        }
    }
    return false;
}

/* ---- walking a chain ---------------------------------------------------- */

static bool multipart_get(const struct req *r, const uint8_t *s, size_t n, const char *name,
                          struct tb_buf *out)
{
    struct tb_buf ct = { 0 };
    bool ok = false;
    if (!header(r, "Content-Type", &ct))
        return false;
    tb_buf_u8(&ct, 0);
    const char *bp = strstr((const char *)ct.p, "boundary=");
    if (bp) {
        char delim[256], want[300];
        snprintf(delim, sizeof delim, "--%s", bp + 9);
        snprintf(want, sizeof want, "name=\"%s\"", name);
        const uint8_t *part = memmem(s, n, delim, strlen(delim));
        while (part && !ok) {
            const uint8_t *hs = part + strlen(delim) + 2;
            if (hs > s + n)
                break;
            const uint8_t *he = memmem(hs, n - (size_t)(hs - s), "\r\n\r\n", 4);
            if (!he)
                break;
            const uint8_t *cs = he + 4;
            const uint8_t *next = memmem(cs, n - (size_t)(cs - s), delim, strlen(delim));
            if (!next)
                break;
            if (memmem(hs, (size_t)(he - hs), want, strlen(want))) {
                out->len = 0;
                tb_buf_put(out, cs, (size_t)(next - 2 - cs)); /* drop CRLF */
                ok = true;
            }
            part = next;
        }
    }
    tb_buf_release(&ct);
    return ok;
}

/* Apply the chain of e to request r; the final piece into out. On failure
   the failing step into why. */
static bool walk(const struct req *r, const struct lg_expect *e, struct tb_buf *out,
                 char *why, size_t why_cap)
{
    struct tb_buf cur = { 0 }, nxt = { 0 };
    bool ok = true;
    for (size_t s = 0; s < e->chain_len && ok; s++) {
        const char *st = e->chain[s];
        const char *arg = strchr(st, ':') ? strchr(st, ':') + 1 : "";
        bool named = arg[0] != '\0';
        nxt.len = 0;
        if (s == 0) {
            if (!strcmp(st, "url")) {
                const char *q = strchr(r->target, '?');
                tb_buf_put(&nxt, r->target, q ? (size_t)(q - r->target) : strlen(r->target));
            } else if (!strncmp(st, "query:", 6)) {
                const char *q = strchr(r->target, '?');
                ok = q && pairs_get(q + 1, strlen(q + 1), "&", true, arg, &nxt);
            } else if (!strncmp(st, "header:", 7)) {
                for (const char *c = arg; *c; c++)
                    ok = ok && !(*c >= 'A' && *c <= 'Z');   /* written lower-case */
                ok = ok && header(r, arg, &nxt);
            } else if (!strncmp(st, "cookie:", 7)) {
                struct tb_buf ck = { 0 };
                ok = header(r, "Cookie", &ck) &&
                     pairs_get((const char *)ck.p, ck.len, "; ", false, arg, &nxt);
                tb_buf_release(&ck);
            } else if (!strcmp(st, "body")) {
                tb_buf_put(&nxt, r->body, r->body_len);
            } else {
                ok = false;
            }
        } else if (!strncmp(st, "form:", 5) && named) {
            /* k=v##k=v strings (Sensors) are raw; else a urlencoded form */
            bool hash = memmem(cur.p, cur.len, "##", 2) && !memchr(cur.p, '&', cur.len);
            ok = pairs_get((const char *)cur.p, cur.len, hash ? "##" : "&", !hash, arg, &nxt);
        } else if (!strncmp(st, "json:", 5) && named) {
            json_t *doc = json_loadb((const char *)cur.p, cur.len, 0, NULL);
            ok = doc != NULL;                               /* valid JSON text */
            json_decref(doc);
            ok = ok && json_get(cur.p, cur.len, arg, &nxt);
        } else if (!strncmp(st, "multipart:", 10) && named) {
            ok = multipart_get(r, cur.p, cur.len, arg, &nxt);
        } else if (!strncmp(st, "protobuf:", 9) && named) {
            const uint8_t *fp = cur.p;
            size_t fn = cur.len;
            for (const char *f = arg; ok && *f;) {
                char *end;
                unsigned num = (unsigned)strtoul(f, &end, 10);
                ok = end != f && pb_field(fp, fn, num, &fp, &fn);
                f = *end == '.' ? end + 1 : end;
            }
            if (ok)
                tb_buf_put(&nxt, fp, fn);
        } else if (!strcmp(st, "base64") || !strcmp(st, "base64url")) {
            bool url = st[6] == 'u';
            bool has_url_chars = memchr(cur.p, '-', cur.len) || memchr(cur.p, '_', cur.len);
            ok = has_url_chars == url && b64_decode(cur.p, cur.len, url, &nxt);
        } else if (!strcmp(st, "hex")) {
            ok = hex_decode(cur.p, cur.len, &nxt);
        } else if (!strcmp(st, "percent")) {
            ok = memchr(cur.p, '%', cur.len) && pct_decode((const char *)cur.p, cur.len, false, &nxt);
        } else if (!strcmp(st, "gzip") || !strcmp(st, "zlib") || !strcmp(st, "deflate")) {
            int wb = st[0] == 'g' ? 31 : st[0] == 'z' ? 15 : -15;
            ok = inflate_all(cur.p, cur.len, wb, &nxt);
            if (ok && s == 1) {         /* right after "body": Content-Encoding */
                struct tb_buf ce = { 0 };
                ok = header(r, "Content-Encoding", &ce) && ce.len == strlen(st) &&
                     !memcmp(ce.p, st, ce.len);
                tb_buf_release(&ce);
            }
        } else {
            ok = false;
        }
        if (!ok)
            snprintf(why, why_cap, "step %zu '%s'", s, st);
        struct tb_buf t = cur;
        cur = nxt;
        nxt = t;
    }
    out->len = 0;
    tb_buf_put(out, cur.p, cur.len);
    tb_buf_release(&cur);
    tb_buf_release(&nxt);
    return ok;
}

/* ---- values from identifiers -------------------------------------------- */

static void hexdig(const char *alg, const char *s, char *out)
{
    const EVP_MD *md = EVP_get_digestbyname(alg);
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    cr_assert(md && EVP_Digest(s, strlen(s), d, &len, md, NULL));
    for (unsigned i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void coord(double v, const char *variant, char *out, size_t cap)
{
    char t[64];
    snprintf(t, sizeof t, "%.5f", v);          /* the ids have <= 5 decimals */
    if (!strcmp(variant, "exact")) {
        size_t n = strlen(t);
        while (t[n - 1] == '0')
            t[--n] = '\0';
        snprintf(out, cap, "%s", t);
    } else if (!strcmp(variant, "truncated")) {
        snprintf(out, cap, "%.*s", (int)(strchr(t, '.') - t + 5), t);
    } else if (!strcmp(variant, "rounded")) {
        snprintf(out, cap, "%.4f", v);
    } else if (!strcmp(variant, "scaled")) {
        snprintf(out, cap, "%lld", (long long)llround(v * 1e6));
    } else {
        snprintf(out, cap, "?");
    }
}

/* What e->value must be, from ids; false for a variant the test does not
   know (a failure). For location, lat or lon: *alt receives the other. */
static bool variant_value(const struct lg_ids *id, const struct lg_expect *e, char *out,
                          char *alt, size_t cap)
{
    alt[0] = '\0';
    if (!strcmp(e->kind, "location")) {
        coord(id->lat, e->variant, out, cap);
        coord(id->lon, e->variant, alt, cap);
        return strcmp(out, "?") != 0;
    }
    const char *base = !strcmp(e->kind, "android_id") ? id->android_id
                     : !strcmp(e->kind, "adid") ? id->adid
                     : !strcmp(e->kind, "imei") ? id->imei
                     : !strcmp(e->kind, "mac") ? id->mac
                     : !strcmp(e->kind, "email") ? id->email
                     : !strcmp(e->kind, "phone") ? id->phone
                     : !strncmp(e->kind, "custom:", 7) ? id->custom_value : NULL;
    if (!base)
        return false;
    const char *v = e->variant;
    char *o = out;
    if (!strcmp(v, "exact")) {
        snprintf(out, cap, "%s", base);
    } else if (!strcmp(v, "upper") || !strcmp(v, "nosep") || !strcmp(v, "dashed") ||
               !strcmp(v, "percent")) {
        for (const char *c = base; *c; c++) {
            if (*c == ':' || *c == '-') {
                if (!strcmp(v, "dashed"))
                    *o++ = '-';
                else if (!strcmp(v, "percent"))
                    o += sprintf(o, "%%3A");
                else if (!strcmp(v, "upper"))
                    *o++ = *c;
            } else {
                *o++ = !strcmp(v, "upper") && *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c;
            }
        }
        *o = '\0';
    } else if (!strcmp(v, "truncated") && !strcmp(e->kind, "imei")) {
        snprintf(out, cap, "%.14s", base);
    } else if (!strcmp(v, "md5") || !strcmp(v, "sha1") || !strcmp(v, "sha256") ||
               !strcmp(v, "sha512")) {
        hexdig(v, base, out);
    } else if (!strcmp(v, "md5-upper")) {
        hexdig("md5", base, out);
        for (; *o; o++)
            if (*o >= 'a' && *o <= 'f')
                *o = (char)(*o - 32);
    } else if (!strcmp(v, "md5(sha1)")) {
        char s1[129];
        hexdig("sha1", base, s1);
        hexdig("md5", s1, out);
    } else if (!strcmp(v, "base64(sha256)")) {
        unsigned char d[32];
        unsigned len = 0;
        cr_assert(EVP_Digest(base, strlen(base), d, &len, EVP_sha256(), NULL));
        EVP_EncodeBlock((unsigned char *)out, d, (int)len);
    } else {
        return false;
    }
    return true;
}

/* Whole-token occurrence of v in p[0..n): the bytes around it are not of
   its class (digits for numbers, hex digits for hex, else alphanumerics). */
static bool token_in(const uint8_t *p, size_t n, const char *v)
{
    size_t vl = strlen(v);
    bool num = true, hex = true;
    for (const char *c = v; *c; c++) {
        num = num && ((*c >= '0' && *c <= '9') || *c == '.' || *c == '-');
        hex = hex && hexval(*c) >= 0;
    }
    for (size_t i = 0; i + vl <= n; i++) {
        if (memcmp(p + i, v, vl))
            continue;
        int b = i ? p[i - 1] : -1, a = i + vl < n ? p[i + vl] : -1;
        bool bad = false;
        for (int k = 0; k < 2; k++) {
            int c = k ? a : b;
            if (c < 0)
                continue;
            if (num)
                bad = bad || (c >= '0' && c <= '9');
            else if (hex)
                bad = bad || hexval(c) >= 0;
            else
                bad = bad || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
        }
        if (!bad)
            return true;
    }
    return false;
}

static const char *const known_kinds[] = { "android_id", "adid", "imei", "mac", "email",
                                           "phone", "location" };

/* ---- tests -------------------------------------------------------------- */

TestSuite(leakgen, .timeout = 60);

Test(leakgen, every_chain_leads_to_its_value)
{
    for (int d = 0; d < 2; d++) {
        const struct lg_ids *id = lg_example_ids(d);
        struct lg_case *cs;
        size_t n, total = 0;
        lg_cases(id, &cs, &n);
        cr_assert_geq(n, 20);
        struct tb_buf piece = { 0 };
        for (size_t i = 0; i < n; i++) {
            const struct lg_case *c = &cs[i];
            struct req r;
            cr_assert(parse_req(&c->request, &r), "%s: request does not parse", c->name);
            size_t n_lat = 0, n_lon = 0;
            for (size_t k = 0; k < c->n_expects; k++) {
                const struct lg_expect *e = &c->expects[k];
                char why[128] = "", want[256], alt[256];
                cr_assert(walk(&r, e, &piece, why, sizeof why), "%s/%s #%zu: chain fails at %s",
                          lg_example_device(d), c->name, k, why);
                /* the value is the variant of the identifier ... */
                cr_assert(variant_value(id, e, want, alt, sizeof want), "%s #%zu: variant %s of %s",
                          c->name, k, e->variant, e->kind);
                bool is_lat = !strcmp(e->value, want), is_lon = alt[0] && !strcmp(e->value, alt);
                cr_assert(is_lat || is_lon, "%s #%zu: value '%s' is not %s of %s ('%s')", c->name,
                          k, e->value, e->variant, e->kind, want);
                n_lat += alt[0] && is_lat;
                n_lon += alt[0] && is_lon;
                /* ... and it is what the chain yields: the whole field for
                   a container step, a whole token of the text otherwise */
                const char *last = e->chain[e->chain_len - 1];
                if (strchr(last, ':'))
                    cr_assert(piece.len == strlen(e->value) &&
                                  !memcmp(piece.p, e->value, piece.len),
                              "%s #%zu: %s gives '%.*s', expected '%s'", c->name, k, last,
                              (int)piece.len, (const char *)piece.p, e->value);
                else
                    cr_assert(token_in(piece.p, piece.len, e->value),
                              "%s #%zu: '%s' not a token of the decoded piece", c->name, k,
                              e->value);
                /* kind and key agree (SPEC §4) */
                if (!strncmp(e->kind, "custom:", 7)) {
                    cr_assert_str_eq(e->kind + 7, e->key);
                    cr_assert_str_eq(e->key, id->custom_key);
                } else {
                    cr_assert_str_eq(e->kind, e->key);
                    bool known = false;
                    for (size_t q = 0; q < sizeof known_kinds / sizeof *known_kinds; q++)
                        known = known || !strcmp(e->kind, known_kinds[q]);
                    cr_assert(known, "%s: kind %s", c->name, e->kind);
                }
                total++;
            }
            /* a location is one latitude record and one longitude record */
            cr_assert_eq(n_lat, n_lon, "%s: %zu lat vs %zu lon", c->name, n_lat, n_lon);
            cr_assert(c->decoy ? c->n_expects == 0 : c->n_expects > 0, "%s", c->name);
        }
        cr_assert_geq(total, 50);
        tb_buf_release(&piece);
        lg_cases_free(cs, n);
    }
}

Test(leakgen, requests_are_framed_and_name_their_host)
{
    struct lg_case *cs;
    size_t n;
    lg_cases(lg_example_ids(0), &cs, &n);
    struct tb_buf h = { 0 };
    for (size_t i = 0; i < n; i++) {
        struct req r;
        cr_assert(parse_req(&cs[i].request, &r), "%s", cs[i].name);
        cr_assert(header(&r, "Host", &h), "%s", cs[i].name);
        cr_assert(h.len == strlen(cs[i].host) && !memcmp(h.p, cs[i].host, h.len), "%s", cs[i].name);
        if (header(&r, "Content-Length", &h)) {
            tb_buf_u8(&h, 0);
            cr_assert_eq(strtoull((const char *)h.p, NULL, 10), r.body_len, "%s", cs[i].name);
        } else {
            cr_assert_eq(r.body_len, 0, "%s", cs[i].name);
            cr_assert_str_eq(r.method, "GET", "%s", cs[i].name);
        }
        for (size_t k = 0; k < r.hdr_len; k++)    /* header bytes are text */
            cr_assert(r.hdr[k] >= 0x20 || r.hdr[k] == '\r' || r.hdr[k] == '\n', "%s", cs[i].name);
    }
    tb_buf_release(&h);
    lg_cases_free(cs, n);
}

/* tracker-formats.md §1: crc=<String.hashCode of the base64 text>&gzip=1&
   data_list=<Uri.encode(base64(Java gzip(org.json array)))> */
Test(leakgen, sensors_seed_request_is_byte_faithful)
{
    const struct lg_ids *id = lg_example_ids(0);
    struct lg_case *cs;
    size_t n;
    lg_cases(id, &cs, &n);
    const struct lg_case *c = lg_case_find(cs, n, "sensors_android");
    cr_assert_not_null(c);
    struct req r;
    cr_assert(parse_req(&c->request, &r));
    cr_assert_str_eq(r.method, "POST");
    cr_assert_str_eq(r.target, "/sa?project=production");
    cr_assert_str_eq(c->host, "sa.api.intl.miui.com");
    /* key order fixed: crc, gzip, data_list */
    int crc = 0, used = 0;
    cr_assert_eq(sscanf(r.body, "crc=%d&gzip=1&data_list=%n", &crc, &used), 1);
    cr_assert_gt(used, 0);
    const char *dl = r.body + used;
    size_t dl_len = r.body_len - (size_t)used;
    for (size_t i = 0; i < dl_len; i++)          /* Uri.encode's output set */
        cr_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                         "_-!.~'()*%", dl[i]), "byte %zu '%c'", i, dl[i]);
    cr_assert(memmem(dl, dl_len, "%2F", 3) || memmem(dl, dl_len, "%2B", 3));
    struct tb_buf b64 = { 0 }, gz = { 0 }, js = { 0 };
    cr_assert(pct_decode(dl, dl_len, false, &b64));
    cr_assert(b64.len > 13 && !memcmp(b64.p, "H4sIAAAAAAAAA", 13));
    uint32_t h = 0;                               /* String.hashCode() */
    for (size_t i = 0; i < b64.len; i++)
        h = h * 31 + b64.p[i];
    cr_assert_eq((int32_t)h, crc);
    cr_assert(b64_decode(b64.p, b64.len, false, &gz));
    static const uint8_t java_hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0 };
    cr_assert(gz.len > 18 && !memcmp(gz.p, java_hdr, 10));
    cr_assert(inflate_all(gz.p, gz.len, 31, &js));
    static const char esc[] = "\"url\":\"https:\\/\\/duckduckgo.com\\/?q=hiv+test";
    cr_assert(memmem(js.p, js.len, esc, strlen(esc)), "org.json escapes '/'");
    json_t *doc = json_loadb((const char *)js.p, js.len, 0, NULL);
    cr_assert(json_is_array(doc) && json_array_size(doc) == 2);
    json_t *e0 = json_array_get(doc, 0);
    cr_assert_str_eq(json_string_value(json_object_get(e0, "distinct_id")), id->android_id);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(e0, "properties"), "url")),
                     "https://duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_");
    cr_assert_eq(json_integer_value(json_object_get(e0, "_track_id")), -1388720512);
    json_decref(doc);
    tb_buf_release(&b64);
    tb_buf_release(&gz);
    tb_buf_release(&js);
    lg_cases_free(cs, n);
}

/* The example of tracker-formats.md §1 carries crc=375758495: the hash
   helper must agree with it (and with Java on a known string). */
Test(leakgen, java_hash_matches_the_documented_example)
{
    static const char dl[] =
        "H4sIAAAAAAAAAJWSXWvbMBSG%2F0qRy26SKrZjN8ZQRm4GvdnFCtugGUKRju2z2JYnHduE0v8%2ByVlpN9hgAiP06HzoPa8fn5ggK9VJoGblTbItil0a50m6ZoQdsDLJiyKPw0rSrYfnwUO2pLA10%2BgIe0VLNpPJMVVbnUFe3ca7pPABLR5Z%2BcSul53te22ND10vQExgHZreX2Q85lnAchje4CTlCc9u6peEDqgxoZMyGl6gBpLYLrDj8tKBH62ZHVh%2Flu2ZUDn%2BsI%2Bi5dlR9LDn3%2BUko6go2POawQQ9%2BfwZjmKQNYgJYfbVB2sGsITg%2FkuCcb%2BHGfdWURxQJ%2FuxkopGC9bDryhNh8uF1xWkfALd4dVHQ3BV%2FHssTlmAXsyoqfFuxUX8ChvAuvHK0m0W6IwVspLsCP7QA83GnsQvQ7%2Fcf7gP5ZS0FpdHfTZaVqZfxqxhQgV%2FNfkanajQOhJanllZydb5FqMNShqiwZWHzWGjR3UKX224d%2Bqwef%2FjrsFpReBopVrsUa16kHbVwTu6a4Sva6ECexnRa5l5nnltTN3CpUxwUFTt6Brxxx%2Bb5be7528%2FAc4qebniAgAA";
    struct tb_buf b = { 0 };
    cr_assert(pct_decode(dl, strlen(dl), false, &b));
    cr_assert_eq(lg_java_hash((const char *)b.p, b.len), 375758495);
    cr_assert_eq(lg_java_hash("hello", 5), 99162322);
    tb_buf_release(&b);
}

Test(leakgen, identifiers_are_well_formed)
{
    for (int d = 0; d < 2; d++) {
        const struct lg_ids *id = lg_example_ids(d);
        cr_assert(lg_luhn_ok(id->imei), "%s", id->imei);
        cr_assert_eq(strlen(id->android_id), 16);
        cr_assert_eq(strlen(id->adid), 36);
        cr_assert_eq(strlen(id->mac), 17);
        char t[32];
        snprintf(t, sizeof t, "%.5f", id->lat);   /* 4th decimal not 0 */
        cr_assert_neq(strchr(t, '.')[4], '0');
        snprintf(t, sizeof t, "%.5f", id->lon);
        cr_assert_neq(strchr(t, '.')[4], '0');
    }
    cr_assert(!lg_luhn_ok("356938035643808"));
    cr_assert_null(lg_example_ids(2));
}

/* Every form an identifier of either device takes in a literal matcher. */
static void literals(struct tb_buf *out, size_t *n)
{
    *n = 0;
    out->len = 0;
    for (int d = 0; d < 2; d++) {
        const struct lg_ids *id = lg_example_ids(d);
        const char *kinds[] = { "android_id", "adid", "imei", "mac", "email", "phone", "location",
                                "custom:x" };
        const char *vars[] = { "exact", "upper", "nosep", "dashed", "percent", "truncated",
                               "rounded", "scaled", "md5", "sha1", "sha256", "md5-upper" };
        for (size_t k = 0; k < 8; k++)
            for (size_t v = 0; v < 12; v++) {
                struct lg_expect e = { .kind = kinds[k], .variant = vars[v] };
                char a[256], b[256];
                if (!variant_value(id, &e, a, b, sizeof a))
                    continue;
                tb_buf_put(out, a, strlen(a) + 1);
                (*n)++;
                if (b[0]) {
                    tb_buf_put(out, b, strlen(b) + 1);
                    (*n)++;
                }
            }
    }
}

Test(leakgen, decoys_hold_no_identifier)
{
    struct tb_buf lits = { 0 }, dec = { 0 };
    size_t n_lits;
    literals(&lits, &n_lits);
    cr_assert_gt(n_lits, 100);
    for (int d = 0; d < 2; d++) {
        struct lg_case *cs;
        size_t n, n_decoys = 0;
        lg_cases(lg_example_ids(d), &cs, &n);
        for (size_t i = 0; i < n; i++) {
            const struct lg_case *c = &cs[i];
            if (!c->decoy)
                continue;
            n_decoys++;
            cr_assert(pct_decode((const char *)c->request.p, c->request.len, false, &dec));
            const char *l = (const char *)lits.p;
            for (size_t k = 0; k < n_lits; k++, l += strlen(l) + 1) {
                if (!strcmp(l, "?"))
                    continue;
                cr_assert(!token_in(c->request.p, c->request.len, l), "%s holds '%s'", c->name, l);
                cr_assert(!token_in(dec.p, dec.len, l), "%s holds '%s' (decoded)", c->name, l);
            }
        }
        cr_assert_geq(n_decoys, 7);
        lg_cases_free(cs, n);
    }
    tb_buf_release(&lits);
    tb_buf_release(&dec);
}

/* Each decoy is the near miss it claims to be. */
Test(leakgen, decoys_are_near_misses)
{
    const struct lg_ids *id = lg_example_ids(0);
    struct lg_case *cs;
    size_t n;
    lg_cases(id, &cs, &n);
    struct tb_buf v = { 0 };
    struct req r;

    const struct lg_case *c = lg_case_find(cs, n, "decoy_imei_luhn");
    cr_assert(parse_req(&c->request, &r));
    for (int k = 0; k < 2; k++) {
        cr_assert(json_get((const uint8_t *)r.body, r.body_len, k ? "$.imei2" : "$.imei", &v));
        tb_buf_u8(&v, 0);
        cr_assert_eq(strlen((const char *)v.p), 15);
        cr_assert(!lg_luhn_ok((const char *)v.p), "%s", v.p);
        cr_assert_str_neq((const char *)v.p, id->imei);
    }

    c = lg_case_find(cs, n, "decoy_mac_near");
    cr_assert(parse_req(&c->request, &r));
    const char *q = strchr(r.target, '?');
    cr_assert(pairs_get(q + 1, strlen(q + 1), "&", true, "mac", &v));
    tb_buf_u8(&v, 0);
    int diff = 0;
    for (int o = 0; o < 6; o++)
        diff += strncmp((const char *)v.p + 3 * o, id->mac + 3 * o, 2) != 0;
    cr_assert_eq(diff, 1, "%s vs %s", v.p, id->mac);

    c = lg_case_find(cs, n, "decoy_aid_in_hex");
    cr_assert(memmem(c->request.p, c->request.len, id->android_id, 16));
    cr_assert(!token_in(c->request.p, c->request.len, id->android_id));

    c = lg_case_find(cs, n, "decoy_uuid");
    cr_assert(parse_req(&c->request, &r));
    cr_assert(json_get((const uint8_t *)r.body, r.body_len, "$.gaid", &v));
    cr_assert_eq(v.len, 36);
    tb_buf_release(&v);
    lg_cases_free(cs, n);
}

Test(leakgen, same_ids_same_bytes)
{
    struct lg_case *a, *b;
    size_t na, nb;
    lg_cases(lg_example_ids(1), &a, &na);
    lg_cases(lg_example_ids(1), &b, &nb);
    cr_assert_eq(na, nb);
    for (size_t i = 0; i < na; i++) {
        cr_assert(tb_buf_eq(&a[i].request, &b[i].request), "%s", a[i].name);
        cr_assert_eq(a[i].n_expects, b[i].n_expects);
        for (size_t k = 0; k < a[i].n_expects; k++)
            cr_assert_str_eq(a[i].expects[k].value, b[i].expects[k].value);
    }
    /* and another device's cases differ */
    struct lg_case *c;
    size_t nc;
    lg_cases(lg_example_ids(0), &c, &nc);
    cr_assert(!tb_buf_eq(&a[0].request, &c[0].request));
    lg_cases_free(a, na);
    lg_cases_free(b, nb);
    lg_cases_free(c, nc);
}

/* The walker itself must be able to fail: a wrong chain is refused. */
Test(leakgen, walker_refuses_wrong_chains)
{
    struct lg_case *cs;
    size_t n;
    lg_cases(lg_example_ids(0), &cs, &n);
    const struct lg_case *c = lg_case_find(cs, n, "sensors_android");
    struct req r;
    cr_assert(parse_req(&c->request, &r));
    struct tb_buf piece = { 0 };
    char why[128];
    struct lg_expect e = c->expects[0];
    e.chain[2] = "base64url";                      /* wrong alphabet */
    cr_assert(!walk(&r, &e, &piece, why, sizeof why));
    e = c->expects[0];
    e.chain[3] = "zlib";                           /* wrong container */
    cr_assert(!walk(&r, &e, &piece, why, sizeof why));
    e = c->expects[0];
    e.chain[4] = "json:$[2].distinct_id";          /* no such event */
    cr_assert(!walk(&r, &e, &piece, why, sizeof why));
    e = c->expects[0];
    e.chain[1] = "form:data";                      /* no such field */
    cr_assert(!walk(&r, &e, &piece, why, sizeof why));
    tb_buf_release(&piece);
    lg_cases_free(cs, n);
}
