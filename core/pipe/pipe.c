/* SPDX-License-Identifier: MIT */
/*
 * pipe.c - read one file: io → fmt → packets, handed to the flow side
 * (flowshard.c) in this thread or, split, to the workers' shards.
 *
 * The input window: one buffer per pipe, max_record + LT_PIPE_READ bytes.
 * The capture reader parses in place; packets point into the window, and
 * without a split the flow table delivers in-order payload straight from
 * there, so an in-order packet is never copied. When the reader needs more bytes than are left
 * after the parse position, the unparsed tail (at most one partial record)
 * moves to the front and the window is refilled from the input.
 */
#include "pipe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../base/alloc.h"
#include "../flow/flow.h"
#include "../fmt/appinfo.h"
#include "../fmt/decode.h"
#include "../http/har.h"

#define LT_PIPE_READ (256u << 10)  /* bytes asked of the input per read: the
                                      window's fresh bytes stay in L2 for the
                                      parser right behind */
#define LT_PIPE_SNIFF 4096u        /* bytes wanted before sniffing the format */
#define LT_PIPE_MAX_WARN 3         /* messages per file; the rest are counted */

#define APPS_CAP 4096             /* PCAPdroid UID -> app entries per file */
#define APP_LEN 128

struct lt_pipe {
    struct lt_limits lim;
    struct lt_pipe_cfg cfg;
    struct lt_pipe_hooks hooks;    /* the caller's */
    struct lt_pipe_hooks replay;   /* the caller's, warnings counted first */
    struct lt_flowshard *shard;        /* the flow side, when not split */
    struct lt_buf order;           /* scratch of chunk replays */
    struct lt_stats st;            /* the current file's reader counters */
    uint8_t *win;
    size_t win_cap;
    /* the current file, for callbacks */
    const char *name;
    const char *device;
    struct lt_file_result *res;
    const struct lt_pipe_split *split; /* NULL: the pipe's own shard */
    int n_warn;
    char cur_app[APP_LEN];        /* the packet's app, from a PCAPdroid
                                     trailer or an EPB comment; "" when
                                     unknown */
    struct app_entry { int32_t uid; char name[APP_LEN]; } *apps; /* UID map */
    uint32_t n_apps;
    const atomic_int *stop;       /* lt_pipe_watch */
    atomic_uint_fast64_t *bytes_read;
    struct lt_pipe_source src;    /* read == NULL: lt_input_read */
    uint64_t raw_seen;            /* its bytes counted in *bytes_read */
    /* the tick clock */
    uint32_t tick_packets;
    uint64_t tick_bytes;
    int64_t now;
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

/* The replay hooks: the caller's, with the shard's warnings counted as
   the file's first. */
static void fwd_warn(void *ud, const char *msg)
{
    pipe_warn(ud, "%s", msg);
}

static void fwd_request(void *ud, const uint8_t *row, size_t len)
{
    struct lt_pipe *p = ud;
    if (p->hooks.request)
        p->hooks.request(p->hooks.ud, row, len);
}

static void fwd_leak(void *ud, const char *device, const char *app,
                     const char *kind, const uint8_t *line, size_t len)
{
    struct lt_pipe *p = ud;
    if (p->hooks.leak)
        p->hooks.leak(p->hooks.ud, device, app, kind, line, len);
}

static void fwd_flow(void *ud, const struct lt_flow_summary *fs)
{
    struct lt_pipe *p = ud;
    if (p->hooks.flow)
        p->hooks.flow(p->hooks.ud, fs);
}

/* Everything the pipe's shard emitted, in frame order, to the caller. */
static void replay(struct lt_pipe *p)
{
    struct lt_chunk *c = lt_flowshard_chunk(p->shard);
    if (!lt_chunk_empty(c))
        lt_chunks_replay(&c, 1, &p->order, &p->replay);
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
    p->replay = (struct lt_pipe_hooks){ p, fwd_request, fwd_warn, fwd_leak,
                                        fwd_flow, NULL, NULL };
    p->win_cap = (size_t)p->lim.max_record + LT_PIPE_READ + 65536;
    p->win = lt_malloc(p->win_cap);
    p->apps = lt_calloc(APPS_CAP, sizeof *p->apps);
    p->shard = lt_flowshard_new(&p->cfg, 1);
    lt_buf_init(&p->order, LT_CHUNK_MAX);
    if (!p->win || !p->apps || !p->shard) {
        lt_pipe_free(p);
        return NULL;
    }
    return p;
}

void lt_pipe_set_source(struct lt_pipe *p, const struct lt_pipe_source *src)
{
    if (src)
        p->src = *src;
    else
        memset(&p->src, 0, sizeof p->src);
}

void lt_pipe_set_hooks(struct lt_pipe *p, const struct lt_pipe_hooks *hooks)
{
    p->hooks = *hooks;
}

void lt_pipe_watch(struct lt_pipe *p, const atomic_int *stop,
                   atomic_uint_fast64_t *bytes_read)
{
    p->stop = stop;
    p->bytes_read = bytes_read;
}

void lt_pipe_free(struct lt_pipe *p)
{
    if (!p)
        return;
    lt_flowshard_free(p->shard);
    lt_buf_release(&p->order);
    lt_free(p->apps);
    lt_free(p->win);
    lt_free(p);
}

/* The next bytes of the file, from the source or the input itself; the
   file's bytes read so far go to the watcher's progress. */
static enum lt_err pipe_read(struct lt_pipe *p, struct lt_input *in, uint8_t *dst,
                             size_t cap, size_t *got)
{
    uint64_t raw = 0;
    enum lt_err e;
    if (p->src.read) {
        e = p->src.read(p->src.ud, dst, cap, got, &raw);
    } else {
        e = lt_input_read(in, dst, cap, got);
        raw = in->raw_bytes;
    }
    if (p->bytes_read && raw > p->raw_seen)
        atomic_fetch_add_explicit(p->bytes_read, raw - p->raw_seen,
                                  memory_order_relaxed);
    if (raw > p->raw_seen)
        p->raw_seen = raw;
    return e;
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
        if (room > LT_PIPE_READ && *end - *start + LT_PIPE_READ >= want)
            room = LT_PIPE_READ;
        if (p->stop && atomic_load_explicit(p->stop, memory_order_relaxed))
            return LT_E_INTERRUPTED;
        enum lt_err e = pipe_read(p, in, p->win + *end, room, &got);
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

/* Every shard: the clock moves on, a chunk ends. */
static void tick(struct lt_pipe *p)
{
    p->tick_packets = 0;
    p->tick_bytes = 0;
    if (p->split) {
        p->split->tick(p->split->ud, p->now);
    } else {
        lt_flowshard_tick(p->shard, p->now);
        replay(p);
    }
}

static void handle_packet(struct lt_pipe *p, const struct lt_packet *pkt,
                          uint64_t frame)
{
    struct lt_l4 l4;
    uint32_t caplen = packet_app(p, pkt);
    p->tick_bytes += pkt->caplen;
    if (++p->tick_packets >= LT_TICK_PACKETS || p->tick_bytes >= LT_TICK_BYTES)
        tick(p); /* before the packet: ticks fall on fixed frames */
    p->now = pkt->ts_ns;
    if (lt_decode_packet(pkt->linktype, pkt->data, caplen, pkt->origlen,
                         &l4, &p->st) != LT_OK)
        return;
    if (l4.proto != 6 && !lt_flowshard_pkt_names(&l4))
        return; /* nothing a shard would look at */
    struct lt_flowshard_pkt sp = { frame, pkt->ts_ns, &l4, p->cur_app, false };
    if (!p->split) {
        lt_flowshard_packet(p->shard, &sp);
        return;
    }
    p->split->packet(p->split->ud, lt_flow_hash(&l4), &sp);
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
    if (!p->split) {
        lt_flowshard_finish(p->shard);
        replay(p);
    }
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
    lt_flowshard_har_request(p->shard, &ctx, &e->req);
    if (++p->tick_packets >= LT_TICK_PACKETS)
        tick(p);
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
        enum lt_err re = pipe_read(p, in, doc.p + doc.len, want, &got);
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

enum lt_err lt_pipe_run_file_split(struct lt_pipe *p, const char *path,
                                   const char *name, const char *device,
                                   int skip_unknown, struct lt_file_result *res,
                                   const struct lt_pipe_split *split)
{
    struct lt_input in;
    size_t start = 0, end = 0;
    enum lt_err e;

    memset(res, 0, sizeof *res);
    memset(&p->st, 0, sizeof p->st);
    p->name = name;
    p->device = device;
    p->res = res;
    p->split = NULL;
    p->n_apps = 0;
    p->n_warn = 0;
    p->tick_packets = 0;
    p->tick_bytes = 0;
    p->now = 0;
    lt_flowshard_begin(p->shard, name, device);

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
    p->raw_seen = 0;
    if (p->src.begin)
        p->src.begin(p->src.ud, &in);
    e = refill(p, &in, &start, &end, LT_PIPE_SNIFF);
    if (e != LT_OK) {
        input_failed(p, &in, e);
    } else {
        res->fmt = lt_capture_sniff(p->win, end);
        switch (res->fmt) {
        case LT_CAP_PCAP:
        case LT_CAP_PCAPNG:
            p->split = split;
            e = run_capture(p, &in, start, end, res->fmt);
            break;
        case LT_CAP_HAR:
            e = run_har(p, &in, end);
            lt_flowshard_finish(p->shard);
            replay(p);
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
    if (p->src.end)
        p->src.end(p->src.ud); /* the input is ours again */
    res->bytes_read = in.raw_bytes;
    res->bytes_decoded = in.out_bytes;
    res->st = p->st;
    if (!p->split)
        lt_stats_add(&res->st, lt_flowshard_stats(p->shard));
    lt_input_close(&in);
    p->res = NULL;
    p->split = NULL;
    /* bad input is this file's status, never the run's: only the machine
       (memory) can stop the run */
    return lt_err_class(e) == LT_CLASS_ENV ? e : LT_OK;
}

enum lt_err lt_pipe_run_file(struct lt_pipe *p, const char *path,
                             const char *name, const char *device,
                             int skip_unknown, struct lt_file_result *res)
{
    return lt_pipe_run_file_split(p, path, name, device, skip_unknown, res, NULL);
}
