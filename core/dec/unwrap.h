/* SPDX-License-Identifier: MIT */
/*
 * unwrap.h - decode one message's fields recursively, driven by content
 * (dec layer; uses base/ and the decoders of dec/).
 *
 * A field (a query value, a header, a body...) goes in with its chain so
 * far; every piece it decodes into comes out through a callback with its
 * full chain (SPEC §4), outermost first:
 *
 *   body "crc=1&data_list=H4sI..."       (a container: split, not emitted)
 *     form:crc "1"                       -> emitted
 *     form:data_list "H4sI..."           -> emitted, then
 *       base64 <gzip bytes>              -> emitted, then
 *         gzip "[{...}]"                 (JSON: split)
 *           json:$[0].distinct_id "a1b2" -> emitted
 *
 * Containers (JSON, form `k=v&k=v`, `k=v##k=v`, multipart) are replaced by
 * their parts; every other piece is emitted and then tried with the
 * transforms its content makes plausible (percent, base64, hex; gzip, zlib,
 * zstd by magic; raw deflate and brotli by trial on binary bytes out of
 * another decoding, base64 included). A decoding is kept only when it
 * succeeds and yields text, JSON or a compressed stream; a failed trial
 * emits nothing.
 *
 * Budgets per message (lt_unwrap_begin starts one): decoding depth
 * (lim->max_depth layers below a field), decoded bytes (max_msg_decoded:
 * one arena, allocated once per thread, popped as the recursion returns),
 * pieces (max_pieces), decompression output (max_ratio × input). What they
 * cut off is counted in stats (depth_cap, msg_decoded_cap, pieces_cap,
 * ratio_cap); decode steps by kind in stats->decode_steps.
 */
#ifndef LT_DEC_UNWRAP_H
#define LT_DEC_UNWRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/chain.h"
#include "../base/err.h"
#include "../base/limits.h"
#include "../base/span.h"
#include "../base/stats.h"
#include "decompress.h"

/* One decoded piece. Borrowed for the callback only. */
struct lt_piece {
    struct lt_span data;
    const struct lt_step *chain;
    size_t chain_len;
    struct lt_span field;   /* innermost field name (form/query/cookie/header
                               name, JSON key); empty when none */
    uint32_t seq;           /* position in the message: piece number */
};

typedef void (*lt_piece_cb)(void *ud, const struct lt_piece *p);

/* What the caller knows of a field's content. */
enum lt_hint {
    LT_HINT_NONE,       /* sniff it */
    LT_HINT_FORM,       /* application/x-www-form-urlencoded (also a
                           single k=v pair) */
    LT_HINT_JSON,       /* application/json and friends */
    LT_HINT_MULTIPART,  /* multipart/form-data: boundary given */
    LT_HINT_OPAQUE,     /* emit only, do not decode (e.g. the Host header) */
};

struct lt_unwrap {
    const struct lt_limits *lim;   /* borrowed */
    struct lt_stats *st;           /* borrowed */
    struct lt_decomp *decomp;      /* owned */
    uint8_t *arena;                /* owned, lim->max_msg_decoded bytes */
    size_t top;                    /* arena bytes in use */
    uint32_t n_pieces;             /* pieces of the current message */
    bool budget_hit;               /* msg_decoded_cap counted once */
    bool pieces_hit;               /* pieces_cap counted once */
};

/* LT_OK or LT_E_NOMEM (nothing to release then). */
enum lt_err lt_unwrap_init(struct lt_unwrap *u, const struct lt_limits *lim,
                           struct lt_stats *st);
void lt_unwrap_release(struct lt_unwrap *u);

/* Scratch for a caller's decoded field (a query value), from the message's
   budget: n bytes or NULL (budget spent, counted). Give it back with
   lt_unwrap_pop(u, mark) where mark = u->top before the call. */
uint8_t *lt_unwrap_push(struct lt_unwrap *u, size_t n);
static inline void lt_unwrap_pop(struct lt_unwrap *u, size_t mark)
{
    u->top = mark;
}

/* A new message: budgets start again. */
void lt_unwrap_begin(struct lt_unwrap *u);

/*
 * lt_unwrap_field() - decode data (a field of the current message) whose
 * chain so far is chain[0..chain_len) (at least its location step) and
 * whose name is field; hint/boundary as known. Calls cb for every piece,
 * in position order, before returning. data, chain, field are borrowed.
 */
void lt_unwrap_field(struct lt_unwrap *u, struct lt_span data,
                     const struct lt_step *chain, size_t chain_len,
                     struct lt_span field, enum lt_hint hint,
                     struct lt_span boundary, lt_piece_cb cb, void *ud);

#endif
