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
 * VXLAN) recurse, bounded by LT_DECODE_MAX_TUNNELS.
 *
 * Every internal decoder returns a result code (enum res); lt_decode_packet()
 * turns it into an lt_err and exactly one stats increment (or, on success,
 * one IP and one L4 counter). Not done: IP reassembly, GRE versions other
 * than 0 or with routing (returned as "other L4" proto 47), MPLS pseudowires
 * with a control word, PPP protocol field compression.
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
    /* RFC 7348 §5: VXLAN, 8-byte header with the I flag, then Ethernet. A
       datagram to 4789 without room for it or the flag stays plain UDP. */
    if (o->dport == 4789 && o->payload.len >= 8 && (h[8] & 0x08)) {
        if (!tunnel_enter(c))
            return R_NONIP;
        return dec_eth(c, off + 16);
    }
    return R_OK;
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
        case 0x8864: { /* PPPoE session (RFC 2516 §4) */
            NEED(c, off, 8);
            /* ver/type 0x11, code 0 for session data */
            if (c->p[off] != 0x11 || c->p[off + 1] != 0)
                return R_NONIP;
            uint16_t ppp = rd16(c->p + off + 6);
            off += 8;
            if (ppp == 0x0021)
                return dec_ip4(c, off);
            if (ppp == 0x0057)
                return dec_ip6(c, off);
            return R_NONIP; /* LCP, IPCP, ... */
        }
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
