/* SPDX-License-Identifier: MIT */
#include "tb_packet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what)
{
    fprintf(stderr, "tb_pkt_build: %s\n", what);
    abort();
}

uint32_t tb_pkt_linktype(const struct tb_pkt_spec *s)
{
    switch (s->link) {
    case TB_LINK_ETH: return 1;
    case TB_LINK_SLL: return 113;
    case TB_LINK_SLL2: return 276;
    case TB_LINK_RAW: return 101;
    case TB_LINK_IPV4: return 228;
    case TB_LINK_IPV6: return 229;
    case TB_LINK_NULL:
    case TB_LINK_NULL_SWAPPED: return 0;
    case TB_LINK_LOOP: return 108;
    case TB_LINK_NFLOG: return 239;
    case TB_LINK_PPP: return 9;
    case TB_LINK_PPP_HDLC: return 50;
    case TB_LINK_PPPOE: return 51;
    case TB_LINK_CHDLC: return 104;
    case TB_LINK_ARCNET: return 129;
    case TB_LINK_80211: return 105;
    case TB_LINK_RADIOTAP: return 127;
    case TB_LINK_AVS: return 163;
    }
    die("bad link");
    return 0;
}

/* Internet checksum over a pseudo-header sum plus p[0..n). */
static uint16_t csum(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint32_t sum_bytes(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    return sum;
}

static void put_at16(struct tb_buf *b, size_t off, uint16_t v)
{
    b->p[off] = (uint8_t)(v >> 8);
    b->p[off + 1] = (uint8_t)v;
}

/* Pads an options block with zeros to a multiple of 4. */
static void put_opts(struct tb_buf *b, const void *opts, size_t n)
{
    if (n > 40)
        die("options longer than 40 bytes");
    tb_buf_put(b, opts, n);
    tb_buf_zero(b, (4 - n % 4) % 4);
}

static size_t opts_padded(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/* The L4 part (header + payload) into l4, checksummed with psum. */
static size_t build_l4(const struct tb_pkt_spec *s, uint8_t proto,
                       uint32_t psum, struct tb_buf *l4)
{
    uint16_t sport = s->sport ? s->sport : 40000;
    uint16_t dport = s->dport ? s->dport : 80;
    if (proto == 6) {
        size_t hl = 20 + opts_padded(s->tcp_opts_len);
        uint8_t flags = s->tcp_flags;
        if (!s->tcp_flags_exact && !flags)
            flags = 0x10 | (s->payload_len ? 0x08 : 0);
        tb_buf_be16(l4, sport);
        tb_buf_be16(l4, dport);
        tb_buf_be32(l4, s->seq);
        tb_buf_be32(l4, s->ack);
        tb_buf_u8(l4, (uint8_t)((hl / 4) << 4));
        tb_buf_u8(l4, flags);
        tb_buf_be16(l4, 65535);
        tb_buf_be16(l4, 0); /* checksum */
        tb_buf_be16(l4, 0); /* urgent */
        put_opts(l4, s->tcp_opts, s->tcp_opts_len);
        tb_buf_put(l4, s->payload, s->payload_len);
        uint32_t sum = psum + proto + (uint32_t)l4->len;
        put_at16(l4, 16, csum(sum, l4->p, l4->len));
        return hl;
    }
    if (proto == 17) {
        tb_buf_be16(l4, sport);
        tb_buf_be16(l4, dport);
        tb_buf_be16(l4, (uint16_t)(8 + s->payload_len));
        tb_buf_be16(l4, 0);
        tb_buf_put(l4, s->payload, s->payload_len);
        uint32_t sum = psum + proto + (uint32_t)l4->len;
        uint16_t c = csum(sum, l4->p, l4->len);
        put_at16(l4, 6, c ? c : 0xffff);
        return 8;
    }
    tb_buf_put(l4, s->payload, s->payload_len);
    return 0;
}

static void ip6_ext(struct tb_buf *b, uint8_t type, uint8_t next,
                    const struct tb_pkt_spec *s)
{
    switch (type) {
    case 51: /* AH: next, len 2 (16 bytes), reserved, SPI, seq, ICV */
        tb_buf_u8(b, next);
        tb_buf_u8(b, 2);
        tb_buf_be16(b, 0);
        tb_buf_be32(b, 0x1000);
        tb_buf_be32(b, 1);
        tb_buf_be32(b, 0xdeadbeef);
        return;
    case 44:
        tb_buf_u8(b, next);
        tb_buf_u8(b, 0);
        tb_buf_be16(b, (uint16_t)(s->frag_offset << 3 | (s->more_frags ? 1 : 0)));
        tb_buf_be32(b, 0x12345678);
        return;
    case 43: /* routing: type 4 (SRH-like), segments left 0 */
        tb_buf_u8(b, next);
        tb_buf_u8(b, 0);
        tb_buf_u8(b, 4);
        tb_buf_u8(b, 0);
        tb_buf_be32(b, 0);
        return;
    default: /* options headers, mobility: len 0 and a PadN option */
        tb_buf_u8(b, next);
        tb_buf_u8(b, 0);
        tb_buf_u8(b, 1);
        tb_buf_u8(b, 4);
        tb_buf_be32(b, 0);
        return;
    }
}

/* The IP packet into ip; fills o->l4/payload relative to ip. */
static void build_ip(const struct tb_pkt_spec *s, struct tb_buf *ip,
                     struct tb_pkt_off *o)
{
    uint8_t proto = s->proto ? s->proto : 6;
    struct tb_buf l4 = { 0 };
    size_t l4_hl;
    if (s->ip_version == 6) {
        uint8_t src[16], dst[16];
        if (inet_pton(AF_INET6, s->src ? s->src : "fd00::1", src) != 1 ||
            inet_pton(AF_INET6, s->dst ? s->dst : "fd00::2", dst) != 1)
            die("bad IPv6 address");
        uint32_t psum = sum_bytes(src, 16) + sum_bytes(dst, 16);
        l4_hl = build_l4(s, proto, psum, &l4);
        uint8_t types[10];
        size_t n = 0;
        int has_frag = 0;
        if (s->n_ip6_ext > 8)
            die("too many extension headers");
        for (size_t i = 0; i < s->n_ip6_ext; i++) {
            types[n++] = s->ip6_ext[i];
            has_frag |= s->ip6_ext[i] == 44;
        }
        if (!has_frag && (s->frag_offset || s->more_frags))
            types[n++] = 44;
        struct tb_buf ext = { 0 };
        for (size_t i = 0; i < n; i++)
            ip6_ext(&ext, types[i], i + 1 < n ? types[i + 1] : proto, s);
        size_t plen = ext.len + l4.len;
        if (plen > 65535)
            die("IPv6 payload too long");
        tb_buf_be32(ip, 6u << 28);
        tb_buf_be16(ip, s->ip_len_zero ? 0 : (uint16_t)plen);
        tb_buf_u8(ip, n ? types[0] : proto);
        tb_buf_u8(ip, s->ttl ? s->ttl : 64);
        tb_buf_put(ip, src, 16);
        tb_buf_put(ip, dst, 16);
        tb_buf_put(ip, ext.p, ext.len);
        tb_buf_release(&ext);
    } else {
        uint8_t src[4], dst[4];
        if (inet_pton(AF_INET, s->src ? s->src : "10.0.0.1", src) != 1 ||
            inet_pton(AF_INET, s->dst ? s->dst : "10.0.0.2", dst) != 1)
            die("bad IPv4 address");
        uint32_t psum = sum_bytes(src, 4) + sum_bytes(dst, 4);
        l4_hl = build_l4(s, proto, psum, &l4);
        size_t hl = 20 + opts_padded(s->ip4_opts_len);
        size_t tot = hl + l4.len;
        if (tot > 65535)
            die("IPv4 packet too long");
        size_t start = ip->len;
        tb_buf_u8(ip, (uint8_t)(0x40 | hl / 4));
        tb_buf_u8(ip, 0);
        tb_buf_be16(ip, s->ip_len_zero ? 0 : (uint16_t)tot);
        tb_buf_be16(ip, 0x4242);
        tb_buf_be16(ip, (uint16_t)((s->more_frags ? 0x2000 : 0) |
                                   (s->frag_offset & 0x1fff)));
        tb_buf_u8(ip, s->ttl ? s->ttl : 64);
        tb_buf_u8(ip, proto);
        tb_buf_be16(ip, 0);
        tb_buf_put(ip, src, 4);
        tb_buf_put(ip, dst, 4);
        put_opts(ip, s->ip4_opts, s->ip4_opts_len);
        put_at16(ip, start + 10, csum(0, ip->p + start, hl));
    }
    o->l4 = ip->len;
    o->payload = ip->len + l4_hl;
    tb_buf_put(ip, l4.p, l4.len);
    o->end = ip->len;
    tb_buf_release(&l4);
}

/* VLAN tags, MPLS labels, PPPoE between an Ethertype field and IP; writes
   the first Ethertype (the caller puts it in its header). */
static uint16_t l2_shim(const struct tb_pkt_spec *s, struct tb_buf *b,
                        size_t ip_len)
{
    uint16_t iptype = s->ethertype ? s->ethertype
                      : s->ip_version == 6 ? 0x86DD : 0x0800;
    uint16_t inner = iptype;
    if (s->n_mpls)
        inner = 0x8847;
    else if (s->pppoe)
        inner = 0x8864;
    if (s->n_vlan > 2)
        die("at most 2 VLAN tags");
    uint16_t first = inner;
    if (s->n_vlan == 2) {
        first = s->vlan_outer_tpid ? s->vlan_outer_tpid : 0x88A8;
        tb_buf_be16(b, 100);
        tb_buf_be16(b, 0x8100);
        tb_buf_be16(b, 200);
        tb_buf_be16(b, inner);
    } else if (s->n_vlan == 1) {
        first = 0x8100;
        tb_buf_be16(b, 0x2000 | 42);
        tb_buf_be16(b, inner);
    }
    for (unsigned i = 0; i < s->n_mpls; i++) {
        uint32_t label = 1000 + i;
        tb_buf_be32(b, label << 12 | (i + 1 == s->n_mpls ? 0x100 : 0) | 64);
    }
    if (!s->n_mpls && s->pppoe) {
        tb_buf_u8(b, 0x11);
        tb_buf_u8(b, 0);
        tb_buf_be16(b, 0x0001);
        tb_buf_be16(b, (uint16_t)(ip_len + 2));
        tb_buf_be16(b, s->ip_version == 6 ? 0x0057 : 0x0021);
    }
    return first;
}

void tb_pkt_80211(struct tb_buf *out, uint8_t ds, bool qos, bool htc,
                  uint16_t ethertype)
{
    static const uint8_t a1[6] = { 2, 0, 0, 0, 0, 0xa1 };
    static const uint8_t a2[6] = { 2, 0, 0, 0, 0, 0xa2 };
    static const uint8_t a3[6] = { 2, 0, 0, 0, 0, 0xa3 };
    tb_buf_u8(out, qos ? 0x88 : 0x08);
    tb_buf_u8(out, (uint8_t)((ds & 3) | (qos && htc ? 0x80 : 0)));
    tb_buf_be16(out, 0x2c00); /* duration */
    tb_buf_put(out, a1, 6);
    tb_buf_put(out, a2, 6);
    tb_buf_put(out, a3, 6);
    tb_buf_le16(out, 0x1230); /* sequence 0x123, fragment 0 */
    if ((ds & 3) == 3)
        tb_buf_put(out, a3, 6);
    if (qos) {
        tb_buf_le16(out, 0x0005); /* TID 5 */
        if (htc)
            tb_buf_be32(out, 0x12345678);
    }
    static const uint8_t snap[6] = { 0xAA, 0xAA, 0x03, 0, 0, 0 };
    tb_buf_put(out, snap, 6);
    tb_buf_be16(out, ethertype);
}

/* PPP protocol number for what l2_shim() announced as an Ethertype. */
static uint16_t ppp_proto(uint16_t type)
{
    switch (type) {
    case 0x0800: return 0x0021;
    case 0x86DD: return 0x0057;
    case 0x8847: return 0x0281;
    default: return type; /* e.g. 0x0806: no such PPP protocol, not IP */
    }
}

static void link_hdr(const struct tb_pkt_spec *s, struct tb_buf *out,
                     size_t ip_len)
{
    static const uint8_t mac_dst[6] = { 2, 0, 0, 0, 0, 2 };
    static const uint8_t mac_src[6] = { 2, 0, 0, 0, 0, 1 };
    uint32_t fam = s->family ? s->family : s->ip_version == 6 ? 30 : 2;
    struct tb_buf shim = { 0 };
    uint16_t type;
    switch (s->link) {
    case TB_LINK_ETH:
        type = l2_shim(s, &shim, ip_len);
        tb_buf_put(out, mac_dst, 6);
        tb_buf_put(out, mac_src, 6);
        if (s->llc_snap) {
            tb_buf_be16(out, (uint16_t)(8 + shim.len + ip_len));
            static const uint8_t snap[6] = { 0xAA, 0xAA, 0x03, 0, 0, 0 };
            tb_buf_put(out, snap, 6);
        }
        tb_buf_be16(out, type);
        break;
    case TB_LINK_SLL:
        type = l2_shim(s, &shim, ip_len);
        tb_buf_be16(out, 0);      /* to us */
        tb_buf_be16(out, 1);      /* ARPHRD_ETHER */
        tb_buf_be16(out, 6);
        tb_buf_put(out, mac_src, 6);
        tb_buf_zero(out, 2);
        tb_buf_be16(out, type);
        break;
    case TB_LINK_SLL2:
        type = l2_shim(s, &shim, ip_len);
        tb_buf_be16(out, type);
        tb_buf_be16(out, 0);
        tb_buf_be32(out, 3);      /* ifindex */
        tb_buf_be16(out, 1);      /* ARPHRD_ETHER */
        tb_buf_u8(out, 0);
        tb_buf_u8(out, 6);
        tb_buf_put(out, mac_src, 6);
        tb_buf_zero(out, 2);
        break;
    case TB_LINK_RAW:
    case TB_LINK_IPV4:
    case TB_LINK_IPV6:
        break;
    case TB_LINK_NULL: {
        uint32_t v = fam; /* host byte order */
        tb_buf_put(out, &v, 4);
        break;
    }
    case TB_LINK_NULL_SWAPPED: {
        uint32_t v = __builtin_bswap32(fam);
        tb_buf_put(out, &v, 4);
        break;
    }
    case TB_LINK_LOOP:
        tb_buf_be32(out, fam);
        break;
    case TB_LINK_NFLOG:
        tb_buf_u8(out, s->ip_version == 6 ? 10 : 2);
        tb_buf_u8(out, 0);
        tb_buf_be16(out, 0);
        /* NFULA_PACKET_HDR (type 1): hw_protocol, hook, pad */
        tb_buf_le16(out, 8);
        tb_buf_le16(out, 1);
        tb_buf_be16(out, s->ip_version == 6 ? 0x86DD : 0x0800);
        tb_buf_u8(out, 3);
        tb_buf_u8(out, 0);
        /* NFULA_PREFIX (type 10): "x\0" padded to 4 */
        tb_buf_le16(out, 6);
        tb_buf_le16(out, 10);
        tb_buf_put(out, "x\0\0\0", 4);
        /* NFULA_PAYLOAD (type 9) */
        if (ip_len + 4 > 65535)
            die("NFLOG payload too long");
        tb_buf_le16(out, (uint16_t)(4 + ip_len));
        tb_buf_le16(out, 9);
        break;
    case TB_LINK_PPP:
    case TB_LINK_PPP_HDLC:
        if (s->n_vlan || s->pppoe)
            die("PPP: no VLAN or PPPoE");
        type = ppp_proto(l2_shim(s, &shim, ip_len));
        if (s->ppp_compress && s->link == TB_LINK_PPP && type < 0x100)
            tb_buf_u8(out, (uint8_t)type);
        else {
            tb_buf_u8(out, 0xFF);
            tb_buf_u8(out, 0x03);
            tb_buf_be16(out, type);
        }
        break;
    case TB_LINK_PPPOE:
        if (s->n_vlan || s->n_mpls)
            die("PPPoE link: no VLAN or MPLS");
        tb_buf_u8(out, 0x11);
        tb_buf_u8(out, 0);
        tb_buf_be16(out, 0x0001);
        tb_buf_be16(out, (uint16_t)(ip_len + 2));
        tb_buf_be16(out, ppp_proto(s->ethertype ? s->ethertype
                                   : s->ip_version == 6 ? 0x86DD : 0x0800));
        break;
    case TB_LINK_CHDLC:
        type = l2_shim(s, &shim, ip_len);
        tb_buf_u8(out, 0x0F);
        tb_buf_u8(out, 0);
        tb_buf_be16(out, type);
        break;
    case TB_LINK_ARCNET: {
        if (s->n_vlan || s->n_mpls || s->pppoe)
            die("ARCNET: no VLAN, MPLS or PPPoE");
        int v6 = s->ip_version == 6, other = s->ethertype != 0;
        tb_buf_u8(out, 0xbe);     /* source */
        tb_buf_u8(out, 0x50);     /* destination */
        tb_buf_be16(out, 0xab08); /* offset */
        if (s->arcnet_1051 && !v6) {
            tb_buf_u8(out, other ? 0xF1 : 0xF0);
        } else {
            tb_buf_u8(out, other ? 0xD5 : v6 ? 0xC4 : 0xD4);
            tb_buf_u8(out, 0);     /* split flag */
            tb_buf_be16(out, 0x0102); /* sequence */
        }
        break;
    }
    case TB_LINK_80211:
        type = l2_shim(s, &shim, ip_len);
        tb_pkt_80211(out, s->wlan_ds, s->wlan_qos, s->wlan_htc, type);
        break;
    case TB_LINK_RADIOTAP:
        type = l2_shim(s, &shim, ip_len);
        /* version, pad, length 24 (LE), present: TSFT, flags, rate,
           channel, antenna signal; TSFT at 8 is aligned */
        tb_buf_u8(out, 0);
        tb_buf_u8(out, 0);
        tb_buf_le16(out, 24);
        tb_buf_le32(out, 0x0000002f);
        tb_buf_le32(out, 0x11223344); /* TSFT */
        tb_buf_le32(out, 0);
        tb_buf_u8(out, s->fcs ? 0x10 : 0x00); /* flags */
        tb_buf_u8(out, 0x0c);                 /* rate */
        tb_buf_le16(out, 2437);               /* channel */
        tb_buf_le16(out, 0x00a0);
        tb_buf_u8(out, 0xc4);                 /* signal */
        tb_buf_u8(out, 0);                    /* pad to 24 */
        tb_pkt_80211(out, s->wlan_ds, s->wlan_qos, s->wlan_htc, type);
        break;
    case TB_LINK_AVS:
        type = l2_shim(s, &shim, ip_len);
        tb_buf_be32(out, 0x80211001);
        tb_buf_be32(out, 64);
        tb_buf_zero(out, 56);
        tb_pkt_80211(out, s->wlan_ds, s->wlan_qos, s->wlan_htc, type);
        break;
    default:
        die("bad link");
    }
    tb_buf_put(out, shim.p, shim.len);
    tb_buf_release(&shim);
}

struct tb_pkt_off tb_pkt_build(const struct tb_pkt_spec *s, struct tb_buf *out)
{
    struct tb_pkt_off o = { 0 };
    struct tb_buf ip = { 0 };
    build_ip(s, &ip, &o);
    size_t start = out->len;
    link_hdr(s, out, ip.len);
    o.l3 = out->len - start;
    o.l4 += o.l3;
    o.payload += o.l3;
    o.end += o.l3;
    tb_buf_put(out, ip.p, ip.len);
    if (s->link == TB_LINK_NFLOG)
        tb_buf_zero(out, (4 - ip.len % 4) % 4);
    tb_buf_zero(out, s->eth_pad);
    if (s->fcs) {
        if (s->link != TB_LINK_RADIOTAP)
            die("fcs: radiotap only");
        tb_buf_be32(out, 0xfc5fc5fc);
    }
    o.len = out->len - start;
    tb_buf_release(&ip);
    return o;
}

void tb_pkt_gre(struct tb_buf *out, uint16_t flags, uint16_t proto,
                const void *inner, size_t n)
{
    tb_buf_be16(out, flags);
    tb_buf_be16(out, proto);
    if (flags & 0x8000)
        tb_buf_be32(out, 0); /* checksum + reserved */
    if (flags & 0x2000)
        tb_buf_be32(out, 0x0000abcd); /* key */
    if (flags & 0x1000)
        tb_buf_be32(out, 7); /* sequence */
    tb_buf_put(out, inner, n);
}
