/* SPDX-License-Identifier: MIT */
/*
 * decode.c - link, network and transport header decoding (fmt layer; base/).
 *
 * How it works: a small context tracks the region of the packet that the
 * current layer may use. cap_end is where its captured bytes end, wire_end
 * where they end on the wire (>= cap_end always). Each IP header narrows the
 * region to its own length (this is what drops Ethernet padding), and once a
 * length has been declared by a header (has_len), a header that would run
 * past wire_end is impossible (malformed) rather than cut by snaplen
 * (truncated). Link and L2.5 headers (VLAN, MPLS, PPPoE, LLC/SNAP) are walked
 * by loops bounded by the captured length; tunnels (IP-in-IP, GRE, ERSPAN,
 * VXLAN, Geneve, GRE-in-UDP, GTP-U, Teredo) recurse, bounded by
 * LT_DECODE_MAX_TUNNELS. IEEE 802.11 data frames (link types 105, 127, 163,
 * and Aruba's GRE encapsulation) end in LLC/SNAP and join the Ethertype
 * walk, so VLAN/MPLS/IP decoding is shared with Ethernet.
 *
 * Every internal decoder returns a result code (enum res); lt_decode_packet()
 * turns it into an lt_err and exactly one stats increment (or, on success,
 * one IP and one L4 counter). Not done: IP reassembly, GRE versions other
 * than 0 or with routing (returned as "other L4" proto 47), MPLS pseudowires
 * with a control word, 802.11 fragments, A-MSDUs and protected frames, GTP-U
 * on ports other than 2152, ARCNET exception packets (BSD link type 7).
 */
#include "decode.h"

#include <string.h>

enum res { R_OK, R_TRUNC, R_MALF, R_NONIP, R_FRAG, R_LINK };

struct dctx {
    const uint8_t *p;
    size_t cap_end;   /* captured bytes of the current layer end here */
    size_t wire_end;  /* ... and here on the wire; >= cap_end */
    int has_len;      /* wire_end comes from a header's length field */
    unsigned depth;   /* tunnels entered */
    struct lt_l4 *out;
};

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline uint32_t rd32le(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
           p[0];
}

/* Whether n bytes at off belong to the current layer: R_TRUNC when the
   capture ends first, R_MALF when a declared length ends first. */
static inline enum res need(const struct dctx *c, size_t off, size_t n)
{
    if (off + n <= c->cap_end)
        return R_OK;
    return c->has_len && off + n > c->wire_end ? R_MALF : R_TRUNC;
}

#define NEED(c, off, n)                                                   \
    do {                                                                  \
        enum res need__r = need((c), (off), (n));                         \
        if (need__r != R_OK)                                              \
            return need__r;                                               \
    } while (0)

/* The current layer is `len` bytes from off on the wire (an IP or UDP
   length field). Only ever narrows: a tunnelled header cannot claim more
   than its carrier, and the captured end never grows. */
static inline void set_len(struct dctx *c, size_t off, size_t len)
{
    size_t end = off + len;
    if (!c->has_len || end < c->wire_end)
        c->wire_end = end;
    if (end < c->cap_end)
        c->cap_end = end;
    c->has_len = 1;
}

