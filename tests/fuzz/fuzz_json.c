/* SPDX-License-Identifier: MIT */
/*
 * fuzz_json.c - lt_json_walk / lt_json_plausible on arbitrary bytes.
 * Input: p[0] max_depth (p[0] * 5, so > 1024 is reached too); p[1..2]
 * scratch cap (little endian); the rest is the document. Invariants:
 * callback spans lie inside the scratch or the input, paths start with
 * `$`, a failed walk made no callback, and every document jansson accepts
 * walks (LT_OK, or LT_E_LIMIT for depth/scratch).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/dec/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
    const uint8_t *src, *buf;
    size_t n, cap;
    size_t n_calls;
};

static bool inside(const struct ctx *c, struct lt_span s)
{
    return s.len == 0 || (s.p >= c->src && s.p + s.len <= c->src + c->n) ||
           (s.p >= c->buf && s.p + s.len <= c->buf + c->cap);
}

static bool on_value(void *ud, const struct lt_json_value *v)
{
    struct ctx *c = ud;
    if (!inside(c, v->path) || !inside(c, v->key) || !inside(c, v->value) ||
        v->path.len == 0 || v->path.p[0] != '$' ||
        (v->kind != LT_JSON_STRING && v->kind != LT_JSON_NUMBER))
        abort();
    c->n_calls++;
    return true;
}

static enum lt_err walk(const uint8_t *p, size_t n, size_t cap, uint32_t depth)
{
    uint8_t *buf = malloc(cap ? cap : 1);
    struct ctx c = { p, buf, n, cap, 0 };
    struct lt_json_scratch s = { buf, cap, depth };
    enum lt_err e = lt_json_walk(p, n, &s, on_value, &c);
    if (e != LT_OK && c.n_calls != 0)
        abort();
    if (e != LT_OK && e != LT_E_MALFORMED && e != LT_E_LIMIT)
        abort();
    free(buf);
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const uint32_t depth = (uint32_t)data[0] * 5;
    const size_t cap = (size_t)data[1] | (size_t)data[2] << 8;
    data += 3;
    size -= 3;
    (void)lt_json_plausible(data, size, true);
    walk(data, size, cap, depth);
    /* differential: what jansson parses, we walk (jansson stops at a raw
       NUL byte as if the text ended there: skip those) */
    if (size == 0 || memchr(data, 0, size))
        return 0;
    json_error_t err;
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (j) {
        enum lt_err e = walk(data, size, 4 * size + 64, 1024);
        if (e != LT_OK && e != LT_E_LIMIT)
            abort();
        json_decref(j);
    }
    return 0;
}
