/* SPDX-License-Identifier: MIT */
/* Tests of the pcap reader and format sniffing (core/fmt/capture.h). */
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

/* Read all packets of a whole in-memory capture, asserting no errors. */
struct got {
    struct lt_packet pkt[64];
    size_t n;
    struct lt_stats st;
    enum lt_err last;
    char msg[192];
};

static void read_all(const uint8_t *p, size_t n, const struct lt_limits *lim,
                     struct got *g)
{
    struct lt_capture_reader r;
    memset(g, 0, sizeof *g);
    lt_capture_init(&r, lt_capture_sniff(p, n), lim, &g->st);
    size_t pos = 0;
    for (;;) {
        size_t used;
        struct lt_packet pkt;
        enum lt_err e = lt_capture_next(&r, p + pos, n - pos, &used, &pkt);
        pos += used;
        g->last = e;
        if (e == LT_OK) {
            if (g->n < 64)
                g->pkt[g->n++] = pkt;
            continue;
        }
        if (e == LT_AGAIN) {
            g->last = lt_capture_finish(&r, n - pos);
            break;
        }
        snprintf(g->msg, sizeof g->msg, "%s", r.msg);
        if (e == LT_END || !lt_capture_can_resync(&r))
            break;
    }
}

static const enum tb_pcap_kind kinds[4] = { TB_PCAP_USEC_LE, TB_PCAP_USEC_BE,
                                            TB_PCAP_NSEC_LE, TB_PCAP_NSEC_BE };

Test(pcap, reads_each_magic_and_byte_order)
{
    struct lt_limits lim = lt_limits_default();
    for (int k = 0; k < 4; k++) {
        struct tb_cap *c = cap_new();
        const bool nsec = kinds[k] == TB_PCAP_NSEC_LE || kinds[k] == TB_PCAP_NSEC_BE;
        /* FCS bits in the link type field must be masked off */
        tb_pcap_begin(c, kinds[k], 1u | 0x10000000u | 0x04000000u, 65535);
        uint8_t d[3][100];
        int64_t ts[3] = { 1700000000123456000ll, 1700000001999999000ll,
                          4294967295ll * 1000000000ll + 999999000ll };
        if (nsec)
            ts[0] += 789, ts[1] += 1;
        for (int i = 0; i < 3; i++) {
            tb_cap_pattern(d[i], sizeof d[i], (uint32_t)(i * 31 + k));
            tb_pcap_packet(c, ts[i], d[i], (uint32_t)(40 + 30 * i), 1500);
        }
        cr_assert_eq(lt_capture_sniff(c->b.p, 4), LT_CAP_PCAP, "kind %d", k);
        struct got g;
        read_all(c->b.p, c->b.len, &lim, &g);
        cr_assert_eq(g.last, LT_OK, "kind %d: %s", k, lt_err_str(g.last));
        cr_assert_eq(g.n, 3);
        cr_assert_eq(g.st.packets, 3);
        for (int i = 0; i < 3; i++) {
            cr_assert_eq(g.pkt[i].ts_ns, ts[i], "kind %d pkt %d: %" PRId64, k, i,
                         g.pkt[i].ts_ns);
            cr_assert_eq(g.pkt[i].caplen, 40u + 30u * (unsigned)i);
            cr_assert_eq(g.pkt[i].origlen, 1500u);
            cr_assert_eq(g.pkt[i].linktype, 1u);
            cr_assert_eq(g.pkt[i].ifindex, 0u);
            cr_assert_eq(g.pkt[i].comment.len, 0u);
            cr_assert(memcmp(g.pkt[i].data, d[i], g.pkt[i].caplen) == 0);
            /* zero copy: the packet points into the caller's bytes */
            cr_assert(g.pkt[i].data > c->b.p && g.pkt[i].data < c->b.p + c->b.len);
        }
        cap_free(c);
    }
}

