/* SPDX-License-Identifier: MIT */
/*
 * flow.h - the TCP flow table and per-direction stream reassembly
 * (flow layer; uses base/ and fmt/decode.h's struct lt_l4).
 *
 * Feed it every decoded TCP segment in capture order; it calls back with
 * each direction's bytes in stream order, exactly once each, and with gaps
 * where bytes were never seen. One table per thread; no locks, no globals.
 *
 * - Symmetric 5-tuple: both directions of a connection are one flow.
 *   Direction 0 is the initiator (SYN sender; the receiver of a SYN+ACK
 *   seen first; else the sender of the first segment seen), direction 1
 *   the responder.
 * - Out-of-order segments are held (copied; at most lim->max_pending bytes
 *   per direction) until the hole before them fills. Retransmitted bytes are
 *   dropped; overlapping bytes that differ keep the first copy and count in
 *   stats->overlaps.
 * - A hole is skipped (gap callback, counted in holes / hole_bytes) when it
 *   has blocked delivery for lim->hole_wait_ms of capture time, when held
 *   bytes would exceed max_pending (also counted in pending_cap), when the
 *   flow closes, or at lt_flow_table_finish().
 * - Flows are picked up mid-stream (no SYN: the first segment's sequence
 *   number starts the stream). Idle flows expire after lim->flow_idle_ms of
 *   capture time; FIN/RST from both sides or RST close a flow. When the table
 *   holds lim->max_flows flows, the least recently seen is closed (flow_cap).
 * - A segment without SYN and without payload (bare ACK, FIN, any RST) of
 *   an unknown tuple opens no flow. A flow closed by FIN/RST stays in the
 *   table as a tombstone until idle (or recycled first when the table is
 *   full): its trailing ACKs and retransmissions are ignored, and only a SYN
 *   (or a SYN+ACK, when the SYN was missed) starts a new flow on the tuple. A SYN whose ISN does not fit
 *   the live flow (port reuse) closes it and starts a new one.
 * - A snaplen-cut segment (payload_wire_len > payload.len) delivers its
 *   captured bytes, then a gap for the rest (counted as a hole).
 * - The in-order path copies nothing and allocates nothing per packet.
 * Callbacks must not call back into the table, except
 * lt_flow_table_count(); a held copy stays valid until the data callback
 * returns.
 */
#ifndef LT_FLOW_FLOW_H
#define LT_FLOW_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/limits.h"
#include "../base/stats.h"
#include "../fmt/decode.h"

/* The packet being processed, as the callbacks report it. */
struct lt_pkt_meta {
    uint64_t frame;   /* 1-based packet index in its capture file */
    int64_t ts_ns;    /* capture time */
};

struct lt_flow {
    uint8_t ip_version;
    uint8_t addr[2][16];        /* [dir]: sender address of that direction */
    uint16_t port[2];           /* [dir]: sender port */
    struct lt_pkt_meta last;    /* last packet seen on the flow */
    void *user;                 /* consumer state; the table never touches it */
};

struct lt_flow_cb {
    void *ud;
    /* In-order bytes p[0..n) of direction dir (0 initiator, 1 responder).
       p is borrowed for the call. m: the packet whose arrival made them
       deliverable (for data flushed at close: the flow's last packet). */
    void (*data)(void *ud, struct lt_flow *f, int dir, const uint8_t *p,
                 size_t n, const struct lt_pkt_meta *m);
    /* len bytes of direction dir were never seen and are skipped. */
    void (*gap)(void *ud, struct lt_flow *f, int dir, uint64_t len,
                const struct lt_pkt_meta *m);
    /* The flow ends (FIN/RST, idle expiry, eviction, finish): last call for
       f; release f->user here. */
    void (*close)(void *ud, struct lt_flow *f);
};

struct lt_flow_table; /* opaque */

/* Make a table. lim, st borrowed for its life. NULL when out of memory. */
struct lt_flow_table *lt_flow_table_new(const struct lt_limits *lim,
                                        struct lt_stats *st,
                                        const struct lt_flow_cb *cb);

/*
 * lt_flow_table_segment() - one TCP segment (seg->proto == 6) of packet m.
 * seg, m and the payload are borrowed for the call. Calls back zero or more
 * times before returning. Returns LT_OK (also for a non-TCP seg, which is
 * ignored), or LT_E_NOMEM: no entry for a new flow (the segment is
 * dropped), or no copy for out-of-order data (the hole before it is skipped
 * with a gap and the data delivered from the packet instead).
 * A flow of this tuple idle since before m->ts_ns - flow_idle_ms is closed
 * first (the segment then starts a new one); other idle flows wait for
 * lt_flow_table_expire().
 */
enum lt_err lt_flow_table_segment(struct lt_flow_table *t,
                                  const struct lt_l4 *seg,
                                  const struct lt_pkt_meta *m);

/* Close every flow idle since before now - flow_idle_ms (the caller's
   clock: the capture time of the latest packet). */
void lt_flow_table_expire(struct lt_flow_table *t, int64_t now);

/* Symmetric hash of seg's address/port tuple with a fixed seed: both
   directions of a flow get the same value, in every run. */
uint64_t lt_flow_hash(const struct lt_l4 *seg);

/* End of input: deliver what is held (with gaps), close every flow. The
   table stays usable (empty). */
void lt_flow_table_finish(struct lt_flow_table *t);

/* Number of live flows. */
uint32_t lt_flow_table_count(const struct lt_flow_table *t);

/* Finish, then free. lt_flow_table_free(NULL) does nothing. */
void lt_flow_table_free(struct lt_flow_table *t);

#endif
