/* SPDX-License-Identifier: MIT */
/*
 * jsonw.c - JSON string escaping with inline UTF-8 validation.
 *
 * The escaper walks the input once. Runs of plain ASCII (0x20..0x7f except
 * `"` and `\`) are found 8 bytes at a time with a SWAR test and copied in
 * bulk; a control byte, `"` or `\` is escaped from a table; a byte >= 0x80
 * starts a candidate UTF-8 sequence, checked against the well-formed
 * sequences of Unicode Table 3-7 (which excludes overlongs, surrogates
 * D800-DFFF and anything above U+10FFFF). A well-formed sequence is copied;
 * otherwise only its first byte is written as \u00XX and the scan resumes
 * at the next byte, so every byte outside a well-formed sequence becomes
 * one \u00XX escape.
 *
 * Output goes straight into the lt_buf: room for a chunk of input is
 * reserved at its worst-case size (6 output bytes per input byte), so the
 * inner loop never checks capacity. Only when that worst case would pass
 * the buffer's cap is the exact size counted first, so a string that fits
 * is never refused. On any error the buffer keeps its old length.
 */
#include "jsonw.h"

#include <string.h>

/* Worst case output per input byte: \u00XX. */
#define ESC_MAX 6
/* Input bytes per reservation: bounds over-reservation to ~24 KiB. */
#define CHUNK 4096

enum { C_COPY = 0, C_ESC = 1, C_HIGH = 2 };

#define R8(x) x, x, x, x, x, x, x, x
#define R16(x) R8(x), R8(x)
static const uint8_t cls[256] = {
    R16(C_ESC), R16(C_ESC),                               /* 0x00-0x1f */
    0, 0, C_ESC, 0, 0, 0, 0, 0, R8(0),                    /* 0x20-0x2f: " */
    R16(0), R16(0),                                       /* 0x30-0x4f */
    R8(0), 0, 0, 0, 0, C_ESC, 0, 0, 0,                    /* 0x50-0x5f: \ */
    R16(0), R16(0),                                       /* 0x60-0x7f */
    R16(C_HIGH), R16(C_HIGH), R16(C_HIGH), R16(C_HIGH),   /* 0x80-0xbf */
    R16(C_HIGH), R16(C_HIGH), R16(C_HIGH), R16(C_HIGH),   /* 0xc0-0xff */
};

static const char hexd[] = "0123456789abcdef";

/* The short escape letter of a control byte, or 0 for \u00XX. */
static const char short_esc[32] = {
    [0x08] = 'b', [0x09] = 't', [0x0a] = 'n', [0x0c] = 'f', [0x0d] = 'r',
};

/* 1 when none of the 8 bytes of w needs attention (all in 0x20..0x7f,
   none `"` or `\`). Each term is the exact "has a byte that..." test of
   Bit Twiddling Hacks (hasless(w, 0x20), haszero(w ^ c)); the high bit
   of w itself catches bytes >= 0x80. */
static inline int safe8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = ones << 7;
    const uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
    uint64_t bad = ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
                   ((bs - ones) & ~bs) | w;
    return (bad & high) == 0;
}

/* Length of the well-formed UTF-8 sequence at p (m bytes available,
   p[0] >= 0x80), or 0 when there is none (Unicode Table 3-7). */
static inline size_t utf8_seq(const uint8_t *p, size_t m)
{
    const uint8_t c = p[0];
    if (c < 0xc2) /* continuation byte, or overlong 2-byte lead C0/C1 */
        return 0;
    if (c < 0xe0)
        return m >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c < 0xf0) {
        /* E0: A0..BF (no overlongs); ED: 80..9F (no surrogates) */
        const uint8_t lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        return m >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
    }
    if (c < 0xf5) {
        /* F0: 90..BF (no overlongs); F4: 80..8F (nothing past U+10FFFF) */
        const uint8_t lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        return m >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 &&
                       (p[3] & 0xc0) == 0x80
                   ? 4
                   : 0;
    }
    return 0; /* F5..FF never appear in UTF-8 */
}

static inline uint8_t *put_u00(uint8_t *d, uint8_t c)
{
    d[0] = '\\', d[1] = 'u', d[2] = '0', d[3] = '0';
    d[4] = (uint8_t)hexd[c >> 4], d[5] = (uint8_t)hexd[c & 15];
    return d + 6;
}

