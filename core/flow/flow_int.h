/* SPDX-License-Identifier: MIT */
/*
 * flow_int.h - internals shared by the flow table (table.c) and the
 * per-direction reassembly (reasm.c); not an API. Tests may include it to
 * inspect state, nothing else should.
 */
#ifndef LT_FLOW_FLOW_INT_H
#define LT_FLOW_FLOW_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"

/* A segment may sit at most this far ahead of the delivery point: the
   largest TCP window (RFC 7323 §2.2: 2^30). Anything further is garbage or
   another connection and is ignored, so one bogus sequence number cannot
   turn into a gigabyte gap. */
#define LT__MAX_AHEAD ((int64_t)1 << 30)
/* A snaplen-cut segment claims at most this many missing bytes (an IP
   datagram is at most 64 KiB; keep slack for TSO captures). */
#define LT__MAX_TRUNC (1u << 18)
/* Held segments per direction (besides max_pending bytes): bounds the
   sorted-list walk an adversary can force per packet. */
#define LT__MAX_HELD 4096u

/* One held (copied) out-of-order run of stream bytes, or a known gap (the
   cut-off tail of a snaplen-truncated segment) when is_gap. */
struct lt__hold {
    struct lt__hold *next; /* sorted by off; runs never overlap */
    int64_t off;           /* absolute stream offset of data[0] */
    int64_t ts_ns;         /* capture time it arrived */
    uint32_t len;
    bool is_gap;
    uint8_t data[];        /* len bytes unless is_gap */
};

/* One direction's reassembly state. Offsets are 64-bit absolute positions
   in the stream (0 = first byte after the SYN, or the first byte seen);
   sequence numbers map to them relative to next_off, so 32-bit wraparound
   never matters. Invariant: every held run starts after next_off. The
   fields the in-order path reads come first. */
struct lt__dir {
    struct lt__hold *held;
    int64_t next_off;   /* first byte not yet delivered or skipped */
    uint32_t seq0;      /* sequence number of offset 0 (has_base) */
    bool has_base;      /* seq0 is known */
    bool has_syn;       /* seq0 came from a SYN */
    bool has_fin;
    int64_t fin_off;    /* stream end announced by FIN (has_fin) */
    struct lt__hold *held_tail;
    int64_t since_ns;   /* capture time delivery became blocked */
    uint32_t held_bytes;/* data bytes in held (gap runs count 0) */
    uint32_t n_held;    /* runs in held */
};

/* Delivery waits for a hole: held data, or a FIN beyond next_off. */
static inline bool lt__dir_blocked(const struct lt__dir *d)
{
    return d->held || (d->has_fin && d->fin_off > d->next_off);
}

enum lt__ent_state { LT__ENT_FREE, LT__ENT_LIVE, LT__ENT_TOMB };

/* A table entry: a live flow, or the tombstone of a flow closed by FIN or
   RST (kept until idle so its trailing ACKs do not start a new flow).
   Ordered for the lookup and in-order path: key and links in the first
   cache line, direction state next, the public part last (slabs keep
   entries 64-byte aligned). pub.last.ts_ns is the LRU time. */
struct lt__ent {
    uint64_t hash;
    uint64_t key[5];              /* canonical 5-tuple, see table.c */
    struct lt__ent *hnext;        /* hash chain; free list link */
    struct lt__ent *prev;         /* LRU list (live or tomb), head = newest */
    struct lt__ent *next;
    uint8_t state;                /* enum lt__ent_state */
    uint8_t a_is_dir0;            /* key side a sends direction 0 */
    uint8_t closed_by_rst;        /* tombstone of a RST (not a FIN) */
    struct lt__dir dir[2];
    struct lt_flow pub;           /* what callbacks see */
} __attribute__((aligned(64)));

struct lt__list {
    struct lt__ent *head, *tail;
};

struct lt__slab {
    struct lt__slab *next;
    void *mem;                    /* what lt_malloc returned */
    uint32_t n;
    struct lt__ent *ents;         /* n entries, 64-byte aligned in mem */
};

struct lt_flow_table {
    struct lt_limits lim;
    struct lt_stats *st;
    struct lt_flow_cb cb;         /* NULL functions replaced by no-ops */
    int64_t hole_wait_ns, idle_ns;
    struct lt__ent **buckets;
    size_t bucket_mask;
    size_t max_buckets;
    struct lt__slab *slabs;
    uint32_t n_alloc;             /* entries in slabs */
    uint32_t n_used;              /* live + tomb entries */
    uint32_t n_live;
    struct lt__ent *free;
    struct lt__list live, tomb;
    struct lt_stats st_dummy;     /* when the caller passes no stats */
};

/* now - then > span, without overflow for any capture times. */
static inline bool lt__older_than(int64_t now, int64_t then, int64_t span)
{
    if (now <= then)
        return false;
    return (uint64_t)now - (uint64_t)then > (uint64_t)span;
}

/* reasm.c */

/* Feed the SYN/data/FIN of seg (sent in direction di of e) into that
   direction. RST is the table's business. LT_E_NOMEM when a held copy could
   not be made (the hole before it was skipped instead, data delivered). */
enum lt_err lt__reasm_segment(struct lt_flow_table *t, struct lt__ent *e,
                              int di, const struct lt_l4 *seg,
                              const struct lt_pkt_meta *m);
/* Skip holes that have blocked direction di for more than hole_wait_ms. */
void lt__reasm_check_wait(struct lt_flow_table *t, struct lt__ent *e, int di,
                          const struct lt_pkt_meta *m);
/* Close-time flush: deliver all held runs with gaps between (and up to the
   FIN), free them. */
void lt__reasm_flush(struct lt_flow_table *t, struct lt__ent *e, int di,
                     const struct lt_pkt_meta *m);
/* Direction di saw FIN and everything before it was delivered/skipped. */
bool lt__reasm_fin_done(const struct lt__dir *d);
/* A SYN (no ACK) with sequence seq in direction d cannot belong to the
   connection d tracks: the port was reused. */
bool lt__reasm_syn_is_new(const struct lt__dir *d, uint32_t seq);

#endif
