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
        TB_LINK_LOOP, TB_LINK_NFLOG,        TB_LINK_PPP,          TB_LINK_PPP_HDLC,
        TB_LINK_PPPOE, TB_LINK_CHDLC,      TB_LINK_ARCNET,       TB_LINK_80211,
        TB_LINK_RADIOTAP, TB_LINK_AVS,
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

/* ---- GRE-in-UDP, GTP-U, Teredo, Aruba ------------------------------------ */

/* GTP-U G-PDU header for inner_len bytes of payload. kind 0: 8 bytes; 1: S
   flag (+4); 2: E with one extension (PDU session container, 4 bytes); 3: E
   and S with two extensions (4 and 8 bytes). */
static void gtpu_hdr(struct tb_buf *b, int kind, size_t inner_len)
{
    static const uint8_t flags[] = { 0x30, 0x32, 0x34, 0x36 };
    size_t opt = kind == 0 ? 0 : kind == 1 ? 4 : kind == 2 ? 8 : 16;
    tb_buf_u8(b, flags[kind]);
    tb_buf_u8(b, 0xFF);
    tb_buf_be16(b, (uint16_t)(opt + inner_len));
    tb_buf_be32(b, 0x9e40ba4f); /* TEID */
    if (kind == 0)
        return;
    tb_buf_be16(b, 0x0102);                    /* sequence */
    tb_buf_u8(b, 0);                           /* N-PDU */
    tb_buf_u8(b, kind >= 2 ? 0x85 : 0);        /* next extension */
    if (kind >= 2) {
        tb_buf_u8(b, 1);                       /* 4 bytes */
        tb_buf_u8(b, 0x10);
        tb_buf_u8(b, 0x09);                    /* QFI */
        tb_buf_u8(b, kind == 3 ? 0x40 : 0);
    }
    if (kind == 3) {
        tb_buf_u8(b, 2);                       /* 8 bytes */
        tb_buf_put(b, "\x12\x34\x56\x78\x9a\xbc", 6);
        tb_buf_u8(b, 0);
    }
}

/* Teredo headers before the IPv6 packet. kind 0: none; 1: authentication
   (id 2 bytes, value 3 bytes); 2: origin indication; 3: both, empty auth. */
static void teredo_hdr(struct tb_buf *b, int kind)
{
    if (kind & 1) {
        int empty = kind == 3;
        tb_buf_be16(b, 0x0001);
        tb_buf_u8(b, empty ? 0 : 2);
        tb_buf_u8(b, empty ? 0 : 3);
        if (!empty)
            tb_buf_put(b, "idval", 5);
        tb_buf_put(b, "\xcd\x56\x69\x40\x0b\x22\xdf\x88", 8); /* nonce */
        tb_buf_u8(b, 0);                                       /* confirm */
    }
    if (kind & 2) {
        tb_buf_be16(b, 0x0000);
        tb_buf_be16(b, 0xf12a);
        tb_buf_be32(b, 0xb9c82815);
    }
}

/* Outer Ethernet/IPvX/UDP sport -> dport carrying l4[0..n). */
static void outer_udp(struct tb_buf *b, int v, uint16_t sport, uint16_t dport,
                      const struct tb_buf *pl)
{
    struct tb_pkt_spec s = { .ip_version = (uint8_t)v, .proto = 17,
                             .sport = sport, .dport = dport,
                             .payload = pl->p, .payload_len = pl->len };
    tb_pkt_build(&s, b);
}

/* Decodes b expecting plain UDP from sport to dport with a payload of
   plen bytes. */
static void check_plain_udp(const struct tb_buf *b, uint16_t dport, size_t plen,
                            const char *what)
{
    struct lt_l4 o;
    struct lt_stats st = { 0 }, want = { .ipv4 = 1, .udp_datagrams = 1 };
    enum lt_err e = run_buf(1, b, &o, &st);
    cr_assert_eq(e, LT_OK, "%s: %s", what, lt_err_str(e));
    cr_assert_eq(o.proto, 17, "%s", what);
    cr_assert_eq(o.dport, dport, "%s", what);
    cr_assert_eq(o.payload.len, plen, "%s", what);
    stats_are(&st, &want, what);
}

Test(decode, gre_in_udp_4754)
{
    static const uint16_t flags[] = { 0, 0x8000, 0x2000, 0x1000, 0xB000 };
    for (size_t f = 0; f < 5; f++)
        for (int ov = 4; ov <= 6; ov += 2)
            for (int iv = 4; iv <= 6; iv += 2) {
                struct tb_buf in = { 0 }, gre = { 0 }, b = { 0 };
                inner_pkt(&in, iv, TB_LINK_RAW);
                tb_pkt_gre(&gre, flags[f], iv == 4 ? 0x0800 : 0x86DD, in.p, in.len);
                outer_udp(&b, ov, 50000, 4754, &gre);
                char what[48];
                snprintf(what, sizeof what, "gre/udp flags %04x %d in %d",
                         flags[f], iv, ov);
                check_inner(&b, 1, iv, what);
                /* a cut inside the GRE options or the inner IP header */
                size_t at = 14 + (ov == 4 ? 20 : 40) + 8 + 4 + 2;
                EXPECT_ERR(1, b.p, at, b.len, LT_E_TRUNCATED, truncated_headers,
                           "%s cut", what);
                tb_buf_release(&in);
                tb_buf_release(&gre);
                tb_buf_release(&b);
            }
    /* GRE version 1, routing, a 3-byte payload, the source port only:
       plain UDP */
    struct tb_buf in = { 0 }, gre = { 0 }, b = { 0 };
    inner_pkt(&in, 4, TB_LINK_RAW);
    tb_pkt_gre(&gre, 0x0001, 0x880B, in.p, in.len);
    outer_udp(&b, 4, 50000, 4754, &gre);
    check_plain_udp(&b, 4754, gre.len, "gre v1 in udp");
    tb_buf_release(&b);
    gre.p[0] = 0x40;
    gre.p[1] = 0;
    outer_udp(&b, 4, 50000, 4754, &gre);
    check_plain_udp(&b, 4754, gre.len, "gre routing in udp");
    tb_buf_release(&b);
    gre.len = 3;
    outer_udp(&b, 4, 50000, 4754, &gre);
    check_plain_udp(&b, 4754, 3, "short");
    tb_buf_release(&b);
    tb_buf_release(&gre);
    tb_pkt_gre(&gre, 0, 0x0800, in.p, in.len);
    outer_udp(&b, 4, 4754, 50000, &gre);
    check_plain_udp(&b, 50000, gre.len, "source port 4754");
    tb_buf_release(&b);
    tb_buf_release(&gre);
    tb_buf_release(&in);
}

