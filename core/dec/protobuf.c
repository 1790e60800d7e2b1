/* SPDX-License-Identifier: MIT */
/*
 * protobuf.c - schema-less protobuf walker (see protobuf.h).
 *
 * Design. scan() checks one level of a message: it hops from key to key
 * (a varint key, then a varint, 8 or 4 bytes, or a length and that many
 * bytes) and never looks inside a payload, so it is O(fields) and rejects
 * text or random bytes within a few keys (half the wire types are invalid,
 * and lengths overrun). lt_pb_walk() scans the top level once, then walks
 * it with an explicit stack of frames (end offset, path length); at each
 * length-delimited field it runs lt_pb_plausible() on the payload and
 * pushes a frame when it is a message. A payload is therefore scanned once
 * per enclosing level: O(n * depth), with depth capped. Every read in the
 * walk was bounds-checked by a scan first, and is checked again anyway.
 *
 * Why "printable text is a string": short ASCII strings often parse by
 * accident ("en-us" is field 12, fixed32), and losing a string to a bogus
 * split would hide what it holds; a real sub-message almost always has a
 * length or varint byte below 0x20. The price: a sub-message made only of
 * long strings under printable keys ("\n$<36-char uuid>") stays one string.
 */
#include "protobuf.h"

#include <string.h>

#define FIELD_MAX ((1u << 29) - 1)
#define COMPONENT_MAX 10   /* '.' and 9 digits: FIELD_MAX is 536870911 */

struct shape {
    size_t n_fields;
    bool has_len;
    uint32_t max_field;
};

/* A minimal varint of at most 10 bytes (64 bits) at p[*off..n); advances
   *off. false when truncated, too long, over 64 bits, or overlong (ends in
   a 0x00 continuation byte: no encoder writes that). */
static bool get_varint(const uint8_t *p, size_t n, size_t *off, uint64_t *v)
{
    size_t i = *off;
    if (i < n && p[i] < 0x80) {
        *v = p[i];
        *off = i + 1;
        return true;
    }
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (i >= n)
            return false;
        const uint8_t b = p[i++];
        /* the tenth byte holds bit 63 only */
        if (shift == 63 && b > 1)
            return false;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (b == 0)
                return false;
            *v = r;
            *off = i;
            return true;
        }
    }
    return false;
}

/* One field at p[*off..n): key, then its value. Sets *field, *wt and the
   value's extent [*a, *b) (for varints *num too); advances *off to *b.
   false when the bytes break the encoding rules of protobuf.h. */
static bool get_field(const uint8_t *p, size_t n, size_t *off, uint32_t *field,
                      unsigned *wt, uint64_t *num, size_t *a, size_t *b)
{
    uint64_t key, len;
    if (!get_varint(p, n, off, &key))
        return false;
    /* field 0 is reserved; numbers above 2^29-1 cannot be declared */
    if (key >> 3 == 0 || key >> 3 > FIELD_MAX)
        return false;
    *field = (uint32_t)(key >> 3);
    *wt = (unsigned)(key & 7);
    *a = *off;
    switch (*wt) {
    case 0:
        if (!get_varint(p, n, off, num))
            return false;
        break;
    case 1:
        if (n - *off < 8)
            return false;
        *off += 8;
        break;
    case 2:
        if (!get_varint(p, n, off, &len) || len > n - *off)
            return false;
        *a = *off;
        *off += (size_t)len;
        break;
    case 5:
        if (n - *off < 4)
            return false;
        *off += 4;
        break;
    default:
        /* 3/4 start and end a group (deprecated, and rare enough that
           accepting them would only admit random bytes); 6/7 are unused */
        return false;
    }
    *b = *off;
    return true;
}

/* One level of a message: true when fields tile p[0..n) exactly. */
static bool scan(const uint8_t *p, size_t n, struct shape *sh)
{
    memset(sh, 0, sizeof *sh);
    size_t off = 0;
    while (off < n) {
        uint32_t field;
        unsigned wt;
        uint64_t num;
        size_t a, b;
        if (!get_field(p, n, &off, &field, &wt, &num, &a, &b))
            return false;
        sh->n_fields++;
        sh->has_len |= wt == 2;
        if (field > sh->max_field)
            sh->max_field = field;
    }
    return true;
}

