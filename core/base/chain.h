/* SPDX-License-Identifier: MIT */
/*
 * chain.h - where a value was found: the `chain` of a leak record (SPEC §4),
 * outermost step first (base layer). A location step (url, query:<name>,
 * header:<name>, cookie:<name>, body, dns, sni), then container steps
 * (form:<name>, json:<path>, multipart:<name>, protobuf:<path>) and
 * transform steps (base64, base64url, hex, percent, gzip, zlib, deflate,
 * br, zstd). Names are borrowed (from the message being decoded).
 */
#ifndef LT_BASE_CHAIN_H
#define LT_BASE_CHAIN_H

#include <stdint.h>

#include "span.h"

/* X(id, text, has_name) */
#define LT_STEP_LIST(X)              \
    X(URL, "url", 0)                 \
    X(QUERY, "query", 1)             \
    X(HEADER, "header", 1)           \
    X(COOKIE, "cookie", 1)           \
    X(BODY, "body", 0)               \
    X(DNS, "dns", 0)                 \
    X(SNI, "sni", 0)                 \
    X(FORM, "form", 1)               \
    X(JSON, "json", 1)               \
    X(MULTIPART, "multipart", 1)     \
    X(PROTOBUF, "protobuf", 1)       \
    X(BASE64, "base64", 0)           \
    X(BASE64URL, "base64url", 0)     \
    X(HEX, "hex", 0)                 \
    X(PERCENT, "percent", 0)         \
    X(GZIP, "gzip", 0)               \
    X(ZLIB, "zlib", 0)               \
    X(DEFLATE, "deflate", 0)         \
    X(BR, "br", 0)                   \
    X(ZSTD, "zstd", 0)

enum lt_step_kind {
#define LT__STEP_ENUM(id, text, named) LT_STEP_##id,
    LT_STEP_LIST(LT__STEP_ENUM)
#undef LT__STEP_ENUM
    LT_STEP__COUNT
};

struct lt_step {
    enum lt_step_kind kind;
    struct lt_span name;   /* for named steps: "data_list", "$.a.b[0]" */
};

/* "url", "query", ... ; the text before ':' in a record's chain. */
const char *lt_step_text(enum lt_step_kind k);
/* 1 when the step is written "<text>:<name>". */
int lt_step_has_name(enum lt_step_kind k);

/* Most steps a chain holds: a location, max-depth decodings (at most 64),
   and the containers between them. */
#define LT_CHAIN_MAX 80

#endif
