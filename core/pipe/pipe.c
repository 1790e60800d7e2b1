/* SPDX-License-Identifier: MIT */
/*
 * pipe.c - drive one file through io → fmt → flow → http.
 *
 * The input window: one buffer per pipe, max_record + LT_PIPE_READ bytes.
 * The capture reader parses in place; packets point into the window, the
 * flow table delivers in-order payload straight from there, so an in-order
 * packet is never copied. When the reader needs more bytes than are left
 * after the parse position, the unparsed tail (at most one partial record)
 * moves to the front and the window is refilled from the input.
 */
#include "pipe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../base/alloc.h"
#include "../flow/flow.h"
#include "../fmt/decode.h"
#include "../fmt/appinfo.h"
#include "../http/har.h"
#include "../proto/quic.h"
#include "../proto/tls.h"
#include "names.h"

#define LT_PIPE_READ (4u << 20)    /* bytes asked of the input per refill */
#define LT_PIPE_SNIFF 4096u        /* bytes wanted before sniffing the format */
#define LT_PIPE_MAX_WARN 3         /* messages per file; the rest are counted */

#define TLS_HELLO_MAX (16u << 10) /* bytes of a stream searched for an SNI */
#define NAMES_CAP 16384           /* DNS names remembered per file */
#define HELLO_BUDGET (64u << 20) /* TLS hello bytes held, all flows */
#define APPS_CAP 4096             /* PCAPdroid UID -> app entries per file */
#define APP_LEN 128

/* Per-flow consumer state: one HTTP parser per direction, made lazily, and
   what summary.json says of the flow's destination. */