static inline uint32_t clamp32(size_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static enum res dec_ip4(struct dctx *c, size_t off);
static enum res dec_ip6(struct dctx *c, size_t off);
static enum res dec_ethertype(struct dctx *c, uint16_t type, size_t off,
                              int allow_8023);
static enum res dec_gre(struct dctx *c, size_t off);

/* One more encapsulation layer; refuses past LT_DECODE_MAX_TUNNELS
   (LT_E_UNSUPPORTED, counted in non_ip) so crafted input cannot recurse
   deeper than a few frames. */
static inline int tunnel_enter(struct dctx *c)
{
    return ++c->depth <= LT_DECODE_MAX_TUNNELS;
}

/* The rest of the layer is an L4 payload we do not look into. */
static enum res dec_other(struct dctx *c, uint8_t proto, size_t off)
{
    struct lt_l4 *o = c->out;
    o->proto = proto;
    o->tcp_flags = 0;
    o->sport = o->dport = 0;
    o->seq = o->ack = 0;
    o->payload.p = c->p + off;
    o->payload.len = c->cap_end - off;
    o->payload_wire_len = clamp32(c->wire_end - off);
    return R_OK;
}

static enum res dec_tcp(struct dctx *c, size_t off)
{
    NEED(c, off, 20);
    const uint8_t *h = c->p + off;
    size_t hl = (size_t)(h[12] >> 4) * 4;
    /* RFC 9293 §3.1: data offset counts 32-bit words of header, >= 5 */
    if (hl < 20)
        return R_MALF;
    NEED(c, off, hl);
    struct lt_l4 *o = c->out;
    o->proto = 6;
    o->sport = rd16(h);
    o->dport = rd16(h + 2);
    o->seq = rd32(h + 4);
    o->ack = rd32(h + 8);
    o->tcp_flags = h[13];
    o->payload.p = h + hl;
    o->payload.len = c->cap_end - (off + hl);
    o->payload_wire_len = clamp32(c->wire_end - (off + hl));
    return R_OK;
}

static enum res dec_eth(struct dctx *c, size_t off)
{
    NEED(c, off, 14);
    return dec_ethertype(c, rd16(c->p + off + 12), off + 14, 1);
}

/*
 * GTP-U (3GPP TS 29.281 §5), UDP port 2152 either way, from the UDP payload
 * at off. Only a G-PDU (GTPv1: version 1 in the top 3 bits, protocol type
 * bit 0x10; message type 0xFF) is a tunnel: 8-byte header, 4 more (sequence,
 * N-PDU, next extension type) when any of E/S/PN is set, then with E a chain
 * of extension headers (length in 4-byte units in the first byte, next type
 * in the last, 0 ends it), then IPv4 or IPv6 by the version nibble. Other
 * messages (echo, end marker, error indication) stay plain UDP; a G-PDU
 * carrying something else (Ethernet or unstructured PDU sessions) is non_ip.
 */
static enum res dec_gtpu(struct dctx *c, size_t off)
{
    if (off + 8 > c->cap_end)
        return R_OK;
    const uint8_t *h = c->p + off;
    if ((h[0] & 0xF0) != 0x30 || h[1] != 0xFF)
        return R_OK;
    if (!tunnel_enter(c))
        return R_NONIP;
    /* the length counts what follows the 8 mandatory bytes; like UDP's, it
       can only narrow the layer */
    size_t glen = 8 + (size_t)rd16(h + 2);
    if (off + glen <= c->wire_end)
        set_len(c, off, glen);
    size_t hl = 8;
    if (h[0] & 0x07) {
        NEED(c, off, 12);
        hl = 12;
        if (h[0] & 0x04) {
            uint8_t next = c->p[off + 11];
            /* each extension is >= 4 bytes: at most caplen / 4 steps */
            while (next) {
                NEED(c, off + hl, 1);
                size_t el = (size_t)c->p[off + hl] * 4;
                if (!el)
                    return R_MALF;
                NEED(c, off + hl, el);
                next = c->p[off + hl + el - 1];
                hl += el;
            }
        }
    }
    NEED(c, off + hl, 1);
    switch (c->p[off + hl] >> 4) {
    case 4:
        return dec_ip4(c, off + hl);
    case 6:
        return dec_ip6(c, off + hl);
    default:
        return R_NONIP;
    }
}

/*
 * Teredo (RFC 4380 §5.1.1), UDP port 3544 either way: an IPv6 packet right in
 * the UDP payload at off, optionally after an authentication indicator
 * (00 01, client id length, auth value length, id, value, 8-byte nonce,
 * confirmation byte) and/or an origin indication (00 00, port, address: 8
 * bytes). Anything else on the port (qualification of the server, other
 * protocols using it as an ephemeral port) stays plain UDP: the payload is
 * taken for Teredo only when a whole IPv6 header is captured and its payload
 * length accounts exactly for the rest of the datagram.
 */
static enum res dec_teredo(struct dctx *c, size_t off)
{
    const uint8_t *p = c->p;
    size_t end = c->cap_end, q = off;
    if (q + 4 <= end && p[q] == 0 && p[q + 1] == 1)
        q += 13 + (size_t)p[q + 2] + p[q + 3];
    if (q + 2 <= end && p[q] == 0 && p[q + 1] == 0)
        q += 8;
    if (q + 40 > end || (p[q] >> 4) != 6 ||
        q + 40 + rd16(p + q + 4) != c->wire_end)
        return R_OK;
    if (!tunnel_enter(c))
        return R_NONIP;
    return dec_ip6(c, q);
}

static enum res dec_udp(struct dctx *c, size_t off)
{
    NEED(c, off, 8);
    const uint8_t *h = c->p + off;
    size_t ulen = rd16(h + 4);
    /* RFC 768: the length covers the 8-byte header. 0 happens with jumbograms
       and GSO captures: then the IP extent is all we have. A length larger
       than the IP payload is ignored (we only ever narrow). */
    if (ulen) {
        if (ulen < 8)
            return R_MALF;
        if (off + ulen <= c->wire_end)
            set_len(c, off, ulen);
    }
    struct lt_l4 *o = c->out;
    o->proto = 17;
    o->tcp_flags = 0;
    o->sport = rd16(h);
    o->dport = rd16(h + 2);
    o->seq = o->ack = 0;
    o->payload.p = h + 8;
    o->payload.len = c->cap_end - (off + 8);
    o->payload_wire_len = clamp32(c->wire_end - (off + 8));
    /* Tunnels over UDP, by well-known port. Each checks the first bytes of
       its header; a datagram that does not look like one stays plain UDP
       (the port may just be some host's ephemeral port). */
    switch (o->dport) {
    case 4789:
        /* RFC 7348 §5: VXLAN, 8-byte header with the I flag, then
           Ethernet */
        if (o->payload.len >= 8 && (h[8] & 0x08)) {
            if (!tunnel_enter(c))
                return R_NONIP;
            return dec_eth(c, off + 16);
        }
        return R_OK;
    case 6081: {
        /* RFC 8926 §3.4: Geneve, 8-byte header: version (top 2 bits of
           byte 0, must be 0), option length in 4-byte words (low 6 bits),
           protocol type at bytes 2-3, VNI; then the options, then the
           payload. Other versions or protocol types stay plain UDP. */
        if (o->payload.len < 8 || (h[8] >> 6) != 0)
            return R_OK;
        uint16_t pt = rd16(h + 10);
        if (pt != 0x6558 && pt != 0x0800 && pt != 0x86DD)
            return R_OK;
        size_t gl = 8 + (size_t)(h[8] & 0x3f) * 4;
        NEED(c, off + 8, gl);
        if (!tunnel_enter(c))
            return R_NONIP;
        if (pt == 0x6558)
            return dec_eth(c, off + 8 + gl);
        return dec_ethertype(c, pt, off + 8 + gl, 0);
    }
    case 4754:
        /* RFC 8086: GRE-in-UDP, the GRE header right after UDP; only
           version 0 without routing, which dec_gre() follows */
        if (o->payload.len >= 4 && !(h[8] & 0x40) && !(h[9] & 0x07))
            return dec_gre(c, off + 8);
        return R_OK;
    default:
        break;
    }
    if (o->sport == 2152 || o->dport == 2152)
        return dec_gtpu(c, off + 8);
    if (o->sport == 3544 || o->dport == 3544)
        return dec_teredo(c, off + 8);
    return R_OK;
}

/*
 * IEEE 802.11 frame at off (link types 105, 127, 163; Aruba GRE). Only data
 * frames with a body reach IP: frame control version 0, type 2, a subtype
 * without the "no data" bit (null, CF-ack/poll only, QoS null). Header: 24
 * bytes, +6 for address 4 (ToDS and FromDS), +2 QoS control (subtype bit
 * 0x8), +4 HT control (QoS and the order bit). Then LLC/SNAP with OUI 000000
 * (RFC 1042) or 0000F8 (802.1H) and an Ethertype. Management and control
 * frames, protected (encrypted) frames, fragments, A-MSDUs and mesh frames
 * are non_ip. The FCS, when a link has one, is the caller's business.
 */
static enum res dec_80211(struct dctx *c, size_t off)
{
    NEED(c, off, 2);
    const uint8_t *h = c->p + off;
    uint8_t fc = h[0], fl = h[1];
    if ((fc & 0x0F) != 0x08 || (fc & 0x40))
        return R_NONIP;
    /* protected, more fragments */
    if (fl & 0x44)
        return R_NONIP;
    size_t hl = 24 + ((fl & 0x03) == 0x03 ? 6 : 0);
    NEED(c, off, hl);
    /* fragment number (low nibble of the sequence control) */
    if (h[22] & 0x0F)
        return R_NONIP;
    if (fc & 0x80) {
        NEED(c, off, hl + 2);
        /* A-MSDU present (bit 7), mesh control present (bit 8) */
        if ((h[hl] & 0x80) || (h[hl + 1] & 0x01))
            return R_NONIP;
        hl += 2 + ((fl & 0x80) ? 4 : 0);
    }
    off += hl;
    NEED(c, off, 8);
    const uint8_t *l = c->p + off;
    if (l[0] != 0xAA || l[1] != 0xAA || l[2] != 0x03 || l[3] || l[4] ||
        (l[5] && l[5] != 0xF8))
        return R_NONIP;
    return dec_ethertype(c, rd16(l + 6), off + 8, 0);
}

/* GRE (RFC 2784, 2890) and what it carries, ERSPAN included. */
static enum res dec_gre(struct dctx *c, size_t off)
{
    NEED(c, off, 4);
    const uint8_t *h = c->p + off;
    uint16_t flags = rd16(h), proto = rd16(h + 2);
    /* version 1 (PPTP) and source routing (RFC 1701 R bit) are not
       followed: the packet is an IP packet with an opaque payload */
    if ((flags & 0x7) != 0 || (flags & 0x4000))
        return dec_other(c, 47, off);
    size_t hl = 4 + ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) +
                ((flags & 0x1000) ? 4 : 0);
    NEED(c, off, hl);
    off += hl;
    if (!tunnel_enter(c))
        return R_NONIP;
    switch (proto) {
    case 0x6558: /* transparent Ethernet bridging */
        return dec_eth(c, off);
    case 0x88BE:
        /* ERSPAN type II has a sequence number (S) and an 8-byte header;
           type I has neither and Ethernet follows the GRE header */
        if (flags & 0x1000) {
            NEED(c, off, 8);
            off += 8;
        }
        return dec_eth(c, off);
    case 0x22EB: {
        /* ERSPAN type III: 12 bytes, + 8-byte platform subheader when the
           O bit (lowest bit of byte 11) is set */
        NEED(c, off, 12);
        size_t el = (c->p[off + 11] & 1) ? 20 : 12;
        NEED(c, off, el);
        return dec_eth(c, off + el);
    }
    default:
        /* Aruba WLAN tunnels: 0x8200, 0x8210, ... 0x82F0 carry an 802.11
           frame without FCS */
        if ((proto & 0xFF0F) == 0x8200)
            return dec_80211(c, off);
        return dec_ethertype(c, proto, off, 0);
    }
}

