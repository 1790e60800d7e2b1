/* SPDX-License-Identifier: MIT */
#include "gen.h"

#include <stdio.h>
#include <string.h>

#include "tb_capture.h"
#include "tb_compress.h"
#include "tb_packet.h"

#define MSS 1460

struct gen_flow {
    int kind;                 /* 0 HTTP, 1 TLS */
    char cli[48], srv[48];
    uint16_t sport, dport;
    uint32_t cseq, sseq;      /* next sequence number per side */
    int step;                 /* 0 handshake, 1..n exchanges, then FIN */
    int n_steps;
};

struct gen {
    const struct gen_opts *o;
    struct tb_rng rng;
    struct tb_cap cap;
    int64_t ts_ns;
    struct gen_counts n;
    struct tb_buf pkt, msg, body, tmp;
};

static const char *const hosts[] = {
    "sa.api.intl.miui.com", "graph.facebook.com", "app-measurement.com",
    "api.mixpanel.com", "t.appsflyer.com", "api2.branch.io",
    "data.flurry.com", "in.appcenter.ms", "tracking.example.net",
    "cdn.example.org",
};
#define N_HOSTS (sizeof hosts / sizeof hosts[0])

static void put_packet(struct gen *g, const struct tb_pkt_spec *s)
{
    g->pkt.len = 0;
    tb_pkt_build(s, &g->pkt);
    g->ts_ns += 20000 + (int64_t)tb_rng_below(&g->rng, 200000);
    if (g->o->pcapng)
        tb_pcapng_epb(&g->cap, 0, g->ts_ns, g->pkt.p, (uint32_t)g->pkt.len,
                      (uint32_t)g->pkt.len, NULL);
    else
        tb_pcap_packet(&g->cap, g->ts_ns, g->pkt.p, (uint32_t)g->pkt.len,
                       (uint32_t)g->pkt.len);
    g->n.packets++;
}

/* Send n bytes from one side of f, cut into MSS segments. */
static void send_bytes(struct gen *g, struct gen_flow *f, int from_client,
                       const uint8_t *p, size_t n, uint8_t flags)
{
    size_t off = 0;
    do {
        size_t k = n - off < MSS ? n - off : MSS;
        struct tb_pkt_spec s = {
            .src = from_client ? f->cli : f->srv,
            .dst = from_client ? f->srv : f->cli,
            .sport = from_client ? f->sport : f->dport,
            .dport = from_client ? f->dport : f->sport,
            .seq = from_client ? f->cseq : f->sseq,
            .ack = from_client ? f->sseq : f->cseq,
            .tcp_flags = flags,
            .tcp_flags_exact = flags != 0,
            .payload = p + off,
            .payload_len = k,
        };
        put_packet(g, &s);
        uint32_t adv = (uint32_t)k + ((flags & 0x03) ? 1 : 0); /* SYN/FIN */
        if (from_client)
            f->cseq += adv;
        else
            f->sseq += adv;
        off += k;
    } while (off < n);
}

static void rand_hex(struct gen *g, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++)
        out[i] = hex[tb_rng_below(&g->rng, 16)];
    out[n] = '\0';
}

/* One SDK-style request into g->msg. */
static void make_request(struct gen *g, const char *host)
{
    char id[17], ev[9];
    rand_hex(g, id, 16);
    rand_hex(g, ev, 8);
    g->msg.len = 0;
    g->body.len = 0;
    switch (tb_rng_below(&g->rng, 4)) {
    case 0: /* GET with a query string */
        tb_buf_printf(&g->msg,
                      "GET /v1/collect?android_id=%s&event=%s&ts=%llu HTTP/1.1\r\n"
                      "Host: %s\r\nUser-Agent: Dalvik/2.1.0 (Linux; U; Android 10)\r\n"
                      "Accept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n",
                      id, ev, (unsigned long long)(g->ts_ns / 1000000), host);
        return;
    case 1: /* form POST */
        tb_buf_printf(&g->body, "device_id=%s&event=%s&os=android&model=Redmi%%20Note%%208", id, ev);
        break;
    case 2: /* JSON POST */
        tb_buf_printf(&g->body,
                      "{\"events\":[{\"name\":\"%s\",\"properties\":{\"$device_id\":\"%s\","
                      "\"url\":\"https://duckduckgo.com/?q=weather\",\"lat\":48.8566,"
                      "\"lon\":2.3522}}],\"sdk\":\"1.2.3\"}", ev, id);
        break;
    default: { /* gzip JSON POST */
        g->tmp.len = 0;
        tb_buf_printf(&g->tmp, "[{\"event\":\"%s\",\"properties\":{\"distinct_id\":\"%s\"}}]", ev, id);
        tb_compress(TB_GZIP, g->tmp.p, g->tmp.len, &g->body);
        tb_buf_printf(&g->msg,
                      "POST /track HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                      "Content-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n",
                      host, g->body.len);
        tb_buf_put(&g->msg, g->body.p, g->body.len);
        return;
    }
    }
    tb_buf_printf(&g->msg,
                  "POST /api/events HTTP/1.1\r\nHost: %s\r\n"
                  "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n",
                  host, g->body.len);
    tb_buf_put(&g->msg, g->body.p, g->body.len);
}

static void make_response(struct gen *g)
{
    size_t n = 200 + tb_rng_below(&g->rng, 3000);
    g->msg.len = 0;
    tb_buf_printf(&g->msg, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                           "Content-Length: %zu\r\n\r\n", n);
    for (size_t i = 0; i < n; i++)
        tb_buf_u8(&g->msg, (uint8_t)('a' + tb_rng_below(&g->rng, 26)));
}

