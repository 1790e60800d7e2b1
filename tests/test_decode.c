/* SPDX-License-Identifier: MIT */
/*
 * test_decode.c - link/IP/TCP/UDP header decoding (core/fmt/decode.h).
 * Frames come from tb_pkt_build(); every decode runs on an exact-size heap
 * copy so ASan sees any read past caplen.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmt/decode.h"
#include "tb_buf.h"
#include "tb_packet.h"

/* Decode p[0..caplen) from an exact-size copy; pointers in *o are moved
   back onto p, and checked to lie inside the captured bytes. */
static enum lt_err run(uint32_t lt, const uint8_t *p, size_t caplen,
                       size_t origlen, struct lt_l4 *o, struct lt_stats *st)
{
    uint8_t *c = malloc(caplen ? caplen : 1);
    cr_assert(c);
    if (caplen)
        memcpy(c, p, caplen);
    memset(o, 0xAA, sizeof *o); /* out must be fully written on LT_OK */
    enum lt_err e = lt_decode_packet(lt, c, (uint32_t)caplen,
                                     (uint32_t)origlen, o, st);
    if (e == LT_OK) {
        cr_assert(o->payload.p >= c && o->payload.p <= c + caplen);
        cr_assert(o->payload.len <= (size_t)(c + caplen - o->payload.p));
        cr_assert(o->payload.len <= o->payload_wire_len);
        o->payload.p = p + (o->payload.p - c);
        if (o->eth_src) {
            cr_assert(o->eth_src >= c && o->eth_src + 6 <= c + caplen);
            cr_assert(o->eth_dst >= c && o->eth_dst + 6 <= c + caplen);
            o->eth_src = p + (o->eth_src - c);
            o->eth_dst = p + (o->eth_dst - c);
        }
    }
    free(c);
    return e;
}

static enum lt_err run_buf(uint32_t lt, const struct tb_buf *b,
                           struct lt_l4 *o, struct lt_stats *st)
{
    return run(lt, b->p, b->len, b->len, o, st);
}

/* Stats must equal want exactly (every other counter 0). */
static void stats_are(const struct lt_stats *st, const struct lt_stats *want,
                      const char *what)
{
#define CMP(group, name)                                                  \
    cr_assert_eq(st->name, want->name, "%s: %s is %llu, want %llu", what, \
                 #name, (unsigned long long)st->name,                     \
                 (unsigned long long)want->name);
    LT_STATS_LIST(CMP)
#undef CMP
}

static const uint8_t PAYLOAD[] = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
#define PAYLOAD_LEN (sizeof PAYLOAD - 1)

/* Build s with the default payload, decode it, and check the whole result
   against the spec; returns the decoded struct. */
static struct lt_l4 check_spec(struct tb_pkt_spec s, const char *what)
{
    if (!s.payload) {
        s.payload = PAYLOAD;
        s.payload_len = PAYLOAD_LEN;
    }
    struct tb_buf b = { 0 };
    struct tb_pkt_off off = tb_pkt_build(&s, &b);
    struct lt_l4 o;
    struct lt_stats st = { 0 };
    enum lt_err e = run_buf(tb_pkt_linktype(&s), &b, &o, &st);
    cr_assert_eq(e, LT_OK, "%s: %s", what, lt_err_str(e));
    uint8_t proto = s.proto ? s.proto : 6;
    int v6 = s.ip_version == 6;
    cr_assert_eq(o.ip_version, v6 ? 6 : 4, "%s", what);
    cr_assert_eq(o.proto, proto, "%s", what);
    if (v6) {
        static const uint8_t a[16] = { 0xfd, [15] = 1 }, z[16] = { 0xfd, [15] = 2 };
        if (!s.src)
            cr_assert(!memcmp(o.src, a, 16), "%s", what);
        if (!s.dst)
            cr_assert(!memcmp(o.dst, z, 16), "%s", what);
    } else {
        static const uint8_t a[16] = { 10, 0, 0, 1 }, z[16] = { 10, 0, 0, 2 };
        if (!s.src)
            cr_assert(!memcmp(o.src, a, 16), "%s", what);
        if (!s.dst)
            cr_assert(!memcmp(o.dst, z, 16), "%s", what);
    }
    if (proto == 6 || proto == 17) {
        cr_assert_eq(o.sport, s.sport ? s.sport : 40000, "%s", what);
        cr_assert_eq(o.dport, s.dport ? s.dport : 80, "%s", what);
    } else {
        cr_assert_eq(o.sport, 0, "%s", what);
        cr_assert_eq(o.dport, 0, "%s", what);
    }
    if (proto == 6) {
        cr_assert_eq(o.seq, s.seq, "%s", what);
        cr_assert_eq(o.ack, s.ack, "%s", what);
    } else {
        cr_assert_eq(o.seq, 0, "%s", what);
        cr_assert_eq(o.tcp_flags, 0, "%s", what);
    }
    cr_assert_eq(o.payload.p, b.p + off.payload, "%s: payload at %td, want %zu",
                 what, o.payload.p - b.p, off.payload);
    cr_assert_eq(o.payload.len, s.payload_len, "%s: payload len %zu", what,
                 o.payload.len);
    cr_assert_eq(o.payload_wire_len, s.payload_len, "%s", what);
    if (s.link == TB_LINK_ETH) {
        cr_assert_eq(o.eth_dst, b.p, "%s", what);
        cr_assert_eq(o.eth_src, b.p + 6, "%s", what);
    } else {
        cr_assert_null(o.eth_src, "%s", what);
        cr_assert_null(o.eth_dst, "%s", what);
    }
    struct lt_stats want = { 0 };
    if (v6)
        want.ipv6 = 1;
    else
        want.ipv4 = 1;
    if (proto == 6)
        want.tcp_segments = 1;
    else if (proto == 17)
        want.udp_datagrams = 1;
    else
        want.other_l4 = 1;
    stats_are(&st, &want, what);
    tb_buf_release(&b);
    return o;
}