Test(decode, aruba_gre_80211)
{
    static const uint16_t protos[] = { 0x8200, 0x8210, 0x82F0 };
    for (size_t k = 0; k < 3; k++)
        for (int iv = 4; iv <= 6; iv += 2)
            for (int ds = 0; ds < 4; ds++)
                for (int qos = 0; qos < 3; qos++) {
                    struct tb_buf in = { 0 }, w = { 0 }, gre = { 0 }, b = { 0 };
                    inner_pkt(&in, iv, TB_LINK_RAW);
                    tb_pkt_80211(&w, (uint8_t)ds, qos > 0, qos == 2,
                                 iv == 4 ? 0x0800 : 0x86DD);
                    size_t wl = w.len;
                    tb_buf_put(&w, in.p, in.len);
                    tb_pkt_gre(&gre, 0, protos[k], w.p, w.len);
                    outer_pkt(&b, 4, 47, &gre, 6);
                    char what[64];
                    snprintf(what, sizeof what, "aruba %04x v%d ds %d qos %d",
                             protos[k], iv, ds, qos);
                    check_inner(&b, 1, iv, what);
                    cr_assert_eq(wl, 24 + (ds == 3 ? 6 : 0) + (qos ? 2 : 0) +
                                         (qos == 2 ? 4 : 0) + 8);
                    for (size_t cut = 14 + 20 + 4; cut < 14 + 20 + 4 + wl; cut++)
                        EXPECT_ERR(1, b.p, cut, b.len, LT_E_TRUNCATED,
                                   truncated_headers, "%s cut %zu", what, cut);
                    tb_buf_release(&in);
                    tb_buf_release(&w);
                    tb_buf_release(&gre);
                    tb_buf_release(&b);
                }
    /* 0x8201 is not Aruba's: an unknown Ethertype */
    struct tb_buf in = { 0 }, w = { 0 }, gre = { 0 }, b = { 0 };
    inner_pkt(&in, 4, TB_LINK_RAW);
    tb_pkt_80211(&w, 1, true, false, 0x0800);
    tb_buf_put(&w, in.p, in.len);
    tb_pkt_gre(&gre, 0, 0x8201, w.p, w.len);
    outer_pkt(&b, 4, 47, &gre, 0);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "0x8201");
    tb_buf_release(&in);
    tb_buf_release(&w);
    tb_buf_release(&gre);
    tb_buf_release(&b);
}

/* 802.11 frame: header of a QoS data frame, LLC/SNAP, an IPv4 TCP packet;
   mutate() changes it, then the decode must give e / counter. */
static void wlan_case(void (*mutate)(struct tb_buf *b), enum lt_err e,
                      const char *what)
{
    struct tb_pkt_spec s = { .link = TB_LINK_80211, .wlan_qos = true,
                             .wlan_ds = 1, .payload = "x", .payload_len = 1 };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    mutate(&b);
    struct lt_l4 o;
    struct lt_stats st = { 0 };
    cr_assert_eq(run_buf(105, &b, &o, &st), e, "%s", what);
    if (e == LT_E_UNSUPPORTED)
        cr_assert_eq(st.non_ip, 1, "%s", what);
    tb_buf_release(&b);
}

static void m_beacon(struct tb_buf *b) { b->p[0] = 0x80; }
static void m_ack(struct tb_buf *b) { b->p[0] = 0xd4; }
static void m_null(struct tb_buf *b) { b->p[0] = 0x48; }
static void m_qos_null(struct tb_buf *b) { b->p[0] = 0xc8; }
static void m_version(struct tb_buf *b) { b->p[0] |= 1; }
static void m_protected(struct tb_buf *b) { b->p[1] |= 0x40; }
static void m_more_frag(struct tb_buf *b) { b->p[1] |= 0x04; }
static void m_frag_no(struct tb_buf *b) { b->p[22] |= 0x01; }
static void m_amsdu(struct tb_buf *b) { b->p[24] |= 0x80; }
static void m_mesh(struct tb_buf *b) { b->p[25] |= 0x01; }
static void m_llc(struct tb_buf *b) { b->p[26] = 0x42; }
static void m_oui(struct tb_buf *b) { b->p[31] = 0x0c; }
static void m_oui_8021h(struct tb_buf *b) { b->p[31] = 0xf8; }
static void m_arp(struct tb_buf *b) { b->p[33] = 0x06; }
static void m_none(struct tb_buf *b) { (void)b; }

