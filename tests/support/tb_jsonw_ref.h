/* SPDX-License-Identifier: MIT */
/*
 * tb_jsonw_ref.h - slow, obviously-correct references for the JSON writer
 * (core/out/jsonw.h), used by test_jsonw, test_record and fuzz_jsonw. They
 * decode code points the long way (lead byte, continuation count, then
 * range checks for overlongs, surrogates and > U+10FFFF) instead of the
 * writer's table of Unicode Table 3-7, so the two are independent.
 * Header-only; aborts on allocation failure (fixtures only).
 */
#ifndef TB_JSONW_REF_H
#define TB_JSONW_REF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tb_buf.h"

/* Length of the well-formed UTF-8 sequence at p (m bytes left), else 0. */
static inline size_t tb_utf8_seq(const uint8_t *p, size_t m)
{
    uint32_t cp, min;
    size_t k;
    if (p[0] < 0x80)
        return 1;
    else if ((p[0] & 0xe0) == 0xc0)
        k = 2, cp = p[0] & 0x1f, min = 0x80;
    else if ((p[0] & 0xf0) == 0xe0)
        k = 3, cp = p[0] & 0x0f, min = 0x800;
    else if ((p[0] & 0xf8) == 0xf0)
        k = 4, cp = p[0] & 0x07, min = 0x10000;
    else
        return 0; /* continuation byte or F8..FF */
    if (m < k)
        return 0;
    for (size_t j = 1; j < k; j++) {
        if ((p[j] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[j] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k;
}

/* What the writer must output for s (without the quotes). */
static inline void tb_json_ref_escape(struct tb_buf *out, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        const uint8_t c = s[i];
        size_t k = tb_utf8_seq(s + i, n - i);
        if (c == '"') {
            tb_buf_puts(out, "\\\"");
        } else if (c == '\\') {
            tb_buf_puts(out, "\\\\");
        } else if (c == '\b') {
            tb_buf_puts(out, "\\b");
        } else if (c == '\f') {
            tb_buf_puts(out, "\\f");
        } else if (c == '\n') {
            tb_buf_puts(out, "\\n");
        } else if (c == '\r') {
            tb_buf_puts(out, "\\r");
        } else if (c == '\t') {
            tb_buf_puts(out, "\\t");
        } else if (c < 0x20 || k == 0) {
            tb_buf_printf(out, "\\u%04x", c);
        } else {
            tb_buf_put(out, s + i, k);
            i += k;
            continue;
        }
        i++;
    }
}

/* What a JSON parser must read back from the writer's output for s: valid
   sequences unchanged, every other byte b as the code point U+00b. */
static inline void tb_json_ref_decode(struct tb_buf *out, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = tb_utf8_seq(s + i, n - i);
        if (k) {
            tb_buf_put(out, s + i, k);
            i += k;
        } else {
            tb_buf_u8(out, (uint8_t)(0xc0 | s[i] >> 6));
            tb_buf_u8(out, (uint8_t)(0x80 | (s[i] & 0x3f)));
            i++;
        }
    }
}

#endif
