/* SPDX-License-Identifier: MIT */
/*
 * reasm.c - one direction of TCP stream reassembly (flow layer).
 *
 * Design. Each direction keeps a delivery point next_off (absolute 64-bit
 * stream offset) and a sorted list of held runs strictly after it. A
 * segment's sequence number maps to an offset relative to next_off (signed
 * 32-bit distance), so wraparound across 2^32 is invisible. A segment is
 * cut into:
 *   - bytes before next_off: already delivered or skipped; dropped and
 *     counted as retransmitted (a keep-alive, 1 byte at next_off-1, is not);
 *   - bytes that fall on held runs: the held copy arrived first and wins;
 *     equal bytes count as retransmitted, a difference counts one overlap
 *     per segment;
 *   - new bytes: when the segment starts at next_off they are delivered
 *     straight from the packet, interleaved with held runs that become
 *     contiguous (the fast path: no held data, one callback, no copy);
 *     otherwise they are copied into new held runs.
 * A snaplen-cut segment is its captured bytes followed by a gap run of the
 * missing length, so the consumer sees data then a gap in stream order.
 *
 * Holes are skipped (gap callback) when the direction has been blocked for
 * more than hole_wait_ms (since_ns: when the first held run arrived, reset
 * to the new first run's arrival after partial progress), when held bytes
 * would exceed max_pending or LT__MAX_HELD runs (skip to the earliest held
 * data), when a copy cannot be allocated, and at close (flush). A FIN past
 * next_off blocks like held data, so a hole just before the FIN is skipped
 * after hole_wait_ms too.
 *
 * Callbacks run with the state consistent: a held run is unlinked before
 * its data is passed on and freed only after the callback returns.
 */
#include <string.h>

#include "../base/alloc.h"
#include "flow_int.h"

static inline int64_t seq_to_off(const struct lt__dir *d, uint32_t seq)
{
    const uint32_t expect = d->seq0 + (uint32_t)d->next_off;
    return d->next_off + (int32_t)(seq - expect);
}

static inline void set_base(struct lt__dir *d, uint32_t seq)
{
    d->seq0 = seq;
    d->next_off = 0;
    d->has_base = true;
}

static void emit_data(struct lt_flow_table *t, struct lt__ent *e, int di,
                      const uint8_t *p, size_t n, const struct lt_pkt_meta *m)
{
    t->st->stream_bytes += n;
    t->cb.data(t->cb.ud, &e->pub, di, p, n, m);
}

static void emit_gap(struct lt_flow_table *t, struct lt__ent *e, int di,
                     uint64_t n, const struct lt_pkt_meta *m)
{
    t->st->holes++;
    t->st->hole_bytes += n;
    t->cb.gap(t->cb.ud, &e->pub, di, n, m);
}

/* Deliver the held runs that start at next_off. */
static void drain(struct lt_flow_table *t, struct lt__ent *e, int di,
                  const struct lt_pkt_meta *m)
{
    struct lt__dir *d = &e->dir[di];
    bool popped = false;
    while (d->held && d->held->off == d->next_off) {
        struct lt__hold *h = d->held;
        d->held = h->next;
        if (!d->held)
            d->held_tail = NULL;
        d->n_held--;
        if (!h->is_gap)
            d->held_bytes -= h->len;
        d->next_off += h->len;
        if (h->is_gap)
            emit_gap(t, e, di, h->len, m);
        else
            emit_data(t, e, di, h->data, h->len, m);
        lt_free(h);
        popped = true;
    }
    if (popped && lt__dir_blocked(d))
        d->since_ns = d->held ? d->held->ts_ns : m->ts_ns;
}

/* Skip the first hole: to the earliest held run, else to the FIN, but never
   past `limit` (the start of a segment about to be handled). */
static void skip_hole(struct lt_flow_table *t, struct lt__ent *e, int di,
                      int64_t limit, const struct lt_pkt_meta *m)
{
    struct lt__dir *d = &e->dir[di];
    int64_t target = INT64_MAX;
    if (d->held)
        target = d->held->off;
    else if (d->has_fin && d->fin_off > d->next_off)
        target = d->fin_off;
    if (limit < target)
        target = limit;
    if (target > d->next_off) {
        emit_gap(t, e, di, (uint64_t)(target - d->next_off), m);
        d->next_off = target;
    }
    drain(t, e, di, m);
}

static struct lt__hold *new_run(int64_t off, const uint8_t *p, uint32_t len,
                                bool is_gap, int64_t ts_ns)
{
    struct lt__hold *h = lt_malloc(sizeof *h + (is_gap ? 0 : len));
    if (!h)
        return NULL;
    h->next = NULL;
    h->off = off;
    h->ts_ns = ts_ns;
    h->len = len;
    h->is_gap = is_gap;
    if (!is_gap)
        memcpy(h->data, p, len);
    return h;
}

