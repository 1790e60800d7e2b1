/* SPDX-License-Identifier: MIT */
/*
 * fuzz_http1.c - HTTP/1 request parser under arbitrary bytes and chunking.
 * Input: 4 parameter bytes, then the stream.
 *   p[0]  largest feed size - 1 (feeds are 1..p[0]+1 bytes, seeded by p[1])
 *   p[1]  bit 0: small caps; bit 1: small decode caps; rest seeds the cuts
 *   p[2]  0: no gaps, else a gap after every p[2]-th feed ...
 *   p[3]  ... of p[3] * 7 bytes
 * Invariants: every span of a request is readable and within caps, the
 * request line has the shape http1.c promises; without gaps, and without
 * the chunk-start check (which alone depends on chunking, see
 * http1_int.h), the chunked run gives the same requests and counters as
 * one feed. The chunked run with that check is run too (for crashes).
 * As in a flow shard, one context serves every stream with the same caps
 * (one per cap set, kept across inputs): a stream must not depend on the
 * streams the context served before.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http/http1.h"
#include "core/http/http1_int.h"

struct run {
    const struct lt_limits *lim;
    uint64_t h;   /* hash of everything reported */
    uint64_t n;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return (h ^ n) * 0x100000001b3ull;
}

static void check_span(struct run *r, struct lt_span s)
{
    if (s.len && !s.p)
        abort();
    r->h = mix(r->h, s.p, s.len); /* reads every byte: ASan checks them */
}

static void on_req(void *ud, const struct lt_http_request *q)
{
    struct run *r = ud;
    r->n++;
    if (q->method.len == 0 || q->method.len > 32 ||
        q->n_headers > r->lim->max_headers)
        abort();
    /* line = method SP ... [SP version]; target inside it; version is
       "HTTP/" digit ..., or empty for HTTP/0.9 GET /... */
    if (q->line.p != q->method.p || q->line.len < q->method.len + 1 ||
        q->line.len > r->lim->max_line ||
        q->target.p != q->line.p + q->method.len + 1 ||
        q->target.len > q->line.len - q->method.len - 1)
        abort();
    if (q->version.len == 0) {
        if (q->method.len != 3 || memcmp(q->method.p, "GET", 3) != 0 ||
            q->target.len == 0 || q->target.p[0] != '/')
            abort();
    } else if (q->version.len < 6 || memcmp(q->version.p, "HTTP/", 5) != 0 ||
               q->version.p + q->version.len != q->line.p + q->line.len) {
        abort();
    }
    size_t body_max = r->lim->max_body > r->lim->max_decoded ? r->lim->max_body
                                                               : r->lim->max_decoded;
    if (q->body.len > body_max)
        abort();
    check_span(r, q->method);
    check_span(r, q->target);
    check_span(r, q->version);
    check_span(r, q->line);
    check_span(r, q->host);
    check_span(r, q->raw_body_encoding);
    check_span(r, q->body);
    for (uint32_t i = 0; i < q->n_headers; i++) {
        check_span(r, q->headers[i].name);
        check_span(r, q->headers[i].value);
    }
    r->h = mix(r->h, &q->flags, sizeof q->flags);
}

/* A context and its caps and counters, for one cap set. */
struct shared {
    bool ready;
    struct lt_limits lim;
    struct lt_stats st;
    struct lt_http_ctx ctx;
};

static struct shared *shared_for(uint8_t caps)
{
    static struct shared sh[4];
    struct shared *x = &sh[caps & 3];
    if (x->ready)
        return x;
    x->lim = lt_limits_default();
    if (caps & 1) {
        x->lim.max_line = 40;
        x->lim.max_headers = 3;
        x->lim.max_header_bytes = 120;
        x->lim.max_body = 50;
    }
    if (caps & 2) {
        x->lim.max_decoded = 100;
        x->lim.max_ratio = 2;
    }
    if (lt_http_ctx_init(&x->ctx, &x->lim, &x->st) != LT_OK)
        abort();
    x->ready = true;
    return x;
}

static uint64_t run_stream(struct shared *x, const uint8_t *d, size_t n, const uint8_t *prm,
                           bool chunked, bool chunk_hunt)
{
    const struct lt_limits *lim = &x->lim;
    struct lt_stats *st = &x->st;
    memset(st, 0, sizeof *st);
    struct lt_http_parser *hp = lt_http_parser_new(&x->ctx);
    struct lt_http_parser *other = lt_http_parser_new(&x->ctx); /* shares ctx */
    if (hp)
        lt__http_set_chunk_hunt(hp, chunk_hunt);
    struct run r = { lim, 0xcbf29ce484222325ull, 0 };
    uint64_t seed = prm[1] | 1u;
    size_t i = 0, k = 0;
    while (hp && other && i < n) {
        size_t len = n - i;
        if (chunked) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t m = 1 + (size_t)((seed >> 33) % ((size_t)prm[0] + 1));
            if (m < len)
                len = m;
        }
        /* a heap copy, so reads past the fed bytes are caught */
        uint8_t *c = malloc(len ? len : 1);
        memcpy(c, d + i, len);
        lt_http_feed(hp, c, len, on_req, &r);
        memset(c, 0xee, len);
        /* another parser of the same ctx runs in between (ctx->hdrs and
           ctx->body are shared); its requests and counts are not compared */
        struct lt_stats save = *st;
        struct run ro = { lim, 0, 0 };
        lt_http_feed(other, d + i, len > 16 ? 16 : len, on_req, &ro);
        *st = save;
        free(c);
        i += len;
        if (chunked && prm[2] && ++k % prm[2] == 0)
            lt_http_gap(hp, (uint64_t)prm[3] * 7, on_req, &r);
    }
    if (hp)
        lt_http_finish(hp, on_req, &r);
    lt_http_parser_free(hp);
    lt_http_parser_free(other);
    return mix(mix(r.h, &r.n, sizeof r.n), st, sizeof *st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const uint8_t *prm = data;
    data += 4;
    size -= 4;
    struct shared *x = shared_for(prm[1]);
    run_stream(x, data, size, prm, true, true);
    if (prm[2] == 0) {
        /* split invariance: the same requests and the same counters */
        uint64_t h1 = run_stream(x, data, size, prm, true, false);
        uint64_t h2 = run_stream(x, data, size, prm, false, false);
        if (h1 != h2)
            abort();
    }
    return 0;
}
