/* SPDX-License-Identifier: MIT */
/*
 * unwrap.c - the recursive decoder behind lt_unwrap_field().
 *
 * Design. visit() handles one piece at a time, depth first, so that pieces
 * come out in the order their bytes sit in the message. Decoded bytes live
 * in one arena per thread, used as a stack: a piece's decoded child is
 * allocated at the top, visited, and popped when visit() returns, so
 * memory never exceeds max_msg_decoded and nothing is freed piecemeal. The
 * chain is one array; a child writes its step at index chain_len and the
 * next sibling overwrites it. Recursion depth is bounded by max_depth
 * (every container or transform step is a layer), never by input size:
 * the decoders themselves are iterative.
 *
 * Why containers are not emitted: a JSON document or a form is exactly
 * the sum of its values; scanning both would report every leak twice with
 * two chains. Transforms are different: the encoded text is itself what
 * went over the wire (a hash in hex, a MAC with %3A), so both the piece
 * and its decoding are emitted.
 */
#include "unwrap.h"

#include <string.h>

#include "../base/alloc.h"
#include "base64.h"
#include "form.h"
#include "hex.h"
#include "json.h"
#include "multipart.h"
#include "percent.h"
#include "protobuf.h"

#define MIN_B64 8      /* shorter base64 is rarely a payload: words, ids */
#define MIN_HEX 16     /* 8 bytes: shorter hex is mostly ids and counters */
#define MIN_TRIAL 8    /* raw deflate / brotli trials need this many bytes */
#define MIN_PB_TEXT 6  /* a string this long vouches for an encoded protobuf */
/* protobuf walker scratch: any path up to LT_PB_DEPTH_MAX (lt_pb_walk) */
#define PB_SCRATCH (10 * (LT_PB_DEPTH_MAX + 1))

struct walk {
    struct lt_unwrap *u;
    lt_piece_cb cb;
    void *ud;
    struct lt_step chain[LT_CHAIN_MAX];
};

static void visit(struct walk *w, struct lt_span data, size_t chain_len,
                  struct lt_span field, enum lt_hint hint,
                  struct lt_span boundary, uint32_t layers);

enum lt_err lt_unwrap_init(struct lt_unwrap *u, const struct lt_limits *lim,
                           struct lt_stats *st)
{
    memset(u, 0, sizeof *u);
    u->lim = lim;
    u->st = st;
    u->decomp = lt_decomp_new();
    /* untouched pages of the arena cost no memory: only what a message
       really decodes is ever resident */
    u->arena = lt_malloc(lim->max_msg_decoded ? lim->max_msg_decoded : 1);
    if (!u->decomp || !u->arena) {
        lt_unwrap_release(u);
        return LT_E_NOMEM;
    }
    return LT_OK;
}

void lt_unwrap_release(struct lt_unwrap *u)
{
    lt_decomp_free(u->decomp);
    lt_free(u->arena);
    u->decomp = NULL;
    u->arena = NULL;
}

void lt_unwrap_begin(struct lt_unwrap *u)
{
    u->top = 0;
    u->n_pieces = 0;
    u->budget_hit = false;
    u->pieces_hit = false;
}

uint8_t *lt_unwrap_push(struct lt_unwrap *u, size_t n)
{
    if (n > u->lim->max_msg_decoded - u->top) {
        if (!u->budget_hit)
            u->st->msg_decoded_cap++;
        u->budget_hit = true;
        return NULL;
    }
    uint8_t *p = u->arena + u->top;
    u->top += n;
    return p;
}

static size_t arena_room(const struct lt_unwrap *u)
{
    return u->lim->max_msg_decoded - u->top;
}

static void emit(struct walk *w, struct lt_span data, size_t chain_len,
                 struct lt_span field)
{
    struct lt_unwrap *u = w->u;
    struct lt_piece p = { data, w->chain, chain_len, field, u->n_pieces };
    u->n_pieces++;
    u->st->pieces++;
    w->cb(w->ud, &p);
}