Test(decode, wlan_non_data_and_undecodable_frames)
{
    wlan_case(m_none, LT_OK, "qos data");
    wlan_case(m_oui_8021h, LT_OK, "802.1H bridge tunnel OUI");
    wlan_case(m_beacon, LT_E_UNSUPPORTED, "beacon");
    wlan_case(m_ack, LT_E_UNSUPPORTED, "ack");
    wlan_case(m_null, LT_E_UNSUPPORTED, "null data");
    wlan_case(m_qos_null, LT_E_UNSUPPORTED, "qos null");
    wlan_case(m_version, LT_E_UNSUPPORTED, "version 1");
    wlan_case(m_protected, LT_E_UNSUPPORTED, "protected");
    wlan_case(m_more_frag, LT_E_UNSUPPORTED, "more fragments");
    wlan_case(m_frag_no, LT_E_UNSUPPORTED, "fragment 1");
    wlan_case(m_amsdu, LT_E_UNSUPPORTED, "a-msdu");
    wlan_case(m_mesh, LT_E_UNSUPPORTED, "mesh control");
    wlan_case(m_llc, LT_E_UNSUPPORTED, "not snap");
    wlan_case(m_oui, LT_E_UNSUPPORTED, "other oui");
    wlan_case(m_arp, LT_E_UNSUPPORTED, "arp");
    /* a 10-byte ACK (control frame) is non_ip, not truncated */
    static const uint8_t ack[10] = { 0xd4, 0, 0, 0, 2, 0, 0, 0, 0, 1 };
    EXPECT_ERR(105, ack, sizeof ack, sizeof ack, LT_E_UNSUPPORTED, non_ip, "ack");
}

Test(decode, wlan_links_all_header_shapes)
{
    static const enum tb_link links[] = { TB_LINK_80211, TB_LINK_RADIOTAP,
                                          TB_LINK_AVS };
    for (size_t i = 0; i < 3; i++)
        for (int v = 4; v <= 6; v += 2)
            for (int ds = 0; ds < 4; ds++)
                for (int q = 0; q < 3; q++)
                    for (int nv = 0; nv < 2; nv++) {
                        struct tb_pkt_spec s = {
                            .link = links[i], .ip_version = (uint8_t)v,
                            .wlan_ds = (uint8_t)ds, .wlan_qos = q > 0,
                            .wlan_htc = q == 2, .n_vlan = (uint8_t)nv,
                            .proto = nv ? 17 : 6,
                        };
                        char what[64];
                        snprintf(what, sizeof what, "link %zu v%d ds %d q %d vlan %d",
                                 i, v, ds, q, nv);
                        check_spec(s, what);
                    }
    /* the order bit of a non-QoS data frame does not add HT control */
    struct tb_pkt_spec s = { .link = TB_LINK_80211 };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    b.p[1] |= 0x80;
    struct lt_l4 o;
    struct lt_stats st = { 0 };
    cr_assert_eq(run_buf(105, &b, &o, &st), LT_OK);
    tb_buf_release(&b);
}

Test(decode, radiotap_fcs_and_header_errors)
{
    /* FCS flag: the last 4 bytes are not payload, even when the IP length
       does not say so */
    for (int v = 4; v <= 6; v += 2) {
        struct tb_pkt_spec s = { .link = TB_LINK_RADIOTAP, .ip_version = (uint8_t)v,
                                 .fcs = true, .proto = 17 };
        check_spec(s, "fcs");
        s.ip_len_zero = true;
        check_spec(s, "fcs, ip length 0");
        s.proto = 6;
        check_spec(s, "fcs, ip length 0, tcp");
        /* cut by snaplen: the FCS is in the part not captured */
        s.payload = PAYLOAD;
        s.payload_len = PAYLOAD_LEN;
        struct tb_buf b = { 0 };
        struct tb_pkt_off off = tb_pkt_build(&s, &b);
        struct lt_l4 o;
        struct lt_stats st = { 0 };
        cr_assert_eq(run(127, b.p, off.payload + 3, b.len, &o, &st), LT_OK);
        cr_assert_eq(o.payload.len, 3);
        cr_assert_eq(o.payload_wire_len, PAYLOAD_LEN);
        tb_buf_release(&b);
    }
    struct tb_pkt_spec s = { .link = TB_LINK_RADIOTAP, .payload = PAYLOAD,
                             .payload_len = PAYLOAD_LEN };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    struct tb_buf bad = { 0 };
    tb_buf_put(&bad, b.p, b.len);
    bad.p[0] = 1;
    EXPECT_ERR(127, bad.p, bad.len, bad.len, LT_E_MALFORMED, malformed, "version");
    bad.p[0] = 0;
    bad.p[2] = 7;
    EXPECT_ERR(127, bad.p, bad.len, bad.len, LT_E_MALFORMED, malformed, "len 7");
    bad.p[2] = 0xff;
    bad.p[3] = 0xff;
    EXPECT_ERR(127, bad.p, bad.len, bad.len, LT_E_MALFORMED, malformed, "len 65535");
    EXPECT_ERR(127, bad.p, bad.len, 70000, LT_E_TRUNCATED, truncated_headers,
               "len 65535, cut");
    memcpy(bad.p, b.p, b.len);
    bad.p[7] = 0x80; /* present bitmaps extended up to the header's end */
    EXPECT_ERR(127, bad.p, bad.len, bad.len, LT_E_MALFORMED, malformed, "ext");
    memcpy(bad.p, b.p, b.len);
    bad.p[2] = 16; /* flags announced past the header */
    EXPECT_ERR(127, bad.p, bad.len, bad.len, LT_E_MALFORMED, malformed, "flags");
    memcpy(bad.p, b.p, b.len);
    bad.p[16] = 0x10; /* FCS flag, but nothing left for it */
    EXPECT_ERR(127, bad.p, 24 + 2, 24 + 2, LT_E_MALFORMED, malformed, "fcs");
    /* an extended present bitmap (TSFT is then aligned at 16) */
    tb_buf_release(&bad);
    static const uint8_t ext_hdr[] = {
        0, 0, 32, 0, 0x03, 0, 0, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0,
        1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0, 0, 0, 0, 0, 0, 0,
    };
    tb_buf_put(&bad, ext_hdr, sizeof ext_hdr);
    tb_buf_put(&bad, b.p + 24, b.len - 24);
    tb_buf_be32(&bad, 0xfc5fc5fc);
    bad.p[32 + 32 + 2] = 0; /* IPv4 total length 0: capture and FCS decide */
    bad.p[32 + 32 + 3] = 0;
    struct lt_l4 o;
    struct lt_stats st = { 0 };
    cr_assert_eq(run_buf(127, &bad, &o, &st), LT_OK);
    cr_assert_eq(o.payload.len, PAYLOAD_LEN);
    tb_buf_release(&bad);
    tb_buf_release(&b);
}

