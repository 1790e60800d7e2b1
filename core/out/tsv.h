/* SPDX-License-Identifier: MIT */
/*
 * tsv.h - the `--requests` TSV rows (out layer; base/): capture, frame,
 * host, method, uri (SPEC §2), one line per HTTP request. Inside a field,
 * backslash, TAB, CR and LF are written as \\, \t, \r, \n so every row is
 * one line of exactly five fields.
 */
#ifndef LT_OUT_TSV_H
#define LT_OUT_TSV_H

#include <stdint.h>

#include "../base/buf.h"
#include "../base/span.h"

#define LT_TSV_REQUESTS_HEADER "capture\tframe\thost\tmethod\turi\n"

/* Append one escaped field (no separator) to b. LT_OK or b's error. */
enum lt_err lt_tsv_field(struct lt_buf *b, struct lt_span s);

/* Append a whole request row, newline included. */
enum lt_err lt_tsv_request_row(struct lt_buf *b, const char *capture,
                               uint64_t frame, struct lt_span host,
                               struct lt_span method, struct lt_span uri);

#endif
