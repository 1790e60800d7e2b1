/* SPDX-License-Identifier: MIT */
/*
 * decode.h - link, network and transport header decoding (fmt layer; base/).
 * Pure: reads the packet bytes, fills a struct pointing into them, counts
 * what it saw in stats. Never allocates, never reads past caplen.
 *
 * Link types: Ethernet (1) with 802.1Q / 802.1ad / QinQ tags, Linux cooked
 * SLL (113) and SLL2 (276), raw IP (101, 228 IPv4, 229 IPv6, and the DLT_RAW
 * values 12 and 14), BSD null/loopback (0, 108), NFLOG (239), PPP (9, 50;
 * with or without FF 03, compressed protocol field), PPPoE (51), Cisco HDLC
 * (104), ARCNET Linux (129), IEEE 802.11 (105), with radiotap (127; FCS
 * dropped when its flags say so) or AVS (163) headers: data frames only,
 * LLC/SNAP, not protected. Inside: IPv4 with options, IPv6 with extension
 * headers, IP-in-IP, GRE (incl. ERSPAN I/II/III and Aruba 0x8200-0x82F0
 * 802.11), VXLAN (UDP 4789), Geneve (UDP 6081), GRE-in-UDP (UDP 4754),
 * GTP-U G-PDUs (UDP 2152 either side), Teredo (UDP 3544 either side),
 * MPLS, PPPoE session. IP
 * fragments are recognised and counted, not reassembled.
 */
#ifndef LT_FMT_DECODE_H
#define LT_FMT_DECODE_H

#include <stdint.h>

#include "../base/err.h"
#include "../base/span.h"
#include "../base/stats.h"

#define LT_TCP_FIN 0x01
#define LT_TCP_SYN 0x02
#define LT_TCP_RST 0x04
#define LT_TCP_PSH 0x08
#define LT_TCP_ACK 0x10

/* IP-in-IP, GRE, VXLAN, GRE-in-UDP, GTP-U and Teredo layers one packet may
   nest. */
#define LT_DECODE_MAX_TUNNELS 4

struct lt_l4 {
    uint8_t ip_version;         /* 4 or 6 (innermost IP header) */
    uint8_t proto;              /* innermost L4 protocol: 6 TCP, 17 UDP, ... */
    uint8_t tcp_flags;          /* LT_TCP_* */
    uint8_t src[16], dst[16];   /* addresses; IPv4 in the first 4 bytes, rest 0 */
    uint16_t sport, dport;      /* TCP/UDP ports (0 otherwise) */
    uint32_t seq, ack;          /* TCP */
    struct lt_span payload;     /* L4 payload as captured (clipped to the IP
                                   length: Ethernet padding is not payload) */
    uint32_t payload_wire_len;  /* L4 payload length on the wire; larger than
                                   payload.len when snaplen cut the packet */
    const uint8_t *eth_src;     /* outermost Ethernet source MAC or NULL */
    const uint8_t *eth_dst;     /* outermost Ethernet destination MAC or NULL */
};

/*
 * lt_decode_packet() - decode p[0..caplen) of link type linktype; origlen is
 * the packet's length on the wire. Returns:
 *   LT_OK            *out describes an IP packet with a TCP, UDP or other L4
 *                    header (check out->proto)
 *   LT_E_UNSUPPORTED not for us: non-IP, unknown link type, an IP
 *                    fragment, first or not (counted: non_ip,
 *                    link_unsupported, ip_fragments)
 *   LT_E_TRUNCATED   headers cut by snaplen (counted: truncated_headers)
 *   LT_E_MALFORMED   impossible header values (counted: malformed)
 * Counts ipv4 / ipv6 / tcp_segments / udp_datagrams / other_l4 / tunneled on
 * success, exactly one error counter otherwise; st may be NULL (no counts).
 * *out is fully written on LT_OK, unspecified otherwise; its pointers are
 * borrowed from p. Details:
 *   - tunnels nested deeper than LT_DECODE_MAX_TUNNELS: LT_E_UNSUPPORTED
 *     (non_ip); GRE other than version 0 without routing, and UDP to 4789
 *     without the VXLAN I flag, are returned as they are (proto 47 / 17);
 *     so is UDP on the GRE-in-UDP, GTP-U or Teredo ports whose payload does
 *     not start with such a header (GTP-U: GTPv1 with PT set and message
 *     type 0xFF; Teredo: an IPv6 header, after the optional authentication
 *     and origin indication, whose length ends exactly with the datagram)
 *   - 802.11 management/control/null frames, protected frames, fragments
 *     and A-MSDUs, and a GTP-U G-PDU carrying neither IPv4 nor IPv6:
 *     LT_E_UNSUPPORTED (non_ip)
 *   - 0x88BE with the GRE S bit is ERSPAN II (8-byte header), without it
 *     ERSPAN I (Ethernet right after GRE)
 *   - tcp_flags is the whole flags byte (URG, ECE, CWR included)
 *   - IPv6 atomic fragments (offset 0, M 0) decode as whole packets
 * Pure and reentrant.
 */
enum lt_err lt_decode_packet(uint32_t linktype, const uint8_t *p,
                             uint32_t caplen, uint32_t origlen,
                             struct lt_l4 *out, struct lt_stats *st);

#endif
