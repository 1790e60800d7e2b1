/* SPDX-License-Identifier: MIT */
/*
 * fuzz_unwrap.c - the recursive decoder (lt_unwrap_field) and the request
 * splitter in front of it (lt_http_pieces) on arbitrary bytes.
 * Input: 4 parameter bytes, then the data.
 *   p[0]  bits 0-2: 0..4 the hint (none, form, JSON, multipart, opaque) for
 *         one body field; 5..7 the data is an HTTP request stream, each
 *         request cut into pieces; bit 3: small budgets
 *   p[1]  max_depth (p[1] % 12)
 *   p[2]  multipart: boundary length (p[2] % 40, taken from the data);
 *         small budgets: max_msg_decoded = 512 + p[2] * 64
 *   p[3]  small budgets: max_pieces = 1 + p[3] % 64, max_ratio 1 + p[3] % 8
 * Invariants: chains start with the location step and fit LT_CHAIN_MAX;
 * pieces come numbered in order, at most max_pieces per message; a field's
 * pieces lie in the input or in the arena below its top (protobuf varints:
 * decimal text of at most 20 digits); the arena is
 * popped when a field is done; decoding the same field twice gives the
 * same pieces and counters (no state leaks between messages).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/dec/unwrap.h"
#include "core/http/http1.h"
#include "core/http/pieces.h"

struct run {
    struct lt_unwrap *u;
    const uint8_t *in;     /* the field's bytes (NULL: request mode) */
    size_t in_len;
    enum lt_step_kind loc; /* the location step a field starts with */
    uint32_t next_seq;
    uint64_t h;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return (h ^ n) * 0x100000001b3ull;
}

static bool inside(const uint8_t *p, size_t n, const uint8_t *base, size_t cap)
{
    return p >= base && n <= cap && (size_t)(p - base) <= cap - n;
}

static void on_piece(void *ud, const struct lt_piece *pc)
{
    struct run *r = ud;
    struct lt_unwrap *u = r->u;
    if (pc->chain_len < 1 || pc->chain_len > LT_CHAIN_MAX)
        abort();
    if (pc->seq != r->next_seq++ || u->n_pieces > u->lim->max_pieces)
        abort();
    const enum lt_step_kind k0 = pc->chain[0].kind;
    if (r->in ? k0 != r->loc : k0 > LT_STEP_BODY)
        abort();
    if (pc->data.len && !pc->data.p)
        abort();
    /* a protobuf varint is emitted as decimal text from the walker's stack */
    bool varint_text = pc->chain[pc->chain_len - 1].kind == LT_STEP_PROTOBUF &&
                       pc->data.len >= 1 && pc->data.len <= 20;
    for (size_t i = 0; varint_text && i < pc->data.len; i++)
        varint_text = pc->data.p[i] >= '0' && pc->data.p[i] <= '9';
    if (r->in && pc->data.len && !varint_text &&
        !inside(pc->data.p, pc->data.len, r->in, r->in_len) &&
        !inside(pc->data.p, pc->data.len, u->arena, u->top))
        abort();
    for (size_t i = 0; i < pc->chain_len; i++) {
        if ((unsigned)pc->chain[i].kind >= LT_STEP__COUNT)
            abort();
        r->h = mix(r->h, &pc->chain[i].kind, sizeof pc->chain[i].kind);
        r->h = mix(r->h, pc->chain[i].name.p, pc->chain[i].name.len);
    }
    r->h = mix(r->h, pc->data.p, pc->data.len); /* reads every byte */
    r->h = mix(r->h, pc->field.p, pc->field.len);
}

/* One body field; returns the hash of its pieces and counters. */
static uint64_t run_field(struct lt_unwrap *u, struct lt_stats *st, const uint8_t *d,
                          size_t n, enum lt_hint hint, struct lt_span boundary)
{
    uint8_t *c = malloc(n ? n : 1); /* exact size: ASan sees overreads */
    if (!c)
        abort();
    memcpy(c, d, n);
    memset(st, 0, sizeof *st);
    struct run r = { u, c, n, LT_STEP_BODY, 0, 0xcbf29ce484222325ull };
    struct lt_step body = { LT_STEP_BODY, { NULL, 0 } };
    lt_unwrap_begin(u);
    lt_unwrap_field(u, lt_span_make(c, n), &body, 1, lt_span_make(NULL, 0), hint,
                    boundary, on_piece, &r);
    if (u->top != 0)
        abort();
    free(c);
    return mix(r.h, st, sizeof *st);
}

