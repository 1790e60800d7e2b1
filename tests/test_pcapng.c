/* SPDX-License-Identifier: MIT */
/* Tests of the pcapng reader (core/fmt/capture.h). */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmt/capture.h"
#include "tb_capdrive.h"
#include "tb_capture.h"

static struct tb_cap *cap_new(void)
{
    struct tb_cap *c = calloc(1, sizeof *c);
    cr_assert(c);
    return c;
}

static void cap_free(struct tb_cap *c)
{
    tb_cap_release(c);
    free(c);
}

/* Everything one whole-buffer read produced. */
struct ev {
    enum lt_err e;
    struct lt_packet pkt;
    char msg[192];
};
struct run {
    struct ev ev[80];
    size_t n_ev, n_pkt;
    enum lt_err fin;
    struct lt_stats st;
    struct lt_capture_reader r;
};

static struct run *run_new(const struct tb_cap *c, const struct lt_limits *lim)
{
    struct run *u = calloc(1, sizeof *u);
    cr_assert(u);
    lt_capture_init(&u->r, LT_CAP_PCAPNG, lim, &u->st);
    lt_capture_set_eof(&u->r); /* the window always holds the whole rest */
    const uint8_t *p = c->b.p;
    size_t n = c->b.len, pos = 0;
    for (;;) {
        size_t used;
        struct lt_packet pkt;
        enum lt_err e = lt_capture_next(&u->r, p + pos, n - pos, &used, &pkt);
        pos += used;
        if (e == LT_AGAIN && used > 0)
            continue; /* resync skipping or a block dropped in pieces */
        if (e == LT_AGAIN) {
            u->fin = lt_capture_finish(&u->r, n - pos);
            break;
        }
        if (e == LT_END)
            break;
        cr_assert(u->n_ev < 80);
        struct ev *v = &u->ev[u->n_ev++];
        v->e = e;
        v->pkt = pkt;
        if (e == LT_OK)
            u->n_pkt++;
        else
            snprintf(v->msg, sizeof v->msg, "%s", u->r.msg);
        if (e != LT_OK && !lt_capture_can_resync(&u->r))
            break;
    }
    return u;
}

/* The i-th packet event. */
static const struct lt_packet *pkt_at(const struct run *u, size_t i)
{
    for (size_t k = 0; k < u->n_ev; k++)
        if (u->ev[k].e == LT_OK && i-- == 0)
            return &u->ev[k].pkt;
    cr_assert_fail("no packet %zu", i);
    return NULL;
}

/* The only error event; asserts there is exactly one. */
static const struct ev *the_error(const struct run *u)
{
    const struct ev *found = NULL;
    for (size_t k = 0; k < u->n_ev; k++) {
        if (u->ev[k].e != LT_OK) {
            cr_assert_null(found, "second error: %s", u->ev[k].msg);
            found = &u->ev[k];
        }
    }
    cr_assert_not_null(found, "no error");
    return found;
}

