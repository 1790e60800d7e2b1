/* SPDX-License-Identifier: MIT */
#include "gen.h"

#include <stdio.h>
#include <string.h>

#include "tb_compress.h"
#include "tb_conv.h"
#include "tb_packet.h"

struct gen_flow {
    int kind;                 /* 0 HTTP, 1 TLS */
    struct tb_conv conv;
    int step;                 /* exchanges done */
    int n_steps;              /* exchanges before FIN */
};

struct gen {
    const struct gen_opts *o;
    struct tb_rng rng;
    struct tb_capfile file;
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
                      id, ev, (unsigned long long)(g->file.ts_ns / 1000000), host);
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
    char cli[48], srv[48];
    unsigned r = (unsigned)tb_rng_below(&g->rng, 100);
    f->kind = r < g->o->pct_http ? 0 : 1;
    snprintf(cli, sizeof cli, "192.168.1.%u", 10 + (unsigned)tb_rng_below(&g->rng, 20));
    snprintf(srv, sizeof srv, "203.0.113.%u", 1 + (unsigned)tb_rng_below(&g->rng, 250));
    tb_conv_open(&f->conv, &g->file, cli, srv,
                 (uint16_t)(32768 + tb_rng_below(&g->rng, 28000)),
                 f->kind == 0 ? 80 : 443, (uint32_t)tb_rng_next(&g->rng),
                 (uint32_t)tb_rng_next(&g->rng));
    f->step = 0;
    f->n_steps = 1 + (int)tb_rng_below(&g->rng, 6);
    if (f->kind == 1)
        g->n.tls_flows++;
}

/* Advance f by one exchange; 0 when it has ended. */
static int flow_step(struct gen *g, struct gen_flow *f)
{
    if (f->step++ >= f->n_steps) {
        tb_conv_close(&f->conv);
        tb_conv_release(&f->conv);
        return 0;
    }
    if (f->kind == 0) {
        make_request(g, hosts[tb_rng_below(&g->rng, N_HOSTS)]);
        tb_conv_send(&f->conv, true, g->msg.p, g->msg.len);
        g->n.http_requests++;
        make_response(g);
        tb_conv_send(&f->conv, false, g->msg.p, g->msg.len);
    } else {
        make_tls(g, f->step == 1, 1);
        tb_conv_send(&f->conv, true, g->msg.p, g->msg.len);
        make_tls(g, 0, 0);
        tb_conv_send(&f->conv, false, g->msg.p, g->msg.len);
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
    g->pkt.len = 0;
    tb_pkt_build(&s, &g->pkt);
    tb_capfile_frame(&g->file, g->pkt.p, g->pkt.len);
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
    struct gen g = { .o = o, .rng = tb_rng_seed(o->seed) };
    unsigned n_conc = o->concurrent ? o->concurrent : 1;
    struct gen_flow flows[64];
    if (n_conc > 64)
        n_conc = 64;
    tb_capfile_begin(&g.file, o->pcapng);
    g.file.step_ns = 50000;
    for (unsigned i = 0; i < n_conc; i++)
        flow_start(&g, &flows[i]);
    while (g.file.cap.b.len < o->target_bytes) {
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
    g.n.bytes = g.file.cap.b.len;
    g.n.packets = g.file.frames;
    tb_buf_put(out, g.file.cap.b.p, g.file.cap.b.len);
    if (counts)
        *counts = g.n;
    tb_capfile_release(&g.file);
    tb_buf_release(&g.pkt);
    tb_buf_release(&g.msg);
    tb_buf_release(&g.body);
    tb_buf_release(&g.tmp);
}
