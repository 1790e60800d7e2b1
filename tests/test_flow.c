/* SPDX-License-Identifier: MIT */
/*
 * test_flow.c - flow table and TCP reassembly (core/flow/). Segments are
 * built as struct lt_l4 values directly; a recorder keeps every delivered
 * byte and gap per flow and direction, plus an event log for ordering.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/alloc.h"
#include "core/flow/flow.h"
#include "tb_buf.h"

#define MAXREC 4096

struct rec {
    int id;
    struct tb_buf out[2];  /* data bytes, gap bytes as 0 */
    struct tb_buf mask[2]; /* 1 data, 0 gap */
    uint64_t n_gaps[2], gap_bytes[2];
    int n_close;
    struct lt_flow at_close;
};

struct harness {
    struct lt_limits lim;
    struct lt_stats st;
    struct lt_flow_table *t;
    struct rec *recs[MAXREC];
    int n_recs;
    struct tb_buf log; /* "<id>:d<dir>:<n> <id>:g<dir>:<n> <id>:c " */
    uint64_t frame;
    const uint8_t *last_p;
    uint64_t last_frame;
    bool quiet;        /* no log (big tests) */
    bool discard;      /* count data, keep nothing (huge streams) */
};

static struct rec *rec_of(struct harness *h, struct lt_flow *f)
{
    if (!f->user) {
        cr_assert(h->n_recs < MAXREC);
        struct rec *r = calloc(1, sizeof *r);
        cr_assert_not_null(r);
        r->id = h->n_recs;
        h->recs[h->n_recs++] = r;
        f->user = r;
    }
    return f->user;
}

static void cb_data(void *ud, struct lt_flow *f, int dir, const uint8_t *p,
                    size_t n, const struct lt_pkt_meta *m)
{
    struct harness *h = ud;
    struct rec *r = rec_of(h, f);
    cr_assert(dir == 0 || dir == 1);
    cr_assert(n > 0, "empty data callback");
    cr_assert_eq(r->n_close, 0, "data after close");
    cr_assert_not_null(m);
    h->last_p = p;
    h->last_frame = m->frame;
    if (h->discard)
        return;
    tb_buf_put(&r->out[dir], p, n);
    for (size_t i = 0; i < n; i++)
        tb_buf_u8(&r->mask[dir], 1);
    if (!h->quiet)
        tb_buf_printf(&h->log, "%d:d%d:%zu ", r->id, dir, n);
}

static void cb_gap(void *ud, struct lt_flow *f, int dir, uint64_t len,
                   const struct lt_pkt_meta *m)
{
    struct harness *h = ud;
    struct rec *r = rec_of(h, f);
    cr_assert(dir == 0 || dir == 1);
    cr_assert(len > 0, "empty gap");
    cr_assert(len < (1u << 24), "absurd gap %llu", (unsigned long long)len);
    cr_assert_eq(r->n_close, 0, "gap after close");
    cr_assert_not_null(m);
    tb_buf_zero(&r->out[dir], len);
    tb_buf_zero(&r->mask[dir], len);
    r->n_gaps[dir]++;
    r->gap_bytes[dir] += len;
    if (!h->quiet)
        tb_buf_printf(&h->log, "%d:g%d:%llu ", r->id, dir,
                      (unsigned long long)len);
}

static void cb_close(void *ud, struct lt_flow *f)
{
    struct harness *h = ud;
    struct rec *r = rec_of(h, f);
    r->n_close++;
    r->at_close = *f;
    if (!h->quiet)
        tb_buf_printf(&h->log, "%d:c ", r->id);
}

static void h_init(struct harness *h)
{
    memset(h, 0, sizeof *h);
    h->lim = lt_limits_default();
}

static void h_start(struct harness *h)
{
    struct lt_flow_cb cb = { h, cb_data, cb_gap, cb_close };
    h->t = lt_flow_table_new(&h->lim, &h->st, &cb);
    cr_assert_not_null(h->t);
}

/* Free the table (closing everything) and check close ran once per flow. */
static void h_fini(struct harness *h)
{
    lt_flow_table_free(h->t);
    h->t = NULL;
    for (int i = 0; i < h->n_recs; i++) {
        struct rec *r = h->recs[i];
        cr_assert_eq(r->n_close, 1, "flow %d closed %d times", i, r->n_close);
        for (int d = 0; d < 2; d++) {
            tb_buf_release(&r->out[d]);
            tb_buf_release(&r->mask[d]);
        }
        free(r);
    }
    tb_buf_release(&h->log);
}

static const char *h_log(struct harness *h)
{
    tb_buf_u8(&h->log, 0);
    h->log.len--;
    return (const char *)h->log.p;
}

struct conn {
    uint8_t ver;
    uint8_t cip[16], sip[16];
    uint16_t cport, sport;
};

static struct conn conn4(uint32_t cip, uint16_t cport, uint32_t sip,
                         uint16_t sport)
{
    struct conn c;
    memset(&c, 0, sizeof c);
    c.ver = 4;
    for (int i = 0; i < 4; i++) {
        c.cip[i] = (uint8_t)(cip >> (24 - 8 * i));
        c.sip[i] = (uint8_t)(sip >> (24 - 8 * i));
    }
    c.cport = cport;
    c.sport = sport;
    return c;
}

static struct conn conn6(uint8_t clast, uint16_t cport, uint8_t slast,
                         uint16_t sport)
{
    struct conn c;
    memset(&c, 0, sizeof c);
    c.ver = 6;
    c.cip[0] = c.sip[0] = 0x20;
    c.cip[1] = c.sip[1] = 0x01;
    c.cip[15] = clast;
    c.sip[15] = slast;
    c.cport = cport;
    c.sport = sport;
    return c;
}

static struct lt_l4 mk(const struct conn *c, int from_server, uint8_t flags,
                       uint32_t seq, const void *p, size_t n)
{
    struct lt_l4 s;
    memset(&s, 0, sizeof s);
    s.ip_version = c->ver;
    s.proto = 6;
    s.tcp_flags = flags;
    memcpy(s.src, from_server ? c->sip : c->cip, 16);
    memcpy(s.dst, from_server ? c->cip : c->sip, 16);
    s.sport = from_server ? c->sport : c->cport;
    s.dport = from_server ? c->cport : c->sport;
    s.seq = seq;
    s.payload = lt_span_make(p, n);
    s.payload_wire_len = (uint32_t)n;
    return s;
}

