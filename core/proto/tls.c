/* SPDX-License-Identifier: MIT */
/*
 * tls.c - the server_name of a ClientHello (RFC 8446 §4.1.2, §5.1; RFC 5246
 * §7.4.1.2; RFC 6066 §3). Reads records and the handshake header, then the
 * ClientHello fields in order and stops at the server_name extension.
 * Not done: SSLv2-compatible hellos, ECH decryption (the outer name is
 * reported), anything after the ClientHello.
 */
#include "tls.h"

#include <stdbool.h>
#include <string.h>

enum {
    REC_HDR = 5,
    REC_MAX = 1 << 14,          /* RFC 8446 §5.1: plaintext fragment cap */
    HS_HDR = 4,
    HS_CLIENT_HELLO = 1,
    CT_HANDSHAKE = 22,
    /* version(2) random(32) sid(1) suites(2+2) comp(1+1) */
    HELLO_MIN = 41,
    /* the same with every vector at its maximum, plus extensions */
    HELLO_MAX = 2 + 32 + 1 + 32 + 2 + 65534 + 1 + 255 + 2 + 65535,
    EXT_SERVER_NAME = 0,
    NAME_HOST = 0,
    NAME_MAX = 255,
};

static inline uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Outcome of reading a ClientHello body of which only avail of its
 * declared len bytes may be present. Decisions depend only on bytes read
 * so far and on declared lengths, never on how many bytes are present: a
 * prefix of the stream gives HELLO_SHORT or the same outcome as the whole.
 */
enum hello_res { HELLO_FOUND, HELLO_NONE, HELLO_SHORT, HELLO_BAD };

struct cur {
    const uint8_t *p;
    size_t pos, avail;   /* pos <= avail, pos <= every enclosing end */
};

/* Make k bytes at c->pos readable inside a structure ending at end:
   HELLO_BAD when they would cross end, HELLO_SHORT when not here yet. */
static enum hello_res cur_need(const struct cur *c, size_t k, size_t end)
{
    if (k > end - c->pos)
        return HELLO_BAD;
    if (k > c->avail - c->pos)
        return HELLO_SHORT;
    return HELLO_FOUND;
}

#define NEED(c, k, end)                              \
    do {                                             \
        const enum hello_res r__ = cur_need(c, k, end);  \
        if (r__ != HELLO_FOUND)                      \
            return r__;                              \
    } while (0)

/* RFC 6066 §3: HostName is an ASCII DNS name, no trailing dot; we accept
   letters, digits, '.', '-', '_' (seen in the wild) and drop one final dot. */
static enum hello_res check_name(const uint8_t *s, size_t *len)
{
    size_t k = *len;
    if (k > NAME_MAX)
        return HELLO_BAD;
    if (k && s[k - 1] == '.')
        k--;
    if (k == 0)
        return HELLO_BAD;
    for (size_t i = 0; i < k; i++) {
        const uint8_t b = s[i];
        const bool ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
                        (b >= '0' && b <= '9') || b == '.' || b == '-' || b == '_';
        if (!ok)
            return HELLO_BAD;
    }
    *len = k;
    return HELLO_FOUND;
}

/* RFC 6066 §3 ServerNameList at c->pos, ext_len bytes: the first host_name */
static enum hello_res read_server_name(struct cur *c, size_t ext_end,
                                       size_t *name_off, size_t *name_len)
{
    NEED(c, 2, ext_end);
    const size_t list_len = be16(c->p + c->pos);
    c->pos += 2;
    /* server_name_list<1..2^16-1> must fill the extension exactly */
    if (list_len == 0 || list_len != ext_end - c->pos)
        return HELLO_BAD;
    while (c->pos < ext_end) {
        NEED(c, 3, ext_end);
        const uint8_t type = c->p[c->pos];
        const size_t len = be16(c->p + c->pos + 1);
        c->pos += 3;
        NEED(c, len, ext_end);
        if (type == NAME_HOST) {
            size_t k = len;
            const enum hello_res r = check_name(c->p + c->pos, &k);
            if (r != HELLO_FOUND)
                return r;
            *name_off = c->pos;
            *name_len = k;
            return HELLO_FOUND;
        }
        c->pos += len;   /* other name types: opaque<1..2^16-1> in practice */
    }
    return HELLO_NONE;
}

/*
 * Read a ClientHello body (after the 4-byte handshake header) of declared
 * length len, of which avail bytes are at p, up to the server_name.
 */