static void on_request(void *ud, const struct lt_http_request *q)
{
    struct run *r = ud;
    r->next_seq = 0;
    lt_unwrap_begin(r->u);
    lt_http_pieces(r->u, q, on_piece, r);
    if (r->u->top != 0)
        abort();
}

static uint64_t run_requests(struct lt_unwrap *u, struct lt_stats *st,
                             const struct lt_limits *lim, const uint8_t *d, size_t n)
{
    struct lt_http_ctx ctx;
    memset(st, 0, sizeof *st);
    if (lt_http_ctx_init(&ctx, lim, st) != LT_OK)
        return 0;
    struct lt_http_parser *hp = lt_http_parser_new(&ctx);
    struct run r = { u, NULL, 0, LT_STEP_BODY, 0, 0xcbf29ce484222325ull };
    if (hp) {
        uint8_t *c = malloc(n ? n : 1);
        if (!c)
            abort();
        memcpy(c, d, n);
        lt_http_feed(hp, c, n, on_request, &r);
        lt_http_finish(hp, on_request, &r);
        free(c);
    }
    lt_http_parser_free(hp);
    lt_http_ctx_release(&ctx);
    return mix(r.h, st, sizeof *st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const uint8_t *prm = data;
    data += 4;
    size -= 4;
    struct lt_limits lim = lt_limits_default();
    lim.max_depth = prm[1] % 12;
    /* the defaults, scaled down so that a run stays fast */
    lim.max_msg_decoded = 1u << 20;
    lim.max_decoded = 256u << 10;
    if (prm[0] & 8) {
        lim.max_msg_decoded = 512u + prm[2] * 64u;
        lim.max_pieces = 1u + prm[3] % 64u;
        lim.max_ratio = 1u + prm[3] % 8u;
        lim.max_decoded = 4096;
        lim.max_line = 64;
        lim.max_header_bytes = 512;
        lim.max_body = 1024;
    }
    /* One context for all inputs, as a worker thread keeps one for all its
       messages (an arena of the largest budget and the decompressors: made
       per input they cost more than most inputs). Reuse is what the second
       pass below checks. */
    static struct lt_limits ctx_lim;
    static struct lt_unwrap u;
    static struct lt_stats ctx_st;
    if (!u.arena) {
        ctx_lim = lt_limits_default();
        ctx_lim.max_msg_decoded = 1u << 20;
        if (lt_unwrap_init(&u, &ctx_lim, &ctx_st) != LT_OK)
            abort();
    }
    u.lim = &lim;
    struct lt_stats st1, st2;
    u.st = &st1;
    const unsigned mode = prm[0] & 7u;
    uint64_t h1, h2;
    if (mode >= 5) {
        h1 = run_requests(&u, &st1, &lim, data, size);
        u.st = &st2;
        h2 = run_requests(&u, &st2, &lim, data, size);
    } else {
        static const enum lt_hint hints[] = { LT_HINT_NONE, LT_HINT_FORM, LT_HINT_JSON,
                                              LT_HINT_MULTIPART, LT_HINT_OPAQUE };
        struct lt_span boundary = { NULL, 0 };
        if (hints[mode] == LT_HINT_MULTIPART) {
            size_t bl = prm[2] % 40u;
            if (bl > size)
                bl = size;
            boundary = lt_span_make(data, bl);
            data += bl;
            size -= bl;
        }
        h1 = run_field(&u, &st1, data, size, hints[mode], boundary);
        u.st = &st2;
        h2 = run_field(&u, &st2, data, size, hints[mode], boundary);
    }
    if (h1 != h2)
        abort();
    u.lim = &ctx_lim;
    u.st = &ctx_st;
    return 0;
}