Test(decode, avs_header_length)
{
    struct tb_pkt_spec s = { .link = TB_LINK_AVS };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    b.p[7] = 4;
    EXPECT_ERR(163, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "len 4");
    b.p[6] = 0xff;
    EXPECT_ERR(163, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "len past end");
    EXPECT_ERR(163, b.p, 7, 7, LT_E_TRUNCATED, truncated_headers, "7 bytes");
    tb_buf_release(&b);
}

Test(decode, gtp_u)
{
    for (int kind = 0; kind < 4; kind++)
        for (int ov = 4; ov <= 6; ov += 2)
            for (int iv = 4; iv <= 6; iv += 2)
                for (int dir = 0; dir < 2; dir++) {
                    struct tb_buf in = { 0 }, g = { 0 }, b = { 0 };
                    inner_pkt(&in, iv, TB_LINK_RAW);
                    gtpu_hdr(&g, kind, in.len);
                    tb_buf_put(&g, in.p, in.len);
                    outer_udp(&b, ov, dir ? 2152 : 5906, dir ? 5906 : 2152, &g);
                    char what[64];
                    snprintf(what, sizeof what, "gtp kind %d %d in %d dir %d",
                             kind, iv, ov, dir);
                    check_inner(&b, 1, iv, what);
                    size_t udp = 14 + (ov == 4 ? 20 : 40) + 8;
                    for (size_t cut = udp + 8; cut < b.len - in.len + 20; cut++)
                        EXPECT_ERR(1, b.p, cut, b.len, LT_E_TRUNCATED,
                                   truncated_headers, "%s cut %zu", what, cut);
                    tb_buf_release(&in);
                    tb_buf_release(&g);
                    tb_buf_release(&b);
                }
    struct tb_buf in = { 0 }, g = { 0 }, b = { 0 };
    inner_pkt(&in, 4, TB_LINK_RAW);
    gtpu_hdr(&g, 3, in.len);
    tb_buf_put(&g, in.p, in.len);
    size_t udp = 14 + 20 + 8;
    /* echo request, GTPv2, PT 0: plain UDP */
    static const uint8_t not_gpdu[][2] = { { 0x32, 0x01 }, { 0x48, 0xFF },
                                           { 0x20, 0xFF }, { 0x30, 0xFE } };
    for (size_t i = 0; i < 4; i++) {
        outer_udp(&b, 4, 5906, 2152, &g);
        b.p[udp] = not_gpdu[i][0];
        b.p[udp + 1] = not_gpdu[i][1];
        check_plain_udp(&b, 2152, g.len, "not a g-pdu");
        tb_buf_release(&b);
    }
    /* a short datagram: plain UDP */
    struct tb_buf tiny = { 0 };
    tb_buf_put(&tiny, g.p, 7);
    outer_udp(&b, 4, 5906, 2152, &tiny);
    check_plain_udp(&b, 2152, 7, "7 bytes");
    tb_buf_release(&b);
    tb_buf_release(&tiny);
    outer_udp(&b, 4, 5906, 2152, &g);
    b.p[udp + 12] = 0; /* extension length 0 */
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "ext len 0");
    b.p[udp + 12] = 1;
    b.p[udp + 2] = 0;
    b.p[udp + 3] = 10; /* GTP length ends inside the extensions */
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "gtp len 10");
    b.p[udp + 3] = (uint8_t)(16 + in.len);
    b.p[udp + 23] = 0x85; /* the chain goes on into the inner packet */
    b.p[udp + 24] = 0x7f;
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "long chain");
    tb_buf_release(&b);
    /* a G-PDU carrying neither IPv4 nor IPv6 */
    outer_udp(&b, 4, 5906, 2152, &g);
    b.p[udp + 24] = 0x00;
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "non-ip pdu");
    tb_buf_release(&b);
    tb_buf_release(&g);
    tb_buf_release(&in);
}

Test(decode, teredo)
{
    for (int kind = 0; kind < 4; kind++)
        for (int dir = 0; dir < 2; dir++) {
            struct tb_buf in = { 0 }, t = { 0 }, b = { 0 };
            teredo_hdr(&t, kind);
            inner_pkt(&in, 6, TB_LINK_RAW);
            tb_buf_put(&t, in.p, in.len);
            outer_udp(&b, 4, dir ? 3544 : 3797, dir ? 3797 : 3544, &t);
            char what[32];
            snprintf(what, sizeof what, "teredo %d dir %d", kind, dir);
            check_inner(&b, 1, 6, what);
            /* padding after the IPv6 packet: not Teredo */
            tb_buf_release(&b);
            tb_buf_u8(&t, 0);
            outer_udp(&b, 4, dir ? 3544 : 3797, dir ? 3797 : 3544, &t);
            check_plain_udp(&b, dir ? 3797 : 3544, t.len, what);
            tb_buf_release(&in);
            tb_buf_release(&t);
            tb_buf_release(&b);
        }
    /* IPv4, or a cut IPv6 header: plain UDP */
    struct tb_buf in = { 0 }, b = { 0 };
    inner_pkt(&in, 4, TB_LINK_RAW);
    outer_udp(&b, 4, 3797, 3544, &in);
    check_plain_udp(&b, 3544, in.len, "ipv4 on 3544");
    tb_buf_release(&b);
    tb_buf_release(&in);
    inner_pkt(&in, 6, TB_LINK_RAW);
    in.len = 39;
    outer_udp(&b, 4, 3797, 3544, &in);
    check_plain_udp(&b, 3544, 39, "39 bytes");
    tb_buf_release(&b);
    tb_buf_release(&in);
}

