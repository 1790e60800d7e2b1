/* SPDX-License-Identifier: MIT */
/*
 * multipart.h - multipart/form-data parts (RFC 7578) (dec layer; base/).
 * Pure: spans into the body.
 */
#ifndef LT_DEC_MULTIPART_H
#define LT_DEC_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/span.h"

/* The boundary parameter of a Content-Type value ("multipart/form-data;
   boundary=xyz" or quoted); false when there is none. */
bool lt_multipart_boundary(struct lt_span content_type, struct lt_span *boundary);

struct lt_multipart_iter {
    const uint8_t *p;
    size_t n, off;
    struct lt_span boundary;
    bool done;
};

struct lt_multipart_part {
    struct lt_span name;          /* Content-Disposition name="..." (may be empty) */
    struct lt_span filename;      /* filename="..." or empty */
    struct lt_span content_type;  /* the part's Content-Type or empty */
    struct lt_span body;          /* bytes between the part headers and the
                                     CRLF before the next delimiter */
};

void lt_multipart_init(struct lt_multipart_iter *it, const uint8_t *body,
                       size_t n, struct lt_span boundary);
/* The next part; false at the closing delimiter, the end, or on a body
   that does not follow the format (parts already returned stay valid; a
   last part cut off by the end of the body is returned as it is). */
bool lt_multipart_next(struct lt_multipart_iter *it, struct lt_multipart_part *part);

#endif