/* Decode expecting error e with exactly one counter at 1. */
#define EXPECT_ERR(lt, p, caplen, origlen, e, counter, ...)               \
    do {                                                                  \
        struct lt_l4 o__;                                                 \
        struct lt_stats st__ = { 0 }, want__ = { 0 };                     \
        enum lt_err got__ = run((lt), (p), (caplen), (origlen), &o__,     \
                                &st__);                                   \
        cr_assert_eq(got__, (e), __VA_ARGS__);                            \
        want__.counter = 1;                                               \
        stats_are(&st__, &want__, #counter);                              \
    } while (0)

Test(decode, default_spec_is_ethernet_ipv4_tcp)
{
    struct tb_pkt_spec s = { .payload = "hello", .payload_len = 5,
                             .seq = 1000, .ack = 2000 };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    cr_assert_eq(tb_pkt_linktype(&s), 1);
    cr_assert_eq(b.len, 14 + 20 + 20 + 5);
    struct lt_l4 o;
    struct lt_stats st = { 0 };
    cr_assert_eq(run_buf(1, &b, &o, &st), LT_OK);
    cr_assert_eq(o.ip_version, 4);
    cr_assert_eq(o.proto, 6);
    cr_assert_eq(o.sport, 40000);
    cr_assert_eq(o.dport, 80);
    cr_assert_eq(o.seq, 1000);
    cr_assert_eq(o.ack, 2000);
    cr_assert_eq(o.tcp_flags, LT_TCP_ACK | LT_TCP_PSH);
    static const uint8_t src[16] = { 10, 0, 0, 1 }, dst[16] = { 10, 0, 0, 2 };
    cr_assert(!memcmp(o.src, src, 16));
    cr_assert(!memcmp(o.dst, dst, 16));
    cr_assert_eq(o.payload.len, 5);
    cr_assert(!memcmp(o.payload.p, "hello", 5));
    cr_assert_eq(o.payload_wire_len, 5);
    cr_assert_eq(o.eth_dst, b.p);
    cr_assert_eq(o.eth_src, b.p + 6);
    cr_assert_eq(o.eth_src[5], 1);
    cr_assert_eq(o.eth_dst[5], 2);
    cr_assert_eq(st.ipv4, 1);
    cr_assert_eq(st.tcp_segments, 1);
    /* stats are optional */
    cr_assert_eq(lt_decode_packet(1, b.p, (uint32_t)b.len, (uint32_t)b.len, &o,
                                  NULL), LT_OK);
    cr_assert_eq(lt_decode_packet(1, b.p, 10, 10, &o, NULL), LT_E_TRUNCATED);
    tb_buf_release(&b);
}

Test(decode, tcp_flags_and_options)
{
    static const uint8_t mss[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1 };
    struct tb_pkt_spec s = { .tcp_flags = LT_TCP_SYN, .seq = 0xfffffff0u,
                             .tcp_opts = mss, .tcp_opts_len = sizeof mss,
                             .payload = "", .payload_len = 0 };
    struct lt_l4 o = check_spec(s, "syn with options");
    cr_assert_eq(o.tcp_flags, LT_TCP_SYN);
    cr_assert_eq(o.seq, 0xfffffff0u);
    s.tcp_flags = 0;
    s.tcp_flags_exact = true;
    o = check_spec(s, "no flags");
    cr_assert_eq(o.tcp_flags, 0);
    s.tcp_flags = 0xff;
    o = check_spec(s, "all flags");
    cr_assert_eq(o.tcp_flags, 0xff);
}

Test(decode, every_link_type_ipv4_ipv6_tcp_udp)
{
    static const enum tb_link links[] = {
        TB_LINK_ETH,  TB_LINK_SLL,  TB_LINK_SLL2,         TB_LINK_RAW,
        TB_LINK_IPV4, TB_LINK_IPV6, TB_LINK_NULL,         TB_LINK_NULL_SWAPPED,
        TB_LINK_LOOP, TB_LINK_NFLOG,
    };
    static const uint8_t protos[] = { 6, 17, 132 };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        for (int v = 4; v <= 6; v += 2)
            for (size_t k = 0; k < sizeof protos; k++) {
                if ((links[i] == TB_LINK_IPV4 && v == 6) ||
                    (links[i] == TB_LINK_IPV6 && v == 4))
                    continue;
                struct tb_pkt_spec s = { .link = links[i],
                                         .ip_version = (uint8_t)v,
                                         .proto = protos[k],
                                         .sport = 1234, .dport = 443,
                                         .seq = 7, .ack = 9 };
                char what[64];
                snprintf(what, sizeof what, "link %d v%d proto %u",
                         (int)links[i], v, protos[k]);
                check_spec(s, what);
            }
}

Test(decode, raw_ip_alias_linktypes_12_and_14)
{
    for (int v = 4; v <= 6; v += 2) {
        struct tb_pkt_spec s = { .link = TB_LINK_RAW, .ip_version = (uint8_t)v,
                                 .payload = "ab", .payload_len = 2 };
        struct tb_buf b = { 0 };
        tb_pkt_build(&s, &b);
        for (uint32_t lt = 12; lt <= 14; lt += 2) {
            struct lt_l4 o;
            struct lt_stats st = { 0 };
            cr_assert_eq(run_buf(lt, &b, &o, &st), LT_OK);
            cr_assert_eq(o.ip_version, v);
            cr_assert_eq(o.payload.len, 2);
        }
        tb_buf_release(&b);
    }
}

Test(decode, null_and_loop_families_in_both_byte_orders)
{
    static const uint32_t v6fams[] = { 24, 28, 30 };
    for (int sw = 0; sw < 2; sw++) {
        struct tb_pkt_spec s = { .link = sw ? TB_LINK_NULL_SWAPPED : TB_LINK_NULL };
        check_spec(s, "null v4");
        for (size_t i = 0; i < 3; i++) {
            s.ip_version = 6;
            s.family = v6fams[i];
            check_spec(s, "null v6");
            s.link = TB_LINK_LOOP;
            check_spec(s, "loop v6");
            s.link = sw ? TB_LINK_NULL_SWAPPED : TB_LINK_NULL;
        }
    }
    struct tb_pkt_spec s = { .link = TB_LINK_LOOP };
    check_spec(s, "loop v4");

    /* unknown family: not IP */
    s.link = TB_LINK_NULL;
    s.family = 7;
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    EXPECT_ERR(0, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "family 7");
    tb_buf_release(&b);
    /* loop is network order only: a little-endian 2 is not AF_INET */
    s.link = TB_LINK_NULL;
    s.family = 2;
    tb_pkt_build(&s, &b);
    uint32_t le2 = 2;
    memcpy(b.p, &le2, 4);
    if (b.p[0] == 2)
        EXPECT_ERR(108, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "loop le");
    tb_buf_release(&b);
}

Test(decode, vlan_mpls_pppoe_llc_combinations)
{
    static const enum tb_link links[] = { TB_LINK_ETH, TB_LINK_SLL, TB_LINK_SLL2 };
    for (size_t i = 0; i < 3; i++)
        for (int v = 4; v <= 6; v += 2)
            for (int nv = 0; nv <= 2; nv++)
                for (int tp = 0; tp < 2; tp++)
                    for (int mpls = 0; mpls <= 3; mpls++)
                        for (int pppoe = 0; pppoe < 2; pppoe++) {
                            if ((tp && nv != 2) || (pppoe && mpls))
                                continue;
                            struct tb_pkt_spec s = {
                                .link = links[i], .ip_version = (uint8_t)v,
                                .n_vlan = (uint8_t)nv,
                                .vlan_outer_tpid = tp ? 0x9100 : 0,
                                .n_mpls = (uint8_t)mpls, .pppoe = pppoe,
                                .proto = (mpls & 1) ? 17 : 6,
                            };
                            char what[96];
                            snprintf(what, sizeof what,
                                     "link %zu v%d vlan %d tpid %d mpls %d pppoe %d",
                                     i, v, nv, tp, mpls, pppoe);
                            check_spec(s, what);
                        }
    for (int v = 4; v <= 6; v += 2)
        for (int nv = 0; nv <= 2; nv++) {
            struct tb_pkt_spec s = { .llc_snap = true, .ip_version = (uint8_t)v,
                                     .n_vlan = (uint8_t)nv };
            check_spec(s, "llc/snap");
        }
}

Test(decode, ipv4_options_are_skipped)
{
    static const uint8_t nops[4] = { 1, 1, 1, 0 };
    uint8_t rr[40] = { 7, 39, 4 };
    struct tb_pkt_spec s = { .ip4_opts = nops, .ip4_opts_len = 4 };
    check_spec(s, "4 bytes of options");
    s.ip4_opts = rr;
    s.ip4_opts_len = 40;
    check_spec(s, "40 bytes of options (IHL 15)");
    s.proto = 17;
    s.ip4_opts_len = 3;
    check_spec(s, "udp with padded options");
}

Test(decode, ipv6_extension_headers)
{
    static const uint8_t single[] = { 0, 43, 60, 51, 135, 44 };
    for (size_t i = 0; i < sizeof single; i++)
        for (int k = 0; k < 3; k++) {
            struct tb_pkt_spec s = { .ip_version = 6, .n_ip6_ext = 1,
                                     .ip6_ext = { single[i] },
                                     .proto = k == 0 ? 6 : k == 1 ? 17 : 58 };
            char what[64];
            snprintf(what, sizeof what, "ext %u proto %u", single[i], s.proto);
            check_spec(s, what);
        }
    struct tb_pkt_spec s = { .ip_version = 6, .n_ip6_ext = 7,
                             .ip6_ext = { 0, 60, 43, 44, 51, 135, 60 } };
    check_spec(s, "chain of seven");
    s.link = TB_LINK_RAW;
    s.proto = 17;
    check_spec(s, "chain of seven, udp, raw");
}

Test(decode, ipv6_no_next_header_is_other_l4_without_payload)
{
    struct tb_pkt_spec s = { .ip_version = 6, .proto = 59, .n_ip6_ext = 1,
                             .ip6_ext = { 60 } };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b); /* trailing bytes after 59 must be ignored */
    tb_buf_put(&b, "zz", 2);
    b.p[14 + 5] += 2;
    struct lt_l4 o;
    struct lt_stats st = { 0 }, want = { .ipv6 = 1, .other_l4 = 1 };
    cr_assert_eq(run_buf(1, &b, &o, &st), LT_OK);
    cr_assert_eq(o.proto, 59);
    cr_assert_eq(o.payload.len, 0);
    cr_assert_eq(o.payload_wire_len, 0);
    cr_assert_eq(o.sport, 0);
    stats_are(&st, &want, "nh 59");
    tb_buf_release(&b);
}