static enum res dec_l4(struct dctx *c, uint8_t proto, size_t off)
{
    switch (proto) {
    case 6:
        return dec_tcp(c, off);
    case 17:
        return dec_udp(c, off);
    case 4:
        if (!tunnel_enter(c))
            return R_NONIP;
        return dec_ip4(c, off);
    case 41:
        if (!tunnel_enter(c))
            return R_NONIP;
        return dec_ip6(c, off);
    case 47:
        return dec_gre(c, off);
    default:
        return dec_other(c, proto, off);
    }
}

static enum res dec_ip4(struct dctx *c, size_t off)
{
    NEED(c, off, 20);
    const uint8_t *h = c->p + off;
    /* RFC 791 §3.1: the version must match what the layer below announced
       and the header is at least 5 words */
    if ((h[0] >> 4) != 4)
        return R_MALF;
    size_t ihl = (size_t)(h[0] & 0xf) * 4;
    if (ihl < 20)
        return R_MALF;
    size_t tot = rd16(h + 2);
    /* total length 0 is what TSO/GSO captures show: keep what we have */
    if (tot) {
        if (tot < ihl)
            return R_MALF;
        set_len(c, off, tot);
    }
    NEED(c, off, ihl);
    /* MF set or a fragment offset: not reassembled */
    if (rd16(h + 6) & 0x3fff)
        return R_FRAG;
    struct lt_l4 *o = c->out;
    o->ip_version = 4;
    memcpy(o->src, h + 12, 4);
    memset(o->src + 4, 0, 12);
    memcpy(o->dst, h + 16, 4);
    memset(o->dst + 4, 0, 12);
    return dec_l4(c, h[9], off + ihl);
}