static enum lt_err h_seg(struct harness *h, const struct lt_l4 *s,
                         int64_t ts_ms)
{
    struct lt_pkt_meta m = { ++h->frame, ts_ms * 1000000 };
    return lt_flow_table_segment(h->t, s, &m);
}

/* Send from client (0) or server (1). */
static enum lt_err h_send(struct harness *h, const struct conn *c,
                          int from_server, uint8_t flags, uint32_t seq,
                          const void *p, size_t n, int64_t ts_ms)
{
    struct lt_l4 s = mk(c, from_server, flags, seq, p, n);
    return h_seg(h, &s, ts_ms);
}

/* SYN, SYN+ACK, ACK with client ISN ci and server ISN si. */
static void h_handshake(struct harness *h, const struct conn *c, uint32_t ci,
                        uint32_t si, int64_t ts_ms)
{
    h_send(h, c, 0, LT_TCP_SYN, ci, NULL, 0, ts_ms);
    h_send(h, c, 1, LT_TCP_SYN | LT_TCP_ACK, si, NULL, 0, ts_ms);
    h_send(h, c, 0, LT_TCP_ACK, ci + 1, NULL, 0, ts_ms);
}

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
    struct tb_rng r = tb_rng_seed(seed);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)tb_rng_next(&r);
}

static bool rec_eq(const struct rec *r, int dir, const uint8_t *p, size_t n)
{
    return r->out[dir].len == n && (n == 0 || !memcmp(r->out[dir].p, p, n));
}

/* ---------------------------------------------------------------------- */

Test(flow, in_order_is_zero_copy)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(0x0a000001, 40000, 0x0a000002, 80);
    uint8_t req[300], rsp[500];
    fill(req, sizeof req, 1);
    fill(rsp, sizeof rsp, 2);
    h_handshake(&h, &c, 1000, 5000, 0);
    for (int i = 0; i < 3; i++) {
        struct lt_l4 s = mk(&c, 0, LT_TCP_ACK | LT_TCP_PSH,
                            1001 + 100 * (uint32_t)i, req + 100 * i, 100);
        cr_assert_eq(h_seg(&h, &s, 1), LT_OK);
        cr_assert_eq(h.last_p, req + 100 * i, "in-order data was copied");
        cr_assert_eq(h.last_frame, h.frame);
    }
    for (int i = 0; i < 5; i++)
        h_send(&h, &c, 1, LT_TCP_ACK, 5001 + 100 * (uint32_t)i,
               rsp + 100 * i, 100, 2);
    cr_assert_eq(lt_flow_table_count(h.t), 1);
    cr_assert_eq(h.n_recs, 1);
    struct rec *r = h.recs[0];
    cr_assert(rec_eq(r, 0, req, sizeof req));
    cr_assert(rec_eq(r, 1, rsp, sizeof rsp));
    cr_assert_eq(h.st.stream_bytes, 800);
    cr_assert_eq(h.st.flows, 1);
    cr_assert_eq(h.st.midstream_flows, 0);
    cr_assert_eq(h.st.out_of_order, 0);
    cr_assert_eq(h.st.retransmitted_bytes, 0);
    cr_assert_eq(h.st.holes, 0);
    /* orientation: client is direction 0 */
    lt_flow_table_finish(h.t);
    cr_assert_eq(lt_flow_table_count(h.t), 0);
    cr_assert_eq(r->at_close.port[0], 40000);
    cr_assert_eq(r->at_close.port[1], 80);
    cr_assert_eq(r->at_close.addr[0][3], 1);
    cr_assert_eq(r->at_close.addr[1][3], 2);
    cr_assert_eq(r->at_close.ip_version, 4);
    cr_assert_eq(h.st.flows_closed, 1);
    h_fini(&h);
}

/* Every order of 5 segments (two of them overlapping) rebuilds the stream. */
Test(flow, every_permutation_of_five_segments)
{
    static const int cuts[5][2] = {
        { 0, 10 }, { 10, 25 }, { 20, 40 }, { 40, 41 }, { 41, 60 }
    };
    uint8_t data[60];
    fill(data, sizeof data, 3);
    int perm[5] = { 0, 1, 2, 3, 4 };
    int n_perm = 0;
    for (;;) {
        struct harness h;
        h_init(&h);
        h_start(&h);
        struct conn c = conn4(1, 1, 2, 2);
        h_handshake(&h, &c, 77, 99, 0);
        for (int i = 0; i < 5; i++) {
            const int *k = cuts[perm[i]];
            h_send(&h, &c, 0, LT_TCP_ACK, 78 + (uint32_t)k[0], data + k[0],
                   (size_t)(k[1] - k[0]), 1);
        }
        struct rec *r = h.recs[0];
        cr_assert(rec_eq(r, 0, data, sizeof data), "perm %d %d %d %d %d",
                  perm[0], perm[1], perm[2], perm[3], perm[4]);
        cr_assert_eq(h.st.holes, 0);
        cr_assert_eq(h.st.retransmitted_bytes, 5); /* bytes 20..25 */
        cr_assert_eq(h.st.overlaps, 0);
        cr_assert_eq(h.st.stream_bytes, 60);
        h_fini(&h);
        n_perm++;
        /* next permutation */
        int i = 3;
        while (i >= 0 && perm[i] > perm[i + 1])
            i--;
        if (i < 0)
            break;
        int j = 4;
        while (perm[j] < perm[i])
            j--;
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
        for (int a = i + 1, b = 4; a < b; a++, b--) {
            tmp = perm[a];
            perm[a] = perm[b];
            perm[b] = tmp;
        }
    }
    cr_assert_eq(n_perm, 120);
}

