/* SPDX-License-Identifier: MIT */
/*
 * gen.h - the synthetic capture generator shared by gen_capture (the CLI)
 * and the benchmarks. Seeded: the same options give the same bytes.
 *
 * Traffic: several client hosts; TCP flows with a handshake, HTTP/1.1
 * requests in the styles SDKs use (GET with query strings, form POSTs, JSON
 * POSTs, some gzip-encoded, some chunked), responses with bodies, FIN;
 * TLS-like flows on 443 (a ClientHello-shaped first record, then opaque
 * records); DNS queries over UDP. Flows interleave, segments are at most
 * 1460 bytes.
 */
#ifndef LT_BENCH_GEN_H
#define LT_BENCH_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "tb_buf.h"

struct gen_opts {
    uint64_t seed;
    uint64_t target_bytes;  /* stop after the capture reaches this size */
    bool pcapng;            /* else pcap (microseconds, little-endian) */
    unsigned pct_http;      /* share of flows: plaintext HTTP */
    unsigned pct_tls;       /* share of flows: TLS-like; the rest is DNS */
    unsigned concurrent;    /* flows interleaved at a time (>= 1) */
};

/* Default mix: 70% HTTP, 20% TLS, 10% DNS, 8 concurrent flows. */
struct gen_opts gen_opts_default(void);

struct gen_counts {
    uint64_t packets, http_requests, tls_flows, dns_queries, bytes;
};

/* Append a whole capture to out. counts (may be NULL) says what is in it. */
void gen_capture(const struct gen_opts *o, struct tb_buf *out,
                 struct gen_counts *counts);

#endif