static enum res dec_ip6(struct dctx *c, size_t off)
{
    NEED(c, off, 40);
    const uint8_t *h = c->p + off;
    if ((h[0] >> 4) != 6)
        return R_MALF;
    size_t plen = rd16(h + 4);
    /* payload length 0: a jumbogram (RFC 2675) or a GSO capture; use what
       was captured rather than parse the jumbo option */
    if (plen)
        set_len(c, off, 40 + plen);
    struct lt_l4 *o = c->out;
    o->ip_version = 6;
    memcpy(o->src, h + 8, 16);
    memcpy(o->dst, h + 24, 16);
    uint8_t nh = h[6];
    off += 40;
    /* RFC 8200 §4: each extension header is at least 8 bytes, so this loop
       ends within caplen / 8 steps */
    for (;;) {
        size_t len;
        switch (nh) {
        case 0:   /* hop-by-hop options */
        case 43:  /* routing */
        case 60:  /* destination options */
        case 135: /* mobility (RFC 6275 §6.1.1) */
            NEED(c, off, 2);
            len = ((size_t)c->p[off + 1] + 1) * 8;
            break;
        case 51: /* AH (RFC 4302 §2.2): length in 4-byte units minus 2 */
            NEED(c, off, 2);
            len = ((size_t)c->p[off + 1] + 2) * 4;
            break;
        case 44: { /* fragment (RFC 8200 §4.5) */
            NEED(c, off, 8);
            /* offset (13 bits) and M: only an atomic fragment (both 0,
               RFC 6946) is a whole packet */
            if (rd16(c->p + off + 2) & 0xfff9)
                return R_FRAG;
            len = 8;
            break;
        }
        case 59: /* no next header */
            o->proto = 59;
            o->tcp_flags = 0;
            o->sport = o->dport = 0;
            o->seq = o->ack = 0;
            o->payload.p = c->p + off;
            o->payload.len = 0;
            o->payload_wire_len = 0;
            return R_OK;
        default:
            return dec_l4(c, nh, off);
        }
        NEED(c, off, len);
        nh = c->p[off];
        off += len;
    }
}