Test(pcap, sniffs_formats)
{
    static const uint8_t m[4][4] = { { 0xd4, 0xc3, 0xb2, 0xa1 },
                                     { 0xa1, 0xb2, 0xc3, 0xd4 },
                                     { 0x4d, 0x3c, 0xb2, 0xa1 },
                                     { 0xa1, 0xb2, 0x3c, 0x4d } };
    for (int i = 0; i < 4; i++)
        cr_assert_eq(lt_capture_sniff(m[i], 4), LT_CAP_PCAP);
    static const uint8_t ng_le[12] = { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0,
                                       0x4d, 0x3c, 0x2b, 0x1a };
    static const uint8_t ng_be[12] = { 0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28,
                                       0x1a, 0x2b, 0x3c, 0x4d };
    static const uint8_t ng_bad[12] = { 0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28,
                                        0x1a, 0x2b, 0x3c, 0x4e };
    cr_assert_eq(lt_capture_sniff(ng_le, 12), LT_CAP_PCAPNG);
    cr_assert_eq(lt_capture_sniff(ng_be, 12), LT_CAP_PCAPNG);
    cr_assert_eq(lt_capture_sniff(ng_be, 4), LT_CAP_PCAPNG);
    cr_assert_eq(lt_capture_sniff(ng_bad, 12), LT_CAP_UNKNOWN);
    const char *har = "\xef\xbb\xbf \r\n\t{\"log\": {\"entries\": []}}";
    cr_assert_eq(lt_capture_sniff((const uint8_t *)har, strlen(har)), LT_CAP_HAR);
    const char *har2 = "  {\"log\":1}";
    cr_assert_eq(lt_capture_sniff((const uint8_t *)har2, strlen(har2)), LT_CAP_HAR);
    const char *nothar = "{\"logs\": 1}";
    cr_assert_eq(lt_capture_sniff((const uint8_t *)nothar, strlen(nothar)),
                 LT_CAP_UNKNOWN);
    const char *json = "[{\"log\": 1}]";
    cr_assert_eq(lt_capture_sniff((const uint8_t *)json, strlen(json)), LT_CAP_UNKNOWN);
    cr_assert_eq(lt_capture_sniff(m[0], 3), LT_CAP_UNKNOWN);
    cr_assert_eq(lt_capture_sniff(NULL, 0), LT_CAP_UNKNOWN);
    cr_assert_eq(lt_capture_sniff((const uint8_t *)"GIF89a", 6), LT_CAP_UNKNOWN);
    cr_assert_str_eq(lt_capfmt_name(LT_CAP_PCAP), "pcap");
    cr_assert_str_eq(lt_capfmt_name(LT_CAP_PCAPNG), "pcapng");
    cr_assert_str_eq(lt_capfmt_name(LT_CAP_HAR), "har");
    cr_assert_str_eq(lt_capfmt_name(LT_CAP_UNKNOWN), "unknown");
}

/* A seeded random pcap: n packets of 0..max_len bytes. */
static void random_pcap(struct tb_cap *c, struct tb_rng *rng, int n, uint32_t max_len)
{
    tb_pcap_begin(c, kinds[tb_rng_below(rng, 4)], 1, 65535);
    int64_t ts = 1600000000000000000ll;
    uint8_t *d = malloc(max_len + 1);
    cr_assert(d);
    for (int i = 0; i < n; i++) {
        uint32_t len = (uint32_t)tb_rng_below(rng, max_len + 1);
        tb_cap_pattern(d, len, (uint32_t)tb_rng_next(rng));
        ts += (int64_t)tb_rng_below(rng, 1000000) * 1000;
        tb_pcap_packet(c, ts, d, len, len + (uint32_t)tb_rng_below(rng, 3));
    }
    free(d);
}

Test(pcap, read_is_split_invariant)
{
    struct tb_rng rng = tb_rng_seed(0x5eed);
    struct lt_limits lim = lt_limits_default();
    lim.max_record = 4096;
    static const size_t chunks[] = { 1, 3, 17, 100, 1500, 9000 };
    for (int i = 0; i < 40; i++) {
        struct tb_cap *c = cap_new();
        random_pcap(c, &rng, 1 + (int)tb_rng_below(&rng, 60), 3000);
        struct tb_buf whole = { 0 };
        struct lt_stats st = { 0 };
        tb_capdrive(c->b.p, c->b.len, LT_CAP_PCAP, &lim, NULL, 0, &whole, &st);
        cr_assert(whole.len > 0);
        cr_assert(strstr((char *)whole.p, "finish ok"), "%.*s", (int)whole.len,
                  (char *)whole.p);
        for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
            struct tb_buf split = { 0 };
            tb_capdrive(c->b.p, c->b.len, LT_CAP_PCAP, &lim, &rng, chunks[k], &split, NULL);
            cr_assert(tb_buf_eq(&whole, &split), "case %d chunk %zu, seed 0x5eed:\n%.*s\nvs\n%.*s",
                      i, chunks[k], (int)whole.len, (char *)whole.p, (int)split.len,
                      (char *)split.p);
            tb_buf_release(&split);
        }
        tb_buf_release(&whole);
        cap_free(c);
    }
}