Test(pcapng, sections_in_different_byte_orders)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    uint8_t d[64];
    tb_cap_pattern(d, sizeof d, 9);
    tb_pcapng_shb(c, false);
    tb_pcapng_idb(c, 1, 65535, NULL);
    tb_pcapng_epb(c, 0, 1000, d, 60, 60, NULL);
    tb_pcapng_shb(c, true);
    tb_pcapng_idb(c, 101, 65535, NULL);
    tb_pcapng_idb(c, 113, 65535, NULL);
    tb_pcapng_epb(c, 1, 2000, d, 50, 70, NULL);
    tb_pcapng_epb(c, 0, 3000, d, 40, 40, NULL);
    tb_pcapng_shb(c, false);
    tb_pcapng_idb(c, 228, 65535, NULL);
    tb_pcapng_epb(c, 0, 4000, d, 30, 30, NULL);
    /* a new section forgets the old interfaces: id 1 is undeclared now */
    size_t bad = tb_pcapng_epb(c, 1, 5000, d, 30, 30, NULL);
    tb_pcapng_epb(c, 0, 6000, d, 20, 20, NULL);
    cr_assert_eq(lt_capture_sniff(c->b.p, c->b.len), LT_CAP_PCAPNG);
    struct run *u = run_new(c, &lim);
    cr_assert_eq(u->fin, LT_OK);
    cr_assert_eq(u->n_pkt, 5);
    const uint32_t want_lt[5] = { 1, 113, 101, 228, 228 };
    const uint32_t want_if[5] = { 0, 1, 0, 0, 0 };
    const uint32_t want_cap[5] = { 60, 50, 40, 30, 20 };
    const int64_t want_ts[5] = { 1000, 2000, 3000, 4000, 6000 };
    for (size_t i = 0; i < 5; i++) {
        const struct lt_packet *p = pkt_at(u, i);
        cr_assert_eq(p->linktype, want_lt[i], "pkt %zu", i);
        cr_assert_eq(p->ifindex, want_if[i], "pkt %zu", i);
        cr_assert_eq(p->caplen, want_cap[i], "pkt %zu", i);
        cr_assert_eq(p->ts_ns, want_ts[i], "pkt %zu", i);
        cr_assert(memcmp(p->data, d, p->caplen) == 0);
    }
    cr_assert_eq(pkt_at(u, 1)->origlen, 70);
    const struct ev *e = the_error(u);
    cr_assert_eq(e->e, LT_E_MALFORMED);
    char want[128];
    snprintf(want, sizeof want,
             "enhanced packet block refers to undeclared interface 1 at offset %zu", bad);
    cr_assert_str_eq(e->msg, want);
    cr_assert_eq(u->st.corrupt_records, 1);
    cr_assert_eq(u->st.resyncs, 0); /* framing was sound: no hunt needed */
    cr_assert_eq(u->st.packets, 5);
    free(u);
    cap_free(c);
}

Test(pcapng, interfaces_with_tsresol_and_tsoffset)
{
    struct lt_limits lim = lt_limits_default();
    for (int be = 0; be < 2; be++) {
        struct tb_cap *c = cap_new();
        tb_pcapng_shb(c, be);
        struct tb_idb_opts ns = { .tsresol = 9 };
        struct tb_idb_opts bin = { .tsresol = 0x80 | 30 };
        struct tb_idb_opts ms_off = { .tsresol = 3, .has_tsoffset = true,
                                      .tsoffset = 1000000000 };
        struct tb_idb_opts ps = { .tsresol = 12 };
        struct tb_idb_opts bin32 = { .tsresol = 0x80 | 32 };
        struct tb_idb_opts neg_off = { .tsresol = -1, .has_tsoffset = true,
                                       .tsoffset = -5 };
        tb_pcapng_idb(c, 1, 0, NULL);        /* 0: default 10^-6 */
        tb_pcapng_idb(c, 101, 0, &ns);       /* 1: 10^-9 */
        tb_pcapng_idb(c, 105, 0, &bin);      /* 2: 2^-30 */
        tb_pcapng_idb(c, 113, 0, &ms_off);   /* 3: 10^-3, +1e9 s */
        tb_pcapng_idb(c, 127, 0, &ps);       /* 4: 10^-12 */
        tb_pcapng_idb(c, 228, 0, &bin32);    /* 5: 2^-32 */
        tb_pcapng_idb(c, 229, 0, &neg_off);  /* 6: 10^-6, -5 s */
        const uint64_t sec = 1700000000;
        tb_pcapng_epb_units(c, 0, sec * 1000000 + 123456, NULL, 1, 1, NULL);
        tb_pcapng_epb_units(c, 1, sec * 1000000000 + 123456789, NULL, 1, 1, NULL);
        tb_pcapng_epb_units(c, 2, (sec << 30) | (1u << 29), NULL, 1, 1, NULL);
        tb_pcapng_epb_units(c, 3, 700000 * 1000 + 5, NULL, 1, 1, NULL);
        /* 64 bits of picoseconds last 213 days past the epoch */
        tb_pcapng_epb_units(c, 4, 10000000 * 1000000000000ull + 123456789999ull, NULL, 1,
                            1, NULL);
        tb_pcapng_epb_units(c, 5, (sec << 32) | 0x40000000u, NULL, 1, 1, NULL);
        tb_pcapng_epb_units(c, 6, 7000001, NULL, 1, 1, NULL);
        struct run *u = run_new(c, &lim);
        cr_assert_eq(u->n_pkt, 7);
        cr_assert_eq(u->fin, LT_OK);
        const int64_t want[7] = {
            1700000000123456000ll,
            1700000000123456789ll,
            1700000000500000000ll,
            (1000000000ll + 700000) * 1000000000ll + 5000000,
            10000000123456789ll, /* sub-ns digits are dropped */
            1700000000250000000ll,
            2000001000ll,
        };
        const uint32_t want_lt[7] = { 1, 101, 105, 113, 127, 228, 229 };
        for (size_t i = 0; i < 7; i++) {
            cr_assert_eq(pkt_at(u, i)->ts_ns, want[i], "be %d if %zu: %" PRId64, be, i,
                         pkt_at(u, i)->ts_ns);
            cr_assert_eq(pkt_at(u, i)->linktype, want_lt[i]);
            cr_assert_eq(pkt_at(u, i)->ifindex, i);
        }
        /* the writer's ts_ns conversion agrees with the reader */
        tb_cap_release(c);
        tb_pcapng_shb(c, be);
        tb_pcapng_idb(c, 1, 0, &bin);
        tb_pcapng_idb(c, 1, 0, &ms_off);
        tb_pcapng_epb(c, 0, 1700000000750000000ll, NULL, 1, 1, NULL);
        tb_pcapng_epb(c, 1, 1700000000750000000ll, NULL, 1, 1, NULL);
        free(u);
        u = run_new(c, &lim);
        cr_assert_eq(u->n_pkt, 2);
        cr_assert_eq(pkt_at(u, 0)->ts_ns, 1700000000750000000ll);
        cr_assert_eq(pkt_at(u, 1)->ts_ns, 1700000000750000000ll);
        free(u);
        cap_free(c);
    }
}