Test(flow, random_reorderings_of_many_segments)
{
    struct tb_rng rng = tb_rng_seed(0x5eed);
    for (int iter = 0; iter < 40; iter++) {
        const size_t len = 1 + tb_rng_below(&rng, 20000);
        uint8_t *data = malloc(len);
        fill(data, len, 100 + (uint64_t)iter);
        size_t n_seg = 0, cap = len + 1;
        size_t *off = malloc(cap * sizeof *off);
        for (size_t o = 0; o < len; n_seg++) {
            off[n_seg] = o;
            o += 1 + tb_rng_below(&rng, 700);
            if (o > len)
                o = len;
        }
        off[n_seg] = len;
        size_t *order = malloc(n_seg * sizeof *order);
        for (size_t i = 0; i < n_seg; i++)
            order[i] = i;
        for (size_t i = n_seg; i > 1; i--) {
            size_t j = tb_rng_below(&rng, i), t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        struct harness h;
        h_init(&h);
        h.quiet = true;
        h_start(&h);
        struct conn c = conn4(1, 1000, 2, 443);
        const uint32_t isn = (uint32_t)tb_rng_next(&rng);
        h_handshake(&h, &c, isn, 1, 0);
        for (size_t i = 0; i < n_seg; i++) {
            const size_t k = order[i];
            h_send(&h, &c, 0, LT_TCP_ACK, isn + 1 + (uint32_t)off[k],
                   data + off[k], off[k + 1] - off[k], 1);
        }
        cr_assert(rec_eq(h.recs[0], 0, data, len), "iter %d seed 0x5eed",
                  iter);
        cr_assert_eq(h.st.holes, 0, "iter %d", iter);
        h_fini(&h);
        free(data);
        free(off);
        free(order);
    }
}

Test(flow, retransmissions_are_dropped_and_counted)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    uint8_t data[100];
    fill(data, sizeof data, 4);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, data, 40, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, data, 40, 1);       /* delivered: 40 */
    h_send(&h, &c, 0, LT_TCP_ACK, 61, data + 60, 20, 1); /* held */
    h_send(&h, &c, 0, LT_TCP_ACK, 61, data + 60, 20, 1); /* held again: 20 */
    cr_assert_eq(h.st.retransmitted_bytes, 60);
    cr_assert_eq(h.st.out_of_order, 1);
    /* fills 40..70: 40..60 new, 60..70 equal to held */
    h_send(&h, &c, 0, LT_TCP_ACK, 41, data + 40, 30, 1);
    cr_assert_eq(h.st.retransmitted_bytes, 70);
    /* front old, tail new */
    h_send(&h, &c, 0, LT_TCP_ACK, 71, data + 70, 30, 1);
    cr_assert_eq(h.st.retransmitted_bytes, 80);
    cr_assert(rec_eq(h.recs[0], 0, data, 100));
    cr_assert_eq(h.st.overlaps, 0);
    cr_assert_str_eq(h_log(&h), "0:d0:40 0:d0:20 0:d0:20 0:d0:20 ");
    h_fini(&h);
}

Test(flow, overlap_with_same_bytes_is_a_retransmission)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    uint8_t data[50];
    fill(data, sizeof data, 5);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 21, data + 20, 10, 1); /* held 20..30 */
    h_send(&h, &c, 0, LT_TCP_ACK, 16, data + 15, 25, 1); /* held 15..40 */
    h_send(&h, &c, 0, LT_TCP_ACK, 1, data, 50, 1);
    cr_assert(rec_eq(h.recs[0], 0, data, 50));
    cr_assert_eq(h.st.overlaps, 0);
    cr_assert_eq(h.st.retransmitted_bytes, 10 + 25);
    h_fini(&h);
}

Test(flow, overlap_with_conflicting_bytes_keeps_the_first_copy)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    const char *first = "AAAAAAAAAA";
    const char *evil = "0123456789bbbbbbbbbbcccccccccc";
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 11, first, 10, 1);  /* held 10..20 */
    h_send(&h, &c, 0, LT_TCP_ACK, 11, evil, 10, 1);   /* conflicts: 1 */
    h_send(&h, &c, 0, LT_TCP_ACK, 1, evil, 30, 1);    /* conflicts: 1 */
    cr_assert_eq(h.st.overlaps, 2);
    cr_assert_eq(h.st.retransmitted_bytes, 0);
    cr_assert(rec_eq(h.recs[0], 0,
                     (const uint8_t *)"0123456789AAAAAAAAAAcccccccccc", 30));
    cr_assert_str_eq(h_log(&h), "0:d0:10 0:d0:10 0:d0:10 ");
    /* the first held copy is what the callback saw, not the packet */
    h_fini(&h);
}

Test(flow, held_data_pointer_is_the_copy)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    uint8_t buf[20];
    memset(buf, 'x', sizeof buf);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 11, buf + 10, 10, 1);
    memset(buf + 10, 'y', 10); /* the packet buffer is reused */
    h_send(&h, &c, 0, LT_TCP_ACK, 1, buf, 10, 1);
    cr_assert(h.last_p < buf || h.last_p >= buf + sizeof buf);
    cr_assert(rec_eq(h.recs[0], 0, (const uint8_t *)"xxxxxxxxxxxxxxxxxxxx",
                     20));
    h_fini(&h);
}

Test(flow, hole_is_skipped_after_hole_wait)
{
    struct harness h;
    h_init(&h);
    h.lim.hole_wait_ms = 100;
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    uint8_t data[40];
    fill(data, sizeof data, 6);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, data, 10, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 21, data + 20, 10, 10); /* held at 10ms */
    h_send(&h, &c, 0, LT_TCP_ACK, 36, data + 35, 5, 50);  /* held at 50ms */
    h_send(&h, &c, 1, LT_TCP_ACK, 1, NULL, 0, 110);       /* exactly 100 */
    cr_assert_eq(h.st.holes, 0);
    h_send(&h, &c, 1, LT_TCP_ACK, 1, NULL, 0, 111);
    /* first hole (10 bytes) skipped; second hole (5) waits from 50ms */
    cr_assert_eq(h.st.holes, 1);
    cr_assert_eq(h.st.hole_bytes, 10);
    cr_assert_str_eq(h_log(&h), "0:d0:10 0:g0:10 0:d0:10 ");
    h_send(&h, &c, 1, LT_TCP_ACK, 1, NULL, 0, 151);
    cr_assert_str_eq(h_log(&h), "0:d0:10 0:g0:10 0:d0:10 0:g0:5 0:d0:5 ");
    /* the late filler is old now */
    h_send(&h, &c, 0, LT_TCP_ACK, 11, data + 10, 10, 200);
    cr_assert_eq(h.st.retransmitted_bytes, 10);
    cr_assert_eq(h.st.hole_bytes, 15);
    cr_assert_eq(h.st.stream_bytes, 25);
    h_fini(&h);
}

Test(flow, holes_at_finish_have_exact_lengths)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    uint8_t data[100];
    fill(data, sizeof data, 7);
    h_handshake(&h, &c, 500, 900, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 501 + 90, data + 90, 10, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 501 + 7, data + 7, 3, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 501 + 30, data + 30, 20, 1);
    h_send(&h, &c, 1, LT_TCP_ACK, 901 + 5, data, 5, 1);
    cr_assert_str_eq(h_log(&h), "");
    cr_assert_eq(h.st.out_of_order, 4);
    lt_flow_table_finish(&*h.t);
    cr_assert_str_eq(h_log(&h), "0:g0:7 0:d0:3 0:g0:20 0:d0:20 0:g0:40 "
                                "0:d0:10 0:g1:5 0:d1:5 0:c ");
    cr_assert_eq(h.st.holes, 4);
    cr_assert_eq(h.st.hole_bytes, 72);
    cr_assert_eq(h.st.flows_closed, 1);
    h_fini(&h);
}