/* Tunnel k of n wraps cur in: GRE-in-UDP, GTP-U, Teredo (IPv6 only),
   Aruba GRE, in turn. */
static void nest_udp(struct tb_buf *b, int n)
{
    struct tb_buf cur = { 0 };
    inner_pkt(&cur, 6, TB_LINK_RAW);
    for (int i = 0; i < n; i++) {
        struct tb_buf l4 = { 0 }, next = { 0 }, w = { 0 };
        int v = i % 4 == 2 ? 4 : 6; /* Teredo needs an IPv6 inner packet */
        uint16_t et = (cur.p[0] >> 4) == 6 ? 0x86DD : 0x0800;
        struct tb_pkt_spec s = { .link = i + 1 == n ? TB_LINK_ETH : TB_LINK_RAW,
                                 .ip_version = (uint8_t)v, .proto = 17 };
        switch (i % 4) {
        case 0:
            tb_pkt_gre(&l4, 0, et, cur.p, cur.len);
            s.dport = 4754;
            break;
        case 1:
            gtpu_hdr(&l4, 2, cur.len);
            tb_buf_put(&l4, cur.p, cur.len);
            s.dport = 2152;
            break;
        case 2:
            teredo_hdr(&l4, 2);
            tb_buf_put(&l4, cur.p, cur.len);
            s.dport = 3544;
            break;
        default:
            tb_pkt_80211(&w, 1, true, false, et);
            tb_buf_put(&w, cur.p, cur.len);
            tb_pkt_gre(&l4, 0, 0x8200, w.p, w.len);
            s.proto = 47;
            break;
        }
        s.payload = l4.p;
        s.payload_len = l4.len;
        tb_pkt_build(&s, &next);
        tb_buf_release(&cur);
        tb_buf_release(&l4);
        tb_buf_release(&w);
        cur = next;
    }
    *b = cur;
}

Test(decode, udp_tunnel_nesting_is_bounded)
{
    struct tb_buf b;
    for (int n = 1; n <= LT_DECODE_MAX_TUNNELS; n++) {
        nest_udp(&b, n);
        check_inner(&b, 1, 6, "udp tunnels");
        tb_buf_release(&b);
    }
    nest_udp(&b, LT_DECODE_MAX_TUNNELS + 1);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "one too many");
    tb_buf_release(&b);
    nest_udp(&b, 12);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "12 layers");
    tb_buf_release(&b);
}

/* Geneve header (RFC 8926 §3.4): version ver, opt_words 4-byte words of
   options (one option TLV header plus zero data), protocol type pt. */
static void geneve_hdr(struct tb_buf *b, int ver, int opt_words, uint16_t pt)
{
    tb_buf_u8(b, (uint8_t)(ver << 6 | opt_words));
    tb_buf_u8(b, 0x00);          /* O, C, reserved */
    tb_buf_be16(b, pt);
    tb_buf_be32(b, 0x00abcd00);  /* VNI, reserved */
    for (int i = 0; i < opt_words; i++)
        tb_buf_be32(b, i == 0 ? 0x01020300u | (unsigned)(opt_words - 1) : 0xdeadbeef);
}

Test(decode, geneve)
{
    for (int ov = 4; ov <= 6; ov += 2)
        for (int kind = 0; kind < 3; kind++)
            for (int opt = 0; opt <= 63; opt += 21) {
                /* kind 0: Ethernet, 1: IPv4, 2: IPv6 */
                struct tb_buf g = { 0 }, b = { 0 };
                int iv = kind == 1 ? 4 : 6;
                uint16_t pt = kind == 0 ? 0x6558 : kind == 1 ? 0x0800 : 0x86DD;
                geneve_hdr(&g, 0, opt, pt);
                inner_pkt(&g, iv, kind == 0 ? TB_LINK_ETH : TB_LINK_RAW);
                outer_udp(&b, ov, 50000, 6081, &g);
                char what[48];
                snprintf(what, sizeof what, "geneve ov %d kind %d opt %d", ov, kind, opt);
                check_inner(&b, 1, iv, what);
                /* a capture cut inside the options (or, without options,
                   inside the inner header) is truncation */
                size_t at = 14 + (ov == 4 ? 20 : 40) + 8 + 8 +
                            (opt ? (size_t)opt * 4 - 1 : 1);
                EXPECT_ERR(1, b.p, at, b.len, LT_E_TRUNCATED, truncated_headers, "%s cut", what);
                tb_buf_release(&g);
                tb_buf_release(&b);
            }
    /* options longer than the datagram: malformed (the UDP length says so) */
    struct tb_buf g = { 0 }, b = { 0 };
    geneve_hdr(&g, 0, 0, 0x0800);
    g.p[0] = 10; /* 40 bytes of options, none there */
    tb_buf_be32(&g, 0);
    outer_udp(&b, 4, 50000, 6081, &g);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_MALFORMED, malformed, "geneve options past end");
    tb_buf_release(&g);
    tb_buf_release(&b);
    /* not Geneve: another version, another protocol type, too short */
    geneve_hdr(&g, 1, 0, 0x0800);
    inner_pkt(&g, 4, TB_LINK_RAW);
    outer_udp(&b, 4, 50000, 6081, &g);
    check_plain_udp(&b, 6081, g.len, "geneve version 1");
    tb_buf_release(&g);
    tb_buf_release(&b);
    geneve_hdr(&g, 0, 0, 0x0806);
    tb_buf_put(&g, "arp arp arp arp arp arp arp", 28);
    outer_udp(&b, 4, 50000, 6081, &g);
    check_plain_udp(&b, 6081, g.len, "geneve arp");
    tb_buf_release(&g);
    tb_buf_release(&b);
    tb_buf_put(&g, "\x00\x00\x08\x00\x00", 5);
    outer_udp(&b, 4, 50000, 6081, &g);
    check_plain_udp(&b, 6081, 5, "short udp 6081");
    tb_buf_release(&g);
    tb_buf_release(&b);
    /* source port 6081 alone is not Geneve */
    geneve_hdr(&g, 0, 0, 0x0800);
    inner_pkt(&g, 4, TB_LINK_RAW);
    outer_udp(&b, 4, 6081, 50000, &g);
    check_plain_udp(&b, 50000, g.len, "geneve source port");
    tb_buf_release(&g);
    tb_buf_release(&b);
}