Test(pcapng, epb_comment_pb_and_spb)
{
    struct lt_limits lim = lt_limits_default();
    for (int be = 0; be < 2; be++) {
        struct tb_cap *c = cap_new();
        uint8_t d[200];
        tb_cap_pattern(d, sizeof d, 77);
        tb_pcapng_shb(c, be);
        tb_pcapng_idb(c, 1, 100, NULL);
        tb_pcapng_idb(c, 105, 0, NULL);
        tb_pcapng_spb(c, d, 10, 10); /* before any timestamp: ts 0 */
        tb_pcapng_epb(c, 0, 5000000, d, 33, 33, "hello, comment");
        tb_pcapng_epb(c, 1, 6000000, d, 0, 0, NULL);
        tb_pcapng_spb(c, d, 150, 1500); /* snaplen 100 clamps */
        tb_pcapng_spb(c, d, 64, 61);    /* origlen < data in the block */
        tb_pcapng_pb(c, 1, 7000000, d, 77, 80);
        struct run *u = run_new(c, &lim);
        cr_assert_eq(u->fin, LT_OK);
        cr_assert_eq(u->n_pkt, 6, "%zu", u->n_pkt);
        const struct lt_packet *p = pkt_at(u, 0);
        cr_assert_eq(p->ts_ns, 0);
        cr_assert_eq(p->caplen, 10);
        cr_assert_eq(p->linktype, 1);
        p = pkt_at(u, 1);
        cr_assert(lt_span_eq(p->comment, lt_span_cstr("hello, comment")));
        cr_assert_eq(p->caplen, 33);
        cr_assert(memcmp(p->data, d, 33) == 0);
        p = pkt_at(u, 2);
        cr_assert_eq(p->comment.len, 0);
        cr_assert_eq(p->caplen, 0);
        cr_assert_eq(p->ifindex, 1);
        p = pkt_at(u, 3);
        cr_assert_eq(p->caplen, 100);
        cr_assert_eq(p->origlen, 1500);
        cr_assert_eq(p->ts_ns, 6000000); /* the last timestamp seen */
        cr_assert_eq(p->ifindex, 0);
        cr_assert(memcmp(p->data, d, 100) == 0);
        p = pkt_at(u, 4);
        cr_assert_eq(p->caplen, 61);
        p = pkt_at(u, 5);
        cr_assert_eq(p->ifindex, 1);
        cr_assert_eq(p->linktype, 105);
        cr_assert_eq(p->caplen, 77);
        cr_assert_eq(p->origlen, 80);
        cr_assert_eq(p->ts_ns, 7000000);
        cr_assert(memcmp(p->data, d, 77) == 0);
        free(u);
        cap_free(c);
    }
}

