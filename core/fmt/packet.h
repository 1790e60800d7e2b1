/* SPDX-License-Identifier: MIT */
/*
 * packet.h - one captured packet as a capture reader hands it out (fmt layer).
 * Everything is borrowed from the reader's input window: valid until the
 * caller moves or refills that window (i.e. until the next read).
 */
#ifndef LT_FMT_PACKET_H
#define LT_FMT_PACKET_H

#include <stdint.h>

#include "../base/span.h"

struct lt_packet {
    const uint8_t *data;    /* captured bytes, caplen of them */
    uint32_t caplen;        /* bytes captured */
    uint32_t origlen;       /* bytes on the wire (>= caplen normally) */
    int64_t ts_ns;          /* capture time, ns since the Unix epoch */
    uint32_t linktype;      /* LINKTYPE_* of the packet's interface */
    uint32_t ifindex;       /* pcapng interface id; 0 for pcap */
    struct lt_span comment; /* first opt_comment of a pcapng EPB; empty if none */
    /* A PCAPdroid custom block body (PEN 62652; no packet): set only on the
       metadata return of a pcapng reader, where data == NULL, caplen == 0
       and custom.len > 0. It starts right after the PEN (the PEN is not
       included) and runs to the block's trailing length, so it holds the
       block's padding too (see fmt/appinfo.h). Empty for every packet. */
    struct lt_span custom;
};

#endif
