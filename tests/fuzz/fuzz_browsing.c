/* SPDX-License-Identifier: MIT */
/*
 * fuzz_browsing.c - lt_browsing_scan / lt_browsing_domain on arbitrary
 * bytes. Input: p[0] the scratch size (0..255, so caps are hit), p[1] & 63
 * the length of the request host that follows; the rest is the piece.
 * Invariants: hits inside the input, in order and disjoint; url and search
 * inside the scratch (search right after url); a URL reported whole scans
 * again, alone and with the same scratch size, to itself with the same
 * search term (unescaping and trimming are idempotent).
 */
#include <stdlib.h>
#include <string.h>

#include "core/match/browsing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
    const struct lt_browsing *b;
    struct lt_span dom;
    const uint8_t *scratch;
    size_t cap, size, prev_to, n_hits;
    bool inner; /* re-scan of one URL */
    struct lt_span want_url, want_search;
};

static void on_inner(void *ud, const struct lt_url_hit *h)
{
    struct ctx *c = ud;
    if (c->n_hits++ == 0) {
        if (h->from != 0 || h->to != c->want_url.len || h->truncated ||
            !lt_span_eq(h->url, c->want_url) || !lt_span_eq(h->search, c->want_search))
            abort();
    }
}

static void on_hit(void *ud, const struct lt_url_hit *h)
{
    struct ctx *c = ud;
    if (h->from >= h->to || h->to > c->size || h->from < c->prev_to)
        abort();
    if (h->url.p != c->scratch || h->search.p != c->scratch + h->url.len ||
        h->url.len + h->search.len > c->cap || h->url.len < 8)
        abort();
    c->prev_to = h->to;
    c->n_hits++;
    if (h->truncated)
        return;
    /* copies: the inner scan reuses no scratch of ours */
    uint8_t *u = malloc(h->url.len), *s = malloc(h->search.len + 1);
    uint8_t *scratch = malloc(c->cap); /* same cap: same search */
    if (!u || !s || !scratch)
        abort();
    memcpy(u, h->url.p, h->url.len);
    if (h->search.len)
        memcpy(s, h->search.p, h->search.len);
    struct ctx in = { .b = c->b, .inner = true };
    in.want_url = lt_span_make(u, h->url.len);
    in.want_search = lt_span_make(s, h->search.len);
    lt_browsing_scan(c->b, in.want_url, c->dom, scratch, c->cap, on_inner, &in);
    if (in.n_hits == 0)
        abort();
    free(u);
    free(s);
    free(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const size_t cap = data[0];
    size_t hl = data[1] & 63;
    data += 2;
    size -= 2;
    if (hl > size)
        hl = size;
    struct lt_browsing *b = lt_browsing_new();
    if (!b)
        return 0;
    char dom[64];
    const size_t dn = lt_browsing_domain(b, lt_span_make(data, hl), dom, sizeof dom);
    if (dn > sizeof dom)
        abort();
    uint8_t *scratch = malloc(cap ? cap : 1);
    if (!scratch)
        abort();
    struct ctx c = { .b = b, .dom = lt_span_make(dom, dn), .scratch = scratch, .cap = cap,
                     .size = size - hl };
    lt_browsing_scan(b, lt_span_make(data + hl, size - hl), c.dom, scratch, cap, on_hit, &c);
    free(scratch);
    lt_browsing_free(b);
    return 0;
}
