/* SPDX-License-Identifier: MIT */
/*
 * json.h - walk every scalar of a JSON document (RFC 8259) with its path
 * (dec layer; base/). Strings come unescaped (`\/`, `\uXXXX` with
 * surrogate pairs, lone surrogates as U+FFFD), numbers as their text.
 * The document is validated completely before the first callback, so a
 * failed trial leaves nothing behind. Nesting depth is capped (an explicit
 * stack, never recursion). Needs caller scratch for unescaped strings and
 * paths; never allocates.
 */
#ifndef LT_DEC_JSON_H
#define LT_DEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/span.h"

/* true when the first non-blank byte is `{` or `[` (or `"` for a
   top-level string when allow_scalar) and the last non-blank byte closes it. */
bool lt_json_plausible(const uint8_t *src, size_t n, bool allow_scalar);

enum lt_json_kind { LT_JSON_STRING, LT_JSON_NUMBER };

struct lt_json_value {
    enum lt_json_kind kind;
    struct lt_span path;   /* "$.a.b[0]", "$[3].properties.url"; keys that are
                              not identifier-like are written ['k'] with
                              ' and \ escaped by a backslash */
    struct lt_span key;    /* the innermost object key ("" inside arrays at the
                              top) - the field name for detectors */
    struct lt_span value;  /* unescaped string bytes / number text */
};

/* Return false to stop the walk. */
typedef bool (*lt_json_cb)(void *ud, const struct lt_json_value *v);

struct lt_json_scratch {
    uint8_t *buf;      /* caller memory for paths and unescaped strings */
    size_t cap;
    uint32_t max_depth;  /* nesting cap; deeper documents are LT_E_LIMIT.
                            Values above 1024 count as 1024 (the level stack
                            is a fixed local array); 0 allows only a
                            top-level scalar */
};

/*
 * lt_json_walk() - validate src, then call cb for every string and number
 * in document order. The spans in *v are valid during the call only.
 * Returns LT_OK; LT_E_MALFORMED (not JSON: no callback was made);
 * LT_E_LIMIT (deeper than max_depth, a path/string larger than the
 * scratch, or a document over 512 MiB: no callback was made for the
 * document; an invalid document is LT_E_MALFORMED even if it is also too
 * large for the scratch, but one nested too deep stops at LT_E_LIMIT).
 * Scratch use: the current path, plus keys and string values that contain
 * escapes (others are spans into src). cb may be NULL: validation only.
 * Two passes over src (validate, then walk); about 32 KiB of stack.
 */
enum lt_err lt_json_walk(const uint8_t *src, size_t n,
                         const struct lt_json_scratch *s, lt_json_cb cb,
                         void *ud);

#endif
