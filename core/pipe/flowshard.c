/* SPDX-License-Identifier: MIT */
/*
 * flowshard.c - flows of one file: reassembled streams to the HTTP parser and
 * the TLS / DNS sniffers, requests to the leak detectors, everything out
 * through the shard's chunk.
 */
#include "flowshard.h"

#include <stdio.h>
#include <string.h>

#include "../base/alloc.h"
#include "../flow/flow.h"
#include "../out/tsv.h"
#include "../proto/quic.h"
#include "../proto/tls.h"
#include "names.h"

#define TLS_HELLO_MAX (16u << 10) /* bytes of a stream searched for an SNI */
#define NAMES_CAP 16384           /* DNS names remembered per file */
#define HELLO_BUDGET (64u << 20) /* TLS hello bytes held, all flows */
#define APP_LEN 128

/* Per-flow consumer state: one HTTP parser per direction, made lazily, and
   what summary.json says of the flow's destination. */
struct shard_flow {
    struct lt_http_parser *hp[2];
    uint64_t bytes[2];            /* stream bytes per direction */
    int client;                   /* the direction requests come from */
    bool clear, tls, tls_done;
    uint32_t leaks;
    const char *device;           /* whose flow: the file's device unless the
                                     manifest's addresses claim an endpoint */
    char app[APP_LEN];            /* the sending app (capture metadata) */
    struct lt_buf hello;          /* start of a TLS stream, until the SNI */
    char host[LT_NAMES_LEN];
};

struct lt_flowshard {
    struct lt_limits lim;         /* the run's, flow cap shared out */
    struct lt_pipe_cfg cfg;
    struct lt_leaks leaks;
    struct lt_stats st;           /* the current file's counters */
    struct lt_http_ctx http;
    struct lt_flow_table *flows;
    struct lt_names names;
    struct lt_chunk out;
    struct lt_buf row;            /* a --requests row */
    uint8_t *quic_scratch;        /* LT_QUIC_SCRATCH_MAX bytes */
    size_t hello_held, hello_budget;
    /* the current file */
    const char *name;
    const char *device;
    /* the packet and direction being fed, for callbacks */
    const struct lt_flowshard_pkt *cur;
    struct lt_flow *cur_flow;
    int cur_dir;
    const struct lt_pkt_meta *cur_meta;
};

/* An item the chunk could not take (LT_CHUNK_MAX between two ticks, or
   memory) is counted, not silently lost. */
static void emitted(struct lt_flowshard *s, enum lt_err e)
{
    if (e != LT_OK)
        s->st.chunk_cap++;
}

/* Count a record against the flow it came from, then emit it with the
   flow's device. */
static void on_leak(void *ud, const char *kind, const uint8_t *line, size_t len)
{
    struct lt_flowshard *s = ud;
    struct shard_flow *sf = s->cur_flow ? s->cur_flow->user : NULL;
    if (sf)
        sf->leaks++;
    emitted(s, lt_chunk_leak(&s->out, s->cur_meta->frame,
                             sf ? sf->device : s->device, sf ? sf->app : "",
                             kind, line, len));
}

static void emit_request(struct lt_flowshard *s, const struct lt_msg_ctx *ctx,
                         const struct lt_http_request *req)
{
    if (!s->cfg.requests)
        return;
    lt_buf_reset(&s->row);
    if (lt_tsv_request_row(&s->row, ctx->capture, ctx->frame, req->host,
                           req->method, req->target) == LT_OK)
        emitted(s, lt_chunk_request(&s->out, ctx->frame, s->row.p, s->row.len));
    /* a row over the cap is left out, not fatal */
}

static void on_request(void *ud, const struct lt_http_request *req)
{
    struct lt_flowshard *s = ud;
    const struct lt_flow *f = s->cur_flow;
    int d = s->cur_dir;
    struct shard_flow *sf = f->user;
    struct lt_msg_ctx ctx = {
        .capture = s->name,
        .frame = s->cur_meta->frame,
        .ts_ns = s->cur_meta->ts_ns,
        .has_flow = true,
        .app = lt_span_cstr(sf->app),
        .ip_version = f->ip_version,
        .src_ip = f->addr[d],
        .dst_ip = f->addr[!d],
        .src_port = f->port[d],
        .dst_port = f->port[!d],
    };
    sf->clear = true;
    sf->client = d;
    if (!sf->host[0] && req->host.len)
        snprintf(sf->host, sizeof sf->host, "%.*s", (int)req->host.len,
                 (const char *)req->host.p);
    emit_request(s, &ctx, req);
    lt_leaks_http(&s->leaks, &ctx, req, sf->device, on_leak, s);
}