/* Raw IP: the version nibble picks the header. */
static enum res dec_ip_any(struct dctx *c, size_t off)
{
    NEED(c, off, 1);
    switch (c->p[off] >> 4) {
    case 4:
        return dec_ip4(c, off);
    case 6:
        return dec_ip6(c, off);
    default:
        return R_MALF;
    }
}

/*
 * PPP (RFC 1661) at off: an optional FF 03 address/control pair (HDLC-like
 * framing, RFC 1662), then the protocol, one byte when its first byte is odd
 * (protocol field compression, RFC 1661 §6.5), else two. IPv4, IPv6 and
 * MPLS (RFC 3032 §4.3) are followed; LCP, IPCP and the rest are non_ip.
 */
static enum res dec_ppp(struct dctx *c, size_t off)
{
    NEED(c, off, 1);
    if (c->p[off] == 0xFF) {
        NEED(c, off, 2);
        if (c->p[off + 1] == 0x03)
            off += 2;
        NEED(c, off, 1);
    }
    unsigned proto = c->p[off];
    if (proto & 1) {
        off += 1;
    } else {
        NEED(c, off, 2);
        proto = rd16(c->p + off);
        off += 2;
    }
    switch (proto) {
    case 0x0021:
        return dec_ip4(c, off);
    case 0x0057:
        return dec_ip6(c, off);
    case 0x0281: /* MPLS unicast */
    case 0x0283: /* MPLS multicast */
        return dec_ethertype(c, 0x8847, off, 0);
    default:
        return R_NONIP;
    }
}

