/* SPDX-License-Identifier: MIT */
/*
 * jsonw.h - a small direct JSON writer for the hot path (out layer; base/).
 * Any bytes become a valid JSON string of valid UTF-8: well-formed UTF-8
 * passes through, `"` `\` and control bytes are escaped, and every byte
 * that is not part of a well-formed UTF-8 sequence (overlongs, surrogates,
 * > U+10FFFF, truncated sequences) is written as \u00XX (its byte value).
 * Hex digits are lower case; DEL (0x7f) is valid JSON and left as is.
 * Every function leaves b as it was (same len) when it fails.
 */
#ifndef LT_OUT_JSONW_H
#define LT_OUT_JSONW_H

#include <stdint.h>

#include "../base/buf.h"
#include "../base/span.h"

/* Append s as a quoted JSON string. LT_OK or the buffer's error. */
enum lt_err lt_jsonw_str(struct lt_buf *b, struct lt_span s);
/* Append the contents without the quotes (to build a string in pieces). */
enum lt_err lt_jsonw_str_body(struct lt_buf *b, struct lt_span s);
enum lt_err lt_jsonw_u64(struct lt_buf *b, uint64_t v);
/* Append raw bytes (punctuation, keys known to need no escaping). */
enum lt_err lt_jsonw_raw(struct lt_buf *b, const char *s);

#endif