/* Link run h after prev (NULL: at the head). */
static void link_run(struct lt__dir *d, struct lt__hold *prev,
                     struct lt__hold *h)
{
    if (prev) {
        h->next = prev->next;
        prev->next = h;
    } else {
        h->next = d->held;
        d->held = h;
    }
    if (!h->next)
        d->held_tail = h;
    d->n_held++;
    if (!h->is_gap)
        d->held_bytes += h->len;
}

/*
 * Copy the uncovered parts of [off, end) (captured bytes up to real_end,
 * p[0] at off; a gap after) into held runs. Returns false when a run could
 * not be allocated or LT__MAX_HELD was reached (what was linked stays).
 */
static bool hold_pieces(struct lt__dir *d, int64_t off, int64_t real_end,
                        int64_t end, const uint8_t *p, int64_t ts_ns,
                        bool *held_any)
{
    struct lt__hold *prev = NULL, *h = d->held;
    if (d->held_tail && d->held_tail->off + d->held_tail->len <= off) {
        prev = d->held_tail; /* common case: appending beyond everything */
        h = NULL;
    }
    int64_t pos = off;
    while (pos < end) {
        while (h && h->off + h->len <= pos) {
            prev = h;
            h = h->next;
        }
        int64_t stop = end;
        if (h && h->off <= pos) { /* pos is covered by h: skip it */
            pos = h->off + h->len;
            continue;
        }
        if (h && h->off < stop)
            stop = h->off;
        /* [pos, stop) is uncovered: data up to real_end, then gap */
        while (pos < stop) {
            const bool is_gap = pos >= real_end;
            const int64_t piece_end = is_gap || stop <= real_end ? stop
                                                                 : real_end;
            if (d->n_held >= LT__MAX_HELD)
                return false;
            struct lt__hold *n = new_run(pos,
                                         is_gap ? NULL : p + (pos - off),
                                         (uint32_t)(piece_end - pos), is_gap,
                                         ts_ns);
            if (!n)
                return false;
            link_run(d, prev, n);
            prev = n;
            pos = piece_end;
            *held_any = true;
        }
    }
    return true;
}

static enum lt_err add_data(struct lt_flow_table *t, struct lt__ent *e, int di,
                            uint32_t seq, const uint8_t *p, uint32_t len,
                            uint32_t wire, const struct lt_pkt_meta *m)
{
    struct lt__dir *d = &e->dir[di];
    struct lt_stats *st = t->st;
    enum lt_err err = LT_OK;
    const int64_t off0 = seq_to_off(d, seq);

    /* A sequence number this far ahead is not in any window we track:
       another connection on a reused port, or garbage. Ignore it. */
    if (off0 - d->next_off > LT__MAX_AHEAD)
        return LT_OK;

again:;
    int64_t off = off0;
    const uint8_t *q = p;
    const int64_t real_end = off0 + len, end = off0 + wire;

    if (end <= d->next_off) {
        /* Old bytes. A keep-alive (RFC 1122 §4.2.3.6: SND.NXT-1 with 0 or
           1 garbage byte) says nothing about the stream. */
        if (!(off == d->next_off - 1 && wire == 1)) {
            const int64_t lo = off > 0 ? off : 0;
            const int64_t hi = real_end < d->next_off ? real_end : d->next_off;
            if (hi > lo)
                st->retransmitted_bytes += (uint64_t)(hi - lo);
        }
        return err;
    }
    if (off < d->next_off) { /* front already delivered: trim it */
        const int64_t lo = off > 0 ? off : 0;
        const int64_t hi = real_end < d->next_off ? real_end : d->next_off;
        if (hi > lo)
            st->retransmitted_bytes += (uint64_t)(hi - lo);
        q += real_end < d->next_off ? len : d->next_off - off;
        off = d->next_off;
    }
    /* now next_off <= off < end; q points at byte off when off < real_end */

    /* Compare with held runs: the held copy arrived first and wins. Count
       how many new data bytes are not covered (they would be copied). */
    int64_t covered = 0;
    bool differs = false;
    if (d->held && !(d->held_tail->off + d->held_tail->len <= off)) {
        for (const struct lt__hold *h = d->held; h && h->off < end;
             h = h->next) {
            const int64_t h_end = h->off + h->len;
            const int64_t lo = h->off > off ? h->off : off;
            const int64_t hi_all = h_end < end ? h_end : end;
            const int64_t hi = hi_all < real_end ? hi_all : real_end;
            if (hi > lo) {
                covered += hi - lo;
                if (h->is_gap)
                    continue;
                const size_t n = (size_t)(hi - lo);
                if (memcmp(q + (lo - off), h->data + (lo - h->off), n) == 0)
                    st->retransmitted_bytes += n;
                else
                    differs = true;
            }
        }
    }
    if (differs)
        st->overlaps++;

    if (off == d->next_off) {
        /* In order: deliver from the packet, interleaved with held runs
           that take over where they start (they arrived first). */
        for (;;) {
            struct lt__hold *h = d->held;
            if (h && h->off == d->next_off) {
                drain(t, e, di, m);
                continue;
            }
            if (d->next_off < off || d->next_off >= end)
                break;
            int64_t stop = h && h->off < end ? h->off : end;
            if (d->next_off < real_end) {
                if (stop > real_end)
                    stop = real_end;
                emit_data(t, e, di, q + (d->next_off - off),
                          (size_t)(stop - d->next_off), m);
            } else {
                emit_gap(t, e, di, (uint64_t)(stop - d->next_off), m);
            }
            d->next_off = stop;
        }
        return err;
    }

    /* Ahead of a hole: copy what is new, within max_pending. */
    const int64_t real_new = (real_end > off ? real_end - off : 0) - covered;
    if ((uint64_t)d->held_bytes + (uint64_t)real_new > t->lim.max_pending) {
        /* Holding it would exceed the cap: give up on the first hole and
           deliver up to the next one, then look at the segment again. */
        st->pending_cap++;
        skip_hole(t, e, di, off, m);
        goto again;
    }
    const bool was_blocked = lt__dir_blocked(d);
    bool held_any = false;
    if (!hold_pieces(d, off, real_end, end, q, m->ts_ns, &held_any)) {
        /* Out of memory or runs: same remedy; no copy is needed once the
           segment is in order. */
        if (d->n_held >= LT__MAX_HELD)
            st->pending_cap++;
        else
            err = LT_E_NOMEM;
        skip_hole(t, e, di, off, m);
        goto again;
    }
    if (held_any) {
        st->out_of_order++;
        if (!was_blocked)
            d->since_ns = m->ts_ns;
    }
    return err;
}