Test(decode, fragments_are_counted_not_decoded)
{
    struct {
        uint8_t v;
        uint16_t off;
        bool mf;
    } cases[] = { { 4, 0, true }, { 4, 185, false }, { 4, 185, true },
                  { 6, 0, true }, { 6, 185, false }, { 6, 1, true } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tb_pkt_spec s = { .ip_version = cases[i].v,
                                 .frag_offset = cases[i].off,
                                 .more_frags = cases[i].mf,
                                 .payload = "abc", .payload_len = 3 };
        struct tb_buf b = { 0 };
        tb_pkt_build(&s, &b);
        EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, ip_fragments,
                   "case %zu", i);
        tb_buf_release(&b);
    }
    /* DF alone is not a fragment */
    struct tb_pkt_spec s = { .payload = "abc", .payload_len = 3 };
    struct tb_buf b = { 0 };
    struct tb_pkt_off off = tb_pkt_build(&s, &b);
    b.p[off.l3 + 6] |= 0x40;
    struct lt_l4 o;
    struct lt_stats st = { 0 };
    cr_assert_eq(run_buf(1, &b, &o, &st), LT_OK);
    tb_buf_release(&b);
    /* an IPv6 atomic fragment (offset 0, M 0) is a whole packet */
    s.ip_version = 6;
    s.n_ip6_ext = 1;
    s.ip6_ext[0] = 44;
    check_spec(s, "atomic fragment");
}

Test(decode, ethernet_padding_is_not_payload)
{
    for (int v = 4; v <= 6; v += 2)
        for (int proto = 6; proto <= 17; proto += 11) {
            struct tb_pkt_spec s = { .ip_version = (uint8_t)v,
                                     .proto = (uint8_t)proto,
                                     .payload = "ok", .payload_len = 2,
                                     .eth_pad = 18 };
            check_spec(s, "padded");
            s.n_vlan = 2;
            check_spec(s, "padded, qinq");
            s.link = TB_LINK_SLL;
            check_spec(s, "padded, sll");
        }
}

