/* SPDX-License-Identifier: MIT */
/*
 * flowshard.h - the flow side of one file: TCP flows, HTTP, TLS and QUIC
 * server names, DNS names, leak detection (pipe layer).
 *
 * A shard gets decoded packets (from pipe.c's reader, directly or through
 * the workers' queues) and emits into its chunk (chunk.h). One file may be
 * split across several shards by a symmetric hash of the flow's tuple:
 * every packet of a flow reaches the same shard, and packets that name
 * addresses (DNS answers, QUIC Initials) reach every shard, as shadows, so
 * each shard names destinations as if it saw the whole file.
 */
#ifndef LT_PIPE_FLOWSHARD_H
#define LT_PIPE_FLOWSHARD_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/limits.h"
#include "../base/stats.h"
#include "../conf/addrmap.h"
#include "../fmt/decode.h"
#include "chunk.h"
#include "leaks.h"

/* What every file of a run shares. All borrowed for the pipe's life. */
struct lt_pipe_cfg {
    const struct lt_limits *lim;
    struct lt_detectors det;             /* each NULL when off */
    const struct lt_addr_map *addrs;     /* NULL: no shared captures */
    enum lt_values_mode values;
    bool requests;                       /* emit --requests rows */
};

/* One decoded packet. Borrowed for the call. */
struct lt_flowshard_pkt {
    uint64_t frame;             /* 1-based in its file */
    int64_t ts_ns;
    const struct lt_l4 *l4;
    const char *app;            /* the sending app, or "" */
    bool shadow;                /* a copy for another shard's names: learn
                                   from it, count and emit nothing */
};

struct lt_flowshard; /* opaque */

/* Whether l4 may name addresses (a UDP DNS message or QUIC Initial): such
   packets go to every shard, the flow's own and shadows. */
bool lt_flowshard_pkt_names(const struct lt_l4 *l4);

/* One of n_shards working on the same files (flow and TLS-hello caps are
   shared out). NULL when out of memory. */
struct lt_flowshard *lt_flowshard_new(const struct lt_pipe_cfg *cfg, uint32_t n_shards);
void lt_flowshard_free(struct lt_flowshard *s); /* NULL does nothing */

/* A new file: name (as records show it) and its device; both borrowed
   until the next begin. Counters and names start from zero. */
void lt_flowshard_begin(struct lt_flowshard *s, const char *name, const char *device);
void lt_flowshard_packet(struct lt_flowshard *s, const struct lt_flowshard_pkt *pkt);
/* The capture clock: close flows idle since before now - flow_idle_ms. */
void lt_flowshard_tick(struct lt_flowshard *s, int64_t now);
/* End of the file: every flow is closed. */
void lt_flowshard_finish(struct lt_flowshard *s);
/* A HAR entry's request (frame = entry index; no flow). */
void lt_flowshard_har_request(struct lt_flowshard *s, const struct lt_msg_ctx *ctx,
                          const struct lt_http_request *req);

/* What the shard emitted since its chunk was last replayed. */
struct lt_chunk *lt_flowshard_chunk(struct lt_flowshard *s);
/* Exchange the shard's chunk with *c (an empty one): the caller takes what
   was emitted without copying. */
void lt_flowshard_swap_chunk(struct lt_flowshard *s, struct lt_chunk *c);
/* The current file's counters. */
const struct lt_stats *lt_flowshard_stats(const struct lt_flowshard *s);

#endif