static enum hello_res read_hello(const uint8_t *p, size_t avail, size_t len,
                                 size_t *name_off, size_t *name_len)
{
    struct cur c = { p, 0, avail < len ? avail : len };
    size_t k;

    /* legacy_version: SSL 3.0 to TLS 1.3 all have major 3 */
    NEED(&c, 2, len);
    if (c.p[0] != 3 || c.p[1] > 4)
        return HELLO_BAD;
    c.pos = 2;
    NEED(&c, 32 + 1, len);                      /* random, session id length */
    k = c.p[c.pos + 32];
    c.pos += 33;
    if (k > 32)                                 /* legacy_session_id<0..32> */
        return HELLO_BAD;
    NEED(&c, k + 2, len);
    c.pos += k;
    k = be16(c.p + c.pos);
    c.pos += 2;
    if (k < 2 || k & 1)                         /* cipher_suites<2..2^16-2> */
        return HELLO_BAD;
    NEED(&c, k + 1, len);
    c.pos += k;
    k = c.p[c.pos];
    c.pos += 1;
    if (k < 1)                                  /* compression<1..2^8-1> */
        return HELLO_BAD;
    NEED(&c, k, len);
    c.pos += k;
    /* before TLS 1.2 extensions are optional (RFC 5246 §7.4.1.2) */
    if (c.pos == len)
        return HELLO_NONE;
    NEED(&c, 2, len);
    k = be16(c.p + c.pos);
    c.pos += 2;
    if (k != len - c.pos)                       /* extensions fill the body */
        return HELLO_BAD;
    while (c.pos < len) {
        NEED(&c, 4, len);
        const uint16_t type = be16(c.p + c.pos);
        k = be16(c.p + c.pos + 2);
        c.pos += 4;
        if (k > len - c.pos)
            return HELLO_BAD;
        if (type == EXT_SERVER_NAME)
            return read_server_name(&c, c.pos + k, name_off, name_len);
        NEED(&c, k, len);
        c.pos += k;
    }
    return HELLO_NONE;
}

/*
 * A record header at p (n >= 5). The first one decides whether this is TLS
 * at all (LT_E_UNSUPPORTED); a later bad one is LT_E_MALFORMED (RFC 8446
 * §5.1: handshake records may not be interleaved with other types).
 */
static enum lt_err rec_header(const uint8_t *p, bool first, size_t *len)
{
    if (p[0] != CT_HANDSHAKE || p[1] != 3 || p[2] > 4)
        return first ? LT_E_UNSUPPORTED : LT_E_MALFORMED;
    *len = be16(p + 3);
    /* RFC 8446 §5.1: no empty handshake fragments, none over 2^14 */
    if (*len == 0 || *len > REC_MAX)
        return LT_E_MALFORMED;
    return LT_OK;
}

/* Turn a read_hello() outcome into the API's codes; h is the body, which
   lies in out (the name is then lower-cased in place) when in_out. */
static enum lt_err finish(enum hello_res r, const uint8_t *h, bool in_out,
                          size_t name_off, size_t name_len, uint8_t *out,
                          size_t out_cap, struct lt_span *sni)
{
    switch (r) {
    case HELLO_FOUND:
        break;
    case HELLO_NONE:
        return LT_E_UNSUPPORTED;
    case HELLO_BAD:
        return LT_E_MALFORMED;
    case HELLO_SHORT:
        return LT_AGAIN;
    }
    uint8_t *dst = out;
    if (in_out)
        dst = out + (size_t)(h - out) + name_off;
    else if (name_len > out_cap)
        return LT_E_LIMIT;
    for (size_t i = 0; i < name_len; i++) {
        const uint8_t b = h[name_off + i];
        dst[i] = b >= 'A' && b <= 'Z' ? (uint8_t)(b | 0x20) : b;
    }
    *sni = lt_span_make(dst, name_len);
    return LT_OK;
}

/*
 * Two paths. Usually the whole ClientHello sits in the first record: it is
 * read where it lies and only the name is copied to out (lower-cased).
 * Otherwise the handshake bytes of successive records are concatenated into
 * out (at most out_cap; RFC 8446 §5.1 lets a message span records) and read
 * there. Reading stops at server_name, so a name in the first out_cap bytes
 * is found even when the rest does not fit; a name beyond is LT_E_LIMIT.
 */