Test(decode, udp_length_clips_payload)
{
    struct tb_pkt_spec s = { .proto = 17, .payload = "abcdef", .payload_len = 6 };
    struct tb_buf b = { 0 };
    struct tb_pkt_off off = tb_pkt_build(&s, &b);
    b.p[off.l4 + 5] = 8 + 4; /* UDP says 4 bytes of payload */
    struct lt_l4 o;
    struct lt_stats st = { 0 };
    cr_assert_eq(run_buf(1, &b, &o, &st), LT_OK);
    cr_assert_eq(o.payload.len, 4);
    cr_assert_eq(o.payload_wire_len, 4);
    /* a UDP length beyond the IP payload is ignored */
    b.p[off.l4 + 5] = 200;
    cr_assert_eq(run_buf(1, &b, &o, &st), LT_OK);
    cr_assert_eq(o.payload.len, 6);
    /* 0 (jumbo/GSO): the IP extent */
    b.p[off.l4 + 5] = 0;
    cr_assert_eq(run_buf(1, &b, &o, &st), LT_OK);
    cr_assert_eq(o.payload.len, 6);
    /* below the header: impossible */
    b.p[off.l4 + 5] = 7;
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "udp len 7");
    tb_buf_release(&b);
}

Test(decode, snaplen_cut_payload_keeps_wire_length)
{
    static const enum tb_link links[] = { TB_LINK_ETH, TB_LINK_RAW, TB_LINK_NFLOG,
                                          TB_LINK_SLL2 };
    for (size_t i = 0; i < 4; i++)
        for (int v = 4; v <= 6; v += 2)
            for (int proto = 6; proto <= 17; proto += 11) {
                struct tb_pkt_spec s = { .link = links[i],
                                         .ip_version = (uint8_t)v,
                                         .proto = (uint8_t)proto,
                                         .payload = PAYLOAD,
                                         .payload_len = PAYLOAD_LEN };
                struct tb_buf b = { 0 };
                struct tb_pkt_off off = tb_pkt_build(&s, &b);
                for (size_t cut = 0; cut <= PAYLOAD_LEN; cut++) {
                    struct lt_l4 o;
                    struct lt_stats st = { 0 };
                    cr_assert_eq(run(tb_pkt_linktype(&s), b.p, off.payload + cut,
                                     b.len, &o, &st),
                                 LT_OK, "link %zu cut %zu", i, cut);
                    cr_assert_eq(o.payload.len, cut);
                    cr_assert_eq(o.payload_wire_len, PAYLOAD_LEN);
                    cr_assert_eq(o.payload.p, b.p + off.payload);
                    /* some tools write origlen = caplen: the IP length
                       still tells the wire length */
                    cr_assert_eq(run(tb_pkt_linktype(&s), b.p, off.payload + cut,
                                     off.payload + cut, &o, &st),
                                 LT_OK);
                    cr_assert_eq(o.payload_wire_len, PAYLOAD_LEN);
                }
                tb_buf_release(&b);
            }
}

Test(decode, zero_ip_length_uses_capture_and_origlen)
{
    for (int v = 4; v <= 6; v += 2) {
        struct tb_pkt_spec s = { .ip_version = (uint8_t)v, .ip_len_zero = true,
                                 .payload = PAYLOAD, .payload_len = PAYLOAD_LEN };
        struct tb_buf b = { 0 };
        struct tb_pkt_off off = tb_pkt_build(&s, &b);
        struct lt_l4 o;
        struct lt_stats st = { 0 };
        cr_assert_eq(run_buf(1, &b, &o, &st), LT_OK);
        cr_assert_eq(o.payload.len, PAYLOAD_LEN);
        cr_assert_eq(o.payload_wire_len, PAYLOAD_LEN);
        /* a TSO super-frame cut by snaplen: origlen tells the rest */
        cr_assert_eq(run(1, b.p, off.payload + 5, 60000, &o, &st), LT_OK);
        cr_assert_eq(o.payload.len, 5);
        cr_assert_eq(o.payload_wire_len, 60000 - off.payload);
        /* origlen below caplen is treated as caplen */
        cr_assert_eq(run(1, b.p, b.len, 3, &o, &st), LT_OK);
        cr_assert_eq(o.payload_wire_len, PAYLOAD_LEN);
        tb_buf_release(&b);
    }
}

/* ---- tunnels -------------------------------------------------------- */

/* Inner packet: raw IP (or Ethernet) TCP 192.168.1.1 -> 192.168.1.2:8080. */
static void inner_pkt(struct tb_buf *b, int v, enum tb_link link)
{
    struct tb_pkt_spec s = { .link = link, .ip_version = (uint8_t)v,
                             .src = v == 6 ? "2001:db8::1" : "192.168.1.1",
                             .dst = v == 6 ? "2001:db8::2" : "192.168.1.2",
                             .dport = 8080, .seq = 77,
                             .payload = PAYLOAD, .payload_len = PAYLOAD_LEN };
    tb_pkt_build(&s, b);
}

static void check_inner(const struct tb_buf *b, uint32_t lt, int v,
                        const char *what)
{
    struct lt_l4 o;
    struct lt_stats st = { 0 }, want = { .tcp_segments = 1, .tunneled = 1 };
    enum lt_err e = run_buf(lt, b, &o, &st);
    cr_assert_eq(e, LT_OK, "%s: %s", what, lt_err_str(e));
    cr_assert_eq(o.ip_version, v, "%s", what);
    cr_assert_eq(o.proto, 6, "%s", what);
    cr_assert_eq(o.dport, 8080, "%s", what);
    cr_assert_eq(o.seq, 77, "%s", what);
    if (v == 4) {
        static const uint8_t a[16] = { 192, 168, 1, 1 };
        cr_assert(!memcmp(o.src, a, 16), "%s", what);
        want.ipv4 = 1;
    } else {
        cr_assert_eq(o.src[0], 0x20, "%s", what);
        want.ipv6 = 1;
    }
    cr_assert_eq(o.payload.len, PAYLOAD_LEN, "%s", what);
    cr_assert(!memcmp(o.payload.p, PAYLOAD, PAYLOAD_LEN), "%s", what);
    cr_assert_eq(o.payload_wire_len, PAYLOAD_LEN, "%s", what);
    if (lt == 1) /* outermost MACs, not the inner frame's */
        cr_assert_eq(o.eth_dst, b->p, "%s", what);
    stats_are(&st, &want, what);
}