/* Cutting a file anywhere drops only the cut record, reported by finish. */
Test(pcap, truncated_at_every_cut_point)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    size_t rec_off[6];
    tb_pcap_begin(c, TB_PCAP_NSEC_BE, 1, 65535);
    for (int i = 0; i < 5; i++)
        rec_off[i] = tb_pcap_packet(c, 1000000000ll * i, NULL, (uint32_t)(i * 13), 100);
    rec_off[5] = c->b.len;
    for (size_t cut = 0; cut <= c->b.len; cut++) {
        size_t complete = 0; /* records entirely before the cut */
        while (complete < 5 && rec_off[complete + 1] <= cut)
            complete++;
        const bool clean = cut == 0 || (cut >= 24 && rec_off[complete] == cut) ||
                           (complete == 5 && cut == c->b.len);
        /* sniffing needs 4 bytes; feed the reader directly instead */
        struct lt_capture_reader r;
        struct lt_stats st = { 0 };
        lt_capture_init(&r, LT_CAP_PCAP, &lim, &st);
        size_t pos = 0, n_pkts = 0;
        enum lt_err e;
        for (;;) {
            size_t used;
            struct lt_packet pkt;
            e = lt_capture_next(&r, c->b.p + pos, cut - pos, &used, &pkt);
            pos += used;
            if (e != LT_OK)
                break;
            n_pkts++;
        }
        cr_assert_eq(e, LT_AGAIN, "cut %zu", cut);
        cr_assert_eq(n_pkts, cut < 24 ? 0 : complete, "cut %zu: %zu packets", cut, n_pkts);
        enum lt_err f = lt_capture_finish(&r, cut - pos);
        if (clean) {
            cr_assert_eq(f, LT_OK, "cut %zu", cut);
            cr_assert_eq(st.truncated_records, 0);
        } else {
            cr_assert_eq(f, LT_E_TRUNCATED, "cut %zu", cut);
            cr_assert_eq(st.truncated_records, 1);
            char want[64];
            snprintf(want, sizeof want, "at offset %zu ",
                     cut < 24 ? (size_t)0 : rec_off[complete]);
            cr_assert(strstr(r.msg, want), "cut %zu: %s", cut, r.msg);
        }
    }
    cap_free(c);
}

Test(pcap, caplen_over_max_record_stops_the_file)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    tb_pcap_begin(c, TB_PCAP_USEC_LE, 1, 65535);
    tb_pcap_packet(c, 0, NULL, 10, 10);
    size_t bad = tb_pcap_record(c, 0, 0, 4000000000u, 60, NULL, 60);
    tb_pcap_packet(c, 0, NULL, 10, 10);
    struct lt_capture_reader r;
    struct lt_stats st = { 0 };
    lt_capture_init(&r, LT_CAP_PCAP, &lim, &st);
    size_t used, pos = 0;
    struct lt_packet pkt;
    cr_assert_eq(lt_capture_next(&r, c->b.p, c->b.len, &used, &pkt), LT_OK);
    pos += used;
    enum lt_err e = lt_capture_next(&r, c->b.p + pos, c->b.len - pos, &used, &pkt);
    cr_assert_eq(e, LT_E_LIMIT);
    cr_assert_eq(used, 0);
    char want[128];
    snprintf(want, sizeof want,
             "record caplen 4000000000 exceeds the cap of %u at offset %zu",
             lim.max_record, bad);
    cr_assert_str_eq(r.msg, want);
    cr_assert_eq(st.record_cap, 1);
    cr_assert_not(lt_capture_can_resync(&r));
    cr_assert_eq(lt_capture_next(&r, c->b.p + pos, c->b.len - pos, &used, &pkt), LT_END);
    cr_assert_eq(used, 0);
    cr_assert_eq(lt_capture_finish(&r, c->b.len - pos), LT_OK);
    cap_free(c);
}

Test(pcap, caplen_over_snaplen_within_cap_is_accepted)
{
    struct lt_limits lim = lt_limits_default();
    lim.max_record = 400000;
    struct tb_cap *c = cap_new();
    tb_pcap_begin(c, TB_PCAP_USEC_BE, 101, 64); /* a lying snaplen */
    tb_pcap_packet(c, 5000, NULL, 300000, 300000);
    tb_pcap_packet(c, 6000, NULL, 65, 65);
    struct got g;
    read_all(c->b.p, c->b.len, &lim, &g);
    cr_assert_eq(g.last, LT_OK);
    cr_assert_eq(g.n, 2);
    cr_assert_eq(g.pkt[0].caplen, 300000u);
    cr_assert_eq(g.pkt[0].linktype, 101u);
    cr_assert_eq(g.pkt[1].ts_ns, 6000);
    /* one byte over the cap is refused */
    lim.max_record = 299999;
    read_all(c->b.p, c->b.len, &lim, &g);
    cr_assert_eq(g.last, LT_E_LIMIT);
    cr_assert_eq(g.n, 0);
    cap_free(c);
}