void lt_flowshard_har_request(struct lt_flowshard *s, const struct lt_msg_ctx *ctx,
                          const struct lt_http_request *req)
{
    struct lt_pkt_meta m = { ctx->frame, ctx->ts_ns };
    s->st.requests++;
    s->cur_flow = NULL; /* on_leak: a HAR entry is the file's device's */
    s->cur_meta = &m;
    emit_request(s, ctx, req);
    lt_leaks_http(&s->leaks, ctx, req, s->device, on_leak, s);
    s->cur_meta = NULL;
}

/* The direction's parser, made on first use; NULL when out of memory or
   when the direction is known not to be HTTP. */
static struct lt_http_parser *flow_parser(struct lt_flowshard *s, struct lt_flow *f,
                                          int dir)
{
    struct shard_flow *sf = f->user;
    if (!sf->hp[dir])
        sf->hp[dir] = lt_http_parser_new(&s->http);
    if (sf->hp[dir] && lt_http_is_done(sf->hp[dir]))
        return NULL;
    return sf->hp[dir];
}

/* Whose flow it is in a shared capture (SPEC §3 addresses): the device
   owning either endpoint's IP address, else the Ethernet address of the
   packet that opened it; else the file's own device. */
static const char *endpoint_device(const struct lt_flowshard *s, uint8_t ip_version,
                                   const uint8_t *a, const uint8_t *b)
{
    const struct lt_addr_map *am = s->cfg.addrs;
    const struct lt_manifest *mf = s->cfg.det.mf;
    const struct lt_l4 *l4 = s->cur ? s->cur->l4 : NULL;
    if (!am || !am->n || !mf)
        return s->device;
    int d = lt_addr_map_ip(am, ip_version, a);
    if (d < 0)
        d = lt_addr_map_ip(am, ip_version, b);
    if (d < 0 && l4 && l4->eth_src)
        d = lt_addr_map_mac(am, l4->eth_src);
    if (d < 0 && l4 && l4->eth_dst)
        d = lt_addr_map_mac(am, l4->eth_dst);
    return d >= 0 && (size_t)d < mf->n_devices ? mf->devices[d].id : s->device;
}

static void hello_release(struct lt_flowshard *s, struct shard_flow *sf)
{
    s->hello_held -= sf->hello.len;
    lt_buf_release(&sf->hello);
}

/* The flow's state, made on its first bytes; NULL when out of memory. */
static struct shard_flow *flow_state(struct lt_flowshard *s, struct lt_flow *f)
{
    struct shard_flow *sf = f->user;
    if (!sf) {
        if (!(sf = lt_calloc(1, sizeof *sf)))
            return NULL;
        lt_buf_init(&sf->hello, TLS_HELLO_MAX);
        sf->device = endpoint_device(s, f->ip_version, f->addr[0], f->addr[1]);
        f->user = sf;
    }
    /* the first packet that names an app names the flow's */
    if (!sf->app[0] && s->cur && s->cur->app[0])
        snprintf(sf->app, sizeof sf->app, "%s", s->cur->app);
    return sf;
}

/* Keep n more bytes of a spanning hello, within the shard's budget. */
static bool hello_keep(struct lt_flowshard *s, struct shard_flow *sf,
                       const uint8_t *data, size_t n)
{
    if (s->hello_held + n > s->hello_budget ||
        lt_buf_append(&sf->hello, data, n) != LT_OK)
        return false;
    s->hello_held += n;
    return true;
}

/* A stream that opens with a TLS handshake record: its ClientHello's
   server name. The usual hello sits whole in the first delivery and is
   read in place; one that spans segments is collected (at most
   TLS_HELLO_MAX per flow, and the hello budget for all flows together, so
   a flood of half-hellos cannot hold memory). */
static void sniff_tls(struct lt_flowshard *s, struct shard_flow *sf, int dir,
                      const uint8_t *data, size_t n)
{
    if (sf->tls_done)
        return;
    if (sf->bytes[dir] == 0 && (n == 0 || data[0] != 0x16)) {
        if (dir == 0)
            sf->tls_done = true; /* the initiator does not speak TLS first */
        return;
    }
    if (sf->bytes[dir] != sf->hello.len)
        return; /* the other direction started it */
    size_t take = n < TLS_HELLO_MAX - sf->hello.len ? n : TLS_HELLO_MAX - sf->hello.len;
    const uint8_t *hello = data;
    size_t hello_len = take;
    if (sf->hello.len) {
        if (!hello_keep(s, sf, data, take))
            goto done;
        hello = sf->hello.p;
        hello_len = sf->hello.len;
    }
    uint8_t name[256];
    struct lt_span sni;
    size_t need = 0;
    enum lt_err e = lt_tls_sni(hello, hello_len, name, sizeof name, &sni, &need);
    if (e == LT_AGAIN && hello_len < TLS_HELLO_MAX) {
        if (!sf->hello.len && !hello_keep(s, sf, data, take))
            goto done; /* first delivery: keep it for the next */
        return;
    }
    if (e == LT_OK) {
        sf->tls = true;
        sf->client = dir;
        s->st.tls_server_names++;
        if (!sf->host[0])
            snprintf(sf->host, sizeof sf->host, "%.*s", (int)sni.len,
                     (const char *)sni.p);
    }
done:
    sf->tls_done = true;
    hello_release(s, sf);
}