/* Outer Ethernet/IPvX with protocol proto carrying l4[0..n). */
static void outer_pkt(struct tb_buf *b, int v, uint8_t proto, const struct tb_buf *l4,
                      size_t pad)
{
    struct tb_pkt_spec s = { .ip_version = (uint8_t)v, .proto = proto,
                             .payload = l4->p, .payload_len = l4->len,
                             .eth_pad = pad };
    tb_pkt_build(&s, b);
}

Test(decode, ip_in_ip_all_four_combinations)
{
    for (int ov = 4; ov <= 6; ov += 2)
        for (int iv = 4; iv <= 6; iv += 2) {
            struct tb_buf in = { 0 }, b = { 0 };
            inner_pkt(&in, iv, TB_LINK_RAW);
            outer_pkt(&b, ov, iv == 4 ? 4 : 41, &in, 7);
            char what[32];
            snprintf(what, sizeof what, "%d in %d", iv, ov);
            check_inner(&b, 1, iv, what);
            tb_buf_release(&in);
            tb_buf_release(&b);
        }
}

Test(decode, gre_with_optional_fields)
{
    static const uint16_t flags[] = { 0, 0x8000, 0x2000, 0x1000, 0xB000 };
    for (size_t f = 0; f < 5; f++)
        for (int ov = 4; ov <= 6; ov += 2)
            for (int iv = 4; iv <= 6; iv += 2) {
                struct tb_buf in = { 0 }, gre = { 0 }, b = { 0 };
                inner_pkt(&in, iv, TB_LINK_RAW);
                tb_pkt_gre(&gre, flags[f], iv == 4 ? 0x0800 : 0x86DD, in.p, in.len);
                outer_pkt(&b, ov, 47, &gre, 0);
                char what[48];
                snprintf(what, sizeof what, "gre flags %04x %d in %d", flags[f],
                         iv, ov);
                check_inner(&b, 1, iv, what);
                tb_buf_release(&in);
                tb_buf_release(&gre);
                tb_buf_release(&b);
            }
}

Test(decode, gre_ethernet_and_erspan)
{
    for (int kind = 0; kind < 5; kind++) {
        struct tb_buf in = { 0 }, hdr = { 0 }, gre = { 0 }, b = { 0 };
        inner_pkt(&in, kind & 1 ? 6 : 4, TB_LINK_ETH);
        uint16_t flags = 0, proto = 0x6558;
        switch (kind) {
        case 1: /* ERSPAN II: S bit and an 8-byte header */
            flags = 0x1000;
            proto = 0x88BE;
            tb_buf_be32(&hdr, 0x10010064);
            tb_buf_be32(&hdr, 0x00000001);
            break;
        case 2: /* ERSPAN I: no sequence, no header */
            proto = 0x88BE;
            break;
        case 3: /* ERSPAN III, no platform subheader */
        case 4: /* ERSPAN III with O bit: + 8 bytes */
            flags = 0x1000;
            proto = 0x22EB;
            tb_buf_be32(&hdr, 0x20010064);
            tb_buf_be32(&hdr, 0x12345678);
            tb_buf_be32(&hdr, kind == 4 ? 0x00000001 : 0x00000000);
            if (kind == 4) {
                tb_buf_be32(&hdr, 0x0badcafe);
                tb_buf_be32(&hdr, 0x0badcafe);
            }
            break;
        }
        tb_buf_put(&hdr, in.p, in.len);
        tb_pkt_gre(&gre, flags, proto, hdr.p, hdr.len);
        outer_pkt(&b, 4, 47, &gre, 0);
        char what[32];
        snprintf(what, sizeof what, "gre kind %d", kind);
        check_inner(&b, 1, kind & 1 ? 6 : 4, what);
        /* a cut inside the ERSPAN / inner Ethernet header is truncation */
        size_t at = 14 + 20 + 4 + (flags ? 4 : 0) + 4;
        EXPECT_ERR(1, b.p, at, b.len, LT_E_TRUNCATED, truncated_headers,
                   "%s cut", what);
        tb_buf_release(&in);
        tb_buf_release(&hdr);
        tb_buf_release(&gre);
        tb_buf_release(&b);
    }
}

Test(decode, gre_other_versions_and_protocols)
{
    struct tb_buf in = { 0 }, gre = { 0 }, b = { 0 };
    inner_pkt(&in, 4, TB_LINK_RAW);
    tb_pkt_gre(&gre, 0x0001, 0x880B, in.p, in.len); /* PPTP enhanced GRE */
    outer_pkt(&b, 4, 47, &gre, 0);
    struct lt_l4 o;
    struct lt_stats st = { 0 }, want = { .ipv4 = 1, .other_l4 = 1 };
    cr_assert_eq(run_buf(1, &b, &o, &st), LT_OK);
    cr_assert_eq(o.proto, 47);
    cr_assert_eq(o.payload.len, gre.len);
    stats_are(&st, &want, "gre v1");
    tb_buf_release(&gre);
    tb_buf_release(&b);
    tb_pkt_gre(&gre, 0, 0x0806, in.p, in.len); /* ARP in GRE */
    outer_pkt(&b, 4, 47, &gre, 0);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "gre arp");
    tb_buf_release(&in);
    tb_buf_release(&gre);
    tb_buf_release(&b);
}

Test(decode, vxlan)
{
    for (int ov = 4; ov <= 6; ov += 2)
        for (int iv = 4; iv <= 6; iv += 2) {
            struct tb_buf in = { 0 }, vx = { 0 }, b = { 0 };
            tb_buf_be32(&vx, 0x08000000);
            tb_buf_be32(&vx, 0x00123400);
            inner_pkt(&vx, iv, TB_LINK_ETH);
            struct tb_pkt_spec s = { .ip_version = (uint8_t)ov, .proto = 17,
                                     .dport = 4789, .payload = vx.p,
                                     .payload_len = vx.len };
            tb_pkt_build(&s, &b);
            check_inner(&b, 1, iv, "vxlan");
            tb_buf_release(&in);
            tb_buf_release(&vx);
            tb_buf_release(&b);
        }
    /* without the I flag: plain UDP */
    struct tb_buf b = { 0 };
    uint8_t junk[20] = { 0 };
    struct tb_pkt_spec s = { .proto = 17, .dport = 4789, .payload = junk,
                             .payload_len = sizeof junk };
    check_spec(s, "udp 4789 without vxlan flag");
    s.payload_len = 5; /* too short for a VXLAN header */
    check_spec(s, "short udp 4789");
    tb_buf_release(&b);
}