Test(pcap, unknown_magic_and_version_are_unsupported)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    tb_pcap_begin(c, TB_PCAP_USEC_LE, 1, 65535);
    tb_pcap_packet(c, 0, NULL, 10, 10);
    tb_cap_poke32(c, 0, false, 0xa1b2cd34u); /* Kuznetzov magic */
    struct lt_capture_reader r;
    struct lt_stats st = { 0 };
    size_t used;
    struct lt_packet pkt;
    lt_capture_init(&r, LT_CAP_PCAP, &lim, &st);
    cr_assert_eq(lt_capture_next(&r, c->b.p, c->b.len, &used, &pkt), LT_E_UNSUPPORTED);
    cr_assert_str_eq(r.msg, "unknown file magic 0xa1b2cd34");
    cr_assert(r.stopped);
    cr_assert_eq(lt_capture_next(&r, c->b.p, c->b.len, &used, &pkt), LT_END);

    tb_cap_poke32(c, 0, false, 0xa1b2c3d4u);
    tb_cap_poke32(c, 4, false, 0x00040003u); /* version 3.4 */
    lt_capture_init(&r, LT_CAP_PCAP, &lim, &st);
    cr_assert_eq(lt_capture_next(&r, c->b.p, c->b.len, &used, &pkt), LT_E_UNSUPPORTED);
    cr_assert_str_eq(r.msg, "unsupported version 3.4");
    /* the reader refuses formats it does not read */
    lt_capture_init(&r, LT_CAP_HAR, &lim, &st);
    cr_assert_eq(lt_capture_next(&r, c->b.p, c->b.len, &used, &pkt), LT_E_UNSUPPORTED);
    cr_assert_eq(lt_capture_next(&r, c->b.p, c->b.len, &used, &pkt), LT_END);
    cap_free(c);
}

Test(pcap, agains_report_what_they_need)
{
    struct lt_limits lim = lt_limits_default();
    struct tb_cap *c = cap_new();
    tb_pcap_begin(c, TB_PCAP_USEC_LE, 1, 65535);
    tb_pcap_packet(c, 0, NULL, 100, 100);
    struct lt_capture_reader r;
    struct lt_stats st = { 0 };
    size_t used;
    struct lt_packet pkt;
    lt_capture_init(&r, LT_CAP_PCAP, &lim, &st);
    cr_assert_eq(lt_capture_next(&r, c->b.p, 23, &used, &pkt), LT_AGAIN);
    cr_assert_eq(used, 0);
    cr_assert_eq(r.need, 24);
    cr_assert_eq(lt_capture_next(&r, c->b.p, 30, &used, &pkt), LT_AGAIN);
    cr_assert_eq(used, 24);
    cr_assert_eq(r.off, 24);
    cr_assert_eq(r.need, 16);
    cr_assert_eq(lt_capture_next(&r, c->b.p + 24, 16, &used, &pkt), LT_AGAIN);
    cr_assert_eq(used, 0);
    cr_assert_eq(r.need, 116);
    cr_assert_eq(lt_capture_next(&r, c->b.p + 24, 116, &used, &pkt), LT_OK);
    cr_assert_eq(used, 116);
    cr_assert_eq(r.off, 140);
    cap_free(c);
}

/* Random byte flips and cuts: no crash, contract held (the driver checks),
   and chunking never changes the outcome. */
Test(pcap, random_damage_never_breaks_the_contract)
{
    struct tb_rng rng = tb_rng_seed(0xf11b);
    struct lt_limits lim = lt_limits_default();
    lim.max_record = 2048;
    for (int i = 0; i < 150; i++) {
        struct tb_cap *c = cap_new();
        random_pcap(c, &rng, 8, 600);
        int flips = 1 + (int)tb_rng_below(&rng, 4);
        for (int f = 0; f < flips; f++)
            c->b.p[tb_rng_below(&rng, c->b.len)] ^= (uint8_t)(1u << tb_rng_below(&rng, 8));
        size_t n = c->b.len - (size_t)tb_rng_below(&rng, 50);
        struct tb_buf whole = { 0 }, split = { 0 };
        tb_capdrive(c->b.p, n, LT_CAP_PCAP, &lim, NULL, 0, &whole, NULL);
        tb_capdrive(c->b.p, n, LT_CAP_PCAP, &lim, &rng, 1 + tb_rng_below(&rng, 300),
                    &split, NULL);
        cr_assert(tb_buf_eq(&whole, &split), "case %d, seed 0xf11b", i);
        tb_buf_release(&whole);
        tb_buf_release(&split);
        cap_free(c);
    }
}