Test(flow, max_pending_forces_a_gap)
{
    struct harness h;
    h_init(&h);
    h.lim.max_pending = 100;
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    uint8_t data[400];
    fill(data, sizeof data, 8);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1 + 100, data + 100, 60, 1); /* held 60 */
    h_send(&h, &c, 0, LT_TCP_ACK, 1 + 160, data + 160, 40, 1); /* held 100 */
    cr_assert_eq(h.st.pending_cap, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1 + 300, data + 300, 50, 1); /* over */
    cr_assert_eq(h.st.pending_cap, 1);
    cr_assert_str_eq(h_log(&h), "0:g0:100 0:d0:60 0:d0:40 ");
    cr_assert_eq(h.st.holes, 1);
    /* now 300..350 is held alone; a segment larger than the cap */
    h_send(&h, &c, 0, LT_TCP_ACK, 1 + 350, data + 350, 50, 1); /* 100: ok */
    cr_assert_eq(h.st.pending_cap, 1);
    cr_assert_str_eq(h_log(&h), "0:g0:100 0:d0:60 0:d0:40 ");
    lt_flow_table_finish(h.t);
    cr_assert_str_eq(h_log(&h), "0:g0:100 0:d0:60 0:d0:40 0:g0:100 0:d0:50 "
                                "0:d0:50 0:c ");
    h_fini(&h);
}

Test(flow, zero_max_pending_holds_nothing)
{
    struct harness h;
    h_init(&h);
    h.lim.max_pending = 0;
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    uint8_t data[30];
    fill(data, sizeof data, 9);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 11, data + 10, 10, 1);
    cr_assert_eq(h.last_p, data + 10); /* delivered from the packet */
    cr_assert_str_eq(h_log(&h), "0:g0:10 0:d0:10 ");
    cr_assert_eq(h.st.pending_cap, 1);
    h_fini(&h);
}

Test(flow, midstream_start_uses_first_sender)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(0x01020304, 5555, 0x05060708, 80);
    /* a bare ACK of an unknown flow opens nothing */
    h_send(&h, &c, 0, LT_TCP_ACK, 7, NULL, 0, 0);
    cr_assert_eq(lt_flow_table_count(h.t), 0);
    h_send(&h, &c, 1, LT_TCP_ACK, 0x80000000u, "HTTP/1.1", 8, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 123456, "GET", 3, 0);
    h_send(&h, &c, 1, LT_TCP_ACK, 0x80000008u, " 200", 4, 0);
    cr_assert_eq(h.st.midstream_flows, 1);
    cr_assert_eq(h.st.flows, 1);
    lt_flow_table_finish(h.t);
    struct rec *r = h.recs[0];
    cr_assert(rec_eq(r, 0, (const uint8_t *)"HTTP/1.1 200", 12));
    cr_assert(rec_eq(r, 1, (const uint8_t *)"GET", 3));
    cr_assert_eq(r->at_close.port[0], 80);
    cr_assert_eq(r->at_close.addr[0][0], 5);
    cr_assert_eq(r->at_close.port[1], 5555);
    h_fini(&h);
}

Test(flow, synack_first_makes_its_receiver_the_initiator)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1234, 2, 80);
    h_send(&h, &c, 1, LT_TCP_SYN | LT_TCP_ACK, 100, NULL, 0, 0);
    h_send(&h, &c, 1, LT_TCP_ACK, 101, "resp", 4, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 50, "req", 3, 0);
    cr_assert_eq(h.st.midstream_flows, 0);
    lt_flow_table_finish(h.t);
    struct rec *r = h.recs[0];
    cr_assert(rec_eq(r, 0, (const uint8_t *)"req", 3));
    cr_assert(rec_eq(r, 1, (const uint8_t *)"resp", 4));
    cr_assert_eq(r->at_close.port[0], 1234);
    cr_assert_eq(r->at_close.port[1], 80);
    h_fini(&h);
}

Test(flow, sequence_wraparound_across_2_32)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn6(1, 1, 2, 2);
    uint8_t data[1000];
    fill(data, sizeof data, 10);
    const uint32_t isn = 0xFFFFFF00u;
    h_handshake(&h, &c, isn, 0xFFFFFFFFu, 0);
    /* reversed order of 10 chunks straddling the wrap */
    for (int i = 9; i >= 0; i--)
        h_send(&h, &c, 0, LT_TCP_ACK, isn + 1 + 100 * (uint32_t)i,
               data + 100 * i, 100, 1);
    /* server ISN 0xFFFFFFFF: data starts at seq 0 */
    h_send(&h, &c, 1, LT_TCP_ACK, 0, data, 300, 1);
    h_send(&h, &c, 1, LT_TCP_ACK, 300, data + 300, 700, 1);
    /* and the stream goes on past 4 GiB of sequence space without pain */
    cr_assert(rec_eq(h.recs[0], 0, data, 1000));
    cr_assert(rec_eq(h.recs[0], 1, data, 1000));
    cr_assert_eq(h.st.holes, 0);
    cr_assert_eq(h.st.retransmitted_bytes, 0);
    h_fini(&h);
}

Test(flow, long_stream_wraps_many_times)
{
    struct harness h;
    h_init(&h);
    h.quiet = true;
    h.discard = true;
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    static uint8_t chunk[65536];
    fill(chunk, sizeof chunk, 11);
    h_handshake(&h, &c, 12345, 0, 0);
    uint32_t seq = 12346;
    /* 2^33 + bytes of stream: offsets pass 2^32 twice */
    for (int i = 0; i < (1 << 17) + 10; i++) {
        h_send(&h, &c, 0, LT_TCP_ACK, seq, chunk, sizeof chunk, 1);
        seq += sizeof chunk;
        cr_assert_eq(h.last_p, chunk);
    }
    cr_assert_eq(h.st.stream_bytes, ((uint64_t)(1 << 17) + 10) * 65536);
    cr_assert_eq(h.st.holes, 0);
    cr_assert_eq(h.st.retransmitted_bytes, 0);
    h_fini(&h);
}