/* DNS over TCP (RFC 1035 §4.2.2): messages behind a 2-byte length. Only
   messages whole inside one delivery are read (resolvers send each in one
   segment); the rest of such a delivery is skipped. */
static void tcp_dns(struct lt_flowshard *s, const uint8_t *data, size_t n)
{
    while (n >= 2) {
        size_t len = (size_t)data[0] << 8 | data[1];
        if (len == 0 || len > n - 2)
            return;
        lt_names_dns(&s->names, data + 2, len, &s->st);
        data += 2 + len;
        n -= 2 + len;
    }
}

static void on_data(void *ud, struct lt_flow *f, int dir, const uint8_t *data,
                    size_t n, const struct lt_pkt_meta *m)
{
    struct lt_flowshard *s = ud;
    struct shard_flow *sf = flow_state(s, f);
    if (!sf)
        return;
    if (f->port[0] == 53 || f->port[1] == 53)
        tcp_dns(s, data, n);
    sniff_tls(s, sf, dir, data, n);
    sf->bytes[dir] += n;
    struct lt_http_parser *hp = flow_parser(s, f, dir);
    if (!hp)
        return;
    s->cur_flow = f;
    s->cur_dir = dir;
    s->cur_meta = m;
    lt_http_feed(hp, data, n, on_request, s);
}

static void on_gap(void *ud, struct lt_flow *f, int dir, uint64_t len,
                   const struct lt_pkt_meta *m)
{
    struct lt_flowshard *s = ud;
    struct shard_flow *sf = f->user;
    if (!sf || !sf->hp[dir])
        return; /* nothing parsed yet: the parser will hunt when data comes */
    s->cur_flow = f;
    s->cur_dir = dir;
    s->cur_meta = m;
    lt_http_gap(sf->hp[dir], len, on_request, s);
}

static void on_close(void *ud, struct lt_flow *f)
{
    struct lt_flowshard *s = ud;
    struct shard_flow *sf = f->user;
    if (!sf)
        return;
    s->cur_flow = f;
    s->cur_meta = &f->last;
    for (int d = 0; d < 2; d++) {
        if (!sf->hp[d])
            continue;
        s->cur_dir = d;
        lt_http_finish(sf->hp[d], on_request, s);
        lt_http_parser_free(sf->hp[d]);
    }
    const uint8_t *dst = f->addr[!sf->client];
    const char *host = sf->host;
    if (!host[0])
        host = lt_names_lookup(&s->names, f->ip_version, dst);
    struct lt_flow_summary fs = {
        sf->device, sf->app, host ? host : "", f->ip_version, dst,
        sf->bytes[sf->client], sf->clear, sf->tls, sf->leaks,
    };
    emitted(s, lt_chunk_flow(&s->out, f->last.frame, &fs));
    hello_release(s, sf);
    lt_free(sf);
    f->user = NULL;
    s->cur_flow = NULL;
}

/* A client's QUIC Initial (RFC 9000 §17.2.2: long header, padded to at
   least 1200 bytes by clients) names its destination address. */
static void quic_name(struct lt_flowshard *s, const struct lt_flowshard_pkt *pkt)
{
    const struct lt_l4 *l4 = pkt->l4;
    uint8_t name[256];
    struct lt_span sni;
    if (l4->payload.len < 1200 || (l4->payload.p[0] & 0xc0) != 0xc0)
        return;
    if (lt_quic_initial_sni(l4->payload.p, l4->payload.len, s->quic_scratch,
                            LT_QUIC_SCRATCH_MAX, name, sizeof name, &sni) != LT_OK)
        return;
    if (!pkt->shadow)
        s->st.quic_server_names++;
    /* a connection's first Initial names it; its retransmissions (same
       address, same name) are not new destinations */
    const char *known = lt_names_lookup(&s->names, l4->ip_version, l4->dst);
    if (known && strlen(known) == sni.len && !memcmp(known, sni.p, sni.len))
        return;
    lt_names_learn(&s->names, l4->ip_version, l4->dst, (const char *)sni.p, sni.len);
    if (pkt->shadow)
        return;
    char host[256];
    snprintf(host, sizeof host, "%.*s", (int)sni.len, (const char *)sni.p);
    struct lt_flow_summary fs = {
        endpoint_device(s, l4->ip_version, l4->src, l4->dst), pkt->app,
        host, l4->ip_version, l4->dst, l4->payload.len, false, true, 0,
    };
    emitted(s, lt_chunk_flow(&s->out, pkt->frame, &fs));
}