/* Geneve inside Geneve n times: bounded by LT_DECODE_MAX_TUNNELS. */
static void nest_geneve(struct tb_buf *b, int n)
{
    struct tb_buf cur = { 0 };
    inner_pkt(&cur, 4, TB_LINK_RAW);
    for (int i = 0; i < n; i++) {
        struct tb_buf g = { 0 }, next = { 0 };
        geneve_hdr(&g, 0, i % 3, 0x0800);
        tb_buf_put(&g, cur.p, cur.len);
        struct tb_pkt_spec s = { .link = i + 1 == n ? TB_LINK_ETH : TB_LINK_RAW,
                                 .ip_version = 4, .proto = 17, .dport = 6081,
                                 .payload = g.p, .payload_len = g.len };
        tb_pkt_build(&s, &next);
        tb_buf_release(&cur);
        tb_buf_release(&g);
        cur = next;
    }
    *b = cur;
}

Test(decode, geneve_nesting_is_bounded)
{
    struct tb_buf b;
    for (int n = 1; n <= LT_DECODE_MAX_TUNNELS; n++) {
        nest_geneve(&b, n);
        check_inner(&b, 1, 4, "geneve in geneve");
        tb_buf_release(&b);
    }
    nest_geneve(&b, LT_DECODE_MAX_TUNNELS + 1);
    EXPECT_ERR(1, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "one too many");
    tb_buf_release(&b);
}

/* ---- PPP, Cisco HDLC, ARCNET --------------------------------------------- */

Test(decode, ppp_variants)
{
    for (int v = 4; v <= 6; v += 2)
        for (int mpls = 0; mpls <= 2; mpls++) {
            struct tb_pkt_spec s = { .link = TB_LINK_PPP, .ip_version = (uint8_t)v,
                                     .n_mpls = (uint8_t)mpls };
            check_spec(s, "ppp ff03");
            s.ppp_compress = true;
            check_spec(s, "ppp compressed");
            s.link = TB_LINK_PPP_HDLC;
            check_spec(s, "ppp hdlc");
            s.link = TB_LINK_CHDLC;
            check_spec(s, "chdlc");
        }
    /* without FF 03, 2-byte protocol (as in quic-go captures) */
    struct tb_pkt_spec s = { .link = TB_LINK_PPP, .ip_version = 6 };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    struct lt_l4 o;
    struct lt_stats st = { 0 };
    cr_assert_eq(run(9, b.p + 2, b.len - 2, b.len - 2, &o, &st), LT_OK);
    cr_assert_eq(o.ip_version, 6);
    /* Cisco PPP with HDLC framing on link type 50 */
    b.p[0] = 0x0F;
    b.p[1] = 0x00;
    b.p[2] = 0x86;
    b.p[3] = 0xDD;
    cr_assert_eq(run_buf(50, &b, &o, &st), LT_OK);
    cr_assert_eq(o.ip_version, 6);
    EXPECT_ERR(50, b.p, 3, 3, LT_E_TRUNCATED, truncated_headers, "cisco 3 bytes");
    /* LCP, IPCP, FF followed by something else */
    b.p[0] = 0xFF;
    b.p[1] = 0x03;
    b.p[2] = 0xC0;
    b.p[3] = 0x21;
    EXPECT_ERR(9, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "lcp");
    b.p[2] = 0x80;
    EXPECT_ERR(50, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "ipcp");
    b.p[1] = 0x05;
    EXPECT_ERR(9, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "ff 05");
    EXPECT_ERR(9, b.p, 0, 0, LT_E_TRUNCATED, truncated_headers, "empty");
    tb_buf_release(&b);
    /* SLARP on Cisco HDLC */
    struct tb_pkt_spec sc = { .link = TB_LINK_CHDLC, .ethertype = 0x8035 };
    tb_pkt_build(&sc, &b);
    EXPECT_ERR(104, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "slarp");
    tb_buf_release(&b);
    /* PPPoE link type: discovery, LCP */
    struct tb_pkt_spec sp = { .link = TB_LINK_PPPOE };
    tb_pkt_build(&sp, &b);
    b.p[1] = 0x09;
    EXPECT_ERR(51, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "padi");
    b.p[1] = 0;
    b.p[6] = 0xC0;
    EXPECT_ERR(51, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "lcp");
    tb_buf_release(&b);
}

Test(decode, arcnet_linux)
{
    for (int v = 4; v <= 6; v += 2)
        for (int f = 0; f < 2; f++) {
            struct tb_pkt_spec s = { .link = TB_LINK_ARCNET,
                                     .ip_version = (uint8_t)v,
                                     .arcnet_1051 = f };
            check_spec(s, "arcnet");
        }
    struct tb_pkt_spec s = { .link = TB_LINK_ARCNET, .ethertype = 0x0806 };
    struct tb_buf b = { 0 };
    tb_pkt_build(&s, &b);
    EXPECT_ERR(129, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "arp 1201");
    tb_buf_release(&b);
    s.arcnet_1051 = true;
    tb_pkt_build(&s, &b);
    EXPECT_ERR(129, b.p, b.len, b.len, LT_E_UNSUPPORTED, non_ip, "arp 1051");
    tb_buf_release(&b);
}

/* ---- real captures from the conformance corpus ---------------------------- */

struct corpus_counts {
    unsigned packets, ok, tunneled, requests, tcp, udp, v6, frags;
};