Test(flow, fin_from_both_sides_closes_after_the_data)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, "hello", 5, 1);
    /* server's FIN arrives before its last data (reordered) */
    h_send(&h, &c, 1, LT_TCP_ACK | LT_TCP_FIN, 4, NULL, 0, 2);
    h_send(&h, &c, 0, LT_TCP_ACK | LT_TCP_FIN, 6, NULL, 0, 2);
    cr_assert_eq(lt_flow_table_count(h.t), 1);
    cr_assert_str_eq(h_log(&h), "0:d0:5 ");
    h_send(&h, &c, 1, LT_TCP_ACK, 1, "hi!", 3, 3);
    cr_assert_str_eq(h_log(&h), "0:d0:5 0:d1:3 0:c ");
    cr_assert_eq(lt_flow_table_count(h.t), 0);
    cr_assert_eq(h.st.flows_closed, 1);
    /* trailing ACK and a retransmitted FIN do not open a new flow */
    h_send(&h, &c, 0, LT_TCP_ACK, 7, NULL, 0, 4);
    h_send(&h, &c, 1, LT_TCP_ACK | LT_TCP_FIN, 4, NULL, 0, 4);
    h_send(&h, &c, 1, LT_TCP_ACK, 1, "hi!", 3, 4);
    cr_assert_eq(lt_flow_table_count(h.t), 0);
    cr_assert_eq(h.st.flows, 1);
    h_fini(&h);
    cr_assert_eq(h.st.flows_closed, 1);
}

Test(flow, fin_hole_is_skipped_after_hole_wait)
{
    struct harness h;
    h_init(&h);
    h.lim.hole_wait_ms = 10;
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, "abc", 3, 0);
    /* "def" at 4..7 is lost; FIN at 7 */
    h_send(&h, &c, 0, LT_TCP_ACK | LT_TCP_FIN, 7, NULL, 0, 1);
    h_send(&h, &c, 1, LT_TCP_ACK | LT_TCP_FIN, 1, NULL, 0, 5);
    cr_assert_eq(lt_flow_table_count(h.t), 1);
    h_send(&h, &c, 1, LT_TCP_ACK, 2, NULL, 0, 12);
    cr_assert_str_eq(h_log(&h), "0:d0:3 0:g0:3 0:c ");
    cr_assert_eq(lt_flow_table_count(h.t), 0);
    h_fini(&h);
}

Test(flow, rst_closes_after_delivering_what_it_can)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, "abc", 3, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 8, "xyz", 3, 1);
    h_send(&h, &c, 1, LT_TCP_RST, 1, "diag", 4, 2);
    cr_assert_str_eq(h_log(&h), "0:d0:3 0:g0:4 0:d0:3 0:c ");
    cr_assert_eq(lt_flow_table_count(h.t), 0);
    cr_assert_eq(h.st.flows_closed, 1);
    /* RST of an unknown flow opens nothing */
    struct conn c2 = conn4(3, 1, 4, 2);
    h_send(&h, &c2, 0, LT_TCP_RST | LT_TCP_ACK, 1, NULL, 0, 3);
    cr_assert_eq(h.st.flows, 1);
    h_fini(&h);
}

Test(flow, new_syn_on_closed_tuple_starts_a_new_flow)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, "one", 3, 1);
    h_send(&h, &c, 1, LT_TCP_RST, 1, NULL, 0, 1);
    h_handshake(&h, &c, 1000, 0, 2);
    h_send(&h, &c, 0, LT_TCP_ACK, 1001, "two", 3, 2);
    cr_assert_eq(h.st.flows, 2);
    cr_assert_eq(lt_flow_table_count(h.t), 1);
    cr_assert_str_eq(h_log(&h), "0:d0:3 0:c 1:d0:3 ");
    h_fini(&h);
}

Test(flow, data_after_rst_revives_the_tuple_but_not_after_fin)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    /* a scanner: handshake, its own RST, then the request anyway */
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_RST, 1, NULL, 0, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, NULL, 0, 1);   /* bare ACK: nothing */
    cr_assert_eq(h.st.flows, 1);
    h_send(&h, &c, 0, LT_TCP_ACK | LT_TCP_PSH, 1, "GET", 3, 1);
    cr_assert_eq(h.st.flows, 2);
    cr_assert_eq(h.st.midstream_flows, 1);
    /* FIN from both sides, then a late retransmission: ignored */
    struct conn c2 = conn4(3, 3, 4, 4);
    h_handshake(&h, &c2, 0, 0, 2);
    h_send(&h, &c2, 0, LT_TCP_ACK, 1, "abc", 3, 2);
    h_send(&h, &c2, 0, LT_TCP_FIN | LT_TCP_ACK, 4, NULL, 0, 2);
    h_send(&h, &c2, 1, LT_TCP_FIN | LT_TCP_ACK, 1, NULL, 0, 2);
    h_send(&h, &c2, 0, LT_TCP_ACK, 1, "abc", 3, 2);
    cr_assert_eq(h.st.flows, 3);
    cr_assert_str_eq(h_log(&h), "0:c 1:d0:3 2:d0:3 2:c ");
    h_fini(&h);
}

Test(flow, syn_far_from_expected_reuses_the_port)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, "old", 3, 1);
    h_send(&h, &c, 0, LT_TCP_SYN, 0, NULL, 0, 1);   /* retransmitted SYN */
    cr_assert_eq(h.st.flows, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 11, "held", 4, 1);
    h_send(&h, &c, 0, LT_TCP_SYN, 0x12345678, NULL, 0, 2); /* new ISN */
    cr_assert_eq(h.st.flows, 2);
    cr_assert_eq(h.st.flows_closed, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 0x12345679, "new", 3, 2);
    cr_assert_str_eq(h_log(&h), "0:d0:3 0:g0:7 0:d0:4 0:c 1:d0:3 ");
    /* mid-stream flow: a SYN right before its data is its own late SYN */
    struct conn c2 = conn4(5, 5, 6, 6);
    h_send(&h, &c2, 0, LT_TCP_ACK, 5000, "mid", 3, 3);
    h_send(&h, &c2, 0, LT_TCP_SYN, 4999, NULL, 0, 3);
    cr_assert_eq(h.st.flows, 3);
    h_send(&h, &c2, 0, LT_TCP_SYN, 0x90000000u, NULL, 0, 3);
    cr_assert_eq(h.st.flows, 4);
    h_fini(&h);
}

