/* SPDX-License-Identifier: MIT */
/*
 * chunk.h - what a flow shard produced between two ticks: leak records,
 * --requests rows, finished flows and warnings, each tagged with the frame
 * it belongs to (pipe layer).
 *
 * Why: SPEC §4 wants the same output bytes whatever -j is. Flows are
 * split across shards, each emitting in its own order; a chunk is replayed
 * sorted by (frame, emission order), and every frame belongs to one flow,
 * hence one shard. So the replayed order is the same for one shard or many.
 * Ticks come at fixed packet counts of the input, so chunk boundaries are
 * the same too.
 */
#ifndef LT_PIPE_CHUNK_H
#define LT_PIPE_CHUNK_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"

/* A finished flow, as summary.json's destinations count it. Borrowed. */
struct lt_flow_summary {
    const char *device;        /* whose flow (see the leak hook) */
    const char *app;           /* the sending app, or "" */
    const char *host;          /* HTTP Host, else TLS server name, else the
                                  DNS name of the address, else "" */
    uint8_t ip_version;
    const uint8_t *addr;       /* the destination (the server side) */
    uint64_t bytes_sent;       /* stream bytes from the client */
    bool clear;                /* plaintext HTTP requests were seen */
    bool tls;                  /* a TLS ClientHello was seen */
    uint32_t leaks;            /* records written for its messages */
};

/* Where replayed items go (the run's writer). Every hook may be NULL. */
struct lt_pipe_hooks {
    void *ud;
    /* One --requests TSV row (newline included). */
    void (*request)(void *ud, const uint8_t *row, size_t len);
    /* A message about bad input, already naming the file and offset, e.g.
       "pcapng: block length 13 is not a multiple of 4 at offset 4096 in
       'dev42/a.pcapng'". At most a few per file; the rest are counted. */
    void (*warn)(void *ud, const char *msg);
    /* One leak record line (newline included) for device (the file's
       device, or the one the manifest's addresses give the flow in a
       shared capture); app: the sending app or "". device outlives the
       run (manifest or file list); the rest is borrowed for the call. */
    void (*leak)(void *ud, const char *device, const char *app,
                 const char *kind, const uint8_t *line, size_t len);
    /* A flow of the current file ended. */
    void (*flow)(void *ud, const struct lt_flow_summary *fs);
    /* A compressed zstd frame of device's records (the workers frame
       records before the writer: see workers/devframes.h). */
    void (*frame)(void *ud, const char *device, const uint8_t *data, size_t len);
    /* n records of kind for device, sent by app ("" unknown). */
    void (*count)(void *ud, const char *device, const char *app,
                  const char *kind, uint64_t n);
};

#define LT_CHUNK_MAX (256u << 20) /* bytes of items between two ticks */

struct lt_chunk {
    struct lt_buf items;       /* headers and payloads, 8-byte aligned */
};

void lt_chunk_init(struct lt_chunk *c);
void lt_chunk_release(struct lt_chunk *c);
static inline void lt_chunk_reset(struct lt_chunk *c) { lt_buf_reset(&c->items); }
static inline bool lt_chunk_empty(const struct lt_chunk *c) { return c->items.len == 0; }

/* Add an item. An item over LT_CHUNK_MAX (or out of memory) is left out:
   LT_E_LIMIT / LT_E_NOMEM (the caller counts it). */
enum lt_err lt_chunk_leak(struct lt_chunk *c, uint64_t frame, const char *device,
                          const char *app, const char *kind,
                          const uint8_t *line, size_t len);
enum lt_err lt_chunk_request(struct lt_chunk *c, uint64_t frame,
                             const uint8_t *row, size_t len);
enum lt_err lt_chunk_flow(struct lt_chunk *c, uint64_t frame,
                          const struct lt_flow_summary *fs);
enum lt_err lt_chunk_warn(struct lt_chunk *c, uint64_t frame, const char *msg);
enum lt_err lt_chunk_zframe(struct lt_chunk *c, const char *device,
                            const uint8_t *data, size_t len);
enum lt_err lt_chunk_count(struct lt_chunk *c, const char *device, const char *app,
                           const char *kind, uint64_t n);

/*
 * lt_chunks_replay() - call h for every item of cs[0..n), ordered by frame,
 * then chunk index, then emission order; then empty them. order is scratch
 * (reused between calls; capped like a chunk). LT_OK or LT_E_NOMEM (the
 * items are then replayed unsorted: never lost).
 */
enum lt_err lt_chunks_replay(struct lt_chunk *const *cs, size_t n,
                             struct lt_buf *order, const struct lt_pipe_hooks *h);

/* Call h for every item of c in the order added (items already sorted, as
   the workers pass them on). c is left as is. */
void lt_chunk_replay_in_order(const struct lt_chunk *c, const struct lt_pipe_hooks *h);

#endif
