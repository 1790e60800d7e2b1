/* SPDX-License-Identifier: MIT */
/*
 * json_lex.h - JSON lexing primitives (RFC 8259) shared by the JSON walker
 * (dec/json.c) and the HAR loader (http/har.c) (dec layer, internal; no
 * dependencies). Pure functions over p[0..n) at index i; nothing is
 * allocated, nothing is read outside p[0..n).
 *
 * Leniency shared by both users: invalid UTF-8 inside strings passes
 * through as bytes; a lone surrogate escape becomes U+FFFD. Control bytes
 * inside strings, unknown escapes and RFC 8259 §6 violations in numbers
 * (leading zeros, `+1`, `.5`, `1.`, `1e`) are errors.
 */
#ifndef LT_DEC_JSON_LEX_H
#define LT_DEC_JSON_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Index of the first byte at or after i that is not JSON whitespace
   (space, tab, CR, LF), or n. */
static inline size_t lt_json_lex_ws(const uint8_t *p, size_t n, size_t i)
{
    while (i < n) {
        const uint8_t c = p[i];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            break;
        i++;
    }
    return i;
}

/* Index of the first `"`, `\` or control byte (< 0x20) at or after i
   (i <= n), or n. Hot: 8 bytes at a time. */
static inline size_t lt_json_lex_special(const uint8_t *p, size_t n, size_t i)
{
    const uint64_t ones = 0x0101010101010101ull;
    /* a zero byte in w^'"' or w^'\', or a byte below 0x20 (the classic
       "has less than" bit trick; exact for any) */
    while (n - i >= 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        const uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        const uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) |
                             ((w - ones * 0x20) & ~w);
        if (hit & (ones * 0x80))
            break;
        i += 8;
    }
    for (; i < n; i++) {
        const uint8_t c = p[i];
        if (c == '"' || c == '\\' || c < 0x20)
            break;
    }
    return i;
}

/* Index just past the byte c that follows whitespace from i on (a `:`
   after a member name), or 0 when the next non-blank byte is not c. */
static inline size_t lt_json_lex_expect(const uint8_t *p, size_t n, size_t i,
                                        uint8_t c)
{
    i = lt_json_lex_ws(p, n, i);
    return i < n && p[i] == c ? i + 1 : 0;
}

/*
 * lt_json_lex_string() - the string whose opening quote is at p[i].
 * Returns the index just past its closing quote, or 0 when it is not a
 * valid JSON string (unclosed, a control byte, a bad escape). *esc tells
 * whether it has escapes. Without escapes *len is the length of its
 * content p[i + 1 .. i + 1 + *len) and out is untouched. With escapes
 * *len is the length of the unescaped content (surrogate pairs combine, a
 * lone surrogate is U+FFFD; never longer than the escaped text); when out
 * is not NULL the unescaped bytes are also written to out[0..cap), and
 * when *len > cap what is in out is unspecified (nothing is written at or
 * past out + cap). lt_json_lex_string_esc() is its slow path: s is the
 * content's start, i the first `"`, `\` or control byte at or after s.
 */
size_t lt_json_lex_string_esc(const uint8_t *p, size_t n, size_t s,
                              size_t i, uint8_t *out, size_t cap,
                              size_t *len);

/* (Inline so that the common case, a string without escapes, costs no
   call; the escapes are undone out of line.) */
static inline size_t lt_json_lex_string(const uint8_t *p, size_t n, size_t i,
                                        uint8_t *out, size_t cap, size_t *len,
                                        bool *esc)
{
    const size_t e = lt_json_lex_special(p, n, i + 1);
    if (e < n && p[e] == '"') {
        *len = e - (i + 1);
        *esc = false;
        return e + 1;
    }
    *esc = true;
    return lt_json_lex_string_esc(p, n, i + 1, e, out, cap, len);
}

/* lt_json_lex_number() - RFC 8259 §6
   -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? starting at p[i]:
   the index just past it, or 0 when there is no valid number there. */
static inline size_t lt_json_lex_number(const uint8_t *p, size_t n, size_t i)
{
    if (i < n && p[i] == '-')
        i++;
    if (i >= n)
        return 0;
    if (p[i] == '0') {
        i++;
    } else if (p[i] >= '1' && p[i] <= '9') {
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
    } else {
        return 0;
    }
    if (i < n && p[i] == '.') {
        const size_t d = ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        const size_t d = i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i;
}

/* lt_json_lex_literal() - `true`, `false` or `null` at p[i]: the index
   just past it, or 0 when there is none of them there. */
static inline size_t lt_json_lex_literal(const uint8_t *p, size_t n,
                                         size_t i)
{
    if (i >= n)
        return 0;
    const char *w = p[i] == 't' ? "true" : p[i] == 'f' ? "false"
                  : p[i] == 'n' ? "null" : NULL;
    if (!w)
        return 0;
    const size_t len = strlen(w);
    if (n - i < len || memcmp(p + i, w, len) != 0)
        return 0;
    return i + len;
}

#endif