Test(flow, idle_flows_expire_by_capture_time)
{
    struct harness h;
    h_init(&h);
    h.lim.flow_idle_ms = 1000;
    h_start(&h);
    struct conn a = conn4(1, 1, 2, 2), b = conn4(3, 3, 4, 4);
    h_handshake(&h, &a, 0, 0, 0);
    h_send(&h, &a, 0, LT_TCP_ACK, 1, "aa", 2, 0);
    h_send(&h, &a, 0, LT_TCP_ACK, 9, "late", 4, 0); /* held */
    h_handshake(&h, &b, 0, 0, 500);
    h_send(&h, &b, 0, LT_TCP_ACK, 1, "bb", 2, 1000);
    h_send(&h, &b, 0, LT_TCP_ACK, 3, "cc", 2, 1001);
    /* other flows' packets never expire a: only the clock's tick does */
    cr_assert_eq(lt_flow_table_count(h.t), 2);
    lt_flow_table_expire(h.t, 1000 * 1000000ll); /* a: exactly 1000 */
    cr_assert_eq(lt_flow_table_count(h.t), 2);
    lt_flow_table_expire(h.t, 1001 * 1000000ll);
    cr_assert_eq(lt_flow_table_count(h.t), 1);
    cr_assert_eq(h.st.flows_expired, 1);
    cr_assert_str_eq(h_log(&h), "0:d0:2 1:d0:2 1:d0:2 0:g0:6 0:d0:4 0:c ");
    /* capture time going backwards expires nothing */
    lt_flow_table_expire(h.t, 10 * 1000000ll);
    h_send(&h, &b, 0, LT_TCP_ACK, 5, "dd", 2, 10);
    cr_assert_eq(lt_flow_table_count(h.t), 1);
    h_fini(&h);
    cr_assert_eq(h.st.flows_expired, 1);
    cr_assert_eq(h.st.flows_closed, 1);
}

Test(flow, a_flows_own_late_packet_expires_it_first)
{
    struct harness h;
    h_init(&h);
    h.lim.flow_idle_ms = 1000;
    h_start(&h);
    struct conn a = conn4(1, 1, 2, 2);
    h_handshake(&h, &a, 0, 0, 0);
    h_send(&h, &a, 0, LT_TCP_ACK, 1, "aa", 2, 0);
    h_send(&h, &a, 0, LT_TCP_ACK, 9, "late", 4, 0); /* held */
    /* no tick came: the flow's own packet after its idle time closes it,
       then starts a new one picked up mid-stream */
    h_send(&h, &a, 0, LT_TCP_ACK, 13, "next", 4, 2000);
    cr_assert_eq(h.st.flows_expired, 1);
    cr_assert_eq(h.st.flows, 2);
    cr_assert_eq(lt_flow_table_count(h.t), 1);
    h_fini(&h);
}

Test(flow, max_flows_evicts_the_least_recently_seen)
{
    struct harness h;
    h_init(&h);
    h.lim.max_flows = 3;
    h_start(&h);
    struct conn c[5];
    for (int i = 0; i < 5; i++)
        c[i] = conn4(10 + (uint32_t)i, 1, 2, 2);
    for (int i = 0; i < 3; i++)
        h_send(&h, &c[i], 0, LT_TCP_SYN, 0, NULL, 0, i);
    h_send(&h, &c[0], 0, LT_TCP_ACK, 1, "x", 1, 3);   /* 0 is recent */
    h_send(&h, &c[3], 0, LT_TCP_SYN, 0, NULL, 0, 4);  /* evicts 1 */
    cr_assert_eq(lt_flow_table_count(h.t), 3);
    cr_assert_eq(h.st.flow_cap, 1);
    /* close flow 0 by RST: its tombstone is recycled before a live flow */
    h_send(&h, &c[0], 1, LT_TCP_RST, 0, NULL, 0, 5);
    h_send(&h, &c[4], 0, LT_TCP_SYN, 0, NULL, 0, 6);
    cr_assert_eq(h.st.flow_cap, 1);
    cr_assert_eq(lt_flow_table_count(h.t), 3);
    h_send(&h, &c[1], 0, LT_TCP_SYN, 0, NULL, 0, 7);  /* evicts 2 */
    cr_assert_eq(h.st.flow_cap, 2);
    /* recs in order of first callback: flow 0 (data), then closes */
    cr_assert_str_eq(h_log(&h), "0:d0:1 1:c 0:c 2:c ");
    cr_assert_eq(h.recs[1]->at_close.addr[0][3], 11);
    cr_assert_eq(h.recs[2]->at_close.addr[0][3], 12);
    h_fini(&h);
    cr_assert_eq(h.st.flows, 6);
    cr_assert_eq(h.st.flows_closed + h.st.flows_expired + h.st.flow_cap, 6);
}

Test(flow, snaplen_cut_gives_data_then_gap)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    uint8_t data[300];
    fill(data, sizeof data, 12);
    h_handshake(&h, &c, 0, 0, 0);
    struct lt_l4 s = mk(&c, 0, LT_TCP_ACK, 1, data, 40);
    s.payload_wire_len = 100;
    h_seg(&h, &s, 1);
    cr_assert_str_eq(h_log(&h), "0:d0:40 0:g0:60 ");
    cr_assert_eq(h.st.holes, 1);
    cr_assert_eq(h.st.hole_bytes, 60);
    /* out of order cut segment: held data + held gap */
    s = mk(&c, 0, LT_TCP_ACK, 201, data + 200, 30);
    s.payload_wire_len = 100;
    h_seg(&h, &s, 1);
    /* the full segment 100..200 fills the hole */
    h_send(&h, &c, 0, LT_TCP_ACK, 101, data + 100, 100, 1);
    cr_assert_str_eq(h_log(&h), "0:d0:40 0:g0:60 0:d0:100 0:d0:30 0:g0:70 ");
    /* in order again right after the cut gap */
    h_send(&h, &c, 0, LT_TCP_ACK, 301, data, 10, 1);
    cr_assert_str_eq(h_log(&h), "0:d0:40 0:g0:60 0:d0:100 0:d0:30 0:g0:70 "
                                "0:d0:10 ");
    /* a cut segment that overlaps held data: held bytes win over the gap */
    h_send(&h, &c, 0, LT_TCP_ACK, 331, data, 10, 1);   /* held 330..340 */
    s = mk(&c, 0, LT_TCP_ACK, 311, data, 5);
    s.payload_wire_len = 40;                           /* 310..350 */
    h_seg(&h, &s, 1);
    cr_assert_str_eq(h_log(&h), "0:d0:40 0:g0:60 0:d0:100 0:d0:30 0:g0:70 "
                                "0:d0:10 0:d0:5 0:g0:15 0:d0:10 0:g0:10 ");
    /* no captured byte at all */
    s = mk(&c, 0, LT_TCP_ACK, 351, NULL, 0);
    s.payload_wire_len = 8;
    h_seg(&h, &s, 1);
    cr_assert_eq(h.st.hole_bytes, 60 + 70 + 15 + 10 + 8);
    h_fini(&h);
}