Test(pcapng, unknown_blocks_are_skipped)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    tb_pcapng_shb(c, true);
    tb_pcapng_block(c, 0x12345678u, "whatever", 8);
    tb_pcapng_idb(c, 1, 0, NULL);
    tb_pcapng_block(c, 4, "\0\0\0\0", 4);                  /* NRB */
    tb_pcapng_block(c, 5, "0123456789abcdef", 16);         /* ISB */
    tb_pcapng_epb(c, 0, 1000, NULL, 10, 10, NULL);
    tb_pcapng_block(c, 0x00000badu, "pen!custom", 10);     /* custom */
    tb_pcapng_block(c, 0x80000001u, NULL, 0);              /* local use */
    tb_pcapng_epb(c, 0, 2000, NULL, 10, 10, NULL);
    struct run *u = run_new(c, &lim);
    cr_assert_eq(u->fin, LT_OK);
    cr_assert_eq(u->n_ev, 2);
    cr_assert_eq(u->n_pkt, 2);
    cr_assert_eq(u->st.skipped_blocks, 5);
    cr_assert_eq(u->st.corrupt_records, 0);
    free(u);
    cap_free(c);
}

/* A seeded random pcapng: sections, interfaces, packet blocks, junk blocks. */
static void random_pcapng(struct tb_cap *c, struct tb_rng *rng, int n_blocks)
{
    uint8_t d[1600];
    for (int i = 0; i < n_blocks; i++) {
        uint64_t k = i == 0 ? 0 : tb_rng_below(rng, 20);
        tb_cap_pattern(d, sizeof d, (uint32_t)tb_rng_next(rng));
        uint32_t len = (uint32_t)tb_rng_below(rng, sizeof d);
        if (k == 0) {
            tb_pcapng_shb(c, tb_rng_below(rng, 2));
            tb_pcapng_idb(c, 1, 0, NULL);
        } else if (k == 1 && c->n_if < 6) {
            struct tb_idb_opts o = { .tsresol = (int)tb_rng_below(rng, 12) };
            if (tb_rng_below(rng, 2))
                o.tsresol = 0x80 | (int)tb_rng_below(rng, 40);
            tb_pcapng_idb(c, (uint16_t)tb_rng_below(rng, 300), (uint32_t)tb_rng_below(rng, 2000), &o);
        } else if (k == 2) {
            tb_pcapng_spb(c, d, len, len + 4);
        } else if (k == 3) {
            tb_pcapng_block(c, (uint32_t)tb_rng_next(rng) | 0x80000000u, d, len % 64);
        } else if (k == 4) {
            tb_pcapng_pb(c, (uint16_t)tb_rng_below(rng, c->n_if), 1234567, d, len, len);
        } else {
            tb_pcapng_epb_units(c, (uint32_t)tb_rng_below(rng, c->n_if), tb_rng_next(rng) >> 8,
                                d, len, len, tb_rng_below(rng, 4) ? NULL : "note");
        }
    }
}

Test(pcapng, read_is_split_invariant)
{
    struct tb_rng rng = tb_rng_seed(0x5eed);
    struct lt_limits lim = lt_limits_default();
    lim.max_record = 4096;
    static const size_t chunks[] = { 1, 5, 64, 700, 5000 };
    for (int i = 0; i < 30; i++) {
        struct tb_cap *c = cap_new();
        random_pcapng(c, &rng, 1 + (int)tb_rng_below(&rng, 50));
        struct tb_buf whole = { 0 };
        struct lt_stats st = { 0 };
        tb_capdrive(c->b.p, c->b.len, LT_CAP_PCAPNG, &lim, NULL, 0, &whole, &st);
        cr_assert(strstr((char *)whole.p, "finish ok"), "%.*s", (int)whole.len, (char *)whole.p);
        cr_assert_eq(st.corrupt_records, 0);
        for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
            struct tb_buf split = { 0 };
            tb_capdrive(c->b.p, c->b.len, LT_CAP_PCAPNG, &lim, &rng, chunks[k], &split, NULL);
            cr_assert(tb_buf_eq(&whole, &split), "case %d chunk %zu, seed 0x5eed", i, chunks[k]);
            tb_buf_release(&split);
        }
        tb_buf_release(&whole);
        cap_free(c);
    }
}