static bool is_request_line(const uint8_t *p, size_t n)
{
    static const char *const m[] = { "GET ", "POST ", "HEAD ", "PUT ",
                                     "OPTIONS ", "DELETE ", "CONNECT " };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        size_t l = strlen(m[i]);
        if (n >= l && !memcmp(p, m[i], l))
            return true;
    }
    return false;
}

/* Decodes every packet of a classic pcap file of the corpus (directory
   $LT_CORPUS_DIR, default /work/shared/corpus); false when it is absent. */
static bool corpus_file(const char *name, uint32_t want_lt,
                        struct corpus_counts *k)
{
    const char *dir = getenv("LT_CORPUS_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "/work/shared/corpus", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    memset(k, 0, sizeof *k);
    uint8_t gh[24];
    cr_assert_eq(fread(gh, 1, 24, f), 24);
    int le = gh[0] == 0xd4 || gh[0] == 0x4d;
#define RD32(q) (le ? (uint32_t)(q)[0] | (uint32_t)(q)[1] << 8 |            \
                          (uint32_t)(q)[2] << 16 | (uint32_t)(q)[3] << 24   \
                    : (uint32_t)(q)[3] | (uint32_t)(q)[2] << 8 |            \
                          (uint32_t)(q)[1] << 16 | (uint32_t)(q)[0] << 24)
    uint32_t lt = RD32(gh + 20);
    cr_assert_eq(lt, want_lt, "%s: link type %u", name, lt);
    uint8_t rh[16];
    struct tb_buf pkt = { 0 };
    while (fread(rh, 1, 16, f) == 16) {
        uint32_t cl = RD32(rh + 8), ol = RD32(rh + 12);
        cr_assert(cl <= 262144);
        pkt.len = 0;
        tb_buf_zero(&pkt, cl);
        if (fread(pkt.p, 1, cl, f) != cl)
            break;
        struct lt_l4 o;
        struct lt_stats st = { 0 };
        k->packets++;
        if (run(lt, pkt.p, cl, ol, &o, &st) != LT_OK) {
            k->frags += (unsigned)st.ip_fragments;
            continue;
        }
        k->ok++;
        k->tunneled += (unsigned)st.tunneled;
        k->v6 += o.ip_version == 6;
        k->udp += o.proto == 17;
        if (o.proto == 6) {
            k->tcp++;
            k->requests += is_request_line(o.payload.p, o.payload.len);
        }
    }
#undef RD32
    tb_buf_release(&pkt);
    fclose(f);
    return true;
}

#define CORPUS(name, lt, k)                                               \
    do {                                                                  \
        if (!corpus_file(name, lt, k)) {                                  \
            cr_skip_test("corpus file %s not found", name);              \
            return;                                                       \
        }                                                                 \
        cr_log_info("%s: %u packets, %u ok, %u tunneled, %u tcp, %u udp, " \
                    "%u requests", name, (k)->packets, (k)->ok,           \
                    (k)->tunneled, (k)->tcp, (k)->udp, (k)->requests);    \
    } while (0)

Test(decode, corpus_gre_aruba)
{
    struct corpus_counts k;
    CORPUS("zeek__testing__btest__Traces__tunnels__gre-aruba.pcap", 1, &k);
    cr_assert_eq(k.requests, 52);
    cr_assert(k.tunneled > 2000 && k.ok == k.packets, "%u/%u", k.tunneled, k.packets);
}

Test(decode, corpus_gre_over_udp_4754)
{
    struct corpus_counts k;
    CORPUS("zeek__testing__btest__Traces__tunnels__gre-over-udp-4754.pcap", 1, &k);
    cr_assert_eq(k.requests, 1);
    cr_assert_eq(k.tunneled, k.packets);
}

Test(decode, corpus_gtp_different_udp_port)
{
    struct corpus_counts k;
    CORPUS("zeek__testing__btest__Traces__tunnels__gtp__gtp2_different_udp_port.pcap",
           1, &k);
    cr_assert_eq(k.requests, 2);
    /* the rest are outer IPv4 fragments */
    cr_assert_eq(k.tunneled, k.ok);
    cr_assert_eq(k.ok + k.frags, k.packets);
}

Test(decode, corpus_geneve_gre)
{
    struct corpus_counts k;
    /* Geneve -> IPv4 -> GRE -> IPv4 -> TCP */
    CORPUS("suricata-verify__tests__bug-6402-01__input.pcap", 1, &k);
    cr_assert_eq(k.requests, 1);
    cr_assert_eq(k.tunneled, k.ok);
    cr_assert_eq(k.ok, k.packets);
}

Test(decode, corpus_chdlc)
{
    struct corpus_counts k;
    CORPUS("suricata-verify__tests__decode-chdlc-01__hdlc-http_1tx.pcap", 104, &k);
    cr_assert_eq(k.requests, 1);
    cr_assert_eq(k.ok, k.packets);
}

Test(decode, corpus_arcnet)
{
    struct corpus_counts k;
    CORPUS("tcpdump__tests__arcnet-rfc1051-arp-icmp-http.pcap", 129, &k);
    cr_assert_eq(k.requests, 1);
    cr_assert_eq(k.ok, k.packets - 4, "all but the four ARP packets");
}

