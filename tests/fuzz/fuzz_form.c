/* SPDX-License-Identifier: MIT */
/*
 * fuzz_form.c - lt_form_next / lt_form_plausible on arbitrary bytes.
 * Input: p[0] bit 0 style (AMP / HASH2), bit 1 allow_single; the rest is
 * the data. Invariants: spans inside the input, in order and disjoint,
 * names without `=`, no separator inside a name or value, the iteration
 * ends (at most one pair per input byte).
 */
#include <stdlib.h>
#include <string.h>

#include "core/dec/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool has_sep(struct lt_span s, enum lt_form_style st)
{
    if (st == LT_FORM_AMP)
        return s.len && memchr(s.p, '&', s.len) != NULL;
    for (size_t i = 0; i + 1 < s.len; i++)
        if (s.p[i] == '#' && s.p[i + 1] == '#')
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const enum lt_form_style st = data[0] & 1 ? LT_FORM_HASH2 : LT_FORM_AMP;
    const bool single = data[0] & 2;
    data++;
    size--;
    (void)lt_form_plausible(data, size, st, single);
    struct lt_form_iter it;
    struct lt_span k, v;
    const uint8_t *prev_end = data;
    size_t n_pairs = 0;
    lt_form_iter_init(&it, data, size, st);
    while (lt_form_next(&it, &k, &v)) {
        if (k.p < prev_end || k.p + k.len > v.p || v.p + v.len > data + size)
            abort();
        if ((k.len && memchr(k.p, '=', k.len)) || has_sep(k, st) || has_sep(v, st))
            abort();
        prev_end = v.p + v.len;
        if (++n_pairs > size)
            abort();
    }
    if (lt_form_next(&it, &k, &v))
        abort();
    return 0;
}