Test(pcapng, truncated_at_every_cut_point)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    size_t bounds[8];
    size_t nb = 0;
    bounds[nb++] = tb_pcapng_shb(c, true);
    bounds[nb++] = tb_pcapng_idb(c, 1, 0, NULL);
    for (int i = 0; i < 4; i++)
        bounds[nb++] = tb_pcapng_epb(c, 0, 1000 * i, NULL, (uint32_t)(i * 7), 99,
                                     i == 2 ? "c" : NULL);
    bounds[nb++] = tb_pcapng_spb(c, NULL, 5, 5);
    bounds[nb] = c->b.len;
    for (size_t cut = 0; cut <= c->b.len; cut++) {
        struct tb_cap part = { .b = { c->b.p, cut, cut } };
        struct run *u = run_new(&part, &lim);
        size_t complete = 0;
        while (complete < nb && bounds[complete + 1] <= cut)
            complete++;
        const size_t want_pkts = complete > 2 ? complete - 2 : 0;
        cr_assert_eq(u->n_ev, want_pkts, "cut %zu", cut);
        cr_assert_eq(u->n_pkt, want_pkts, "cut %zu", cut);
        if (bounds[complete] == cut) {
            cr_assert_eq(u->fin, LT_OK, "cut %zu", cut);
        } else {
            cr_assert_eq(u->fin, LT_E_TRUNCATED, "cut %zu", cut);
            char want[64];
            snprintf(want, sizeof want, "at offset %zu ", bounds[complete]);
            cr_assert(strstr(u->r.msg, want), "cut %zu: %s", cut, u->r.msg);
            cr_assert_eq(u->st.truncated_records, 1);
        }
        free(u);
    }
    cap_free(c);
}

/* A file with a damaged block in the middle: the damage is reported once,
   and the packets after it still come out. */
struct damaged {
    struct tb_cap *c;
    size_t bad_off;
};

static struct damaged build_around(bool be, void (*damage)(struct tb_cap *, bool))
{
    struct damaged d = { cap_new(), 0 };
    tb_pcapng_shb(d.c, be);
    tb_pcapng_idb(d.c, 1, 0, NULL);
    tb_pcapng_epb(d.c, 0, 1000, NULL, 100, 100, NULL);
    tb_pcapng_epb(d.c, 0, 2000, NULL, 101, 101, NULL);
    d.bad_off = d.c->b.len;
    damage(d.c, be);
    tb_pcapng_epb(d.c, 0, 3000, NULL, 102, 102, NULL);
    tb_pcapng_epb(d.c, 0, 4000, NULL, 103, 103, NULL);
    return d;
}

static void check_damage(void (*damage)(struct tb_cap *, bool), enum lt_err code,
                         const char *msg_fmt, bool resyncs, size_t lost)
{
    struct lt_limits lim = lt_limits_default();
    lim.max_record = 8192;
    for (int be = 0; be < 2; be++) {
        struct damaged d = build_around(be, damage);
        struct run *u = run_new(d.c, &lim);
        const struct ev *e = the_error(u);
        cr_assert_eq(e->e, code, "be %d: %s", be, lt_err_str(e->e));
        char want[192];
        snprintf(want, sizeof want, msg_fmt, d.bad_off);
        cr_assert_str_eq(e->msg, want, "be %d", be);
        cr_assert_eq(u->n_pkt, 4 - lost, "be %d: %zu packets", be, u->n_pkt);
        cr_assert_eq(pkt_at(u, 0)->caplen, 100);
        cr_assert_eq(pkt_at(u, 3 - lost)->caplen, 103);
        cr_assert_eq(pkt_at(u, 3 - lost)->ts_ns, 4000);
        cr_assert_eq(u->st.resyncs, resyncs ? 1u : 0u, "be %d", be);
        cr_assert_eq(u->fin, LT_OK);
        /* chunked runs agree */
        struct tb_buf whole = { 0 };
        tb_capdrive(d.c->b.p, d.c->b.len, LT_CAP_PCAPNG, &lim, NULL, 0, &whole, NULL);
        struct tb_rng rng = tb_rng_seed(42);
        for (size_t ch = 1; ch < 400; ch = ch * 3 + 1) {
            struct tb_buf split = { 0 };
            tb_capdrive(d.c->b.p, d.c->b.len, LT_CAP_PCAPNG, &lim, &rng, ch, &split, NULL);
            cr_assert(tb_buf_eq(&whole, &split), "chunk %zu", ch);
            tb_buf_release(&split);
        }
        tb_buf_release(&whole);
        free(u);
        cap_free(d.c);
    }
}