/* PPPoE session (RFC 2516 §4) at off: 6-byte header (ver/type 0x11, code 0
   for session data), then PPP; discovery packets are non_ip. */
static enum res dec_pppoe(struct dctx *c, size_t off)
{
    NEED(c, off, 6);
    if (c->p[off] != 0x11 || c->p[off + 1] != 0)
        return R_NONIP;
    return dec_ppp(c, off + 6);
}

/*
 * What follows an Ethertype (Ethernet, SLL, SLL2, GRE). VLAN tags and MPLS
 * labels are walked in loops, each step consuming 4 captured bytes.
 * allow_8023: a value <= 1500 is an 802.3 length (Ethernet only), followed
 * by LLC; only LLC/SNAP with OUI 0 (RFC 1042) carries an Ethertype.
 */
static enum res dec_ethertype(struct dctx *c, uint16_t type, size_t off,
                              int allow_8023)
{
    for (;;) {
        switch (type) {
        case 0x0800:
            return dec_ip4(c, off);
        case 0x86DD:
            return dec_ip6(c, off);
        case 0x8100: /* 802.1Q */
        case 0x88A8: /* 802.1ad */
        case 0x9100: /* pre-standard QinQ */
            NEED(c, off, 4);
            type = rd16(c->p + off + 2);
            off += 4;
            continue;
        case 0x8847: /* MPLS unicast */
        case 0x8848: /* MPLS multicast */
            /* RFC 3032: labels until the bottom-of-stack bit; then the
               payload is not typed, guess IP from the version nibble */
            for (;;) {
                NEED(c, off, 4);
                int bos = c->p[off + 2] & 1;
                off += 4;
                if (bos)
                    break;
            }
            NEED(c, off, 1);
            switch (c->p[off] >> 4) {
            case 4:
                return dec_ip4(c, off);
            case 6:
                return dec_ip6(c, off);
            default:
                return R_NONIP; /* pseudowire, control word, ... */
            }
        case 0x8864: /* PPPoE session */
            return dec_pppoe(c, off);
        default:
            if (allow_8023 && type <= 1500) {
                NEED(c, off, 8);
                const uint8_t *l = c->p + off;
                if (l[0] != 0xAA || l[1] != 0xAA || l[2] != 0x03 || l[3] ||
                    l[4] || l[5])
                    return R_NONIP; /* STP, NetBIOS, other LLC */
                type = rd16(l + 6);
                off += 8;
                allow_8023 = 0;
                continue;
            }
            return R_NONIP;
        }
    }
}