enum lt_err lt_tls_sni(const uint8_t *p, size_t n, uint8_t *out,
                       size_t out_cap, struct lt_span *sni, size_t *need)
{
    size_t rec_len, name_off = 0, name_len = 0;
    enum lt_err e;

    *sni = lt_span_make(NULL, 0);
    *need = 0;
    /* Decide "not TLS" from the first bytes as soon as they are in. SSLv2
       hellos (high bit set in p[0]) and any other protocol end here. */
    if ((n > 0 && p[0] != CT_HANDSHAKE) || (n > 1 && p[1] != 3) ||
        (n > 2 && p[2] > 4))
        return LT_E_UNSUPPORTED;
    if (n < REC_HDR) {
        *need = REC_HDR;
        return LT_AGAIN;
    }
    LT_TRY(rec_header(p, true, &rec_len));
    /* The handshake type comes before any other verdict (even LT_E_LIMIT
       for a tiny out), so that prefixes agree with the whole stream. */
    if (n == REC_HDR) {
        *need = REC_HDR + rec_len;
        return LT_AGAIN;
    }
    if (p[REC_HDR] != HS_CLIENT_HELLO)
        return LT_E_UNSUPPORTED;      /* a server's stream, or mid-session */

    /* Fast path: the handshake header and the whole message in record 1. */
    if (rec_len >= HS_HDR) {
        if (n < REC_HDR + HS_HDR) {
            *need = REC_HDR + rec_len;
            return LT_AGAIN;
        }
        const uint8_t *h = p + REC_HDR;
        const size_t len = (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
        if (len < HELLO_MIN || len > HELLO_MAX)
            return LT_E_MALFORMED;
        if (HS_HDR + len <= rec_len) {
            const size_t avail = n - REC_HDR - HS_HDR;
            const enum hello_res r = read_hello(h + HS_HDR, avail, len,
                                                &name_off, &name_len);
            e = finish(r, h + HS_HDR, false, name_off, name_len, out, out_cap, sni);
            if (e == LT_AGAIN)
                *need = REC_HDR + HS_HDR + len;
            return e;
        }
    }

    /* Reassembly path. A bad later record header only counts once the
       bytes before it have been read without reaching a verdict, so that a
       shorter prefix of the stream cannot answer differently. */
    size_t off = 0, got = 0, total = 0;    /* total: 4 + body, once known */
    size_t want = 0;                       /* *need if the answer is LT_AGAIN */
    enum lt_err rec_err = LT_OK;
    for (bool first = true;; first = false) {
        if (n - off < REC_HDR) {
            want = off + REC_HDR;
            break;
        }
        if (!first) {
            rec_err = rec_header(p + off, false, &rec_len);
            if (rec_err != LT_OK)
                break;
        }
        const size_t here = n - off - REC_HDR < rec_len ? n - off - REC_HDR : rec_len;
        size_t take = here;
        if (total && take > total - got)
            take = total - got;
        if (take > out_cap - got)
            take = out_cap - got;
        if (take)
            memcpy(out + got, p + off + REC_HDR, take);
        got += take;
        if (!total && got >= HS_HDR) {
            const size_t len = (size_t)out[1] << 16 | (size_t)out[2] << 8 | out[3];
            if (out[0] != HS_CLIENT_HELLO)
                return LT_E_UNSUPPORTED;
            if (len < HELLO_MIN || len > HELLO_MAX)
                return LT_E_MALFORMED;
            total = HS_HDR + len;
        }
        if ((total && got >= total) || got == out_cap)
            break;
        if (here < rec_len) {
            want = off + REC_HDR + rec_len;
            break;
        }
        off += REC_HDR + rec_len;
    }
    if (got < HS_HDR) {
        if (rec_err != LT_OK)
            return rec_err;
        if (got == out_cap)
            return LT_E_LIMIT;
        *need = want;
        return LT_AGAIN;
    }
    const enum hello_res r = read_hello(out + HS_HDR, got - HS_HDR,
                                        total - HS_HDR, &name_off, &name_len);
    e = finish(r, out + HS_HDR, true, name_off, name_len, out, out_cap, sni);
    if (e != LT_AGAIN)
        return e;
    if (rec_err != LT_OK)
        return rec_err;
    if (got == out_cap)
        return LT_E_LIMIT;
    *need = want;
    return LT_AGAIN;
}