struct pipe_flow {
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

struct lt_pipe {
    struct lt_limits lim;
    struct lt_pipe_cfg cfg;
    struct lt_pipe_hooks hooks;
    struct lt_leaks leaks;
    struct lt_stats st;            /* the current file's counters */
    struct lt_http_ctx http;
    struct lt_flow_table *flows;
    struct lt_names names;
    uint8_t *win;
    size_t win_cap;
    /* the current file, for callbacks */
    const char *name;
    const char *device;
    struct lt_file_result *res;
    int n_warn;
    const struct lt_l4 *cur_l4;   /* the packet being decoded, for MACs */
    char cur_app[APP_LEN];        /* its app, from a PCAPdroid trailer or an
                                     EPB comment; "" when unknown */
    struct app_entry { int32_t uid; char name[APP_LEN]; } *apps; /* UID map */
    uint32_t n_apps;
    uint8_t *quic_scratch;        /* LT_QUIC_SCRATCH_MAX bytes */
    size_t hello_held;            /* bytes in all flows' hello buffers */
    /* the direction being fed, for the request hook */
    struct lt_flow *cur_flow;
    int cur_dir;
    const struct lt_pkt_meta *cur_meta;
};

const char *lt_file_status_name(enum lt_file_status s)
{
    switch (s) {
    case LT_FILE_OK: return "ok";
    case LT_FILE_ERROR: return "error";
    case LT_FILE_SKIPPED: return "skipped";
    }
    return "unknown";
}

static void pipe_warn(struct lt_pipe *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Count a bad-input event of the current file; describe the first few. */
static void pipe_warn(struct lt_pipe *p, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    p->res->n_warnings++;
    if (p->n_warn >= LT_PIPE_MAX_WARN)
        return;
    p->n_warn++;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!p->res->error[0])
        snprintf(p->res->error, sizeof p->res->error, "%.500s", msg);
    if (p->hooks.warn)
        p->hooks.warn(p->hooks.ud, msg);
}

/* Count a record against the flow it came from, then hand it on with the
   flow's device. */
static void on_leak(void *ud, const char *kind, const uint8_t *line, size_t len)
{
    struct lt_pipe *p = ud;
    struct pipe_flow *pf = p->cur_flow ? p->cur_flow->user : NULL;
    if (pf)
        pf->leaks++;
    p->hooks.leak(p->hooks.ud, pf ? pf->device : p->device, pf ? pf->app : "",
                  kind, line, len);
}

static void on_request(void *ud, const struct lt_http_request *req)
{
    struct lt_pipe *p = ud;
    const struct lt_flow *f = p->cur_flow;
    int d = p->cur_dir;
    struct lt_msg_ctx ctx = {
        .capture = p->name,
        .frame = p->cur_meta->frame,
        .ts_ns = p->cur_meta->ts_ns,
        .has_flow = true,
        .ip_version = f->ip_version,
        .src_ip = f->addr[d],
        .dst_ip = f->addr[!d],
        .src_port = f->port[d],
        .dst_port = f->port[!d],
    };
    struct pipe_flow *pf = p->cur_flow->user;
    ctx.app = lt_span_cstr(pf->app);
    pf->clear = true;
    pf->client = d;
    if (!pf->host[0] && req->host.len)
        snprintf(pf->host, sizeof pf->host, "%.*s", (int)req->host.len,
                 (const char *)req->host.p);
    if (p->hooks.request)
        p->hooks.request(p->hooks.ud, &ctx, req);
    if (p->hooks.leak)
        lt_leaks_http(&p->leaks, &ctx, req, pf->device, on_leak, p);
}

/* The direction's parser, made on first use; NULL when out of memory or
   when the direction is known not to be HTTP. */
static struct lt_http_parser *flow_parser(struct lt_pipe *p, struct lt_flow *f,
                                          int dir)
{
    struct pipe_flow *pf = f->user;
    if (!pf->hp[dir])
        pf->hp[dir] = lt_http_parser_new(&p->http);
    if (pf->hp[dir] && lt_http_is_done(pf->hp[dir]))
        return NULL;
    return pf->hp[dir];
}

/* Whose flow it is in a shared capture (SPEC §3 addresses): the device
   owning either endpoint's IP address, else the Ethernet address of the
   packet that opened it; else the file's own device. */
static const char *endpoint_device(const struct lt_pipe *p, uint8_t ip_version,
                                   const uint8_t *a, const uint8_t *b)
{
    const struct lt_addr_map *am = p->cfg.addrs;
    const struct lt_manifest *mf = p->cfg.det.mf;
    int d = -1;
    if (!am || !am->n || !mf)
        return p->device;
    d = lt_addr_map_ip(am, ip_version, a);
    if (d < 0)
        d = lt_addr_map_ip(am, ip_version, b);
    if (d < 0 && p->cur_l4 && p->cur_l4->eth_src)
        d = lt_addr_map_mac(am, p->cur_l4->eth_src);
    if (d < 0 && p->cur_l4 && p->cur_l4->eth_dst)
        d = lt_addr_map_mac(am, p->cur_l4->eth_dst);
    return d >= 0 && (size_t)d < mf->n_devices ? mf->devices[d].id : p->device;
}

static const char *flow_device(const struct lt_pipe *p, const struct lt_flow *f)
{
    return endpoint_device(p, f->ip_version, f->addr[0], f->addr[1]);
}

static bool pf_app_known(const struct pipe_flow *pf)
{
    return pf->app[0] != '\0';
}

static void hello_release(struct lt_pipe *p, struct pipe_flow *pf)
{
    p->hello_held -= pf->hello.len;
    lt_buf_release(&pf->hello);
}

/* The flow's state, made on its first bytes; NULL when out of memory. */
static struct pipe_flow *flow_state(struct lt_pipe *p, struct lt_flow *f)
{
    if (!f->user) {
        struct pipe_flow *pf = lt_calloc(1, sizeof *pf);
        if (!pf)
            return NULL;
        lt_buf_init(&pf->hello, TLS_HELLO_MAX);
        pf->device = flow_device(p, f);
        f->user = pf;
    }
    /* the first packet that names an app names the flow's */
    if (!pf_app_known((struct pipe_flow *)f->user) && p->cur_app[0])
        memcpy(((struct pipe_flow *)f->user)->app, p->cur_app, APP_LEN);
    return f->user;
}

/* A stream that opens with a TLS handshake record: its ClientHello's
   server name. The usual hello sits whole in the first delivery and is
   read in place; one that spans segments is collected (at most
   TLS_HELLO_MAX per flow, and HELLO_BUDGET for all flows together, so a
   flood of half-hellos cannot hold memory). */
static void sniff_tls(struct lt_pipe *p, struct pipe_flow *pf, int dir,
                      const uint8_t *data, size_t n)
{
    if (pf->tls_done)
        return;
    if (pf->bytes[dir] == 0 && (n == 0 || data[0] != 0x16)) {
        if (dir == 0)
            pf->tls_done = true; /* the initiator does not speak TLS first */
        return;
    }
    if (pf->bytes[dir] != pf->hello.len)
        return; /* the other direction started it */
    size_t take = n < TLS_HELLO_MAX - pf->hello.len ? n : TLS_HELLO_MAX - pf->hello.len;
    const uint8_t *hello = data;
    size_t hello_len = take;
    if (pf->hello.len) {
        if (p->hello_held + take > HELLO_BUDGET ||
            lt_buf_append(&pf->hello, data, take) != LT_OK)
            goto done;
        p->hello_held += take;
        hello = pf->hello.p;
        hello_len = pf->hello.len;
    }
    uint8_t name[256];
    struct lt_span sni;
    size_t need = 0;
    enum lt_err e = lt_tls_sni(hello, hello_len, name, sizeof name, &sni, &need);
    if (e == LT_AGAIN && hello_len < TLS_HELLO_MAX) {
        if (!pf->hello.len) { /* first delivery: keep it for the next */
            if (p->hello_held + take > HELLO_BUDGET ||
                lt_buf_append(&pf->hello, data, take) != LT_OK)
                goto done;
            p->hello_held += take;
        }
        return;
    }
    if (e == LT_OK) {
        pf->tls = true;
        pf->client = dir;
        p->st.tls_server_names++;
        if (!pf->host[0])
            snprintf(pf->host, sizeof pf->host, "%.*s", (int)sni.len,
                     (const char *)sni.p);
    }
done:
    pf->tls_done = true;
    hello_release(p, pf);
}

/* DNS over TCP (RFC 1035 §4.2.2): messages behind a 2-byte length. Only
   messages whole inside one delivery are read (resolvers send each in one
   segment); the rest of such a delivery is skipped. */
static void tcp_dns(struct lt_pipe *p, const uint8_t *data, size_t n)
{
    while (n >= 2) {
        size_t len = (size_t)data[0] << 8 | data[1];
        if (len == 0 || len > n - 2)
            return;
        lt_names_dns(&p->names, data + 2, len, &p->st);
        data += 2 + len;
        n -= 2 + len;
    }
}

static void on_data(void *ud, struct lt_flow *f, int dir, const uint8_t *data,
                    size_t n, const struct lt_pkt_meta *m)
{
    struct lt_pipe *p = ud;
    struct pipe_flow *pf = flow_state(p, f);
    if (!pf)
        return;
    if (f->port[0] == 53 || f->port[1] == 53)
        tcp_dns(p, data, n);
    sniff_tls(p, pf, dir, data, n);
    pf->bytes[dir] += n;
    struct lt_http_parser *hp = flow_parser(p, f, dir);
    if (!hp)
        return;
    p->cur_flow = f;
    p->cur_dir = dir;
    p->cur_meta = m;
    lt_http_feed(hp, data, n, on_request, p);
}

static void on_gap(void *ud, struct lt_flow *f, int dir, uint64_t len,
                   const struct lt_pkt_meta *m)
{
    struct lt_pipe *p = ud;
    struct pipe_flow *pf = f->user;
    if (!pf || !pf->hp[dir])
        return; /* nothing parsed yet: the parser will hunt when data comes */
    p->cur_flow = f;
    p->cur_dir = dir;
    p->cur_meta = m;
    lt_http_gap(pf->hp[dir], len, on_request, p);
}

static void on_close(void *ud, struct lt_flow *f)
{
    struct lt_pipe *p = ud;
    struct pipe_flow *pf = f->user;
    if (!pf)
        return;
    p->cur_flow = f;
    p->cur_meta = &f->last;
    for (int d = 0; d < 2; d++) {
        if (!pf->hp[d])
            continue;
        p->cur_dir = d;
        lt_http_finish(pf->hp[d], on_request, p);
        lt_http_parser_free(pf->hp[d]);
    }
    if (p->hooks.flow) {
        const uint8_t *dst = f->addr[!pf->client];
        const char *host = pf->host;
        if (!host[0])
            host = lt_names_lookup(&p->names, f->ip_version, dst);
        struct lt_flow_summary fs = {
            pf->device, pf->app, host ? host : "", f->ip_version, dst,
            pf->bytes[pf->client], pf->clear, pf->tls, pf->leaks,
        };
        p->hooks.flow(p->hooks.ud, &fs);
    }
    hello_release(p, pf);
    lt_free(pf);
    f->user = NULL;
    p->cur_flow = NULL;
}

struct lt_pipe *lt_pipe_new(const struct lt_pipe_cfg *cfg,
                            const struct lt_pipe_hooks *hooks)
{
    struct lt_pipe *p = lt_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->lim = *cfg->lim;
    p->cfg = *cfg;
    p->cfg.lim = &p->lim;
    p->hooks = *hooks;
    p->win_cap = (size_t)p->lim.max_record + LT_PIPE_READ + 65536;
    p->win = lt_malloc(p->win_cap);
    struct lt_flow_cb cb = { p, on_data, on_gap, on_close };
    p->apps = lt_calloc(APPS_CAP, sizeof *p->apps);
    p->quic_scratch = lt_malloc(LT_QUIC_SCRATCH_MAX);
    if (!p->win || !p->apps || !p->quic_scratch || lt_http_ctx_init(&p->http, &p->lim, &p->st) != LT_OK) {
        lt_free(p->apps);
        lt_free(p->quic_scratch);
        lt_free(p->win);
        lt_free(p);
        return NULL;
    }
    p->flows = lt_flow_table_new(&p->lim, &p->st, &cb);
    if (!p->flows || lt_names_init(&p->names, NAMES_CAP) != LT_OK ||
        lt_leaks_init(&p->leaks, &cfg->det, &p->lim, &p->st, cfg->values) != LT_OK) {
        lt_flow_table_free(p->flows);
        lt_names_release(&p->names);
        lt_http_ctx_release(&p->http);
        lt_free(p->apps);
        lt_free(p->quic_scratch);
        lt_free(p->win);
        lt_free(p);
        return NULL;
    }
    return p;
}

void lt_pipe_free(struct lt_pipe *p)
{
    if (!p)
        return;
    lt_flow_table_free(p->flows);
    lt_names_release(&p->names);
    lt_free(p->apps);
    lt_free(p->quic_scratch);
    lt_leaks_release(&p->leaks);
    lt_http_ctx_release(&p->http);
    lt_free(p->win);
    lt_free(p);
}

/* Read until the window holds at least want bytes after start, or the input
   ends. Moves the unparsed tail to the front first when space is short.
   Returns LT_OK (maybe fewer bytes: EOF), or the input's error. */
static enum lt_err refill(struct lt_pipe *p, struct lt_input *in,
                          size_t *start, size_t *end, size_t want)
{
    if (*start > 0 && p->win_cap - *start < want + LT_PIPE_READ / 2) {
        memmove(p->win, p->win + *start, *end - *start);
        *end -= *start;
        *start = 0;
    }
    while (*end - *start < want && *end < p->win_cap) {
        size_t got = 0;
        size_t room = p->win_cap - *end;
        enum lt_err e = lt_input_read(in, p->win + *end, room, &got);
        *end += got;
        if (e == LT_END)
            return LT_OK;
        if (e != LT_OK)
            return e;
    }
    return LT_OK;
}

/* The app a packet belongs to, from capture metadata: PCAPdroid's trailer
   (stripped from the frame: it must never be taken for payload) or its
   EPB comment "u-<uid>" (mapped by its custom block), or AntMonitor's EPB
   comment "<app>#<version>". Returns the frame length without a trailer. */
static uint32_t packet_app(struct lt_pipe *p, const struct lt_packet *pkt)
{
    uint32_t caplen = pkt->caplen;
    p->cur_app[0] = '\0';
    if (pkt->linktype == 1) {
        struct lt_pcapdroid_trailer t;
        size_t payload_len = caplen;
        enum lt_pdt_result r = lt_pcapdroid_trailer_parse(pkt->data, caplen, &t,
                                                          &payload_len);
        if (r != LT_PDT_NONE)
            caplen = (uint32_t)payload_len;
        if (r == LT_PDT_OK) {
            const char *name = t.app;
            for (uint32_t i = 0; i < p->n_apps; i++)
                if (p->apps[i].uid == t.uid)
                    name = p->apps[i].name; /* the package name, when known */
            snprintf(p->cur_app, sizeof p->cur_app, "%s", name);
        }
    }
    if (pkt->comment.len && !p->cur_app[0]) {
        int32_t uid;
        struct lt_span app;
        if (lt_epb_comment_uid(pkt->comment, &uid)) {
            for (uint32_t i = 0; i < p->n_apps; i++)
                if (p->apps[i].uid == uid)
                    snprintf(p->cur_app, sizeof p->cur_app, "%s", p->apps[i].name);
        } else if (lt_epb_comment_app(pkt->comment, &app)) {
            snprintf(p->cur_app, sizeof p->cur_app, "%.*s", (int)app.len,
                     (const char *)app.p);
        }
    }
    return caplen;
}

static void on_uid(void *ud, int32_t uid, struct lt_span package,
                   struct lt_span app)
{
    struct lt_pipe *p = ud;
    struct lt_span name = package.len ? package : app;
    uint32_t i = 0;
    while (i < p->n_apps && p->apps[i].uid != uid)
        i++;
    if (i == p->n_apps) {
        if (p->n_apps == APPS_CAP)
            return; /* capped: later apps stay unnamed */
        p->n_apps++;
    }
    p->apps[i].uid = uid;
    snprintf(p->apps[i].name, sizeof p->apps[i].name, "%.*s", (int)name.len,
             (const char *)name.p);
}

/* A client's QUIC Initial (RFC 9000 §17.2.2: long header, padded to at
   least 1200 bytes by clients) names its destination address. */
static void quic_name(struct lt_pipe *p, const struct lt_l4 *l4)
{
    uint8_t name[256];
    struct lt_span sni;
    if (l4->payload.len < 1200 || (l4->payload.p[0] & 0xc0) != 0xc0)
        return;
    if (lt_quic_initial_sni(l4->payload.p, l4->payload.len, p->quic_scratch,
                            LT_QUIC_SCRATCH_MAX, name, sizeof name, &sni) != LT_OK)
        return;
    p->st.quic_server_names++;
    /* a connection's first Initial names it; its retransmissions (same
       address, same name) are not new destinations */
    const char *known = lt_names_lookup(&p->names, l4->ip_version, l4->dst);
    if (known && strlen(known) == sni.len && !memcmp(known, sni.p, sni.len))
        return;
    lt_names_learn(&p->names, l4->ip_version, l4->dst, (const char *)sni.p, sni.len);
    if (p->hooks.flow) {
        char host[256];
        snprintf(host, sizeof host, "%.*s", (int)sni.len, (const char *)sni.p);
        struct lt_flow_summary fs = {
            endpoint_device(p, l4->ip_version, l4->src, l4->dst), p->cur_app,
            host, l4->ip_version, l4->dst, l4->payload.len, false, true, 0,
        };
        p->hooks.flow(p->hooks.ud, &fs);
    }
}

static void handle_packet(struct lt_pipe *p, const struct lt_packet *pkt,
                          uint64_t frame)
{
    struct lt_l4 l4;
    uint32_t caplen = packet_app(p, pkt);
    if (lt_decode_packet(pkt->linktype, pkt->data, caplen, pkt->origlen,
                         &l4, &p->st) != LT_OK)
        return;
    if (l4.proto == 17 && (l4.sport == 53 || l4.dport == 53 || l4.dport == 5353 ||
                            l4.sport == 5355 || l4.dport == 5355)) {
        lt_names_dns(&p->names, l4.payload.p, l4.payload.len, &p->st);
        return;
    }
    if (l4.proto != 6 && l4.proto != 17)
        return;
    /* the packet's MACs, for flows that shared-capture addresses assign */
    p->cur_l4 = &l4;
    if (l4.proto == 17) {
        quic_name(p, &l4);
        p->cur_l4 = NULL;
        return;
    }
    struct lt_pkt_meta m = { frame, pkt->ts_ns };
    enum lt_err e = lt_flow_table_segment(p->flows, &l4, &m);
    p->cur_l4 = NULL;
    if (e != LT_OK)
        pipe_warn(p, "out of memory for a TCP segment at frame %llu in '%s'",
                  (unsigned long long)frame, p->name);
}

/* Describe an input-layer error; the file stops there. */
static void input_failed(struct lt_pipe *p, struct lt_input *in, enum lt_err e)
{
    p->res->status = LT_FILE_ERROR;
    /* the input's message already names its codec ("zstd: ...") */
    if (in->msg[0])
        snprintf(p->res->error, sizeof p->res->error, "%s in '%s'", in->msg, p->name);
    else
        snprintf(p->res->error, sizeof p->res->error, "%s: %s in '%s'",
                 lt_compression_name(in->comp), lt_err_str(e), p->name);
    if (p->hooks.warn)
        p->hooks.warn(p->hooks.ud, p->res->error);
}

static enum lt_err run_capture(struct lt_pipe *p, struct lt_input *in,
                               size_t start, size_t end, enum lt_capfmt fmt)
{
    struct lt_capture_reader r;
    struct lt_packet pkt;
    uint64_t frame = 0;
    const char *fname = lt_capfmt_name(fmt);

    lt_capture_init(&r, fmt, &p->lim, &p->st);
    for (;;) {
        size_t used = 0;
        enum lt_err e = lt_capture_next(&r, p->win + start, end - start, &used,
                                        &pkt);
        /* the packet points into the window: handle it before moving bytes */
        if (e == LT_OK && !pkt.data) { /* metadata, not a packet */
            if (pkt.custom.len)
                lt_pcapdroid_uid_map(pkt.custom, on_uid, p);
            start += used;
            continue;
        }
        if (e == LT_OK) {
            handle_packet(p, &pkt, ++frame);
            start += used;
            continue;
        }
        start += used;
        if (e == LT_END)
            break;
        if (e == LT_AGAIN && r.eof) {
            if (lt_capture_finish(&r, end - start) != LT_OK)
                pipe_warn(p, "%s: %s in '%s'", fname, r.msg, p->name);
            break;
        }
        if (e == LT_AGAIN) {
            size_t have = end - start;
            size_t want = r.need > have ? r.need : have + 1;
            enum lt_err ie = refill(p, in, &start, &end, want);
            if (ie != LT_OK) {
                input_failed(p, in, ie);
                break;
            }
            /* the input has ended: the reader judges what is left */
            if (end - start < want)
                lt_capture_set_eof(&r);
            continue;
        }
        if (lt_err_class(e) == LT_CLASS_ENV)
            return e;
        if (!lt_capture_can_resync(&r)) {
            p->res->status = LT_FILE_ERROR;
            snprintf(p->res->error, sizeof p->res->error, "%s: %s in '%s'",
                     fname, r.msg[0] ? r.msg : lt_err_str(e), p->name);
            if (p->hooks.warn)
                p->hooks.warn(p->hooks.ud, p->res->error);
            break;
        }
        pipe_warn(p, "%s: %s in '%s'", fname, r.msg[0] ? r.msg : lt_err_str(e),
                  p->name);
    }
    lt_flow_table_finish(p->flows);
    return LT_OK;
}

static void on_har_entry(void *ud, const struct lt_har_entry *e)
{
    struct lt_pipe *p = ud;
    struct lt_msg_ctx ctx = {
        .capture = p->name,
        .frame = e->index,
        .ts_ns = e->ts_ns,
        .has_flow = false,
    };
    p->st.requests++;
    if (p->hooks.request)
        p->hooks.request(p->hooks.ud, &ctx, &e->req);
    p->cur_flow = NULL; /* on_leak: a HAR entry is the file's device's */
    if (p->hooks.leak)
        lt_leaks_http(&p->leaks, &ctx, &e->req, p->device, on_leak, p);
}

/* A HAR file: the whole document in memory (at most lim->max_har bytes),
   then every entry through the same decoders as a captured request. The
   window holds the first `have` bytes already. */
static enum lt_err run_har(struct lt_pipe *p, struct lt_input *in, size_t have)
{
    struct lt_buf doc, scratch;
    enum lt_err e = LT_OK;
    lt_buf_init(&doc, p->lim.max_har);
    lt_buf_init(&scratch, (size_t)p->lim.max_har + (1u << 20));
    if (lt_buf_append(&doc, p->win, have) != LT_OK)
        e = LT_E_LIMIT;
    while (e == LT_OK) {
        size_t got = 0, want = doc.max - doc.len;
        if (want == 0) {
            e = LT_E_LIMIT;
            break;
        }
        if (want > (1u << 20))
            want = 1u << 20;
        if ((e = lt_buf_reserve(&doc, want)) != LT_OK)
            break;
        enum lt_err re = lt_input_read(in, doc.p + doc.len, want, &got);
        doc.len += got;
        if (re == LT_END)
            break;
        if (re != LT_OK) {
            input_failed(p, in, re);
            goto out;
        }
    }
    if (e != LT_OK) {
        p->res->status = LT_FILE_ERROR;
        snprintf(p->res->error, sizeof p->res->error,
                 "har: '%s' is larger than --max-har (%u bytes)", p->name,
                 p->lim.max_har);
        e = e == LT_E_NOMEM ? e : LT_OK;
        goto out;
    }
    /* strings of one entry are decoded into scratch: the document's size
       bounds them */
    if ((e = lt_buf_reserve(&scratch, doc.len + 65536)) != LT_OK) {
        e = e == LT_E_NOMEM ? e : LT_OK;
        goto out;
    }
    uint64_t skipped = 0;
    char msg[256] = "";
    enum lt_err he = lt_har_parse(doc.p, doc.len, scratch.p, scratch.cap,
                                  on_har_entry, p, &skipped, msg, sizeof msg);
    if (he != LT_OK) {
        p->res->status = LT_FILE_ERROR;
        snprintf(p->res->error, sizeof p->res->error, "%s in '%s'",
                 msg[0] ? msg : lt_err_str(he), p->name);
        if (p->hooks.warn)
            p->hooks.warn(p->hooks.ud, p->res->error);
    } else if (skipped) {
        pipe_warn(p, "har: %llu entries without a usable request skipped in '%s'",
                  (unsigned long long)skipped, p->name);
    }
    e = LT_OK;
out:
    lt_buf_release(&doc);
    lt_buf_release(&scratch);
    return e;
}

enum lt_err lt_pipe_run_file(struct lt_pipe *p, const char *path,
                             const char *name, const char *device,
                             int skip_unknown, struct lt_file_result *res)
{
    struct lt_input in;
    size_t start = 0, end = 0;
    enum lt_err e;

    memset(res, 0, sizeof *res);
    memset(&p->st, 0, sizeof p->st);
    p->name = name;
    p->device = device;
    p->res = res;
    lt_names_reset(&p->names);
    p->n_apps = 0;
    p->n_warn = 0;

    e = lt_input_open(&in, path);
    if (e != LT_OK) {
        res->status = LT_FILE_ERROR;
        snprintf(res->error, sizeof res->error, "cannot open '%s': %s", name,
                 in.msg[0] ? in.msg : lt_err_str(e));
        if (p->hooks.warn)
            p->hooks.warn(p->hooks.ud, res->error);
        return e == LT_E_NOMEM ? e : LT_OK;
    }
    res->comp = in.comp;
    e = refill(p, &in, &start, &end, LT_PIPE_SNIFF);
    if (e != LT_OK) {
        input_failed(p, &in, e);
    } else {
        res->fmt = lt_capture_sniff(p->win, end);
        switch (res->fmt) {
        case LT_CAP_PCAP:
        case LT_CAP_PCAPNG:
            e = run_capture(p, &in, start, end, res->fmt);
            break;
        case LT_CAP_HAR:
            e = run_har(p, &in, end);
            break;
        case LT_CAP_UNKNOWN:
            res->status = skip_unknown ? LT_FILE_SKIPPED : LT_FILE_ERROR;
            snprintf(res->error, sizeof res->error,
                     "'%s' is not a pcap, pcapng or HAR file%s%s", name,
                     in.comp != LT_COMP_NONE ? " inside " : "",
                     in.comp != LT_COMP_NONE ? lt_compression_name(in.comp) : "");
            break;
        }
    }
    res->bytes_read = in.raw_bytes;
    res->bytes_decoded = in.out_bytes;
    res->st = p->st;
    lt_input_close(&in);
    p->res = NULL;
    /* bad input is this file's status, never the run's: only the machine
       (memory) can stop the run */
    return lt_err_class(e) == LT_CLASS_ENV ? e : LT_OK;
}
