/* SPDX-License-Identifier: MIT */
/*
 * tb_packet.h - test and bench helper: build one captured frame (link layer,
 * IPv4/IPv6, TCP/UDP or raw L4) from a spec. A zero-initialised spec is
 * Ethernet / IPv4 / TCP 10.0.0.1:40000 -> 10.0.0.2:80, flags ACK, no
 * payload. Checksums (IPv4 header, TCP, UDP) are filled in.
 *
 *   struct tb_pkt_spec s = { .payload = "GET / HTTP/1.1\r\n\r\n",
 *                            .payload_len = 18, .seq = 1000 };
 *   struct tb_buf b = { 0 };
 *   struct tb_pkt_off o = tb_pkt_build(&s, &b);
 *   write b.p[0..b.len) with linktype tb_pkt_linktype(&s)
 *
 * Tunnels: set proto to 4 / 41 / 47 (or UDP to port 4789) and put the
 * encapsulated bytes (tb_pkt_gre(), another tb_pkt_build() with a raw-IP or
 * Ethernet link) in payload.
 */
#ifndef TB_PACKET_H
#define TB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tb_buf.h"

enum tb_link {
    TB_LINK_ETH = 0,      /* 1 Ethernet */
    TB_LINK_SLL,          /* 113 Linux cooked v1 */
    TB_LINK_SLL2,         /* 276 Linux cooked v2 */
    TB_LINK_RAW,          /* 101 raw IP */
    TB_LINK_IPV4,         /* 228 (use with IPv4) */
    TB_LINK_IPV6,         /* 229 (use with IPv6) */
    TB_LINK_NULL,         /* 0 BSD null, family in host byte order */
    TB_LINK_NULL_SWAPPED, /* 0 BSD null, family byte-swapped (other host) */
    TB_LINK_LOOP,         /* 108 OpenBSD loop, family in network order */
    TB_LINK_NFLOG,        /* 239 Linux NFLOG */
    TB_LINK_PPP,          /* 9 PPP: FF 03 + 2-byte protocol, or without
                             FF 03 and a 1-byte protocol (ppp_compress) */
    TB_LINK_PPP_HDLC,     /* 50 PPP in HDLC-like framing (FF 03) */
    TB_LINK_PPPOE,        /* 51 PPPoE session header first */
    TB_LINK_CHDLC,        /* 104 Cisco HDLC */
    TB_LINK_ARCNET,       /* 129 ARCNET (Linux): RFC 1201 header, or RFC 1051
                             for IPv4 with arcnet_1051 */
    TB_LINK_80211,        /* 105 802.11 data frame (see wlan_*) + LLC/SNAP */
    TB_LINK_RADIOTAP,     /* 127 radiotap (TSFT, flags) + 802.11 */
    TB_LINK_AVS,          /* 163 AVS 64-byte header + 802.11 */
};

struct tb_pkt_spec {
    /* link layer */
    enum tb_link link;
    uint8_t n_vlan;           /* Ethernet/SLL/SLL2: 0, 1 (802.1Q) or 2 tags */
    uint16_t vlan_outer_tpid; /* outer TPID with 2 tags; 0 = 0x88A8 */
    uint8_t n_mpls;           /* Ethernet/SLL/SLL2: MPLS labels before IP */
    bool pppoe;               /* Ethernet: PPPoE session header before IP */
    bool llc_snap;            /* Ethernet: 802.3 length + LLC/SNAP */
    uint16_t ethertype;       /* 0 = IPv4/IPv6 by version (e.g. 0x0806) */
    uint32_t family;          /* NULL/LOOP: AF value; 0 = 2 or 30 (IPv6) */
    size_t eth_pad;           /* zero bytes after the IP packet */
    bool ppp_compress;        /* PPP: no FF 03, 1-byte protocol */
    bool arcnet_1051;         /* ARCNET IPv4: RFC 1051 header (id 240) */
    uint8_t wlan_ds;          /* 802.11: ToDS 1 / FromDS 2 bits (3: addr 4) */
    bool wlan_qos;            /* 802.11: QoS data (+2 bytes QoS control) */
    bool wlan_htc;            /* 802.11 QoS: order bit, +4 HT control */
    bool fcs;                 /* radiotap: FCS flag, 4 bytes after eth_pad */

    /* network layer */
    uint8_t ip_version;       /* 0 or 4 = IPv4, 6 = IPv6 */
    const char *src, *dst;    /* text; NULL = 10.0.0.1 / 10.0.0.2 or
                                 fd00::1 / fd00::2 */
    uint8_t ttl;              /* 0 = 64 */
    const void *ip4_opts;     /* IPv4 options, padded with 0 (EOL) to 4n */
    size_t ip4_opts_len;      /* <= 40 */
    uint8_t ip6_ext[8];       /* IPv6 extension header types, in order:
                                 0, 43, 60, 51, 135, 44 (8 bytes each, AH 16) */
    size_t n_ip6_ext;
    uint16_t frag_offset;     /* fragment offset in 8-byte units */
    bool more_frags;          /* MF / M; IPv6 gets a fragment header (if not
                                 in ip6_ext) when this or frag_offset is set */
    bool ip_len_zero;         /* IPv4 total / IPv6 payload length 0 (TSO) */

    /* transport layer */
    uint8_t proto;            /* 0 = TCP (6), 17 = UDP; anything else: the
                                 payload is the whole L4 part */
    uint16_t sport, dport;    /* 0 = 40000 / 80 */
    uint32_t seq, ack;
    uint8_t tcp_flags;        /* 0 = ACK, + PSH with a payload ... */
    bool tcp_flags_exact;     /* ... unless set: then tcp_flags as is */
    const void *tcp_opts;     /* TCP options, padded with 0 (EOL) to 4n */
    size_t tcp_opts_len;      /* <= 40 */
    const void *payload;
    size_t payload_len;
};

/* Offsets inside the built frame (relative to where it starts in out). */
struct tb_pkt_off {
    size_t l3;      /* first IP header */
    size_t l4;      /* TCP/UDP header or raw L4 payload */
    size_t payload; /* L4 payload */
    size_t end;     /* end of the IP packet (padding follows) */
    size_t len;     /* whole frame */
};

/* LINKTYPE_* value for s->link. */
uint32_t tb_pkt_linktype(const struct tb_pkt_spec *s);

/* Append the frame described by s to out; aborts on a bad spec. */
struct tb_pkt_off tb_pkt_build(const struct tb_pkt_spec *s, struct tb_buf *out);

/* Append a GRE header (RFC 2784/2890: flags may have C 0x8000, K 0x2000,
   S 0x1000; their fields are written as zeros) with protocol proto, then
   inner[0..n), to out. */
void tb_pkt_gre(struct tb_buf *out, uint16_t flags, uint16_t proto,
                const void *inner, size_t n);

/* Append an 802.11 data frame header (frame control from ds/qos/htc as in
   tb_pkt_spec, sequence 0x1230, QoS TID 0) and LLC/SNAP with ethertype. */
void tb_pkt_80211(struct tb_buf *out, uint8_t ds, bool qos, bool htc,
                  uint16_t ethertype);

#endif
