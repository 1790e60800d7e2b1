/* SPDX-License-Identifier: MIT */
/*
 * stats.h - counters of what a run saw and what it cut off (base layer).
 * One struct per input file, summed for the run; modules get a pointer and
 * only ever increment. The X-macro keeps field names and summary.json keys
 * in one place: the group says where the counter appears in summary.json.
 */
#ifndef LT_BASE_STATS_H
#define LT_BASE_STATS_H

#include <stdint.h>

#include "chain.h"

/* X(group, name): group is one of capture, packet, tcp, http, proto,
   decode, caps */
#define LT_STATS_LIST(X)                                                  \
    /* capture records */                                                 \
    X(capture, packets)            /* records that carried a packet */    \
    X(capture, truncated_records)  /* last record cut short (EOF) */      \
    X(capture, corrupt_records)    /* records/blocks skipped as corrupt */\
    X(capture, resyncs)            /* pcapng resynchronisations */        \
    X(capture, skipped_blocks)     /* pcapng blocks of unknown type */    \
    /* link, network and transport decoding */                            \
    X(packet, link_unsupported)    /* packets of an unknown link type */  \
    X(packet, non_ip)              /* ARP, LLDP, ... */                   \
    X(packet, ipv4)                                                       \
    X(packet, ipv6)                                                       \
    X(packet, ip_fragments)        /* recognised, not reassembled */      \
    X(packet, tunneled)            /* packets decapsulated from a tunnel */\
    X(packet, truncated_headers)   /* headers cut by snaplen */           \
    X(packet, malformed)           /* impossible header values */         \
    X(packet, tcp_segments)                                               \
    X(packet, udp_datagrams)                                              \
    X(packet, other_l4)                                                   \
    /* TCP reassembly */                                                  \
    X(tcp, flows)                  /* flows created */                    \
    X(tcp, flows_expired)          /* closed by idle time */              \
    X(tcp, flows_closed)           /* closed by FIN/RST or end of file */ \
    X(tcp, midstream_flows)        /* picked up without a SYN */          \
    X(tcp, retransmitted_bytes)    /* bytes seen before, same content */  \
    X(tcp, overlaps)               /* overlaps with different bytes */    \
    X(tcp, out_of_order)           /* segments held for later */          \
    X(tcp, holes)                  /* gaps skipped */                     \
    X(tcp, hole_bytes)             /* bytes never seen */                 \
    X(tcp, stream_bytes)           /* bytes delivered in order */         \
    /* HTTP */                                                            \
    X(http, requests)                                                     \
    X(http, malformed_requests)    /* dropped: bad request line/headers */\
    X(http, http_resyncs)             /* parser re-hunted a request line */  \
    X(http, http_tunnels)             /* CONNECT / Upgrade: rest not HTTP */ \
    X(http, decoded_bodies)        /* Content-Encoding undone */          \
    X(http, decode_errors)         /* Content-Encoding that failed */     \
    /* names of destinations */                                          \
    X(proto, dns_queries)          /* DNS queries (UDP and TCP port 53) */\
    X(proto, dns_answers)          /* A/AAAA answers learnt */           \
    X(proto, tls_server_names)     /* TLS ClientHello server names */    \
    X(proto, quic_server_names)    /* the same, from QUIC Initials */    \
    /* payload decoding (steps by kind: decode_steps[] below) */          \
    X(decode, pieces)              /* decoded pieces scanned */          \
    X(decode, failed_trials)       /* plausible, but did not decode */   \
    /* caps (SPEC §6): each counts what a cap cut off */                  \
    X(caps, record_cap)            /* capture records over max_record */  \
    X(caps, flow_cap)              /* flows evicted to stay under cap */  \
    X(caps, pending_cap)           /* holes forced by max_pending */      \
    X(caps, header_cap)            /* requests over line/count/bytes */   \
    X(caps, body_cap)              /* bodies cut at max_body */           \
    X(caps, decoded_cap)           /* decompression cut at max_decoded */ \
    X(caps, ratio_cap)             /* decompression cut at max_ratio */  \
    X(caps, depth_cap)             /* decoding stopped at max_depth */   \
    X(caps, msg_decoded_cap)       /* a message's decoding budget spent */\
    X(caps, pieces_cap)            /* a message's piece budget spent */   \
    X(caps, chunk_cap)             /* items over 256 MiB between ticks */

struct lt_stats {
#define LT__STATS_FIELD(group, name) uint64_t name;
    LT_STATS_LIST(LT__STATS_FIELD)
#undef LT__STATS_FIELD
    uint64_t decode_steps[LT_STEP__COUNT]; /* successful steps, by kind */
};

/* dst += src, field by field. */
void lt_stats_add(struct lt_stats *dst, const struct lt_stats *src);

#endif
