/* SPDX-License-Identifier: MIT */
#include "leaks.h"

#include <string.h>

#include "../base/alloc.h"
#include "../base/hash.h"
#include "../http/pieces.h"

#define MAX_CANDS 4096          /* records held per message */
#define SEEN_SLOTS 8192         /* dedup table: power of two */
#define URL_SCRATCH (64u << 10) /* unescaped URL + search term */
#define NO_DEVICE UINT32_MAX    /* a record of no manifest device */

struct lt_leak_cand {
    size_t off, len;            /* the line in lk->lines */
    const char *kind;
    uint32_t device;            /* whose identifier matched */
    uint32_t piece;             /* where: piece number and byte range */
    size_t from, to;
    uint8_t coord;              /* 0, 'a', 'o' */
    bool dropped;               /* inside a longer match of the same kind */
    const char *detector;
    uint64_t vhash;             /* of the value: pattern vs identifier */
};

/* One identifier seen as two overlapping variants ("+14155550123" and,
   inside it, "14155550123"): keep the longest. true when [from, to) lies
   inside an earlier match of the same kind and device in this piece;
   earlier matches inside [from, to) are dropped. */
static bool inside_longer(struct lt_leaks *lk, uint32_t piece, size_t from,
                          size_t to, const struct lt_pattern *pat)
{
    for (uint32_t i = lk->n_cands; i-- > 0;) {
        struct lt_leak_cand *c = &lk->cands[i];
        if (c->piece != piece)
            break;
        if (c->dropped || c->device != pat->device || strcmp(c->kind, pat->kind))
            continue;
        if (c->from <= from && to <= c->to)
            return true;
        if (from <= c->from && c->to <= to)
            c->dropped = true;
    }
    return false;
}

enum lt_err lt_leaks_init(struct lt_leaks *lk, const struct lt_detectors *det,
                          const struct lt_limits *lim, struct lt_stats *st,
                          enum lt_values_mode values)
{
    static const struct lt_manifest no_manifest;
    memset(lk, 0, sizeof *lk);
    lk->det = *det;
    lk->mf = det->mf ? det->mf : &no_manifest;
    lk->mt = det->mt && lt_matcher_n_literals(det->mt) ? det->mt : NULL;
    const struct lt_matcher *mt = lk->mt;
    lk->st = st;
    lk->values = values;
    lk->max_cands = MAX_CANDS;
    lk->seen_mask = SEEN_SLOTS - 1;
    lt_buf_init(&lk->lines, (size_t)MAX_CANDS * 4096);
    lt_buf_init(&lk->url, 1u << 20);
    lt_buf_init(&lk->keybuf, 1u << 16);
    lk->cands = lt_calloc(MAX_CANDS, sizeof *lk->cands);
    lk->seen = lt_calloc(SEEN_SLOTS, sizeof *lk->seen);
    lk->seen_used = lt_calloc(SEEN_SLOTS, sizeof *lk->seen_used);
    if (mt)
        lk->ms = lt_match_scratch_new(mt);
    if (det->shapes)
        lk->ss = lt_shapes_scratch_new(det->shapes);
    lk->url_scratch = lt_malloc(URL_SCRATCH);
    if (!lk->cands || !lk->seen || !lk->seen_used || (mt && !lk->ms) ||
        !lk->url_scratch ||
        (det->shapes && !lk->ss) ||
        lt_unwrap_init(&lk->unwrap, lim, st) != LT_OK) {
        lt_leaks_release(lk);
        return LT_E_NOMEM;
    }
    return LT_OK;
}

void lt_leaks_release(struct lt_leaks *lk)
{
    lt_match_scratch_free(lk->ms);
    lt_shapes_scratch_free(lk->ss);
    lt_free(lk->url_scratch);
    lt_unwrap_release(&lk->unwrap);
    lt_free(lk->cands);
    lt_free(lk->seen);
    lt_free(lk->seen_used);
    lt_buf_release(&lk->lines);
    lt_buf_release(&lk->url);
    lt_buf_release(&lk->keybuf);
    memset(lk, 0, sizeof *lk);
}

/* true the first time (kind, value, chain) is seen in this message. */
static bool first_sighting(struct lt_leaks *lk, const char *kind,
                           struct lt_span value, const struct lt_piece *pc)
{
    uint64_t h = lt_hash_bytes(LT_FNV_SEED, kind, strlen(kind));
    h = lt_hash_bytes(h, value.p, value.len);
    for (size_t i = 0; i < pc->chain_len; i++) {
        h = lt_hash_bytes(h ^ (uint64_t)pc->chain[i].kind, pc->chain[i].name.p,
                          pc->chain[i].name.len);
    }
    h = lt_mix64(h) | 1; /* 0 marks an empty slot */
    if (lk->n_seen * 4 >= (lk->seen_mask + 1) * 3)
        return true; /* table full: better a duplicate than a loss */
    for (uint32_t i = (uint32_t)h & lk->seen_mask;; i = (i + 1) & lk->seen_mask) {
        if (lk->seen[i] == h)
            return false;
        if (!lk->seen[i]) {
            lk->seen[i] = h;
            lk->seen_used[lk->n_seen++] = i;
            return true;
        }
    }
}