static bool pieces_left(struct walk *w)
{
    struct lt_unwrap *u = w->u;
    if (u->n_pieces < u->lim->max_pieces)
        return true;
    if (!u->pieces_hit)
        u->st->pieces_cap++;
    u->pieces_hit = true;
    return false;
}

/* Text a person or a serializer wrote: valid UTF-8, few control bytes.
   Decodings that give anything else (and are not compressed streams) are
   taken for accidents of an alphabet and dropped. */
static bool is_texty(const uint8_t *p, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                bad++;
            i++;
            continue;
        }
        size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        if (!len || i + len > n) {
            bad++;
            i++;
            continue;
        }
        size_t k = 1;
        while (k < len && (p[i + k] & 0xC0) == 0x80)
            k++;
        if (k < len) {
            bad++;
            i++;
            continue;
        }
        i += len;
    }
    return n > 0 && bad * 20 <= n; /* at most 5% */
}

enum magic { MAGIC_NONE, MAGIC_GZIP, MAGIC_ZLIB, MAGIC_ZSTD };

static enum magic sniff_magic(const uint8_t *p, size_t n)
{
    if (n >= 10 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
        return MAGIC_GZIP;
    if (n >= 9 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
        return MAGIC_ZSTD;
    /* RFC 1950: CM 8, window <= 32K, FCHECK makes CMF*256+FLG a multiple of
       31, no preset dictionary */
    if (n >= 6 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 &&
        ((p[0] << 8) | p[1]) % 31 == 0 && !(p[1] & 0x20))
        return MAGIC_ZLIB;
    return MAGIC_NONE;
}

static bool on_text_leaf(void *ud, const struct lt_pb_leaf *leaf)
{
    bool *found = ud;
    if (leaf->kind == LT_PB_BYTES && leaf->value.len >= MIN_PB_TEXT &&
        is_texty(leaf->value.p, leaf->value.len))
        *found = true;
    return !*found;
}

/* Binary out of base64 or hex taken for a protobuf message (Firebase's
   batchlog sends base64 of protobuf inside JSON): plausible, and holding a
   string of MIN_PB_TEXT bytes or more. Random tokens, far more common than
   encoded messages, pass lt_pb_plausible() about once in 1,000 (see
   test_unwrap); their varints would reach the pattern detector as numbers,
   and an IMSI needs only 15 digits and a real country code. */
static bool encoded_protobuf(struct lt_unwrap *u, const uint8_t *p, size_t n)
{
    if (!lt_pb_plausible(p, n))
        return false;
    const size_t mark = u->top;
    struct lt_pb_scratch s = { lt_unwrap_push(u, PB_SCRATCH), PB_SCRATCH, LT_PB_DEPTH_MAX };
    bool found = false;
    if (s.buf)
        lt_pb_walk(p, n, &s, on_text_leaf, &found);
    u->top = mark;
    return found;
}

/* Worth decoding further: text, JSON, a compressed stream or a protobuf
   message. */
static bool keep_decoded(struct lt_unwrap *u, const uint8_t *p, size_t n)
{
    return n > 0 && (sniff_magic(p, n) != MAGIC_NONE || is_texty(p, n) ||
                     encoded_protobuf(u, p, n));
}

/* Visit a decoded child at the arena top [mark, mark + n), then pop it. */
static void visit_child(struct walk *w, size_t mark, uint8_t *p, size_t n,
                        size_t chain_len, enum lt_step_kind step,
                        struct lt_span field, uint32_t layers)
{
    struct lt_unwrap *u = w->u;
    u->top = mark + n; /* give back what decoding did not use */
    u->st->decode_steps[step]++;
    w->chain[chain_len].kind = step;
    w->chain[chain_len].name = lt_span_make(NULL, 0);
    struct lt_span none = { NULL, 0 };
    visit(w, lt_span_make(p, n), chain_len + 1, field, LT_HINT_NONE, none,
          layers + 1);
    u->top = mark;
}

/* ---- containers ------------------------------------------------------ */

struct json_ctx {
    struct walk *w;
    size_t chain_len;
    uint32_t layers;
};

static bool on_json_value(void *ud, const struct lt_json_value *v)
{
    struct json_ctx *c = ud;
    struct walk *w = c->w;
    if (!pieces_left(w))
        return false;
    w->chain[c->chain_len].kind = LT_STEP_JSON;
    w->chain[c->chain_len].name = v->path;
    struct lt_span none = { NULL, 0 };
    if (v->kind == LT_JSON_NUMBER)
        emit(w, v->value, c->chain_len + 1, v->key);
    else if (v->value.len)
        visit(w, v->value, c->chain_len + 1, v->key, LT_HINT_NONE, none,
              c->layers + 1);
    return true;
}

static bool try_json(struct walk *w, struct lt_span data, size_t chain_len,
                     enum lt_hint hint, uint32_t layers)
{
    struct lt_unwrap *u = w->u;
    if (hint != LT_HINT_JSON && !lt_json_plausible(data.p, data.len, false))
        return false;
    size_t mark = u->top;
    size_t want = 2 * data.len + 4096;
    if (want > arena_room(u))
        want = arena_room(u);
    struct lt_json_scratch s = { lt_unwrap_push(u, want), want, 512 };
    if (!s.buf)
        return false;
    struct json_ctx c = { w, chain_len, layers };
    u->st->decode_steps[LT_STEP_JSON]++;
    enum lt_err e = lt_json_walk(data.p, data.len, &s, on_json_value, &c);
    u->top = mark;
    if (e != LT_OK) {
        /* not JSON, or nested deeper than the walker's stack: the text is
           still scanned as it is */
        u->st->decode_steps[LT_STEP_JSON]--;
        if (e == LT_E_LIMIT)
            u->st->depth_cap++;
        return false;
    }
    return true;
}

static bool try_form(struct walk *w, struct lt_span data, size_t chain_len,
                     enum lt_hint hint, uint32_t layers)
{
    struct lt_unwrap *u = w->u;
    enum lt_form_style style = LT_FORM_AMP;
    if (!lt_form_plausible(data.p, data.len, LT_FORM_AMP, hint == LT_HINT_FORM)) {
        if (!lt_form_plausible(data.p, data.len, LT_FORM_HASH2, false))
            return false;
        style = LT_FORM_HASH2;
    }
    struct lt_form_iter it;
    struct lt_span name, value;
    struct lt_span none = { NULL, 0 };
    u->st->decode_steps[LT_STEP_FORM]++;
    lt_form_iter_init(&it, data.p, data.len, style);
    while (lt_form_next(&it, &name, &value) && pieces_left(w)) {
        size_t mark = u->top;
        uint8_t *buf = lt_unwrap_push(u, name.len + value.len);
        if (!buf)
            break;
        size_t nl = name.len, vl = value.len;
        if (style == LT_FORM_AMP) { /* names and values are form-encoded */
            lt_pct_decode(buf, name.len, name.p, name.len, true, &nl);
            lt_pct_decode(buf + nl, value.len, value.p, value.len, true, &vl);
        } else {
            memcpy(buf, name.p, nl);
            memcpy(buf + nl, value.p, vl);
        }
        struct lt_span dname = { buf, nl };
        w->chain[chain_len].kind = LT_STEP_FORM;
        w->chain[chain_len].name = dname;
        if (vl)
            visit(w, lt_span_make(buf + nl, vl), chain_len + 1, dname,
                  LT_HINT_NONE, none, layers + 1);
        u->top = mark;
    }
    return true;
}

struct pb_ctx {
    struct walk *w;
    size_t chain_len;
    uint32_t layers;
    bool deep;
};

/* Length-delimited leaves (strings, bytes) are visited like JSON strings;
   varints are emitted as their decimal text like JSON numbers; fixed32/64
   are skipped (doubles and timestamps: nothing a detector reads as text). */
static bool on_pb_leaf(void *ud, const struct lt_pb_leaf *leaf)
{
    struct pb_ctx *c = ud;
    struct walk *w = c->w;
    if (leaf->kind == LT_PB_FIXED32 || leaf->kind == LT_PB_FIXED64)
        return true;
    if (!pieces_left(w))
        return false;
    w->chain[c->chain_len].kind = LT_STEP_PROTOBUF;
    w->chain[c->chain_len].name = leaf->path;
    c->deep |= leaf->deep;
    struct lt_span none = { NULL, 0 };
    if (leaf->kind == LT_PB_VARINT)
        emit(w, leaf->value, c->chain_len + 1, leaf->field);
    else if (leaf->value.len)
        visit(w, leaf->value, c->chain_len + 1, leaf->field, LT_HINT_NONE,
              none, c->layers + 1);
    return true;
}

/* A protobuf message: binary bytes only (text never gets past the first
   keys of lt_pb_plausible, and texty bytes are read as text even when they
   parse), and not a gzip or zstd stream (their magic is no message;
   zlib's 0x78 is field 15, and a real zlib stream does not tile into
   fields). Tried before the piece would be emitted and before the raw
   deflate / brotli trials, which only accept text output. */
static bool try_protobuf(struct walk *w, struct lt_span data, size_t chain_len,
                         uint32_t layers)
{
    struct lt_unwrap *u = w->u;
    const enum magic m = sniff_magic(data.p, data.len);
    if (m == MAGIC_GZIP || m == MAGIC_ZSTD ||
        !lt_pb_plausible(data.p, data.len) || is_texty(data.p, data.len))
        return false;
    size_t mark = u->top;
    struct lt_pb_scratch s = { lt_unwrap_push(u, PB_SCRATCH), PB_SCRATCH, 32 };
    if (!s.buf)
        return false;
    struct pb_ctx c = { w, chain_len, layers, false };
    u->st->decode_steps[LT_STEP_PROTOBUF]++;
    enum lt_err e = lt_pb_walk(data.p, data.len, &s, on_pb_leaf, &c);
    u->top = mark;
    if (c.deep)
        u->st->depth_cap++;
    return e == LT_OK; /* plausible: it is well-formed */
}

/* A multipart body declared by the caller, or one that starts with its own
   delimiter line ("--boundary\r\n"). */
static bool try_multipart(struct walk *w, struct lt_span data, size_t chain_len,
                          enum lt_hint hint, struct lt_span boundary,
                          uint32_t layers)
{
    if (hint != LT_HINT_MULTIPART || !boundary.len) {
        if (data.len < 8 || data.p[0] != '-' || data.p[1] != '-')
            return false;
        size_t i = 2;
        while (i < data.len && i < 72 && data.p[i] > ' ' && data.p[i] < 0x7f)
            i++;
        if (i == 2 || i >= data.len || (data.p[i] != '\r' && data.p[i] != '\n'))
            return false;
        boundary = lt_span_make(data.p + 2, i - 2);
    }
    struct lt_multipart_iter it;
    struct lt_multipart_part part;
    struct lt_span none = { NULL, 0 };
    bool any = false;
    lt_multipart_init(&it, data.p, data.len, boundary);
    while (pieces_left(w) && lt_multipart_next(&it, &part)) {
        if (!any)
            w->u->st->decode_steps[LT_STEP_MULTIPART]++;
        any = true;
        w->chain[chain_len].kind = LT_STEP_MULTIPART;
        w->chain[chain_len].name = part.name;
        enum lt_hint h = LT_HINT_NONE;
        if (part.content_type.len >= 16 &&
            !memcmp(part.content_type.p, "application/json", 16))
            h = LT_HINT_JSON;
        if (part.body.len)
            visit(w, part.body, chain_len + 1, part.name, h, none, layers + 1);
    }
    return any;
}

/* ---- transforms ------------------------------------------------------ */

/* true when the decoding was kept (its piece visited) */
static bool try_decompress(struct walk *w, struct lt_span data,
                           size_t chain_len, struct lt_span field,
                           uint32_t layers, enum lt_codec codec,
                           enum lt_step_kind step, bool trial)
{
    struct lt_unwrap *u = w->u;
    const struct lt_limits *lim = u->lim;
    size_t mark = u->top;
    size_t by_ratio = (size_t)lim->max_ratio * data.len + 4096;
    size_t cap = arena_room(u);
    bool ratio_bound = by_ratio < cap;
    if (ratio_bound)
        cap = by_ratio;
    if (cap > lim->max_decoded)
        cap = lim->max_decoded, ratio_bound = false;
    uint8_t *dst = lt_unwrap_push(u, cap);
    if (!dst)
        return false;
    size_t got = 0;
    enum lt_err e = lt_decompress(u->decomp, codec, dst, cap, data.p, data.len,
                                  &got);
    /* A stream that decoded soundly up to the cap is a real stream, so the
       cap cut it off even when a trial's output is then judged not to be
       text (a brotli bomb of zeros): count it either way. */
    if (e == LT_E_LIMIT) {
        if (ratio_bound)
            u->st->ratio_cap++;
        else
            u->st->decoded_cap++;
    }
    bool ok = e == LT_OK || e == LT_E_LIMIT || e == LT_E_TRUNCATED;
    if (trial) /* no magic vouched for it: the output must */
        ok = (e == LT_OK || e == LT_E_LIMIT) && got >= 4 && is_texty(dst, got);
    if (!ok || got == 0) {
        if (!trial)
            u->st->failed_trials++;
        u->top = mark;
        return false;
    }
    visit_child(w, mark, dst, got, chain_len, step, field, layers);
    return true;
}

/*
 * Binary that base64 gave, with no magic: kept only when it proves to be a
 * raw deflate or brotli stream by trial (as binary out of any decoding is
 * in try_transforms). The bytes themselves are neither emitted nor split:
 * random tokens are far more common than such streams. p[0..n) is at the
 * arena top, from mark. true when a stream was kept.
 */
static bool try_raw_streams(struct walk *w, size_t mark, uint8_t *p, size_t n,
                            size_t chain_len, enum lt_step_kind step,
                            struct lt_span field, uint32_t layers)
{
    struct lt_unwrap *u = w->u;
    if (n < MIN_TRIAL || layers + 1 >= u->lim->max_depth ||
        chain_len + 2 >= LT_CHAIN_MAX)
        return false;
    u->top = mark + n;
    w->chain[chain_len].kind = step;
    w->chain[chain_len].name = lt_span_make(NULL, 0);
    const struct lt_span data = lt_span_make(p, n);
    bool kept = try_decompress(w, data, chain_len + 1, field, layers + 1,
                               LT_CODEC_DEFLATE, LT_STEP_DEFLATE, true);
    kept |= try_decompress(w, data, chain_len + 1, field, layers + 1,
                           LT_CODEC_BR, LT_STEP_BR, true);
    if (kept)
        u->st->decode_steps[step]++;
    u->top = mark;
    return kept;
}

static void try_transforms(struct walk *w, struct lt_span data,
                           size_t chain_len, struct lt_span field,
                           uint32_t layers)
{
    struct lt_unwrap *u = w->u;
    const uint8_t *p = data.p;
    size_t n = data.len;

    switch (sniff_magic(p, n)) {
    case MAGIC_GZIP:
        try_decompress(w, data, chain_len, field, layers, LT_CODEC_GZIP, LT_STEP_GZIP, false);
        return;
    case MAGIC_ZSTD:
        try_decompress(w, data, chain_len, field, layers, LT_CODEC_ZSTD, LT_STEP_ZSTD, false);
        return;
    case MAGIC_ZLIB:
        try_decompress(w, data, chain_len, field, layers, LT_CODEC_ZLIB, LT_STEP_ZLIB, true);
        return;
    case MAGIC_NONE:
        break;
    }
    if (!is_texty(p, n)) {
        /* binary without a magic: raw deflate or brotli, if it came out of
           another decoding (a body's raw bytes are not guessed at) */
        if (layers > 0 && n >= MIN_TRIAL) {
            try_decompress(w, data, chain_len, field, layers, LT_CODEC_DEFLATE, LT_STEP_DEFLATE, true);
            try_decompress(w, data, chain_len, field, layers, LT_CODEC_BR, LT_STEP_BR, true);
        }
        return;
    }
    if (lt_pct_plausible(p, n)) {
        size_t mark = u->top, got = 0;
        uint8_t *dst = lt_unwrap_push(u, n);
        if (dst && lt_pct_decode(dst, n, p, n, false, &got) == LT_OK && got < n)
            visit_child(w, mark, dst, got, chain_len, LT_STEP_PERCENT, field, layers);
        u->top = mark;
        return;
    }
    bool url = false;
    if (lt_b64_plausible(p, n, MIN_B64, &url)) {
        size_t mark = u->top, got = 0;
        size_t cap = lt_b64_decoded_max(n);
        uint8_t *dst = lt_unwrap_push(u, cap);
        const enum lt_step_kind step = url ? LT_STEP_BASE64URL : LT_STEP_BASE64;
        const bool decoded = dst && lt_b64_decode(dst, cap, p, n, url, &got) == LT_OK;
        if (decoded && keep_decoded(u, dst, got))
            visit_child(w, mark, dst, got, chain_len, step, field, layers);
        else if (!decoded ||
                 !try_raw_streams(w, mark, dst, got, chain_len, step, field, layers))
            u->st->failed_trials++;
        u->top = mark;
        return;
    }
    if (lt_hex_plausible(p, n, MIN_HEX)) {
        size_t mark = u->top, got = 0;
        uint8_t *dst = lt_unwrap_push(u, n / 2 + 1);
        if (dst && lt_hex_decode(dst, n / 2 + 1, p, n, &got) == LT_OK &&
            keep_decoded(u, dst, got))
            visit_child(w, mark, dst, got, chain_len, LT_STEP_HEX, field, layers);
        else
            u->st->failed_trials++;
        u->top = mark;
    }
}

static void visit(struct walk *w, struct lt_span data, size_t chain_len,
                  struct lt_span field, enum lt_hint hint,
                  struct lt_span boundary, uint32_t layers)
{
    struct lt_unwrap *u = w->u;
    if (!data.len || !pieces_left(w))
        return;
    bool deep = layers >= u->lim->max_depth || chain_len + 1 >= LT_CHAIN_MAX;
    if (hint != LT_HINT_OPAQUE && !deep) {
        if (try_json(w, data, chain_len, hint, layers) ||
            try_multipart(w, data, chain_len, hint, boundary, layers) ||
            try_form(w, data, chain_len, hint, layers) ||
            try_protobuf(w, data, chain_len, layers))
            return;
    }
    emit(w, data, chain_len, field);
    if (hint == LT_HINT_OPAQUE)
        return;
    if (deep) {
        /* count only what would have been decoded */
        bool url;
        if (sniff_magic(data.p, data.len) != MAGIC_NONE ||
            lt_json_plausible(data.p, data.len, false) ||
            lt_b64_plausible(data.p, data.len, MIN_B64, &url) ||
            lt_pct_plausible(data.p, data.len) ||
            lt_pb_plausible(data.p, data.len))
            u->st->depth_cap++;
        return;
    }
    try_transforms(w, data, chain_len, field, layers);
}

void lt_unwrap_field(struct lt_unwrap *u, struct lt_span data,
                     const struct lt_step *chain, size_t chain_len,
                     struct lt_span field, enum lt_hint hint,
                     struct lt_span boundary, lt_piece_cb cb, void *ud)
{
    struct walk w;
    w.u = u;
    w.cb = cb;
    w.ud = ud;
    if (chain_len >= LT_CHAIN_MAX)
        chain_len = LT_CHAIN_MAX - 1;
    memcpy(w.chain, chain, chain_len * sizeof *chain);
    size_t mark = u->top;
    visit(&w, data, chain_len, field, hint, boundary, 0);
    u->top = mark;
}
