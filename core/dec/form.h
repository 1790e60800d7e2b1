/* SPDX-License-Identifier: MIT */
/*
 * form.h - `k=v&k=v` (application/x-www-form-urlencoded, URL query strings)
 * and `k=v##k=v` (Sensors Analytics device info) pair iteration
 * (dec layer; base/). Pure: yields spans into the input; names and values
 * are still encoded (the caller percent-decodes them, with lt_pct_decode).
 */
#ifndef LT_DEC_FORM_H
#define LT_DEC_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/span.h"

/* AMP splits on `&` only: `;` (the old CGI alternative) is rare in forms
   and queries and would cut values apart; cookies ("a=1; b=2") are split
   elsewhere. */
enum lt_form_style { LT_FORM_AMP, /* k=v&k=v */ LT_FORM_HASH2 /* k=v##k=v */ };

/* max_name_len of lt_form_plausible(). */
#define LT_FORM_MAX_NAME_LEN 64

/*
 * lt_form_plausible() - true when src looks like pairs of that style: at
 * least one `=`, every pair's name non-empty, at most LT_FORM_MAX_NAME_LEN
 * bytes of name characters (letters, digits, `_-.$[]%+:` and bytes >= 0x80), no
 * control bytes, no spaces (AMP: they would be `+` or `%20`), and for
 * HASH2 at least one `##` and a `=` in every pair (HASH2 values may hold
 * spaces). Empty pairs (`a=1&&b=2`, a trailing `&`) are fine; AMP pairs
 * without `=` ("a=1&flag") too. Text that is only base64 padding after its
 * first `=` ("YWJj=", "eA==") is not pairs. A lone "k=v" pair is plausible
 * for AMP only if the caller allows it (allow_single).
 */
bool lt_form_plausible(const uint8_t *src, size_t n, enum lt_form_style style,
                       bool allow_single);

struct lt_form_iter {
    const uint8_t *p;
    size_t n, off;
    enum lt_form_style style;
};

void lt_form_iter_init(struct lt_form_iter *it, const uint8_t *src, size_t n,
                       enum lt_form_style style);
/* The next pair: name and value spans (value empty when there is no `=`).
   Empty pairs (`&&`) are skipped. false at the end. */
bool lt_form_next(struct lt_form_iter *it, struct lt_span *name,
                  struct lt_span *value);

#endif