/* Write the record of a finding in the current piece as a candidate of
   the message. */
static void add_record(struct lt_leaks *lk, const char *kind,
                       const char *detector, struct lt_span key,
                       const char *variant, struct lt_span value,
                       uint32_t device, uint8_t coord, size_t from, size_t to)
{
    const struct lt_piece *pc = lk->piece;
    const struct lt_msg_ctx *ctx = lk->ctx;
    if (lk->n_cands >= lk->max_cands)
        return;
    struct lt_record r = {
        .ts_ns = ctx->ts_ns,
        .device = lt_span_cstr(lk->device),
        .capture = lt_span_cstr(ctx->capture),
        .frame = ctx->frame,
        .has_flow = ctx->has_flow,
        .ip_version = ctx->ip_version,
        .src_ip = ctx->src_ip,
        .dest_ip = ctx->dst_ip,
        .src_port = ctx->src_port,
        .dest_port = ctx->dst_port,
        .proto = "tcp",
        .app = ctx->app,
        .host = lk->host,
        .method = lk->req->method,
        .url = lt_span_make(lk->url.p, lk->url.len),
        .kind = kind,
        .detector = detector,
        .key = key,
        .variant = variant,
        .chain = pc->chain,
        .chain_len = pc->chain_len,
        .value = value,
    };
    size_t off = lk->lines.len;
    if (lt_record_write(&lk->lines, &r, lk->values) != LT_OK)
        return; /* over the message's cap */
    struct lt_leak_cand *c = &lk->cands[lk->n_cands++];
    c->off = off;
    c->len = lk->lines.len - off;
    c->kind = kind;
    c->device = device;
    c->piece = pc->seq;
    c->from = from;
    c->to = to;
    c->coord = coord;
    c->dropped = false;
    c->detector = detector;
    c->vhash = lt_fnv1a(LT_FNV_SEED, value.p, value.len);
}

static void on_match(void *ud, uint32_t lit_id, size_t from, size_t to)
{
    struct lt_leaks *lk = ud;
    const struct lt_literal *lit = lt_matcher_literal(lk->mt, lit_id);
    const struct lt_piece *pc = lk->piece;
    /* a digest's base64 literal is unpadded; the value as sent keeps the
       padding that follows it */
    for (int k = 0; lit->bound == LT_BOUND_B64 && k < 2 && to < pc->data.len &&
                    pc->data.p[to] == '='; k++)
        to++;
    struct lt_span value = lt_span_make(pc->data.p + from, to - from);

    for (uint32_t i = 0; i < lit->count; i++) {
        const struct lt_pattern *pat = lt_matcher_pattern(lk->mt, lit->first + i);
        if (lk->n_cands >= lk->max_cands)
            return;
        if (inside_longer(lk, pc->seq, from, to, pat) ||
            !first_sighting(lk, pat->kind, value, pc))
            continue;
        struct lt_span key = lt_span_cstr(pat->key);
        if ((int)pat->device != lk->device_idx && pat->device < lk->mf->n_devices) {
            lt_buf_reset(&lk->keybuf);
            if (lt_buf_append(&lk->keybuf, pat->key, strlen(pat->key)) != LT_OK ||
                lt_buf_append(&lk->keybuf, "@", 1) != LT_OK ||
                lt_buf_append(&lk->keybuf, lk->mf->devices[pat->device].id,
                              strlen(lk->mf->devices[pat->device].id)) != LT_OK)
                continue;
            key = lt_span_make(lk->keybuf.p, lk->keybuf.len);
        }
        add_record(lk, pat->kind, "identifier", key, pat->variant, value,
                   pat->device, pat->coord, from, to);
    }
}

static void on_url(void *ud, const struct lt_url_hit *h)
{
    struct lt_leaks *lk = ud;
    const struct lt_piece *pc = lk->piece;
    struct lt_span key = pc->field.len ? pc->field : lt_span_make(NULL, 0);
    if (first_sighting(lk, "browsing_url", h->url, pc))
        add_record(lk, "browsing_url", "browsing", key, "exact", h->url,
                   NO_DEVICE, 0, h->from, h->to);
    if (h->search.len && first_sighting(lk, "search_query", h->search, pc))
        add_record(lk, "search_query", "browsing", key, "exact", h->search,
                   NO_DEVICE, 0, h->from, h->to);
}

static void on_shape(void *ud, const struct lt_shape_hit *h)
{
    struct lt_leaks *lk = ud;
    const struct lt_piece *pc = lk->piece;
    struct lt_span value = lt_span_make(pc->data.p + h->from, h->to - h->from);
    struct lt_span key = pc->field.len ? pc->field : lt_span_make(NULL, 0);
    if (first_sighting(lk, h->kind, value, pc))
        add_record(lk, h->kind, "pattern", key, "exact", value, NO_DEVICE,
                   h->coord, h->from, h->to);
}