enum lt_err lt__reasm_segment(struct lt_flow_table *t, struct lt__ent *e,
                              int di, const struct lt_l4 *seg,
                              const struct lt_pkt_meta *m)
{
    struct lt__dir *d = &e->dir[di];
    uint32_t seq = seg->seq;
    enum lt_err err = LT_OK;

    if (seg->tcp_flags & LT_TCP_SYN) {
        seq += 1; /* the SYN occupies one sequence number; data follows */
        if (!d->has_base) {
            set_base(d, seq);
            d->has_syn = true;
        }
    }
    uint32_t len = seg->payload.len > UINT32_MAX ? UINT32_MAX
                                                 : (uint32_t)seg->payload.len;
    if (len > LT__MAX_AHEAD)
        len = (uint32_t)LT__MAX_AHEAD;
    /* payload_wire_len beyond what was captured: snaplen cut the packet.
       Smaller than captured is impossible; trust the bytes we have. */
    uint32_t wire = seg->payload_wire_len > len ? seg->payload_wire_len : len;
    if (wire - len > LT__MAX_TRUNC)
        wire = len + LT__MAX_TRUNC;

    if (wire > 0) {
        if (!d->has_base)
            set_base(d, seq);
        err = add_data(t, e, di, seq, seg->payload.p, len, wire, m);
    }
    if ((seg->tcp_flags & LT_TCP_FIN) && !d->has_fin) {
        if (!d->has_base)
            set_base(d, seq);
        int64_t fin_off = seq_to_off(d, seq + wire);
        /* A FIN outside any window is ignored like such data. */
        if (fin_off - d->next_off <= LT__MAX_AHEAD) {
            const bool was_blocked = lt__dir_blocked(d);
            d->has_fin = true;
            d->fin_off = fin_off > d->next_off ? fin_off : d->next_off;
            if (!was_blocked && lt__dir_blocked(d))
                d->since_ns = m->ts_ns;
        }
    }
    return err;
}

void lt__reasm_check_wait(struct lt_flow_table *t, struct lt__ent *e, int di,
                          const struct lt_pkt_meta *m)
{
    struct lt__dir *d = &e->dir[di];
    while (lt__dir_blocked(d) &&
           lt__older_than(m->ts_ns, d->since_ns, t->hole_wait_ns))
        skip_hole(t, e, di, INT64_MAX, m);
}

void lt__reasm_flush(struct lt_flow_table *t, struct lt__ent *e, int di,
                     const struct lt_pkt_meta *m)
{
    struct lt__dir *d = &e->dir[di];
    while (lt__dir_blocked(d))
        skip_hole(t, e, di, INT64_MAX, m);
}

bool lt__reasm_fin_done(const struct lt__dir *d)
{
    return d->has_fin && !lt__dir_blocked(d);
}

bool lt__reasm_syn_is_new(const struct lt__dir *d, uint32_t seq)
{
    if (!d->has_base)
        return false;
    const int64_t off = seq_to_off(d, seq + 1);
    if (d->has_syn)
        return off != 0; /* a retransmitted SYN keeps its ISN */
    /* Base from data: the connection's own SYN lies just before it. */
    return off > 0 || off < -((int64_t)1 << 20);
}
