/* SPDX-License-Identifier: MIT */
#include "tb_conv.h"

#include <stdio.h>
#include <string.h>

#include "tb_packet.h"

void tb_capfile_begin(struct tb_capfile *f, bool pcapng)
{
    memset(f, 0, sizeof *f);
    f->pcapng = pcapng;
    f->ts_ns = 1588500000000000000ll; /* 2020-05-03 */
    f->step_ns = 1000000;
    if (pcapng) {
        tb_pcapng_shb(&f->cap, false);
        tb_pcapng_idb(&f->cap, 1, 262144, NULL);
    } else {
        tb_pcap_begin(&f->cap, TB_PCAP_USEC_LE, 1, 262144);
    }
}

uint64_t tb_capfile_frame(struct tb_capfile *f, const void *p, size_t n)
{
    f->ts_ns += f->step_ns;
    if (f->pcapng)
        tb_pcapng_epb(&f->cap, 0, f->ts_ns, p, (uint32_t)n, (uint32_t)n, NULL);
    else
        tb_pcap_packet(&f->cap, f->ts_ns, p, (uint32_t)n, (uint32_t)n);
    return ++f->frames;
}

void tb_capfile_release(struct tb_capfile *f)
{
    tb_cap_release(&f->cap);
}

static uint64_t segment(struct tb_conv *c, bool from_client, uint8_t flags,
                        const void *p, size_t n)
{
    struct tb_pkt_spec s = {
        .ip_version = strchr(c->cli, ':') ? 6 : 4,
        .src = from_client ? c->cli : c->srv,
        .dst = from_client ? c->srv : c->cli,
        .sport = from_client ? c->sport : c->dport,
        .dport = from_client ? c->dport : c->sport,
        .seq = from_client ? c->cseq : c->sseq,
        .ack = from_client ? c->sseq : c->cseq,
        .tcp_flags = flags,
        .tcp_flags_exact = true,
        .payload = p,
        .payload_len = n,
    };
    c->pkt.len = 0;
    tb_pkt_build(&s, &c->pkt);
    uint32_t adv = (uint32_t)n + ((flags & 0x03) ? 1u : 0u); /* SYN, FIN */
    if (from_client)
        c->cseq += adv;
    else
        c->sseq += adv;
    return tb_capfile_frame(c->f, c->pkt.p, c->pkt.len);
}

void tb_conv_open(struct tb_conv *c, struct tb_capfile *f, const char *cli,
                  const char *srv, uint16_t sport, uint16_t dport,
                  uint32_t isn_cli, uint32_t isn_srv)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    snprintf(c->cli, sizeof c->cli, "%s", cli);
    snprintf(c->srv, sizeof c->srv, "%s", srv);
    c->sport = sport;
    c->dport = dport;
    c->cseq = isn_cli;
    c->sseq = isn_srv;
    c->mss = 1460;
    segment(c, true, 0x02, NULL, 0);  /* SYN */
    segment(c, false, 0x12, NULL, 0); /* SYN+ACK */
    segment(c, true, 0x10, NULL, 0);  /* ACK */
}

uint64_t tb_conv_send(struct tb_conv *c, bool from_client, const void *p,
                      size_t n)
{
    const uint8_t *b = p;
    uint64_t last = 0;
    size_t off = 0;
    do {
        size_t k = n - off < c->mss ? n - off : c->mss;
        last = segment(c, from_client, 0x18, b + off, k);
        off += k;
    } while (off < n);
    return last;
}

void tb_conv_close(struct tb_conv *c)
{
    segment(c, true, 0x11, NULL, 0);
    segment(c, false, 0x11, NULL, 0);
    segment(c, true, 0x10, NULL, 0);
}

void tb_conv_release(struct tb_conv *c)
{
    tb_buf_release(&c->pkt);
}