/* Opaque TLS records: a ClientHello-shaped first record, then data. */
static void make_tls(struct gen *g, int first, int from_client)
{
    size_t n = first ? 512 : 100 + tb_rng_below(&g->rng, from_client ? 1500 : 12000);
    g->msg.len = 0;
    tb_buf_u8(&g->msg, first ? 0x16 : 0x17);
    tb_buf_be16(&g->msg, 0x0303);
    tb_buf_be16(&g->msg, (uint16_t)n);
    for (size_t i = 0; i < n; i++)
        tb_buf_u8(&g->msg, (uint8_t)tb_rng_next(&g->rng));
}

static void flow_start(struct gen *g, struct gen_flow *f)
{
    unsigned r = (unsigned)tb_rng_below(&g->rng, 100);
    f->kind = r < g->o->pct_http ? 0 : 1;
    snprintf(f->cli, sizeof f->cli, "192.168.1.%u", 10 + (unsigned)tb_rng_below(&g->rng, 20));
    snprintf(f->srv, sizeof f->srv, "203.0.113.%u", 1 + (unsigned)tb_rng_below(&g->rng, 250));
    f->sport = (uint16_t)(32768 + tb_rng_below(&g->rng, 28000));
    f->dport = f->kind == 0 ? 80 : 443;
    f->cseq = (uint32_t)tb_rng_next(&g->rng);
    f->sseq = (uint32_t)tb_rng_next(&g->rng);
    f->step = 0;
    f->n_steps = 1 + (int)tb_rng_below(&g->rng, 6);
    send_bytes(g, f, 1, NULL, 0, 0x02);              /* SYN */
    send_bytes(g, f, 0, NULL, 0, 0x12);              /* SYN+ACK */
    if (f->kind == 1)
        g->n.tls_flows++;
}

/* Advance f by one exchange; 0 when it has ended. */
static int flow_step(struct gen *g, struct gen_flow *f)
{
    if (f->step++ >= f->n_steps) {
        send_bytes(g, f, 1, NULL, 0, 0x11);          /* FIN+ACK */
        send_bytes(g, f, 0, NULL, 0, 0x11);
        return 0;
    }
    if (f->kind == 0) {
        make_request(g, hosts[tb_rng_below(&g->rng, N_HOSTS)]);
        send_bytes(g, f, 1, g->msg.p, g->msg.len, 0);
        g->n.http_requests++;
        make_response(g);
        send_bytes(g, f, 0, g->msg.p, g->msg.len, 0);
    } else {
        make_tls(g, f->step == 1, 1);
        send_bytes(g, f, 1, g->msg.p, g->msg.len, 0);
        make_tls(g, 0, 0);
        send_bytes(g, f, 0, g->msg.p, g->msg.len, 0);
    }
    return 1;
}

static void dns_query(struct gen *g)
{
    char name[64];
    g->msg.len = 0;
    tb_buf_be16(&g->msg, (uint16_t)tb_rng_next(&g->rng));
    tb_buf_be16(&g->msg, 0x0100);
    tb_buf_be16(&g->msg, 1);
    tb_buf_zero(&g->msg, 6);
    snprintf(name, sizeof name, "%s", hosts[tb_rng_below(&g->rng, N_HOSTS)]);
    for (char *lab = strtok(name, "."); lab; lab = strtok(NULL, ".")) {
        tb_buf_u8(&g->msg, (uint8_t)strlen(lab));
        tb_buf_puts(&g->msg, lab);
    }
    tb_buf_u8(&g->msg, 0);
    tb_buf_be16(&g->msg, 1);
    tb_buf_be16(&g->msg, 1);
    struct tb_pkt_spec s = { .proto = 17, .src = "192.168.1.10", .dst = "192.168.1.1",
                             .sport = (uint16_t)(1024 + tb_rng_below(&g->rng, 60000)),
                             .dport = 53, .payload = g->msg.p, .payload_len = g->msg.len };
    put_packet(g, &s);
    g->n.dns_queries++;
}

struct gen_opts gen_opts_default(void)
{
    struct gen_opts o = { .seed = 1, .target_bytes = 16u << 20, .pct_http = 70,
                          .pct_tls = 20, .concurrent = 8 };
    return o;
}

void gen_capture(const struct gen_opts *o, struct tb_buf *out,
                 struct gen_counts *counts)
{
    struct gen g = { .o = o, .rng = tb_rng_seed(o->seed),
                     .ts_ns = 1588500000000000000ll };
    unsigned n_conc = o->concurrent ? o->concurrent : 1;
    struct gen_flow flows[64];
    if (n_conc > 64)
        n_conc = 64;
    if (o->pcapng) {
        tb_pcapng_shb(&g.cap, false);
        tb_pcapng_idb(&g.cap, 1, 262144, NULL);
    } else {
        tb_pcap_begin(&g.cap, TB_PCAP_USEC_LE, 1, 262144);
    }
    for (unsigned i = 0; i < n_conc; i++)
        flow_start(&g, &flows[i]);
    while (g.cap.b.len < o->target_bytes) {
        struct gen_flow *f = &flows[tb_rng_below(&g.rng, n_conc)];
        if (tb_rng_below(&g.rng, 100) >= o->pct_http + o->pct_tls) {
            dns_query(&g);
            continue;
        }
        if (!flow_step(&g, f))
            flow_start(&g, f);
    }
    for (unsigned i = 0; i < n_conc; i++) /* end every flow cleanly */
        while (flow_step(&g, &flows[i]))
            ;
    g.n.bytes = g.cap.b.len;
    tb_buf_put(out, g.cap.b.p, g.cap.b.len);
    if (counts)
        *counts = g.n;
    tb_cap_release(&g.cap);
    tb_buf_release(&g.pkt);
    tb_buf_release(&g.msg);
    tb_buf_release(&g.body);
    tb_buf_release(&g.tmp);
}