static void len_not_multiple_of_4(struct tb_cap *c, bool be)
{
    size_t at = tb_pcapng_block(c, 0x00000bad, "garbage-garbage-garbage!", 24);
    tb_cap_poke32(c, at + 4, be, 13);
}
Test(pcapng, rejects_block_len_not_multiple_of_4)
{
    check_damage(len_not_multiple_of_4, LT_E_MALFORMED,
                 "block length 13 is not a multiple of 4 at offset %zu", true, 0);
}

static void len_below_12(struct tb_cap *c, bool be)
{
    size_t at = tb_pcapng_epb(c, 0, 5, NULL, 40, 40, NULL);
    tb_cap_poke32(c, at + 4, be, 8);
}
Test(pcapng, rejects_block_len_below_12)
{
    check_damage(len_below_12, LT_E_MALFORMED,
                 "block length 8 is smaller than 12 at offset %zu", true, 0);
}

static void trailer_mismatch(struct tb_cap *c, bool be)
{
    size_t at = tb_pcapng_epb(c, 0, 5, NULL, 40, 40, NULL);
    tb_cap_poke32(c, c->b.len - 4, be, 76);
    (void)at;
}
Test(pcapng, rejects_trailer_mismatch_and_resyncs)
{
    check_damage(trailer_mismatch, LT_E_MALFORMED,
                 "block trailing length 76 does not match block length 72 at offset %zu",
                 true, 0);
}

static void undeclared_if(struct tb_cap *c, bool be)
{
    (void)be;
    tb_pcapng_epb(c, 7, 5, NULL, 40, 40, NULL);
}
Test(pcapng, rejects_epb_of_undeclared_interface)
{
    check_damage(undeclared_if, LT_E_MALFORMED,
                 "enhanced packet block refers to undeclared interface 7 at offset %zu",
                 false, 0);
}

static void pb_undeclared_if(struct tb_cap *c, bool be)
{
    (void)be;
    tb_pcapng_pb(c, 3, 5, NULL, 40, 40);
}
Test(pcapng, rejects_pb_of_undeclared_interface)
{
    check_damage(pb_undeclared_if, LT_E_MALFORMED,
                 "obsolete packet block refers to undeclared interface 3 at offset %zu",
                 false, 0);
}

static void caplen_over_block(struct tb_cap *c, bool be)
{
    size_t at = tb_pcapng_epb(c, 0, 5, NULL, 40, 40, NULL);
    tb_cap_poke32(c, at + 20, be, 41);
}
Test(pcapng, rejects_caplen_larger_than_block)
{
    check_damage(caplen_over_block, LT_E_MALFORMED,
                 "packet caplen 41 exceeds its block (40 bytes of data) at offset %zu",
                 false, 0);
}

static void too_short_for_type(struct tb_cap *c, bool be)
{
    (void)be;
    tb_pcapng_block(c, 6, "0123456789abcdef", 16);
}
Test(pcapng, rejects_block_shorter_than_its_fields)
{
    check_damage(too_short_for_type, LT_E_MALFORMED,
                 "block of type 6 is 28 bytes, shorter than its fixed fields, at offset %zu",
                 false, 0);
}

static void over_cap(struct tb_cap *c, bool be)
{
    (void)be;
    tb_pcapng_epb(c, 0, 5, NULL, 20000, 20000, NULL);
}
Test(pcapng, hunts_past_block_over_max_record)
{
    check_damage(over_cap, LT_E_LIMIT,
                 "block length 20032 exceeds the cap of 8192 at offset %zu", true, 0);
}

/* A damaged length field far over the cap: skipping that many bytes would
   drop the rest of the file; the hunt finds the next block. */
