/* SPDX-License-Identifier: MIT */
/*
 * tb_conv.h - write whole TCP conversations into a capture for tests and
 * the generator: handshake, data cut into MSS-sized segments, FIN. Every
 * packet is Ethernet/IPv4 (or IPv6 when the addresses contain ':'), and
 * the capture file counts frames so tests know which frame completed what.
 */
#ifndef TB_CONV_H
#define TB_CONV_H

#include <stdbool.h>
#include <stdint.h>

#include "tb_capture.h"

/* A capture being written: pcap (µs, little-endian) or pcapng. */
struct tb_capfile {
    struct tb_cap cap;
    bool pcapng;
    uint64_t frames;     /* packets written so far */
    int64_t ts_ns;       /* time of the last packet */
    int64_t step_ns;     /* time between packets (default 1 ms) */
};

/* Start a capture (file header, and for pcapng an SHB + Ethernet IDB). */
void tb_capfile_begin(struct tb_capfile *f, bool pcapng);
/* Append one already built Ethernet frame. Returns its frame number. */
uint64_t tb_capfile_frame(struct tb_capfile *f, const void *p, size_t n);
void tb_capfile_release(struct tb_capfile *f);

struct tb_conv {
    struct tb_capfile *f;
    char cli[48], srv[48];
    uint16_t sport, dport;
    uint32_t cseq, sseq;  /* next sequence number of each side */
    uint32_t mss;         /* default 1460 */
    struct tb_buf pkt;    /* scratch */
};

/* Write SYN, SYN+ACK, ACK. Addresses as text; ISNs chosen by the caller. */
void tb_conv_open(struct tb_conv *c, struct tb_capfile *f, const char *cli,
                  const char *srv, uint16_t sport, uint16_t dport,
                  uint32_t isn_cli, uint32_t isn_srv);
/* Send n bytes from one side (PSH+ACK segments of at most mss bytes).
   Returns the frame number of the last segment. */
uint64_t tb_conv_send(struct tb_conv *c, bool from_client, const void *p,
                      size_t n);
/* FIN+ACK from both sides, then the last ACK. */
void tb_conv_close(struct tb_conv *c);
void tb_conv_release(struct tb_conv *c);

#endif
