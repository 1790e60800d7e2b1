/* SPDX-License-Identifier: MIT */
/*
 * json_lex.c - JSON lexing primitives shared by dec/json.c and
 * http/har.c (dec layer). See json_lex.h.
 */
#include "json_lex.h"

#include <string.h>

static int hex4(const uint8_t *p)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        const uint8_t c = p[k];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    return v;
}

static size_t utf8_put(uint8_t *t, uint32_t cp)
{
    if (cp < 0x80) {
        t[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        t[0] = (uint8_t)(0xc0 | cp >> 6);
        t[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        t[0] = (uint8_t)(0xe0 | cp >> 12);
        t[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        t[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    t[0] = (uint8_t)(0xf0 | cp >> 18);
    t[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
    t[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
    t[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

size_t lt_json_lex_string_esc(const uint8_t *p, size_t n, size_t s,
                              size_t i, uint8_t *out, size_t cap,
                              size_t *len)
{
    size_t o = 0;
    for (;;) {
        const size_t run = i - s;
        if (out && o + run <= cap)
            memcpy(out + o, p + s, run);
        o += run;
        /* RFC 8259 §7: control bytes must be escaped; unclosed is cut */
        if (i >= n || p[i] < 0x20)
            return 0;
        if (p[i] == '"')
            break;
        if (n - i < 2)
            return 0;
        uint8_t t[4];
        size_t k = 1;
        switch (p[i + 1]) {
        case '"': case '\\': case '/': t[0] = p[i + 1]; break;
        case 'b': t[0] = '\b'; break;
        case 'f': t[0] = '\f'; break;
        case 'n': t[0] = '\n'; break;
        case 'r': t[0] = '\r'; break;
        case 't': t[0] = '\t'; break;
        case 'u': {
            int cp = n - i >= 6 ? hex4(p + i + 2) : -1;
            if (cp < 0)
                return 0;
            /* §7: a character outside the BMP is a surrogate pair; an
               unpaired surrogate is kept as U+FFFD, as browsers do */
            if (cp >= 0xd800 && cp <= 0xdbff) {
                const int lo = n - i >= 12 && p[i + 6] == '\\' &&
                                       p[i + 7] == 'u'
                                   ? hex4(p + i + 8) : -1;
                if (lo >= 0xdc00 && lo <= 0xdfff) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    i += 6;
                } else {
                    cp = 0xfffd;
                }
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                cp = 0xfffd;
            }
            k = utf8_put(t, (uint32_t)cp);
            i += 4;
            break;
        }
        default:
            return 0;
        }
        i += 2;
        if (out && o + k <= cap)
            memcpy(out + o, t, k);
        o += k;
        s = i;
        i = lt_json_lex_special(p, n, i);
    }
    *len = o;
    return i + 1;
}