static void over_cap_lie(struct tb_cap *c, bool be)
{
    size_t at = tb_pcapng_epb(c, 0, 5, NULL, 60, 60, NULL);
    tb_cap_poke32(c, at + 4, be, 0xfffffffcu);
}
Test(pcapng, over_cap_length_that_lies_costs_one_block)
{
    check_damage(over_cap_lie, LT_E_LIMIT,
                 "block length 4294967292 exceeds the cap of 8192 at offset %zu", true, 0);
}

/* A length within the cap but past the end of the file, with sound blocks
   after it: at EOF that is a lie, not a cut-off last block. */
static void past_eof_lie(struct tb_cap *c, bool be)
{
    size_t at = tb_pcapng_epb(c, 0, 5, NULL, 60, 60, NULL);
    tb_cap_poke32(c, at + 4, be, 8000);
}
Test(pcapng, length_past_the_end_with_blocks_after_is_a_framing_error)
{
    check_damage(past_eof_lie, LT_E_MALFORMED,
                 "block length 8000 runs past the end of the stream at offset %zu", true, 0);
}

static void bad_bom(struct tb_cap *c, bool be)
{
    size_t at = tb_pcapng_shb(c, be);
    tb_cap_poke32(c, at + 8, false, 0x1a2b3c4eu);
    tb_pcapng_idb(c, 1, 0, NULL);
}
Test(pcapng, rejects_shb_with_bad_byte_order_magic)
{
    check_damage(bad_bom, LT_E_MALFORMED,
                 "section header byte-order magic 0x1a2b3c4e is invalid at offset %zu",
                 true, 0);
}

static void spb_then_len_garbage(struct tb_cap *c, bool be)
{
    /* a run of junk words, one of which looks like an EPB header with a
       sane length but the wrong trailer: the hunt must not stop there */
    size_t at = tb_pcapng_block(c, 0x00000bad, NULL, 200);
    tb_cap_poke32(c, at + 4, be, 0xfffffff1u);
    tb_cap_poke32(c, at + 40, be, 6);
    tb_cap_poke32(c, at + 44, be, 64);
    tb_cap_poke32(c, at + 48, be, 0);
}
Test(pcapng, resync_skips_false_block_starts)
{
    check_damage(spb_then_len_garbage, LT_E_MALFORMED,
                 "block length 4294967281 is not a multiple of 4 at offset %zu", true, 0);
}

Test(pcapng, too_many_interfaces)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    tb_pcapng_shb(c, false);
    size_t bad = 0;
    for (int i = 0; i <= LT_PCAPNG_MAX_IF; i++)
        bad = tb_pcapng_idb(c, (uint16_t)i, 0, NULL);
    tb_pcapng_epb(c, LT_PCAPNG_MAX_IF - 1, 1000, NULL, 10, 10, NULL);
    struct run *u = run_new(c, &lim);
    const struct ev *e = the_error(u);
    cr_assert_eq(e->e, LT_E_MALFORMED);
    char want[96];
    snprintf(want, sizeof want, "more than 256 interfaces in one section at offset %zu", bad);
    cr_assert_str_eq(e->msg, want);
    cr_assert_eq(u->n_pkt, 1);
    cr_assert_eq(pkt_at(u, 0)->linktype, LT_PCAPNG_MAX_IF - 1);
    free(u);
    cap_free(c);
}

Test(pcapng, bad_file_starts_are_unsupported)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    /* not starting with an SHB */
    tb_pcapng_idb(c, 1, 0, NULL);
    struct run *u = run_new(c, &lim);
    cr_assert_eq(the_error(u)->e, LT_E_UNSUPPORTED);
    cr_assert_str_eq(u->r.msg, "first block is not a section header (type 0x00000001)");
    cr_assert(u->r.stopped);
    free(u);
    tb_cap_release(c);
    /* first SHB with a bad byte-order magic */
    size_t at = tb_pcapng_shb(c, true);
    tb_cap_poke32(c, at + 8, true, 0x11223344u);
    u = run_new(c, &lim);
    cr_assert_eq(the_error(u)->e, LT_E_UNSUPPORTED);
    cr_assert_str_eq(u->r.msg, "section header byte-order magic 0x44332211 is invalid at offset 0");
    free(u);
    tb_cap_release(c);
    /* version 2.0 */
    at = tb_pcapng_shb(c, false);
    tb_cap_poke32(c, at + 12, false, 2);
    u = run_new(c, &lim);
    cr_assert_eq(the_error(u)->e, LT_E_UNSUPPORTED);
    cr_assert_str_eq(u->r.msg, "unsupported pcapng version 2.0 at offset 0");
    free(u);
    /* a later section of another version stops there */
    tb_cap_release(c);
    tb_pcapng_shb(c, false);
    tb_pcapng_idb(c, 1, 0, NULL);
    tb_pcapng_epb(c, 0, 1, NULL, 4, 4, NULL);
    at = tb_pcapng_shb(c, true);
    tb_cap_poke32(c, at + 12, true, 0x00030000u);
    tb_pcapng_idb(c, 1, 0, NULL);
    tb_pcapng_epb(c, 0, 1, NULL, 4, 4, NULL);
    u = run_new(c, &lim);
    cr_assert_eq(u->n_pkt, 1);
    cr_assert_eq(the_error(u)->e, LT_E_UNSUPPORTED);
    free(u);
    cap_free(c);
}

