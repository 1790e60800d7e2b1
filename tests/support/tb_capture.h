/* SPDX-License-Identifier: MIT */
/*
 * tb_capture.h - write pcap and pcapng captures in memory for fixtures,
 * tests and benchmarks: every pcap magic and byte order, pcapng sections
 * in either byte order, interfaces with if_tsresol/if_tsoffset, EPB (with
 * opt_comment), SPB, the obsolete PB and arbitrary blocks. Writers never
 * validate: tests build broken files with them too. Aborts on allocation
 * failure (fixtures only).
 */
#ifndef TB_CAPTURE_H
#define TB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tb_buf.h"

enum tb_pcap_kind {
    TB_PCAP_USEC_LE, /* a1b2c3d4 written little-endian */
    TB_PCAP_USEC_BE,
    TB_PCAP_NSEC_LE, /* a1b23c4d */
    TB_PCAP_NSEC_BE,
};

#define TB_CAP_MAX_IF 512

struct tb_cap_if {
    uint8_t tsresol;  /* if_tsresol byte (6 when absent) */
    int64_t tsoffset; /* if_tsoffset seconds (0 when absent) */
};

struct tb_cap {
    struct tb_buf b; /* the capture bytes so far */
    bool be;         /* byte order of the pcap file / current section */
    bool nsec;       /* pcap: nanosecond magic */
    uint32_t n_if;   /* pcapng: interfaces in the current section */
    struct tb_cap_if ifs[TB_CAP_MAX_IF];
};

/* Free the bytes; c may be reused (zero it first). */
void tb_cap_release(struct tb_cap *c);

/* Append a value in the capture's current byte order. */
void tb_cap_u16(struct tb_cap *c, uint16_t v);
void tb_cap_u32(struct tb_cap *c, uint32_t v);
void tb_cap_u64(struct tb_cap *c, uint64_t v);

/* Deterministic packet bytes: dst[i] = (seed + i * 7) & 0xff. */
void tb_cap_pattern(uint8_t *dst, size_t n, uint32_t seed);

/* pcap file header, version 2.4. Returns the offset it was written at. */
size_t tb_pcap_begin(struct tb_cap *c, enum tb_pcap_kind kind,
                     uint32_t linktype, uint32_t snaplen);
/* One record: caplen bytes of data (NULL: tb_cap_pattern(seed 0)) at time
   ts_ns (>= 0) in the file's resolution. Returns the record's offset. */
size_t tb_pcap_packet(struct tb_cap *c, int64_t ts_ns, const void *data,
                      uint32_t caplen, uint32_t origlen);
/* A raw record header claiming caplen, followed by data_len bytes of data
   (which may differ from caplen, to build broken files). */
size_t tb_pcap_record(struct tb_cap *c, uint32_t sec, uint32_t frac,
                      uint32_t caplen, uint32_t origlen, const void *data,
                      size_t data_len);

/* SHB (version 1.0, section length -1) starting a section in the given
   byte order; forgets the interfaces. Returns its offset. */
size_t tb_pcapng_shb(struct tb_cap *c, bool big_endian);

struct tb_idb_opts {
    int tsresol;       /* if_tsresol byte; < 0: option absent */
    bool has_tsoffset; /* write if_tsoffset */
    int64_t tsoffset;  /* seconds */
};
/* IDB for the next interface id (o may be NULL: no options). */
size_t tb_pcapng_idb(struct tb_cap *c, uint16_t linktype, uint32_t snaplen,
                     const struct tb_idb_opts *o);
/* EPB at ts_ns, converted to the interface's units (exact when ts_ns is a
   multiple of the unit); comment NULL: no options. data NULL: pattern. */
size_t tb_pcapng_epb(struct tb_cap *c, uint32_t if_id, int64_t ts_ns,
                     const void *data, uint32_t caplen, uint32_t origlen,
                     const char *comment);
/* EPB with a raw timestamp in interface units. */
size_t tb_pcapng_epb_units(struct tb_cap *c, uint32_t if_id, uint64_t ts,
                           const void *data, uint32_t caplen,
                           uint32_t origlen, const char *comment);
/* Obsolete Packet Block (type 2). */
size_t tb_pcapng_pb(struct tb_cap *c, uint16_t if_id, int64_t ts_ns,
                    const void *data, uint32_t caplen, uint32_t origlen);
/* SPB holding data_len bytes (padded), claiming origlen. */
size_t tb_pcapng_spb(struct tb_cap *c, const void *data, uint32_t data_len,
                     uint32_t origlen);
/* Any block: type, body (padded to 4), lengths computed. */
size_t tb_pcapng_block(struct tb_cap *c, uint32_t type, const void *body,
                       size_t body_len);

/* Overwrite the u32 at off in byte order be (to corrupt a built file). */
void tb_cap_poke32(struct tb_cap *c, size_t off, bool be, uint32_t v);

#endif