Test(flow, syn_payload_is_delivered)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    h_send(&h, &c, 0, LT_TCP_SYN, 1000, "GET /", 5, 0);
    h_send(&h, &c, 1, LT_TCP_SYN | LT_TCP_ACK, 7, "ok", 2, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1006, " HTTP", 5, 0);
    h_send(&h, &c, 0, LT_TCP_SYN, 1000, "GET /", 5, 0); /* SYN again */
    cr_assert(rec_eq(h.recs[0], 0, (const uint8_t *)"GET / HTTP", 10));
    cr_assert(rec_eq(h.recs[0], 1, (const uint8_t *)"ok", 2));
    cr_assert_eq(h.st.retransmitted_bytes, 5);
    cr_assert_eq(h.st.flows, 1);
    h_fini(&h);
}

Test(flow, keepalives_and_bare_acks_change_nothing)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, "abcd", 4, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 4, "Z", 1, 2);   /* keep-alive at seq-1 */
    h_send(&h, &c, 0, LT_TCP_ACK, 4, NULL, 0, 2);  /* empty keep-alive */
    h_send(&h, &c, 0, LT_TCP_ACK, 5, NULL, 0, 3);
    h_send(&h, &c, 1, LT_TCP_ACK, 1, NULL, 0, 3);
    h_send(&h, &c, 0, LT_TCP_ACK, 999, NULL, 0, 3); /* odd bare ACK */
    h_send(&h, &c, 0, LT_TCP_ACK, 5, "efgh", 4, 4);
    cr_assert(rec_eq(h.recs[0], 0, (const uint8_t *)"abcdefgh", 8));
    cr_assert_eq(h.st.retransmitted_bytes, 0);
    cr_assert_eq(h.st.overlaps, 0);
    cr_assert_eq(h.st.out_of_order, 0);
    cr_assert_eq(h.st.holes, 0);
    h_fini(&h);
}

Test(flow, far_ahead_garbage_is_ignored)
{
    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, "ab", 2, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 0x7fff0000u, "junk", 4, 1);
    h_send(&h, &c, 0, LT_TCP_ACK | LT_TCP_FIN, 0x7fff0000u, NULL, 0, 1);
    h_send(&h, &c, 0, LT_TCP_ACK, 3, "cd", 2, 1);
    cr_assert_eq(h.st.out_of_order, 0);
    lt_flow_table_finish(h.t);
    cr_assert_str_eq(h_log(&h), "0:d0:2 0:d0:2 0:c ");
    h_fini(&h);
}

Test(flow, many_flows_both_families_and_non_tcp)
{
    struct harness h;
    h_init(&h);
    h.quiet = true;
    h_start(&h);
    enum { N = 3000 };
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            struct conn c = (i & 1) ? conn6((uint8_t)i, (uint16_t)i, 9, 80)
                                    : conn4((uint32_t)i, 7, 9, 80);
            uint8_t b = (uint8_t)(i * 7 + round);
            if (round == 0)
                h_handshake(&h, &c, (uint32_t)i, 0, 0);
            h_send(&h, &c, round == 2, LT_TCP_ACK,
                   round == 2 ? 1 : (uint32_t)i + 1 + (uint32_t)round, &b, 1,
                   round);
        }
    }
    cr_assert_eq(lt_flow_table_count(h.t), N);
    cr_assert_eq(h.st.flows, N);
    cr_assert_eq(h.st.stream_bytes, 3 * N);
    struct conn cu = conn4(1, 2, 3, 4);
    struct lt_l4 u = mk(&cu, 0, 0, 0, "x", 1);
    u.proto = 17;
    cr_assert_eq(h_seg(&h, &u, 5), LT_OK);
    cr_assert_eq(h.st.flows, N);
    lt_flow_table_finish(h.t);
    for (int i = 0; i < N; i++) {
        const struct rec *r = h.recs[i];
        cr_assert_eq(r->out[0].len, 2);
        cr_assert_eq(r->out[1].len, 1);
    }
    /* reusable after finish */
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 10);
    cr_assert_eq(lt_flow_table_count(h.t), 1);
    h_fini(&h);
}

/* ---- allocation failures ---- */

static int fail_after = -1;
static void *failing_malloc(size_t n)
{
    if (fail_after == 0)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    return malloc(n);
}

Test(flow, allocation_failures_are_reported_not_fatal)
{
    struct lt_alloc_hooks hooks = { failing_malloc, realloc, free };
    lt_alloc_set_hooks(&hooks);
    fail_after = 0;
    struct lt_limits lim = lt_limits_default();
    cr_assert_null(lt_flow_table_new(&lim, NULL, NULL));
    fail_after = 1;
    cr_assert_null(lt_flow_table_new(&lim, NULL, NULL));
    fail_after = -1;

    struct harness h;
    h_init(&h);
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    fail_after = 0; /* no slab for the first flow */
    cr_assert_eq(h_send(&h, &c, 0, LT_TCP_SYN, 0, NULL, 0, 0), LT_E_NOMEM);
    cr_assert_eq(lt_flow_table_count(h.t), 0);
    fail_after = -1;
    h_handshake(&h, &c, 0, 0, 0);
    h_send(&h, &c, 0, LT_TCP_ACK, 1, "ab", 2, 1);
    fail_after = 0; /* no copy for held data: skip the hole instead */
    cr_assert_eq(h_send(&h, &c, 0, LT_TCP_ACK, 6, "fg", 2, 1), LT_E_NOMEM);
    cr_assert_str_eq(h_log(&h), "0:d0:2 0:g0:3 0:d0:2 ");
    fail_after = -1;
    lt_alloc_set_hooks(NULL);
    h_fini(&h);
}

