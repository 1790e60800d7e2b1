/* SPDX-License-Identifier: MIT */
#include "tb_capture.h"

#include <stdlib.h>
#include <string.h>

void tb_cap_release(struct tb_cap *c)
{
    tb_buf_release(&c->b);
    c->n_if = 0;
}

void tb_cap_u16(struct tb_cap *c, uint16_t v)
{
    if (c->be)
        tb_buf_be16(&c->b, v);
    else
        tb_buf_le16(&c->b, v);
}

void tb_cap_u32(struct tb_cap *c, uint32_t v)
{
    if (c->be)
        tb_buf_be32(&c->b, v);
    else
        tb_buf_le32(&c->b, v);
}

void tb_cap_u64(struct tb_cap *c, uint64_t v)
{
    if (c->be) {
        tb_buf_be32(&c->b, (uint32_t)(v >> 32));
        tb_buf_be32(&c->b, (uint32_t)v);
    } else {
        tb_buf_le32(&c->b, (uint32_t)v);
        tb_buf_le32(&c->b, (uint32_t)(v >> 32));
    }
}

void tb_cap_pattern(uint8_t *dst, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (uint8_t)(seed + i * 7);
}

void tb_cap_poke32(struct tb_cap *c, size_t off, bool be, uint32_t v)
{
    if (off + 4 > c->b.len)
        abort();
    uint8_t *p = c->b.p + off;
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(be ? v >> (24 - 8 * i) : v >> (8 * i));
}

/* Append data, or the pattern when data is NULL. */
static void put_data(struct tb_cap *c, const void *data, size_t n)
{
    if (data) {
        tb_buf_put(&c->b, data, n);
        return;
    }
    tb_buf_zero(&c->b, n);
    tb_cap_pattern(c->b.p + c->b.len - n, n, 0);
}

static void pad4(struct tb_cap *c)
{
    while (c->b.len % 4)
        tb_buf_u8(&c->b, 0);
}