/* true when an identifier record of this message has the same value. */
static bool identifier_has(const struct lt_leaks *lk, uint64_t vhash)
{
    for (uint32_t i = 0; i < lk->n_cands; i++)
        if (lk->cands[i].vhash == vhash && !strcmp(lk->cands[i].detector, "identifier") &&
            !lk->cands[i].dropped)
            return true;
    return false;
}

/* Browsers send the page a request comes from in these by design. */
static bool browsing_exempt(const struct lt_piece *pc)
{
    return pc->chain_len && pc->chain[0].kind == LT_STEP_HEADER &&
           (lt_span_ieq_cstr(pc->chain[0].name, "referer") ||
            lt_span_ieq_cstr(pc->chain[0].name, "origin"));
}

static void on_piece(void *ud, const struct lt_piece *pc)
{
    struct lt_leaks *lk = ud;
    lk->piece = pc;
    if (lk->mt)
        lt_matcher_scan(lk->mt, lk->ms, pc->data.p, pc->data.len, on_match, lk);
    if (lk->ss)
        lt_shapes_scan(lk->det.shapes, lk->ss, pc->data, pc->field, on_shape, lk);
    if (lk->det.browsing && !browsing_exempt(pc))
        lt_browsing_scan(lk->det.browsing, pc->data, lk->req_domain_span,
                         lk->url_scratch, URL_SCRATCH, on_url, lk);
}

/* Full URL of the request: absolute-form targets as they are, else
   http://host + target. */
static void build_url(struct lt_leaks *lk, const struct lt_http_request *req)
{
    struct lt_buf *u = &lk->url;
    lt_buf_reset(u);
    struct lt_span t = req->target;
    if (t.len && t.p[0] != '/' && memchr(t.p, ':', t.len)) {
        lt_buf_append(u, t.p, t.len);
        return;
    }
    if (lt_buf_append(u, "http://", 7) != LT_OK ||
        lt_buf_append(u, lk->host.p, lk->host.len) != LT_OK ||
        lt_buf_append(u, t.p, t.len) != LT_OK)
        lt_buf_reset(u);
}

/* A coordinate is kept only when its device's other one is in the message. */
static bool coord_paired(const struct lt_leaks *lk, const struct lt_leak_cand *c)
{
    uint8_t want = c->coord == 'a' ? 'o' : 'a';
    for (uint32_t i = 0; i < lk->n_cands; i++)
        if (lk->cands[i].coord == want && lk->cands[i].device == c->device &&
            !lk->cands[i].dropped)
            return true;
    return false;
}

void lt_leaks_http(struct lt_leaks *lk, const struct lt_msg_ctx *ctx,
                   const struct lt_http_request *req, const char *device,
                   lt_leak_cb cb, void *ud)
{
    if (!lk->mt && !lk->det.browsing && !lk->ss)
        return;
    char ipbuf[64];
    lk->ctx = ctx;
    lk->req = req;
    lk->device = device;
    lk->device_idx = -1;
    for (size_t i = 0; i < lk->mf->n_devices; i++)
        if (!strcmp(lk->mf->devices[i].id, device))
            lk->device_idx = (int)i;
    lk->host = req->host;
    if (!lk->host.len && ctx->has_flow) { /* no Host: the server's address */
        size_t n = lt_record_ip(ctx->ip_version, ctx->dst_ip, ipbuf + 1);
        if (ctx->ip_version == 6) { /* a URL's host: [v6] */
            ipbuf[0] = '[';
            ipbuf[n + 1] = ']';
            lk->host = lt_span_make(ipbuf, n + 2);
        } else {
            lk->host = lt_span_make(ipbuf + 1, n);
        }
    }
    build_url(lk, req);
    lk->req_domain_span = lt_span_make(lk->req_domain, 0);
    if (lk->det.browsing)
        lk->req_domain_span.len = lt_browsing_domain(
            lk->det.browsing, lk->host, lk->req_domain, sizeof lk->req_domain);
    lt_buf_reset(&lk->lines);
    lk->n_cands = 0;
    /* clear only what the last message filled: a request is small, the
       table is not */
    for (uint32_t i = 0; i < lk->n_seen; i++)
        lk->seen[lk->seen_used[i]] = 0;
    lk->n_seen = 0;

    lt_unwrap_begin(&lk->unwrap);
    lt_http_pieces(&lk->unwrap, req, on_piece, lk);

    for (uint32_t i = 0; i < lk->n_cands; i++) {
        const struct lt_leak_cand *c = &lk->cands[i];
        if (c->dropped || (c->coord && !coord_paired(lk, c)))
            continue;
        if (!strcmp(c->detector, "pattern") && identifier_has(lk, c->vhash))
            continue;
        cb(ud, c->kind, lk->lines.p + c->off, c->len);
    }
}