/* NFLOG (LINKTYPE 239): 4-byte header, then TLVs with little-endian length
   (incl. the 4-byte TLV header) and type, each padded to 4 bytes. Type 9
   (NFULA_PAYLOAD) holds the packet from its IP header on. */
static enum res dec_nflog(struct dctx *c)
{
    NEED(c, 0, 4);
    size_t off = 4;
    while (off < c->cap_end) {
        NEED(c, off, 4);
        size_t len = (size_t)c->p[off] | (size_t)c->p[off + 1] << 8;
        unsigned type = (unsigned)c->p[off + 2] | (unsigned)c->p[off + 3] << 8;
        if (len < 4)
            return R_MALF;
        if (type == 9) {
            /* the packet inside may be cut by snaplen: let IP decide */
            if (off + len < c->cap_end)
                c->cap_end = off + len;
            return dec_ip_any(c, off + 4);
        }
        NEED(c, off, len);
        off += (len + 3) & ~(size_t)3;
    }
    /* no payload TLV: a packet without one, unless the capture was cut */
    return c->cap_end < c->wire_end ? R_TRUNC : R_NONIP;
}

/* Radiotap (LINKTYPE 127, radiotap.org): version 0, pad, little-endian
   header length, then present bitmaps (bit 31: another one follows) and the
   fields they announce, 802.11 after the header. Only the Flags field is
   read (bit 1, after TSFT, bit 0, 8 bytes aligned to 8): flag 0x10 says the
   frame ends in a 4-byte FCS, which is cut off. */
static enum res dec_radiotap(struct dctx *c)
{
    NEED(c, 0, 8);
    const uint8_t *p = c->p;
    size_t hl = (size_t)p[2] | (size_t)p[3] << 8;
    if (p[0] != 0 || hl < 8 || hl > c->wire_end)
        return R_MALF;
    NEED(c, 0, hl);
    uint32_t present = rd32le(p + 4);
    size_t off = 4;
    for (uint32_t w = present; w & 0x80000000u; w = rd32le(p + off)) {
        off += 4;
        if (off + 4 > hl)
            return R_MALF;
    }
    off += 4;
    if (present & 0x2) {
        if (present & 0x1)
            off = ((off + 7) & ~(size_t)7) + 8;
        if (off >= hl)
            return R_MALF;
        if (p[off] & 0x10) {
            if (c->wire_end < hl + 4)
                return R_MALF;
            c->wire_end -= 4;
            if (c->cap_end > c->wire_end)
                c->cap_end = c->wire_end;
        }
    }
    return dec_80211(c, hl);
}

/* ARCNET as Linux captures it (LINKTYPE 129): source, destination, 2-byte
   offset, protocol id. RFC 1051 ids (240 IP, 241 ARP) have the payload right
   after; RFC 1201 ids (212 IP, 196 IPv6, 213 ARP) add a split flag and a
   2-byte sequence number. Linux hands over reassembled packets, so the split
   flag does not matter. */
static enum res dec_arcnet_linux(struct dctx *c)
{
    NEED(c, 0, 5);
    switch (c->p[4]) {
    case 0xF0:
        return dec_ip4(c, 5);
    case 0xD4:
        NEED(c, 0, 8);
        return dec_ip4(c, 8);
    case 0xC4:
        NEED(c, 0, 8);
        return dec_ip6(c, 8);
    default:
        return R_NONIP;
    }
}

enum lt_err lt_decode_packet(uint32_t linktype, const uint8_t *p,
                             uint32_t caplen, uint32_t origlen,
                             struct lt_l4 *out, struct lt_stats *st)
{
    struct dctx c;
    c.p = p;
    c.cap_end = caplen;
    c.wire_end = origlen > caplen ? origlen : caplen;
    c.has_len = 0;
    c.depth = 0;
    c.out = out;
    out->eth_src = out->eth_dst = NULL;