size_t tb_pcap_begin(struct tb_cap *c, enum tb_pcap_kind kind,
                     uint32_t linktype, uint32_t snaplen)
{
    size_t at = c->b.len;
    c->be = kind == TB_PCAP_USEC_BE || kind == TB_PCAP_NSEC_BE;
    c->nsec = kind == TB_PCAP_NSEC_LE || kind == TB_PCAP_NSEC_BE;
    tb_cap_u32(c, c->nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
    tb_cap_u16(c, 2);
    tb_cap_u16(c, 4);
    tb_cap_u32(c, 0); /* thiszone */
    tb_cap_u32(c, 0); /* sigfigs */
    tb_cap_u32(c, snaplen);
    tb_cap_u32(c, linktype);
    return at;
}

size_t tb_pcap_record(struct tb_cap *c, uint32_t sec, uint32_t frac,
                      uint32_t caplen, uint32_t origlen, const void *data,
                      size_t data_len)
{
    size_t at = c->b.len;
    tb_cap_u32(c, sec);
    tb_cap_u32(c, frac);
    tb_cap_u32(c, caplen);
    tb_cap_u32(c, origlen);
    put_data(c, data, data_len);
    return at;
}

size_t tb_pcap_packet(struct tb_cap *c, int64_t ts_ns, const void *data,
                      uint32_t caplen, uint32_t origlen)
{
    uint64_t t = (uint64_t)ts_ns;
    uint32_t sec = (uint32_t)(t / 1000000000u);
    uint32_t frac = (uint32_t)(t % 1000000000u);
    if (!c->nsec)
        frac /= 1000;
    return tb_pcap_record(c, sec, frac, caplen, origlen, data, caplen);
}

/* Block header: type and a placeholder length; returns the block start. */
static size_t block_begin(struct tb_cap *c, uint32_t type)
{
    size_t at = c->b.len;
    tb_cap_u32(c, type);
    tb_cap_u32(c, 0);
    return at;
}

static void block_end(struct tb_cap *c, size_t at)
{
    pad4(c);
    uint32_t len = (uint32_t)(c->b.len - at + 4);
    tb_cap_u32(c, len);
    tb_cap_poke32(c, at + 4, c->be, len);
}

static void opt(struct tb_cap *c, uint16_t code, const void *val, uint16_t len)
{
    tb_cap_u16(c, code);
    tb_cap_u16(c, len);
    tb_buf_put(&c->b, val, len);
    pad4(c);
}

size_t tb_pcapng_shb(struct tb_cap *c, bool big_endian)
{
    c->be = big_endian;
    c->n_if = 0;
    size_t at = block_begin(c, 0x0a0d0d0au);
    tb_cap_u32(c, 0x1a2b3c4du);
    tb_cap_u16(c, 1);
    tb_cap_u16(c, 0);
    tb_cap_u64(c, UINT64_MAX);
    block_end(c, at);
    return at;
}

size_t tb_pcapng_idb(struct tb_cap *c, uint16_t linktype, uint32_t snaplen,
                     const struct tb_idb_opts *o)
{
    size_t at = block_begin(c, 1);
    tb_cap_u16(c, linktype);
    tb_cap_u16(c, 0);
    tb_cap_u32(c, snaplen);
    struct tb_cap_if f = { 6, 0 };
    if (o && o->tsresol >= 0) {
        uint8_t v = (uint8_t)o->tsresol;
        opt(c, 9, &v, 1);
        f.tsresol = v;
    }
    if (o && o->has_tsoffset) {
        tb_cap_u16(c, 14);
        tb_cap_u16(c, 8);
        tb_cap_u64(c, (uint64_t)o->tsoffset);
        f.tsoffset = o->tsoffset;
    }
    if (o && (o->tsresol >= 0 || o->has_tsoffset)) {
        tb_cap_u16(c, 0); /* opt_endofopt */
        tb_cap_u16(c, 0);
    }
    block_end(c, at);
    if (c->n_if < TB_CAP_MAX_IF)
        c->ifs[c->n_if] = f;
    c->n_if++;
    return at;
}

/* ts_ns in the units of interface if_id (10^-6 s when unknown). */
static uint64_t to_units(const struct tb_cap *c, uint32_t if_id, int64_t ts_ns)
{
    struct tb_cap_if f = { 6, 0 };
    if (if_id < c->n_if && if_id < TB_CAP_MAX_IF)
        f = c->ifs[if_id];
    __extension__ unsigned __int128 ns =
        (unsigned __int128)(uint64_t)(ts_ns - f.tsoffset * 1000000000);
    if (f.tsresol & 0x80)
        return (uint64_t)((ns << (f.tsresol & 0x7f)) / 1000000000u);
    unsigned v = f.tsresol;
    for (; v < 9; v++)
        ns /= 10;
    for (; v > 9; v--)
        ns *= 10;
    return (uint64_t)ns;
}

static size_t packet_block(struct tb_cap *c, uint32_t type, uint32_t if_id,
                           uint64_t ts, const void *data, uint32_t caplen,
                           uint32_t origlen, const char *comment)
{
    size_t at = block_begin(c, type);
    if (type == 2) {
        tb_cap_u16(c, (uint16_t)if_id);
        tb_cap_u16(c, 0); /* drops_count */
    } else {
        tb_cap_u32(c, if_id);
    }
    tb_cap_u32(c, (uint32_t)(ts >> 32));
    tb_cap_u32(c, (uint32_t)ts);
    tb_cap_u32(c, caplen);
    tb_cap_u32(c, origlen);
    put_data(c, data, caplen);
    pad4(c);
    if (comment) {
        opt(c, 1, comment, (uint16_t)strlen(comment));
        tb_cap_u16(c, 0);
        tb_cap_u16(c, 0);
    }
    block_end(c, at);
    return at;
}

size_t tb_pcapng_epb_units(struct tb_cap *c, uint32_t if_id, uint64_t ts,
                           const void *data, uint32_t caplen,
                           uint32_t origlen, const char *comment)
{
    return packet_block(c, 6, if_id, ts, data, caplen, origlen, comment);
}

size_t tb_pcapng_epb(struct tb_cap *c, uint32_t if_id, int64_t ts_ns,
                     const void *data, uint32_t caplen, uint32_t origlen,
                     const char *comment)
{
    return packet_block(c, 6, if_id, to_units(c, if_id, ts_ns), data, caplen,
                        origlen, comment);
}

size_t tb_pcapng_pb(struct tb_cap *c, uint16_t if_id, int64_t ts_ns,
                    const void *data, uint32_t caplen, uint32_t origlen)
{
    return packet_block(c, 2, if_id, to_units(c, if_id, ts_ns), data, caplen,
                        origlen, NULL);
}

size_t tb_pcapng_spb(struct tb_cap *c, const void *data, uint32_t data_len,
                     uint32_t origlen)
{
    size_t at = block_begin(c, 3);
    tb_cap_u32(c, origlen);
    put_data(c, data, data_len);
    block_end(c, at);
    return at;
}

size_t tb_pcapng_block(struct tb_cap *c, uint32_t type, const void *body,
                       size_t body_len)
{
    size_t at = block_begin(c, type);
    put_data(c, body, body_len);
    block_end(c, at);
    return at;
}
