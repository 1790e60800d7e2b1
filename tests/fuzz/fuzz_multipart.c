/* SPDX-License-Identifier: MIT */
/*
 * fuzz_multipart.c - lt_multipart_boundary and part iteration on arbitrary
 * bytes. Input: p[0] boundary length (p[0] % 16), then the boundary, then
 * the body; the whole input is also parsed as a Content-Type value.
 * Invariants: spans inside the body, part bodies in order and disjoint,
 * the iteration ends, the boundary span lies inside the Content-Type.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dec/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(struct lt_span s, const uint8_t *p, size_t n)
{
    if (s.len && (s.p < p || s.p + s.len > p + n))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lt_span b;
    if (lt_multipart_boundary(lt_span_make(data, size), &b))
        if (b.len == 0 || b.p < data || b.p + b.len > data + size)
            abort();
    if (size < 1)
        return 0;
    size_t bl = data[0] % 16;
    if (bl > size - 1)
        bl = size - 1;
    const struct lt_span boundary = lt_span_make(data + 1, bl);
    const uint8_t *body = data + 1 + bl;
    const size_t n = size - 1 - bl;
    struct lt_multipart_iter it;
    struct lt_multipart_part part;
    const uint8_t *prev_end = body;
    size_t n_parts = 0;
    lt_multipart_init(&it, body, n, boundary);
    while (lt_multipart_next(&it, &part)) {
        inside(part.name, body, n);
        inside(part.filename, body, n);
        inside(part.content_type, body, n);
        inside(part.body, body, n);
        if (part.body.p < prev_end)
            abort();
        prev_end = part.body.p + part.body.len;
        if (++n_parts > n + 1)
            abort();
    }
    if (lt_multipart_next(&it, &part))
        abort();
    return 0;
}