Test(decode, corpus_wlan_radiotap_ppp_teredo)
{
    struct corpus_counts k;
    CORPUS("zeek__testing__btest__Traces__wlanmon.pcap", 105, &k);
    cr_assert_eq(k.ok, 3);
    cr_assert_eq(k.udp, 3);
    CORPUS("zeek__testing__btest__Traces__radiotap.pcap", 127, &k);
    cr_assert_eq(k.ok, 3);
    cr_assert_eq(k.udp, 3);
    CORPUS("zeek__testing__btest__Traces__quic__interop__quic-go_quic-go__zerortt.pcap",
           9, &k);
    cr_assert_eq(k.ok, k.packets);
    CORPUS("tcpdump__tests__mpls-traceroute.pcap", 9, &k);
    cr_assert_eq(k.ok, k.packets);
    CORPUS("zeek__testing__btest__Traces__tunnels__Teredo.pcap", 1, &k);
    /* 4 packets to or from port 3544; the relayed ones (3797 <-> 32900) are
       not recognised */
    cr_assert_eq(k.tunneled, 4);
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

/* Links whose header ends in an Ethertype (VLAN tags may follow). */
static bool has_ethertype(enum tb_link l)
{
    return l == TB_LINK_ETH || l == TB_LINK_SLL || l == TB_LINK_SLL2 ||
           l == TB_LINK_CHDLC || l == TB_LINK_80211 || l == TB_LINK_RADIOTAP ||
           l == TB_LINK_AVS;
}

Test(decode, every_prefix_of_the_headers_is_truncated)
{
    static const enum tb_link links[] = {
        TB_LINK_ETH,  TB_LINK_SLL,  TB_LINK_SLL2,  TB_LINK_RAW,  TB_LINK_IPV4,
        TB_LINK_IPV6, TB_LINK_NULL, TB_LINK_LOOP,  TB_LINK_NFLOG,
        TB_LINK_PPP,  TB_LINK_PPP_HDLC, TB_LINK_PPPOE, TB_LINK_CHDLC,
        TB_LINK_ARCNET, TB_LINK_80211, TB_LINK_RADIOTAP, TB_LINK_AVS,
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
                        .n_vlan = extra == 1 && has_ethertype(links[i]) ? 2 : 0,
                        .wlan_qos = extra == 1, .wlan_htc = extra == 2,
                        .wlan_ds = (uint8_t)extra + 1,
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
    static const uint32_t lts[] = { 7, 119, 147, 9999, 0xffffffffu };
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
    s.link = (enum tb_link)tb_rng_below(r, TB_LINK_AVS + 1);
    s.ip_version = s.link == TB_LINK_IPV6 ? 6
                   : s.link == TB_LINK_IPV4 ? 4
                   : tb_rng_below(r, 2) ? 6 : 4;
    if (has_ethertype(s.link)) {
        s.n_vlan = (uint8_t)tb_rng_below(r, 3);
        s.n_mpls = (uint8_t)tb_rng_below(r, 3);
        s.pppoe = tb_rng_below(r, 4) == 0;
    }
    s.wlan_ds = (uint8_t)tb_rng_below(r, 4);
    s.wlan_qos = tb_rng_below(r, 2);
    s.wlan_htc = tb_rng_below(r, 2);
    s.fcs = s.link == TB_LINK_RADIOTAP && tb_rng_below(r, 2);
    s.ppp_compress = tb_rng_below(r, 2);
    s.arcnet_1051 = tb_rng_below(r, 2);
    s.proto = protos[tb_rng_below(r, sizeof protos)];
    if (s.proto == 17) {
        static const uint16_t ports[] = { 4789, 4754, 2152, 3544, 53 };
        s.dport = ports[tb_rng_below(r, sizeof ports / sizeof ports[0])];
        if (s.dport == 2152 && tb_rng_below(r, 2)) {
            s.sport = 2152;
            s.dport = 53;
        }
    }
    s.n_ip6_ext = tb_rng_below(r, 4);
    for (size_t i = 0; i < s.n_ip6_ext; i++)
        s.ip6_ext[i] = exts[tb_rng_below(r, sizeof exts)];
    s.ip_len_zero = tb_rng_below(r, 8) == 0;
    s.eth_pad = tb_rng_below(r, 3) ? 0 : tb_rng_below(r, 30);
    /* the payload is random bytes, or a nested packet for tunnel protocols */
    scratch->len = 0;
    if (s.proto == 4 || s.proto == 41 || s.proto == 47 || (s.proto == 17 &&
                                                          s.dport != 53)) {
        struct tb_buf in = { 0 };
        struct tb_pkt_spec is = { .link = s.dport == 4789 ? TB_LINK_ETH : TB_LINK_RAW,
                                  .ip_version = s.proto == 41 || s.dport == 3544
                                                        || tb_rng_below(r, 2)
                                                    ? 6 : 4,
                                  .payload = "inner", .payload_len = 5 };
        if (s.proto == 4)
            is.ip_version = 4;
        tb_pkt_build(&is, &in);
        uint16_t et = is.ip_version == 6 ? 0x86DD : 0x0800;
        if (s.proto == 47 || s.dport == 4754) {
            if (tb_rng_below(r, 4) == 0) { /* Aruba: 802.11 in GRE */
                struct tb_buf w = { 0 };
                tb_pkt_80211(&w, (uint8_t)tb_rng_below(r, 4), tb_rng_below(r, 2),
                             tb_rng_below(r, 2), et);
                tb_buf_put(&w, in.p, in.len);
                tb_pkt_gre(scratch, 0, 0x8210, w.p, w.len);
                tb_buf_release(&w);
            } else {
                tb_pkt_gre(scratch, (uint16_t)(tb_rng_below(r, 16) << 12), et,
                           in.p, in.len);
            }
        } else if (s.dport == 4789) {
            tb_buf_be32(scratch, 0x08000000);
            tb_buf_be32(scratch, 0);
            tb_buf_put(scratch, in.p, in.len);
        } else if (s.dport == 2152 || s.sport == 2152) {
            gtpu_hdr(scratch, (int)tb_rng_below(r, 4), in.len);
            tb_buf_put(scratch, in.p, in.len);
        } else if (s.dport == 3544) {
            teredo_hdr(scratch, (int)tb_rng_below(r, 4));
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
    static const uint32_t lts[] = { 0,  1,   12,  14,  101, 108, 113, 228, 229,
                                    239, 276, 9,   50,  51,  104, 105, 127, 129,
                                    163 };
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
