/* SPDX-License-Identifier: MIT */
#include "tb_capdrive.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void die(const char *what, uint64_t off)
{
    fprintf(stderr, "tb_capdrive: reader contract broken: %s (offset %" PRIu64 ")\n",
            what, off);
    abort();
}

void tb_capdrive(const uint8_t *cap, size_t n, enum lt_capfmt fmt,
                 const struct lt_limits *lim, struct tb_rng *rng,
                 size_t max_chunk, struct tb_buf *out, struct lt_stats *st)
{
    struct lt_stats local = { 0 };
    struct lt_capture_reader *r = malloc(sizeof *r);
    if (!r)
        abort();
    lt_capture_init(r, fmt, lim, &local);
    size_t wcap = (size_t)lim->max_record + TB_CAPDRIVE_SLACK;
    if (!rng && n > wcap)
        wcap = n;
    uint8_t *win = malloc(wcap ? wcap : 1);
    if (!win)
        abort();
    size_t wstart = 0, wlen = 0, fed = 0; /* window = win[wstart..wlen) */
    if (!rng) {
        memcpy(win, cap, n);
        wlen = fed = n;
    }
    if (max_chunk == 0)
        max_chunk = 1;
    for (;;) {
        struct lt_packet pkt;
        size_t used = (size_t)-1;
        const size_t avail = wlen - wstart;
        const uint64_t off_before = r->off;
        enum lt_err e = lt_capture_next(r, win + wstart, avail, &used, &pkt);
        if (used > avail)
            die("used > n", off_before);
        if (r->off != off_before + used)
            die("off did not advance by used", off_before);
        if (e == LT_OK && pkt.data == NULL) {
            /* metadata: a PCAPdroid custom block body */
            if (pkt.caplen != 0 || pkt.custom.len == 0 || pkt.custom.p < win + wstart ||
                pkt.custom.p + pkt.custom.len > win + wstart + avail)
                die("custom block outside the window", off_before);
            tb_buf_printf(out, "custom ts=%" PRId64 " len=%zu fnv=%08" PRIx32 "\n",
                          pkt.ts_ns, pkt.custom.len, fnv1a(pkt.custom.p, pkt.custom.len));
        } else if (e == LT_OK) {
            if (pkt.custom.len != 0)
                die("packet with a custom body", off_before);
            if (pkt.data < win + wstart || pkt.data + pkt.caplen > win + wstart + avail)
                die("packet outside the window", off_before);
            if (pkt.comment.len && (pkt.comment.p < win + wstart ||
                                    pkt.comment.p + pkt.comment.len > win + wstart + avail))
                die("comment outside the window", off_before);
            tb_buf_printf(out, "pkt if=%" PRIu32 " lt=%" PRIu32 " ts=%" PRId64
                          " cap=%" PRIu32 " orig=%" PRIu32 " fnv=%08" PRIx32 " cmt=%.*s\n",
                          pkt.ifindex, pkt.linktype, pkt.ts_ns, pkt.caplen,
                          pkt.origlen, fnv1a(pkt.data, pkt.caplen),
                          (int)pkt.comment.len, (const char *)pkt.comment.p);
        } else if (e != LT_AGAIN && e != LT_END) {
            tb_buf_printf(out, "err %s %s\n", lt_err_str(e), r->msg);
        }
        wstart += used;
        if (e == LT_END)
            break;
        if (e != LT_AGAIN) {
            if (e != LT_OK && !lt_capture_can_resync(r))
                break;
            continue;
        }
        if (r->need > (size_t)lim->max_record + TB_CAPDRIVE_SLACK)
            die("need exceeds max_record + 64 KiB", r->off);
        if (used == 0 && r->need <= wlen - wstart)
            die("LT_AGAIN without progress though need bytes are there", r->off);
        if (fed == n && !r->eof) {
            lt_capture_set_eof(r);
            continue;
        }
        if (fed == n) {
            enum lt_err f = lt_capture_finish(r, wlen - wstart);
            if (f == LT_OK)
                tb_buf_printf(out, "finish ok\n");
            else
                tb_buf_printf(out, "finish %s %s\n", lt_err_str(f), r->msg);
            break;
        }
        /* Refill: move the window to the front, append one chunk. */
        memmove(win, win + wstart, wlen - wstart);
        wlen -= wstart;
        wstart = 0;
        size_t k = rng ? 1 + (size_t)tb_rng_below(rng, max_chunk) : n - fed;
        if (k > n - fed)
            k = n - fed;
        if (k > wcap - wlen)
            k = wcap - wlen;
        if (k == 0)
            die("window full but reader wants more", r->off);
        memcpy(win + wlen, cap + fed, k);
        wlen += k;
        fed += k;
    }
    if (st)
        lt_stats_add(st, &local);
    free(win);
    free(r);
}