Test(flow, held_segment_count_is_capped)
{
    struct harness h;
    h_init(&h);
    h.quiet = true;
    h_start(&h);
    struct conn c = conn4(1, 1, 2, 2);
    h_handshake(&h, &c, 0, 0, 0);
    /* 1-byte runs every other byte, far more than any sane window */
    for (uint32_t i = 0; i < 10000; i++)
        h_send(&h, &c, 0, LT_TCP_ACK, 3 + 2 * i, "z", 1, 1);
    cr_assert(h.st.pending_cap > 0);
    lt_flow_table_finish(h.t);
    const struct rec *r = h.recs[0];
    cr_assert_eq(r->out[0].len, 2 + 2 * 9999 + 1);
    cr_assert_eq(r->gap_bytes[0], 10001);
    cr_assert_eq(h.st.stream_bytes, 10000);
    h_fini(&h);
}

/* ---- chaos ---- */

struct cseg {
    int dir;
    uint32_t a, b; /* stream offsets */
    bool fin;
};

/*
 * One connection: two random streams, cut into segments (with overlapping
 * and duplicate segments), some dropped, then locally shuffled. With caps
 * and hole_wait out of the way, every kept byte must come out at its place
 * and every byte no kept segment covered must come out as gap.
 */
static void chaos_case(uint64_t seed, bool small_caps)
{
    struct tb_rng rng = tb_rng_seed(seed);
    size_t len[2];
    uint8_t *data[2];
    uint8_t *cover[2];
    uint32_t isn[2];
    struct cseg *segs = NULL;
    size_t n = 0, cap = 0;
    for (int d = 0; d < 2; d++) {
        len[d] = tb_rng_below(&rng, 4) == 0 ? 0 : tb_rng_below(&rng, 6000);
        data[d] = malloc(len[d] + 1);
        fill(data[d], len[d], seed * 2 + (uint64_t)d);
        cover[d] = calloc(len[d] + 1, 1);
        isn[d] = tb_rng_below(&rng, 2) ? (uint32_t)tb_rng_next(&rng)
                                       : 0xFFFFFFFFu -
                                             (uint32_t)tb_rng_below(&rng,
                                                                    3000);
        const int drop_pct = (int)tb_rng_below(&rng, 30);
        const uint32_t max_seg = 1 + (uint32_t)tb_rng_below(&rng, 800);
        for (size_t o = 0; o < len[d];) {
            size_t e = o + 1 + tb_rng_below(&rng, max_seg);
            if (e > len[d])
                e = len[d];
            int copies = tb_rng_below(&rng, 10) == 0 ? 2 : 1;
            if ((int)tb_rng_below(&rng, 100) < drop_pct)
                copies = 0;
            for (int k = 0; k < copies; k++) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 64;
                    segs = realloc(segs, cap * sizeof *segs);
                }
                segs[n++] = (struct cseg){ d, (uint32_t)o, (uint32_t)e,
                                           false };
                memset(cover[d] + o, 1, e - o);
            }
            /* an overlapping extra segment now and then */
            if (tb_rng_below(&rng, 6) == 0) {
                const size_t a = tb_rng_below(&rng, len[d]);
                size_t b = a + 1 + tb_rng_below(&rng, 2 * max_seg);
                if (b > len[d])
                    b = len[d];
                if (n == cap) {
                    cap = cap ? cap * 2 : 64;
                    segs = realloc(segs, cap * sizeof *segs);
                }
                segs[n++] = (struct cseg){ d, (uint32_t)a, (uint32_t)b,
                                           false };
                memset(cover[d] + a, 1, b - a);
            }
            o = e;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            segs = realloc(segs, cap * sizeof *segs);
        }
        segs[n++] = (struct cseg){ d, (uint32_t)len[d], (uint32_t)len[d],
                                   true };
    }
    /* shuffle: random swaps within a window, plus a few long jumps */
    for (size_t i = 0; n > 1 && i < n; i++) {
        size_t w = tb_rng_below(&rng, 8) == 0 ? n : 12;
        size_t j = i + tb_rng_below(&rng, w);
        if (j >= n)
            j = n - 1;
        struct cseg t = segs[i];
        segs[i] = segs[j];
        segs[j] = t;
    }

    struct harness h;
    h_init(&h);
    h.quiet = true;
    if (small_caps) {
        h.lim.max_pending = (uint32_t)tb_rng_below(&rng, 3000);
        h.lim.hole_wait_ms = (uint32_t)tb_rng_below(&rng, 40);
    } else {
        h.lim.hole_wait_ms = 1u << 30;
    }
    h_start(&h);
    struct conn c = conn4(0x0a000001, 1025, 0x0a000002, 80);
    h_handshake(&h, &c, isn[0], isn[1], 0);
    int64_t ts = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cseg *s = &segs[i];
        struct lt_l4 l = mk(&c, s->dir, LT_TCP_ACK | (s->fin ? LT_TCP_FIN : 0),
                            isn[s->dir] + 1 + s->a, data[s->dir] + s->a,
                            s->b - s->a);
        if (small_caps)
            ts += (int64_t)tb_rng_below(&rng, 10);
        cr_assert_eq(h_seg(&h, &l, ts), LT_OK);
    }
    lt_flow_table_finish(h.t);
    cr_assert_eq(h.n_recs, 1, "seed %llu", (unsigned long long)seed);
    const struct rec *r = h.recs[0];
    for (int d = 0; d < 2; d++) {
        cr_assert_eq(r->out[d].len, len[d], "seed %llu dir %d: %zu != %zu",
                     (unsigned long long)seed, d, r->out[d].len, len[d]);
        for (size_t i = 0; i < len[d]; i++) {
            const uint8_t got = r->mask[d].p[i];
            if (!small_caps)
                cr_assert_eq(got, cover[d][i],
                             "seed %llu dir %d byte %zu: mask %d cover %d",
                             (unsigned long long)seed, d, i, got,
                             cover[d][i]);
            else if (got)
                cr_assert(cover[d][i], "seed %llu: byte never sent",
                          (unsigned long long)seed);
            if (got)
                cr_assert_eq(r->out[d].p[i], data[d][i],
                             "seed %llu dir %d byte %zu",
                             (unsigned long long)seed, d, i);
        }
    }
    cr_assert_eq(h.st.stream_bytes + h.st.hole_bytes, len[0] + len[1]);
    h_fini(&h);
    for (int d = 0; d < 2; d++) {
        free(data[d]);
        free(cover[d]);
    }
    free(segs);
}

Test(flow, chaos_reproduces_streams_and_gaps_exactly)
{
    for (uint64_t seed = 1; seed <= 300; seed++)
        chaos_case(seed, false);
}

Test(flow, chaos_with_small_caps_never_invents_bytes)
{
    for (uint64_t seed = 1000; seed <= 1300; seed++)
        chaos_case(seed, true);
}