/* n IPv4-in-IPv4 layers around an inner TCP packet. */
static void nest(struct tb_buf *b, int n)
{
    struct tb_buf cur = { 0 };
    inner_pkt(&cur, 4, TB_LINK_RAW);
    for (int i = 0; i < n; i++) {
        struct tb_buf next = { 0 };
        struct tb_pkt_spec s = { .link = i + 1 == n ? TB_LINK_ETH : TB_LINK_RAW,
                                 .proto = 4, .payload = cur.p,
                                 .payload_len = cur.len };
        tb_pkt_build(&s, &next);
        tb_buf_release(&cur);
        cur = next;
    }
    *b = cur;
}

Test(decode, tunnel_nesting_is_bounded)
{
    struct tb_buf b;
    nest(&b, LT_DECODE_MAX_TUNNELS);
    check_inner(&b, 1, 4, "max layers");
    tb_buf_release(&b);
    nest(&b, LT_DECODE_MAX_TUNNELS + 1);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "one too many");
    tb_buf_release(&b);
    nest(&b, 40);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "40 layers");
    tb_buf_release(&b);
    /* a GRE packet carrying itself: a handcrafted loop of GRE in IPv4 */
    struct tb_buf gre = { 0 }, cur = { 0 };
    inner_pkt(&cur, 4, TB_LINK_RAW);
    for (int i = 0; i < 8; i++) {
        tb_pkt_gre(&gre, 0, 0x0800, cur.p, cur.len);
        tb_buf_release(&cur);
        struct tb_pkt_spec s = { .link = TB_LINK_RAW, .proto = 47,
                                 .payload = gre.p, .payload_len = gre.len };
        tb_pkt_build(&s, &cur);
        tb_buf_release(&gre);
    }
    EXPECT_ERR(101, cur.p, cur.len, cur.len, LT_E_UNSUPPORTED, non_ip, "gre x8");
    tb_buf_release(&cur);
}

Test(decode, inner_length_cannot_exceed_outer)
{
    struct tb_buf in = { 0 }, b = { 0 };
    inner_pkt(&in, 4, TB_LINK_RAW);
    outer_pkt(&b, 4, 4, &in, 0);
    size_t inner_l3 = 14 + 20;
    /* inner total length claims more than the outer carries */
    b.p[inner_l3 + 2] = 0x05;
    struct lt_l4 o;
    struct lt_stats st = { 0 };
    cr_assert_eq(run_buf(1, &b, &o, &st), LT_OK);
    cr_assert_eq(o.payload.len, PAYLOAD_LEN);
    cr_assert_eq(o.payload_wire_len, PAYLOAD_LEN);
    /* outer length cuts the inner TCP header: impossible */
    b.p[14 + 2] = 0;
    b.p[14 + 3] = 20 + 20 + 10;
    b.p[inner_l3 + 2] = 0;
    b.p[inner_l3 + 3] = 0;
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "outer cuts");
    tb_buf_release(&in);
    tb_buf_release(&b);
}

/* ---- errors ----------------------------------------------------------- */

Test(decode, every_prefix_of_the_headers_is_truncated)
{
    static const enum tb_link links[] = {
        TB_LINK_ETH,  TB_LINK_SLL,  TB_LINK_SLL2,  TB_LINK_RAW,  TB_LINK_IPV4,
        TB_LINK_IPV6, TB_LINK_NULL, TB_LINK_LOOP,  TB_LINK_NFLOG,
    };
    static const uint8_t opts[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        for (int v = 4; v <= 6; v += 2)
            for (int proto = 6; proto <= 17; proto += 11)
                for (int extra = 0; extra < 3; extra++) {
                    if ((links[i] == TB_LINK_IPV4 && v == 6) ||
                        (links[i] == TB_LINK_IPV6 && v == 4))
                        continue;
                    struct tb_pkt_spec s = {
                        .link = links[i], .ip_version = (uint8_t)v,
                        .proto = (uint8_t)proto, .payload = "xyz",
                        .payload_len = 3,
                        .n_vlan = extra == 1 ? 2 : 0,
                        .n_mpls = extra == 2 && links[i] == TB_LINK_ETH ? 2 : 0,
                        .pppoe = extra == 2 && links[i] == TB_LINK_SLL,
                        .llc_snap = extra == 1 && links[i] == TB_LINK_ETH,
                        .ip4_opts = opts, .ip4_opts_len = extra ? 8 : 0,
                        .n_ip6_ext = extra ? 3 : 0, .ip6_ext = { 0, 51, 60 },
                        .tcp_opts = opts, .tcp_opts_len = extra == 2 ? 8 : 0,
                    };
                    struct tb_buf b = { 0 };
                    struct tb_pkt_off off = tb_pkt_build(&s, &b);
                    uint32_t lt = tb_pkt_linktype(&s);
                    for (size_t cut = 0; cut < off.payload; cut++)
                        EXPECT_ERR(lt, b.p, cut, b.len, LT_E_TRUNCATED,
                                   truncated_headers, "link %zu v%d p%d x%d cut %zu",
                                   i, v, proto, extra, cut);
                    struct lt_l4 o;
                    struct lt_stats st = { 0 };
                    cr_assert_eq(run(lt, b.p, off.payload, b.len, &o, &st), LT_OK);
                    tb_buf_release(&b);
                }
}

Test(decode, malformed_ip_headers)
{
    struct tb_pkt_spec s = { .payload = "abcd", .payload_len = 4 };
    struct tb_buf b = { 0 };
    struct tb_pkt_off off = tb_pkt_build(&s, &b);
    uint8_t *ip = b.p + off.l3;

    ip[0] = 0x44; /* IHL 4 */
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "ihl 4");
    ip[0] = 0x65; /* IPv6 version behind Ethertype 0x0800 */
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "version 6");
    ip[0] = 0x45;
    ip[2] = 0;
    ip[3] = 10; /* total length below the header */
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "tot 10");
    ip[3] = 30; /* total length cuts the TCP header */
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "tot 30");
    ip[3] = 44;
    b.p[off.l4 + 12] = 0x40; /* data offset 4 */
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "doff 4");
    b.p[off.l4 + 12] = 0xf0; /* data offset 15: past the IP length */
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "doff 15");
    /* ... but within the wire length and past the capture: truncated */
    ip[2] = 0x01;
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_TRUNCATED, truncated_headers, "doff 15 cut");
    tb_buf_release(&b);

    /* version mismatch on the dedicated link types and raw IP */
    struct tb_pkt_spec s6 = { .link = TB_LINK_RAW, .ip_version = 6 };
    tb_pkt_build(&s6, &b);
    EXPECT_ERR(228, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "v6 on 228");
    tb_buf_release(&b);
    struct tb_pkt_spec s4 = { .link = TB_LINK_RAW };
    tb_pkt_build(&s4, &b);
    EXPECT_ERR(229, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "v4 on 229");
    b.p[0] = 0x55;
    EXPECT_ERR(101, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "version 5");
    tb_buf_release(&b);
    /* IPv6 with a TCP header cut by its payload length */
    s6.link = TB_LINK_ETH;
    off = tb_pkt_build(&s6, &b);
    b.p[off.l3 + 4] = 0;
    b.p[off.l3 + 5] = 12;
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "v6 plen 12");
    tb_buf_release(&b);
}