/* Valid UTF-8 with no control bytes but tab, LF, CR. */
static bool is_text(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        const uint8_t c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                return false;
            i++;
            continue;
        }
        size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                   : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!len || len > n - i)
            return false;
        for (size_t k = 1; k < len; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

bool lt_pb_plausible(const uint8_t *src, size_t n)
{
    struct shape sh;
    if (!n || !scan(src, n, &sh))
        return false;
    /* one varint or fixed field is what 2-9 random bytes look like */
    if (sh.n_fields < 2 && !sh.has_len)
        return false;
    if (sh.max_field > LT_PB_PLAUSIBLE_FIELD_MAX)
        return false;
    return !is_text(src, n);
}

/* Decimal digits of v at the end of tmp[0..24): returns the first. */
static char *fmt_u64(char tmp[24], uint64_t v)
{
    char *q = tmp + 24;
    do {
        *--q = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return q;
}

struct frame {
    size_t end;       /* the message ends here (offset in src) */
    size_t path_len;  /* its path: s->buf[0..path_len) */
};

enum lt_err lt_pb_walk(const uint8_t *src, size_t n,
                       const struct lt_pb_scratch *s, lt_pb_cb cb, void *ud)
{
    struct shape sh;
    if (n && !scan(src, n, &sh))
        return LT_E_MALFORMED;
    if (!cb)
        return LT_OK;
    if (s->cap < COMPONENT_MAX)
        return LT_E_LIMIT;
    const uint32_t max_depth = s->max_depth < LT_PB_DEPTH_MAX ? s->max_depth
                                                              : LT_PB_DEPTH_MAX;
    uint8_t *buf = s->buf;
    struct frame st[LT_PB_DEPTH_MAX + 1];
    uint32_t d = 0;
    st[0].end = n;
    st[0].path_len = 0;
    size_t off = 0;
    char tmp[24];

    for (;;) {
        while (off >= st[d].end) {
            if (d == 0)
                return LT_OK;
            d--;
        }
        uint32_t field;
        unsigned wt;
        uint64_t num = 0;
        size_t a, b;
        /* scanned before (this level, or lt_pb_plausible on the payload):
           cannot fail, but a read is never trusted blindly */
        if (!get_field(src, st[d].end, &off, &field, &wt, &num, &a, &b))
            return LT_OK;

        /* path = parent path '.' field; the room was checked when the
           parent was pushed (a top-level path: cap >= COMPONENT_MAX) */
        const size_t base = st[d].path_len;
        const char *digits = fmt_u64(tmp, field);
        const size_t n_digits = (size_t)(tmp + 24 - digits);
        const size_t sep = base ? 1 : 0;
        if (base + sep + n_digits > s->cap)
            return LT_OK; /* unreachable: see above */
        if (sep)
            buf[base] = '.';
        memcpy(buf + base + sep, digits, n_digits);
        const size_t path_len = base + sep + n_digits;

        struct lt_pb_leaf leaf;
        leaf.path = lt_span_make(buf, path_len);
        leaf.field = lt_span_make(buf + base + sep, n_digits);
        leaf.num = 0;
        leaf.deep = false;
        switch (wt) {
        case 0: {
            const char *q = fmt_u64(tmp, num);
            leaf.kind = LT_PB_VARINT;
            leaf.num = num;
            leaf.value = lt_span_make((const uint8_t *)q, (size_t)(tmp + 24 - q));
            break;
        }
        case 1:
        case 5: {
            uint64_t v = 0;
            for (size_t i = b; i-- > a;)
                v = v << 8 | src[i];
            leaf.kind = wt == 1 ? LT_PB_FIXED64 : LT_PB_FIXED32;
            leaf.num = v;
            leaf.value = lt_span_make(src + a, b - a);
            break;
        }
        default: /* 2 */
            if (lt_pb_plausible(src + a, b - a)) {
                if (d < max_depth && path_len + COMPONENT_MAX <= s->cap) {
                    d++;
                    st[d].end = b;
                    st[d].path_len = path_len;
                    off = a;
                    continue;
                }
                leaf.deep = true;
            }
            leaf.kind = LT_PB_BYTES;
            leaf.value = lt_span_make(src + a, b - a);
            break;
        }
        if (!cb(ud, &leaf))
            return LT_OK;
    }
}