Test(pcapng, spb_before_interface_is_malformed)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    tb_pcapng_shb(c, false);
    size_t bad = tb_pcapng_spb(c, NULL, 8, 8);
    tb_pcapng_idb(c, 1, 0, NULL);
    tb_pcapng_spb(c, NULL, 8, 8);
    struct run *u = run_new(c, &lim);
    char want[96];
    snprintf(want, sizeof want,
             "simple packet block before any interface description at offset %zu", bad);
    cr_assert_str_eq(the_error(u)->msg, want);
    cr_assert_eq(u->n_pkt, 1);
    free(u);
    cap_free(c);
}

/* An over-cap block cut by EOF: counted once as a cap; the hunt through it
   finds nothing more and ends with the stream. */
Test(pcapng, over_cap_block_cut_by_eof)
{
    struct lt_limits lim = lt_limits_default();
    lim.max_record = 1024;
    struct tb_cap *c = cap_new();
    tb_pcapng_shb(c, false);
    tb_pcapng_idb(c, 1, 0, NULL);
    size_t at = tb_pcapng_epb(c, 0, 1, NULL, 5000, 5000, NULL);
    struct tb_buf out = { 0 };
    struct tb_rng rng = tb_rng_seed(7);
    struct lt_stats st = { 0 };
    tb_capdrive(c->b.p, c->b.len - 100, LT_CAP_PCAPNG, &lim, &rng, 300, &out, &st);
    char want[256];
    snprintf(want, sizeof want,
             "err a configured cap was reached block length 5032 exceeds the cap of 1024 "
             "at offset %zu\nfinish ok\n", at);
    cr_assert_str_eq((char *)out.p, want);
    cr_assert_eq(st.record_cap, 1);
    cr_assert_eq(st.truncated_records, 0);
    tb_buf_release(&out);
    cap_free(c);
}

Test(pcapng, random_damage_never_breaks_the_contract)
{
    struct tb_rng rng = tb_rng_seed(0xbadc0de);
    struct lt_limits lim = lt_limits_default();
    lim.max_record = 1024;
    for (int i = 0; i < 200; i++) {
        struct tb_cap *c = cap_new();
        random_pcapng(c, &rng, 12);
        int flips = 1 + (int)tb_rng_below(&rng, 6);
        for (int f = 0; f < flips; f++)
            c->b.p[tb_rng_below(&rng, c->b.len)] ^= (uint8_t)(1u << tb_rng_below(&rng, 8));
        size_t n = c->b.len - (size_t)tb_rng_below(&rng, 40);
        struct tb_buf whole = { 0 }, split = { 0 };
        tb_capdrive(c->b.p, n, LT_CAP_PCAPNG, &lim, NULL, 0, &whole, NULL);
        tb_capdrive(c->b.p, n, LT_CAP_PCAPNG, &lim, &rng, 1 + tb_rng_below(&rng, 500),
                    &split, NULL);
        cr_assert(tb_buf_eq(&whole, &split), "case %d, seed 0xbadc0de:\n%.*s\nvs\n%.*s", i,
                  (int)whole.len, (char *)whole.p, (int)split.len, (char *)split.p);
        tb_buf_release(&whole);
        tb_buf_release(&split);
        cap_free(c);
    }
}