    enum res r;
    switch (linktype) {
    case 1: /* Ethernet */
        if (caplen < 14) {
            r = R_TRUNC;
            break;
        }
        out->eth_dst = p;
        out->eth_src = p + 6;
        r = dec_ethertype(&c, rd16(p + 12), 14, 1);
        break;
    case 113: /* Linux cooked v1: protocol at offset 14 */
        r = caplen < 16 ? R_TRUNC : dec_ethertype(&c, rd16(p + 14), 16, 0);
        break;
    case 276: /* Linux cooked v2: protocol at offset 0 */
        r = caplen < 20 ? R_TRUNC : dec_ethertype(&c, rd16(p), 20, 0);
        break;
    case 101: /* raw IP, and the DLT_RAW values some systems write */
    case 12:
    case 14:
        r = dec_ip_any(&c, 0);
        break;
    case 228:
        r = dec_ip4(&c, 0);
        break;
    case 229:
        r = dec_ip6(&c, 0);
        break;
    case 0:   /* BSD null: AF_ value in the capturing host's byte order */
    case 108: /* OpenBSD loop: in network byte order */
        if (caplen < 4) {
            r = R_TRUNC;
            break;
        } else {
            uint32_t be = rd32(p), le = linktype == 0 ? rd32le(p) : be;
            if (be == 2 || le == 2)
                r = dec_ip4(&c, 4);
            /* AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (Darwin) */
            else if (be == 24 || be == 28 || be == 30 || le == 24 ||
                     le == 28 || le == 30)
                r = dec_ip6(&c, 4);
            else
                r = R_NONIP;
        }
        break;
    case 239:
        r = dec_nflog(&c);
        break;
    case 105: /* IEEE 802.11 without radio header */
        r = dec_80211(&c, 0);
        break;
    case 127: /* 802.11 with radiotap */
        r = dec_radiotap(&c);
        break;
    case 163: /* 802.11 with AVS header: big-endian length at offset 4 */
        if (caplen < 8) {
            r = R_TRUNC;
        } else {
            uint32_t hl = rd32(p + 4);
            r = hl < 8 || hl > c.wire_end ? R_MALF : dec_80211(&c, hl);
        }
        break;
    case 104: /* Cisco HDLC: address, control, Ethertype */
        r = caplen < 4 ? R_TRUNC : dec_ethertype(&c, rd16(p + 2), 4, 0);
        break;
    case 9:  /* PPP, with or without FF 03 */
        r = dec_ppp(&c, 0);
        break;
    case 50: /* PPP in HDLC-like framing, or Cisco PPP (RFC 1547 §4.3.1) */
        if (caplen >= 1 && (p[0] == 0x0F || p[0] == 0x8F))
            r = caplen < 4 ? R_TRUNC : dec_ethertype(&c, rd16(p + 2), 4, 0);
        else
            r = dec_ppp(&c, 0);
        break;
    case 51: /* PPPoE header first */
        r = dec_pppoe(&c, 0);
        break;
    case 129:
        r = dec_arcnet_linux(&c);
        break;
    default:
        r = R_LINK;
        break;
    }

    switch (r) {
    case R_OK:
        if (st) {
            if (out->ip_version == 4)
                st->ipv4++;
            else
                st->ipv6++;
            if (out->proto == 6)
                st->tcp_segments++;
            else if (out->proto == 17)
                st->udp_datagrams++;
            else
                st->other_l4++;
            if (c.depth)
                st->tunneled++;
        }
        return LT_OK;
    case R_TRUNC:
        if (st)
            st->truncated_headers++;
        return LT_E_TRUNCATED;
    case R_MALF:
        if (st)
            st->malformed++;
        return LT_E_MALFORMED;
    case R_NONIP:
        if (st)
            st->non_ip++;
        return LT_E_UNSUPPORTED;
    case R_FRAG:
        if (st)
            st->ip_fragments++;
        return LT_E_UNSUPPORTED;
    case R_LINK:
    default:
        if (st)
            st->link_unsupported++;
        return LT_E_UNSUPPORTED;
    }
}
