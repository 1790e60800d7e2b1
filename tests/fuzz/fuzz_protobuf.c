/* SPDX-License-Identifier: MIT */
/*
 * fuzz_protobuf.c - lt_pb_walk / lt_pb_plausible on arbitrary bytes.
 * Input: p[0] max_depth (p[0] % 70, so above LT_PB_DEPTH_MAX too); p[1]
 * scratch cap (p[1] * 3); the rest is the message. Invariants: leaf spans
 * lie inside the input, the scratch or (varint text) are its decimal form;
 * paths are dot-joined field numbers no deeper than max_depth + 1, field is
 * their last number; a BYTES leaf is deep exactly when its payload is
 * plausible; a failed walk made no callback; validation alone (cb NULL)
 * agrees with the walk; plausible messages always walk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dec/protobuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
    const uint8_t *src, *buf;
    size_t n, cap;
    uint32_t max_depth;
    size_t n_calls;
};

static bool inside(const uint8_t *lo, size_t n, struct lt_span s)
{
    return s.p >= lo && s.p + s.len <= lo + n;
}

static bool on_leaf(void *ud, const struct lt_pb_leaf *l)
{
    struct ctx *c = ud;
    c->n_calls++;
    if (!inside(c->buf, c->cap, l->path) || !l->path.len ||
        l->field.p + l->field.len != l->path.p + l->path.len || !l->field.len)
        abort();
    size_t dots = 0;
    for (size_t i = 0; i < l->path.len; i++) {
        const uint8_t ch = l->path.p[i];
        if (ch == '.')
            dots++;
        else if (ch < '0' || ch > '9')
            abort();
    }
    if (dots > c->max_depth || memchr(l->field.p, '.', l->field.len))
        abort();
    char dec[24];
    switch (l->kind) {
    case LT_PB_VARINT:
        snprintf(dec, sizeof dec, "%llu", (unsigned long long)l->num);
        if (l->value.len != strlen(dec) || memcmp(l->value.p, dec, l->value.len) ||
            l->deep)
            abort();
        break;
    case LT_PB_FIXED32:
    case LT_PB_FIXED64:
        if (!inside(c->src, c->n, l->value) ||
            l->value.len != (l->kind == LT_PB_FIXED32 ? 4u : 8u) || l->deep)
            abort();
        break;
    case LT_PB_BYTES:
        if ((l->value.len && !inside(c->src, c->n, l->value)) ||
            l->deep != lt_pb_plausible(l->value.p, l->value.len))
            abort();
        break;
    default:
        abort();
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint32_t depth = data[0] % 70;
    const size_t cap = (size_t)data[1] * 3;
    const uint8_t *p = data + 2;
    const size_t n = size - 2;

    uint8_t *buf = malloc(cap ? cap : 1);
    if (!buf)
        return 0;
    struct ctx c = { p, buf, n, cap, depth < LT_PB_DEPTH_MAX ? depth : LT_PB_DEPTH_MAX, 0 };
    struct lt_pb_scratch s = { buf, cap, depth };
    const enum lt_err e = lt_pb_walk(p, n, &s, on_leaf, &c);
    const enum lt_err v = lt_pb_walk(p, n, &s, NULL, NULL);
    if (e != LT_OK && c.n_calls != 0)
        abort();
    if (e != LT_OK && e != LT_E_MALFORMED && e != LT_E_LIMIT)
        abort();
    if (v != LT_OK && v != LT_E_MALFORMED)
        abort();
    if ((v == LT_OK) != (e == LT_OK || e == LT_E_LIMIT))
        abort();
    if (e == LT_E_LIMIT && cap >= 10)
        abort();
    if (lt_pb_plausible(p, n) && v != LT_OK)
        abort();
    free(buf);
    return 0;
}
