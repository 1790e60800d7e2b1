/* SPDX-License-Identifier: MIT */
/*
 * limits.h - every cap on memory that grows with input, with its default
 * (base layer). SPEC §6: each cap has a default and an option; what a cap
 * cut off is counted in struct lt_stats and reported in summary.json.
 */
#ifndef LT_BASE_LIMITS_H
#define LT_BASE_LIMITS_H

#include <stddef.h>
#include <stdint.h>

struct lt_limits {
    /* captures */
    uint32_t max_record;        /* largest capture record / pcapng block (bytes) */
    /* flows and reassembly */
    uint32_t max_flows;         /* live TCP flows per flow table */
    uint32_t max_pending;       /* out-of-order bytes held per direction */
    uint32_t hole_wait_ms;      /* capture time a hole may block delivery */
    uint32_t flow_idle_ms;      /* capture time after which an idle flow expires */
    /* HTTP */
    uint32_t max_line;          /* request line or one header line (bytes) */
    uint32_t max_headers;       /* header fields per request */
    uint32_t max_header_bytes;  /* request line + all headers (bytes) */
    uint32_t max_body;          /* body bytes kept per request (rest skipped) */
    uint32_t max_decoded;       /* decompressed bytes per body */
    uint32_t max_ratio;         /* decompressed / compressed bytes */
    /* payload decoding, per message */
    uint32_t max_depth;         /* decoding layers below a field (--max-depth) */
    uint32_t max_msg_decoded;   /* bytes decoded from one message's fields */
    uint32_t max_pieces;        /* decoded pieces of one message */
    uint32_t max_har;           /* a HAR document (held whole in memory) */
};

#define LT_DEFAULT_MAX_RECORD       (16u << 20)
#define LT_DEFAULT_MAX_FLOWS        (1u << 19) /* for the run: ~1.3 KB each
                                                  with a partial request */
#define LT_DEFAULT_MAX_PENDING      (4u << 20)
#define LT_DEFAULT_HOLE_WAIT_MS     2000u
#define LT_DEFAULT_FLOW_IDLE_MS     600000u
#define LT_DEFAULT_MAX_LINE         (64u << 10)
#define LT_DEFAULT_MAX_HEADERS      256u
#define LT_DEFAULT_MAX_HEADER_BYTES (256u << 10)
#define LT_DEFAULT_MAX_BODY         (8u << 20)
#define LT_DEFAULT_MAX_DECODED      (32u << 20)
#define LT_DEFAULT_MAX_RATIO        1000u
#define LT_DEFAULT_MAX_DEPTH        8u
#define LT_DEFAULT_MAX_MSG_DECODED  (64u << 20)
#define LT_DEFAULT_MAX_PIECES       100000u
#define LT_DEFAULT_MAX_HAR          (512u << 20)

static inline struct lt_limits lt_limits_default(void)
{
    struct lt_limits l = {
        .max_record = LT_DEFAULT_MAX_RECORD,
        .max_flows = LT_DEFAULT_MAX_FLOWS,
        .max_pending = LT_DEFAULT_MAX_PENDING,
        .hole_wait_ms = LT_DEFAULT_HOLE_WAIT_MS,
        .flow_idle_ms = LT_DEFAULT_FLOW_IDLE_MS,
        .max_line = LT_DEFAULT_MAX_LINE,
        .max_headers = LT_DEFAULT_MAX_HEADERS,
        .max_header_bytes = LT_DEFAULT_MAX_HEADER_BYTES,
        .max_body = LT_DEFAULT_MAX_BODY,
        .max_decoded = LT_DEFAULT_MAX_DECODED,
        .max_ratio = LT_DEFAULT_MAX_RATIO,
        .max_depth = LT_DEFAULT_MAX_DEPTH,
        .max_msg_decoded = LT_DEFAULT_MAX_MSG_DECODED,
        .max_pieces = LT_DEFAULT_MAX_PIECES,
        .max_har = LT_DEFAULT_MAX_HAR,
    };
    return l;
}

#endif