Test(decode, non_ip_payloads)
{
    struct tb_pkt_spec s = { .ethertype = 0x0806 };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "arp");
    tb_buf_release(&b);
    s.ethertype = 0x88CC;
    s.n_vlan = 1;
    tb_pkt_build(&s, &b);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "lldp in vlan");
    tb_buf_release(&b);
    s.link = TB_LINK_SLL;
    s.n_vlan = 0;
    s.ethertype = 0x0806;
    tb_pkt_build(&s, &b);
    EXPECT_ERR(113, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "sll arp");
    b.p[14] = 0;
    b.p[15] = 4; /* SLL 802.2 frame: not an 802.3 length */
    EXPECT_ERR(113, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "sll 802.2");
    tb_buf_release(&b);

    /* STP: 802.3 with LLC 42 42 03 */
    static const uint8_t stp[] = { 1, 0x80, 0xc2, 0, 0, 0, 2, 0, 0, 0, 0, 1,
                                   0, 38, 0x42, 0x42, 0x03, 0, 0, 0, 0, 0 };
    EXPECT_ERR(1, stp, sizeof stp, sizeof stp, LT_E_UNSUPPORTED, non_ip, "stp");
    /* PPPoE LCP, PPPoE discovery code */
    struct tb_pkt_spec sp = { .pppoe = true };
    struct tb_pkt_off off = tb_pkt_build(&sp, &b);
    b.p[off.l3 - 1] = 0x21;
    b.p[off.l3 - 2] = 0xc0;
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "lcp");
    b.p[off.l3 - 7] = 0x09;
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "padi");
    tb_buf_release(&b);
    /* MPLS pseudowire control word (first nibble 0) */
    struct tb_pkt_spec sm = { .n_mpls = 1 };
    off = tb_pkt_build(&sm, &b);
    b.p[off.l3] = 0x00;
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "pw");
    tb_buf_release(&b);
}

Test(decode, unknown_link_types)
{
    static const uint8_t pkt[64] = { 0x45 };
    static const uint32_t lts[] = { 105, 127, 147, 9999, 0xffffffffu };
    for (size_t i = 0; i < sizeof lts / sizeof lts[0]; i++)
        EXPECT_ERR(lts[i], pkt, sizeof pkt, sizeof pkt, LT_E_UNSUPPORTED,
                   link_unsupported, "linktype %u", lts[i]);
    EXPECT_ERR(9999, pkt, 0, 0, LT_E_UNSUPPORTED, link_unsupported, "empty");
}

Test(decode, nflog_tlv_errors)
{
    struct tb_pkt_spec s = { .link = TB_LINK_NFLOG };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    struct tb_buf bad = { 0 };
    tb_buf_put(&bad, b.p, b.len);
    bad.p[4] = 2; /* first TLV length below its header */
    EXPECT_ERR(239, bad.p, bad.len, bad.len, LT_E_MALFORMED, malformed, "tlv len 2");
    /* no payload TLV at all */
    EXPECT_ERR(239, b.p, 4 + 8 + 8, 4 + 8 + 8, LT_E_UNSUPPORTED, non_ip, "no payload");
    EXPECT_ERR(239, b.p, 4 + 8 + 8, b.len, LT_E_TRUNCATED, truncated_headers,
               "cut before payload");
    /* a TLV running past the capture */
    memcpy(bad.p, b.p, b.len);
    bad.p[4 + 8] = 0xff;
    EXPECT_ERR(239, bad.p, bad.len, bad.len, LT_E_TRUNCATED, truncated_headers,
               "long tlv");
    tb_buf_release(&bad);
    tb_buf_release(&b);
}

/* ---- robustness ---------------------------------------------------------- */