static bool is_dns(const struct lt_l4 *l4)
{
    return l4->sport == 53 || l4->dport == 53 || l4->dport == 5353 ||
           l4->sport == 5355 || l4->dport == 5355;
}

bool lt_flowshard_pkt_names(const struct lt_l4 *l4)
{
    if (l4->proto != 17)
        return false;
    return is_dns(l4) ||
           (l4->payload.len >= 1200 && (l4->payload.p[0] & 0xc0) == 0xc0);
}

void lt_flowshard_packet(struct lt_flowshard *s, const struct lt_flowshard_pkt *pkt)
{
    const struct lt_l4 *l4 = pkt->l4;
    s->cur = pkt;
    if (l4->proto == 17) {
        if (is_dns(l4))
            lt_names_dns(&s->names, l4->payload.p, l4->payload.len,
                         pkt->shadow ? NULL : &s->st);
        else
            quic_name(s, pkt);
    } else if (l4->proto == 6 && !pkt->shadow) {
        struct lt_pkt_meta m = { pkt->frame, pkt->ts_ns };
        if (lt_flow_table_segment(s->flows, l4, &m) != LT_OK) {
            char msg[256];
            snprintf(msg, sizeof msg,
                     "out of memory for a TCP segment at frame %llu in '%s'",
                     (unsigned long long)pkt->frame, s->name);
            emitted(s, lt_chunk_warn(&s->out, pkt->frame, msg));
        }
    }
    s->cur = NULL;
}

void lt_flowshard_tick(struct lt_flowshard *s, int64_t now)
{
    lt_flow_table_expire(s->flows, now);
}

void lt_flowshard_finish(struct lt_flowshard *s)
{
    lt_flow_table_finish(s->flows);
}

void lt_flowshard_begin(struct lt_flowshard *s, const char *name, const char *device)
{
    memset(&s->st, 0, sizeof s->st);
    s->name = name;
    s->device = device;
    lt_names_reset(&s->names);
}

struct lt_chunk *lt_flowshard_chunk(struct lt_flowshard *s) { return &s->out; }

void lt_flowshard_swap_chunk(struct lt_flowshard *s, struct lt_chunk *c)
{
    struct lt_chunk t = s->out;
    s->out = *c;
    *c = t;
}

const struct lt_stats *lt_flowshard_stats(const struct lt_flowshard *s) { return &s->st; }

struct lt_flowshard *lt_flowshard_new(const struct lt_pipe_cfg *cfg, uint32_t n_shards)
{
    struct lt_flowshard *s = lt_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (n_shards == 0)
        n_shards = 1;
    s->lim = *cfg->lim;
    s->lim.max_flows = (s->lim.max_flows + n_shards - 1) / n_shards;
    s->cfg = *cfg;
    s->cfg.lim = &s->lim;
    s->hello_budget = HELLO_BUDGET / n_shards;
    lt_chunk_init(&s->out);
    lt_buf_init(&s->row, 1u << 24);
    struct lt_flow_cb cb = { s, on_data, on_gap, on_close };
    s->quic_scratch = lt_malloc(LT_QUIC_SCRATCH_MAX);
    bool http_ok = lt_http_ctx_init(&s->http, &s->lim, &s->st) == LT_OK;
    bool names_ok = lt_names_init(&s->names, NAMES_CAP) == LT_OK;
    bool leaks_ok = lt_leaks_init(&s->leaks, &cfg->det, &s->lim, &s->st,
                                  cfg->values) == LT_OK;
    s->flows = lt_flow_table_new(&s->lim, &s->st, &cb);
    if (!s->quic_scratch || !http_ok || !names_ok || !leaks_ok || !s->flows) {
        if (!http_ok)
            memset(&s->http, 0, sizeof s->http);
        if (!leaks_ok)
            memset(&s->leaks, 0, sizeof s->leaks);
        lt_flowshard_free(s);
        return NULL;
    }
    return s;
}

void lt_flowshard_free(struct lt_flowshard *s)
{
    if (!s)
        return;
    lt_flow_table_free(s->flows); /* closes nothing: finish came first */
    lt_names_release(&s->names);
    lt_leaks_release(&s->leaks);
    lt_http_ctx_release(&s->http);
    lt_free(s->quic_scratch);
    lt_chunk_release(&s->out);
    lt_buf_release(&s->row);
    lt_free(s);
}