/*
 * Escape s[*pi..) into d until *pi >= stop (stop <= n); a UTF-8 sequence
 * that starts before stop is finished, so *pi may pass stop by up to 3.
 * d must have room for ESC_MAX * (stop - *pi) + 3 bytes. Returns the end.
 */
static uint8_t *escape_run(uint8_t *d, const uint8_t *s, size_t *pi,
                           size_t stop, size_t n)
{
    size_t i = *pi;
    while (i < stop) {
        while (i + 8 <= stop) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!safe8(w))
                break;
            memcpy(d, &w, 8);
            d += 8;
            i += 8;
        }
        /* byte at a time until the next 8-byte try */
        const size_t end = i + 8 < stop ? i + 8 : stop;
        while (i < end) {
            const uint8_t c = s[i];
            switch (cls[c]) {
            case C_COPY:
                *d++ = c;
                i++;
                continue;
            case C_ESC:
                if (c < 0x20) {
                    if (short_esc[c]) {
                        d[0] = '\\', d[1] = (uint8_t)short_esc[c];
                        d += 2;
                    } else {
                        d = put_u00(d, c);
                    }
                } else {
                    d[0] = '\\', d[1] = c;
                    d += 2;
                }
                i++;
                continue;
            default: {
                const size_t k = utf8_seq(s + i, n - i);
                if (k) {
                    memcpy(d, s + i, k);
                    d += k;
                    i += k;
                } else {
                    d = put_u00(d, c);
                    i++;
                }
                continue;
            }
            }
        }
    }
    *pi = i;
    return d;
}

/* Exact escaped size of s[i..n): the slow path near the buffer's cap. */
static size_t escaped_len(const uint8_t *s, size_t i, size_t n)
{
    size_t out = 0;
    while (i < n) {
        const uint8_t c = s[i];
        if (cls[c] == C_COPY) {
            out += 1, i += 1;
        } else if (cls[c] == C_ESC) {
            out += c < 0x20 && !short_esc[c] ? 6 : 2, i += 1;
        } else {
            const size_t k = utf8_seq(s + i, n - i);
            out += k ? k : 6, i += k ? k : 1;
        }
    }
    return out;
}

enum lt_err lt_jsonw_str_body(struct lt_buf *b, struct lt_span s)
{
    const size_t old = b->len;
    size_t i = 0;
    while (i < s.len) {
        const size_t chunk = s.len - i < CHUNK ? s.len - i : CHUNK;
        size_t stop = i + chunk;
        enum lt_err e = lt_buf_reserve(b, ESC_MAX * chunk + 3);
        if (e == LT_E_LIMIT) {
            /* the worst case does not fit under the cap: reserve exactly
               what the rest needs, or fail without writing */
            const size_t need = escaped_len(s.p, i, s.len);
            e = lt_buf_reserve(b, need);
            stop = s.len;
        }
        if (e != LT_OK) {
            b->len = old;
            return e;
        }
        uint8_t *d = escape_run(b->p + b->len, s.p, &i, stop, s.len);
        b->len = (size_t)(d - b->p);
    }
    return LT_OK;
}

enum lt_err lt_jsonw_str(struct lt_buf *b, struct lt_span s)
{
    /* common case: one reservation for quotes and a short body */
    if (s.len <= CHUNK && lt_buf_reserve(b, ESC_MAX * s.len + 5) == LT_OK) {
        uint8_t *d = b->p + b->len;
        size_t i = 0;
        *d++ = '"';
        d = escape_run(d, s.p, &i, s.len, s.len);
        *d++ = '"';
        b->len = (size_t)(d - b->p);
        return LT_OK;
    }
    const size_t old = b->len;
    enum lt_err e = lt_buf_append(b, "\"", 1);
    if (e == LT_OK)
        e = lt_jsonw_str_body(b, s);
    if (e == LT_OK)
        e = lt_buf_append(b, "\"", 1);
    if (e != LT_OK)
        b->len = old;
    return e;
}

enum lt_err lt_jsonw_u64(struct lt_buf *b, uint64_t v)
{
    char tmp[20];
    size_t k = sizeof tmp;
    do {
        tmp[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return lt_buf_append(b, tmp + k, sizeof tmp - k);
}

enum lt_err lt_jsonw_raw(struct lt_buf *b, const char *s)
{
    return lt_buf_append(b, s, strlen(s));
}