static struct tb_pkt_spec random_spec(struct tb_rng *r, struct tb_buf *scratch)
{
    static const uint8_t protos[] = { 6, 17, 1, 4, 41, 47, 59 };
    static const uint8_t exts[] = { 0, 43, 60, 51, 135, 44 };
    struct tb_pkt_spec s = { 0 };
    s.link = (enum tb_link)tb_rng_below(r, TB_LINK_NFLOG + 1);
    s.ip_version = s.link == TB_LINK_IPV6 ? 6
                   : s.link == TB_LINK_IPV4 ? 4
                   : tb_rng_below(r, 2) ? 6 : 4;
    if (s.link <= TB_LINK_SLL2) {
        s.n_vlan = (uint8_t)tb_rng_below(r, 3);
        s.n_mpls = (uint8_t)tb_rng_below(r, 3);
        s.pppoe = tb_rng_below(r, 4) == 0;
    }
    s.proto = protos[tb_rng_below(r, sizeof protos)];
    if (s.proto == 17 && tb_rng_below(r, 2))
        s.dport = 4789;
    s.n_ip6_ext = tb_rng_below(r, 4);
    for (size_t i = 0; i < s.n_ip6_ext; i++)
        s.ip6_ext[i] = exts[tb_rng_below(r, sizeof exts)];
    s.ip_len_zero = tb_rng_below(r, 8) == 0;
    s.eth_pad = tb_rng_below(r, 3) ? 0 : tb_rng_below(r, 30);
    /* the payload is random bytes, or a nested packet for tunnel protocols */
    scratch->len = 0;
    if (s.proto == 4 || s.proto == 41 || s.proto == 47 || s.dport == 4789) {
        struct tb_buf in = { 0 };
        struct tb_pkt_spec is = { .link = s.dport == 4789 ? TB_LINK_ETH : TB_LINK_RAW,
                                  .ip_version = s.proto == 41 ? 6 : 4,
                                  .payload = "inner", .payload_len = 5 };
        tb_pkt_build(&is, &in);
        if (s.proto == 47)
            tb_pkt_gre(scratch, (uint16_t)(tb_rng_below(r, 16) << 12),
                       is.ip_version == 6 ? 0x86DD : 0x0800, in.p, in.len);
        else if (s.dport == 4789) {
            tb_buf_be32(scratch, 0x08000000);
            tb_buf_be32(scratch, 0);
            tb_buf_put(scratch, in.p, in.len);
        } else
            tb_buf_put(scratch, in.p, in.len);
        tb_buf_release(&in);
    } else {
        size_t n = tb_rng_below(r, 40);
        for (size_t i = 0; i < n; i++)
            tb_buf_u8(scratch, (uint8_t)tb_rng_next(r));
    }
    s.payload = scratch->p;
    s.payload_len = scratch->len;
    return s;
}

static uint64_t packet_counters(const struct lt_stats *st)
{
    return st->link_unsupported + st->non_ip + st->ip_fragments +
           st->truncated_headers + st->malformed;
}

Test(decode, random_flips_and_cuts_stay_in_bounds)
{
    struct tb_rng r = tb_rng_seed(0xdec0de);
    struct tb_buf scratch = { 0 };
    int n_ok = 0, n_err = 0;
    for (int i = 0; i < 20000; i++) {
        struct tb_pkt_spec s = random_spec(&r, &scratch);
        struct tb_buf b = { 0 };
        tb_pkt_build(&s, &b);
        int flips = (int)tb_rng_below(&r, 4);
        for (int k = 0; k < flips && b.len; k++)
            b.p[tb_rng_below(&r, b.len)] ^= (uint8_t)(1u << tb_rng_below(&r, 8));
        if (tb_rng_below(&r, 3) == 0 && b.len)
            b.p[tb_rng_below(&r, b.len)] = (uint8_t)tb_rng_next(&r);
        size_t caplen = tb_rng_below(&r, 4) ? b.len : tb_rng_below(&r, b.len + 1);
        size_t origlen = tb_rng_below(&r, 2) ? b.len : tb_rng_below(&r, 70000);
        uint32_t lt = tb_rng_below(&r, 50) ? tb_pkt_linktype(&s)
                                            : (uint32_t)tb_rng_below(&r, 300);
        struct lt_l4 o;
        struct lt_stats st = { 0 };
        enum lt_err e = run(lt, b.p, caplen, origlen, &o, &st);
        if (e == LT_OK) {
            n_ok++;
            cr_assert(o.ip_version == 4 || o.ip_version == 6, "seed 0xdec0de case %d", i);
            cr_assert_eq(st.ipv4 + st.ipv6, 1, "case %d", i);
            cr_assert_eq(st.tcp_segments + st.udp_datagrams + st.other_l4, 1,
                         "case %d", i);
            cr_assert_eq(packet_counters(&st), 0, "case %d", i);
            if (o.ip_version == 4)
                for (int k = 4; k < 16; k++)
                    cr_assert(o.src[k] == 0 && o.dst[k] == 0, "case %d", i);
            if (o.proto != 6 && o.proto != 17)
                cr_assert(o.sport == 0 && o.dport == 0, "case %d", i);
        } else {
            n_err++;
            cr_assert(e == LT_E_UNSUPPORTED || e == LT_E_TRUNCATED ||
                          e == LT_E_MALFORMED,
                      "seed 0xdec0de case %d: %s", i, lt_err_str(e));
            cr_assert_eq(packet_counters(&st), 1, "case %d", i);
            cr_assert_eq(st.ipv4 + st.ipv6 + st.tcp_segments + st.udp_datagrams +
                             st.other_l4 + st.tunneled,
                         0, "case %d", i);
        }
        tb_buf_release(&b);
    }
    cr_assert(n_ok > 1000 && n_err > 1000, "ok %d err %d", n_ok, n_err);
    tb_buf_release(&scratch);
}

Test(decode, random_garbage_every_link_type)
{
    static const uint32_t lts[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 239, 276 };
    struct tb_rng r = tb_rng_seed(0x9a7ba9e);
    uint8_t buf[128];
    for (int i = 0; i < 20000; i++) {
        size_t n = tb_rng_below(&r, sizeof buf + 1);
        for (size_t k = 0; k < n; k++)
            buf[k] = (uint8_t)tb_rng_next(&r);
        /* steer some bytes towards plausible headers */
        if (n > 14 && tb_rng_below(&r, 2)) {
            buf[12] = 0x08;
            buf[13] = 0;
            buf[14] = 0x45;
        }
        if (n > 0 && tb_rng_below(&r, 2))
            buf[0] = tb_rng_below(&r, 2) ? 0x45 : 0x60;
        struct lt_l4 o;
        struct lt_stats st = { 0 };
        enum lt_err e = run(lts[tb_rng_below(&r, sizeof lts / sizeof lts[0])],
                            buf, n, tb_rng_below(&r, 200), &o, &st);
        cr_assert(e == LT_OK || e == LT_E_UNSUPPORTED || e == LT_E_TRUNCATED ||
                      e == LT_E_MALFORMED,
                  "seed 0x9a7ba9e case %d", i);
        cr_assert_eq(packet_counters(&st) + (e == LT_OK ? 1 : 0), 1, "case %d", i);
    }
}
