/* SPDX-License-Identifier: MIT */
/*
 * fuzz_shapes.c - lt_shapes_scan() over arbitrary bytes, with the detector
 * built once. Byte 0: the field name's length (mod 24), taken from the
 * bytes that follow; the next byte picks the window of the Vectorscan
 * reference scan (0: whole, else 128 + 2 * byte bytes). The rest is the
 * piece, scanned by lt_shapes_scan() (the C finder) and the reference.
 * Every hit must lie in the piece, come in position order, have a known
 * kind and a coordinate only for a location, and pass a check written
 * again here (digits for IMEI/IMSI/ICCID with Luhn where due, '@' in an
 * e-mail, ...); both scans must give the same hits.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/match/shapes.h"
#include "core/match/shapes_int.h"

static struct lt_shapes *sh;
static struct lt_shapes_scratch *scr;

static void setup(void)
{
    char msg[256];
    if (lt_shapes_new(&sh, msg, sizeof msg) != LT_OK || !(scr = lt_shapes_scratch_new(sh)))
        abort();
}

struct hits {
    const uint8_t *p;
    size_t n;
    struct lt_shape_hit h[4096];
    size_t count;
    bool overflow;
};

static bool all(const uint8_t *p, size_t s, size_t e, int (*pred)(int))
{
    for (size_t i = s; i < e; i++)
        if (!pred(p[i]))
            return false;
    return true;
}

static int is_d(int c) { return c >= '0' && c <= '9'; }

static int is_x(int c)
{
    return is_d(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void check(const struct hits *hs, const struct lt_shape_hit *h)
{
    const uint8_t *p = hs->p;
    size_t len = h->to - h->from;
    if (!h->kind || h->from >= h->to || h->to > hs->n)
        abort();
    const char *v = (const char *)p + h->from;
    if (!strcmp(h->kind, "imei")) {
        if (!all(p, h->from, h->to, is_d) || !lt__imei_rbi_ok(v) ||
            !(len == 16 || (len == 15 && lt_luhn_ok(v, 15))))
            abort();
    } else if (!strcmp(h->kind, "imsi")) {
        if (len != 15 || !all(p, h->from, h->to, is_d) ||
            !lt_mcc_known((unsigned)((v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0'))))
            abort();
    } else if (!strcmp(h->kind, "iccid")) {
        if ((len != 19 && len != 20) || v[0] != '8' || v[1] != '9' || !lt_luhn_ok(v, len))
            abort();
    } else if (!strcmp(h->kind, "meid")) {
        if (len != 14 || !all(p, h->from, h->to, is_x))
            abort();
    } else if (!strcmp(h->kind, "android_id")) {
        if (len != 16 || !all(p, h->from, h->to, is_x))
            abort();
    } else if (!strcmp(h->kind, "mac") || !strcmp(h->kind, "bssid")) {
        if (len != 12 && len != 14 && len != 17)
            abort();
    } else if (!strcmp(h->kind, "adid")) {
        if (len != 32 && len != 36)
            abort();
    } else if (!strcmp(h->kind, "email")) {
        if (!memchr(v, '@', len) || len < 6)
            abort();
    } else if (!strcmp(h->kind, "phone")) {
        if (len < 7 || !is_d(v[len - 1]))
            abort();
    } else if (!strcmp(h->kind, "location")) {
        if (h->coord != 'a' && h->coord != 'o')
            abort();
    } else {
        abort();
    }
    if (h->coord && strcmp(h->kind, "location") != 0)
        abort();
    /* whole token: no letter or digit touches an alphanumeric value */
    if (strcmp(h->kind, "phone") && strcmp(h->kind, "location") && h->to < hs->n &&
        (is_d(p[h->to]) || (unsigned)((p[h->to] | 0x20) - 'a') < 26u))
        abort();
}

static void on_hit(void *ud, const struct lt_shape_hit *h)
{
    struct hits *hs = ud;
    check(hs, h);
    if (hs->count && h->from < hs->h[hs->count - 1].from)
        abort();
    if (hs->count == sizeof hs->h / sizeof hs->h[0]) {
        hs->overflow = true;
        return;
    }
    hs->h[hs->count++] = *h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sh)
        setup();
    if (size < 2)
        return 0;
    size_t flen = data[0] % 24;
    if (size < 2 + flen)
        return 0;
    struct lt_span field = lt_span_make(data + 1, flen);
    uint8_t mode = data[1 + flen];
    struct lt_span piece = lt_span_make(data + 2 + flen, size - 2 - flen);
    static struct hits a, b;
    a = (struct hits){ .p = piece.p, .n = piece.len };
    b = (struct hits){ .p = piece.p, .n = piece.len };
    if (lt_shapes_scan(sh, scr, piece, field, on_hit, &a) != LT_OK)
        abort();
    {
        size_t win = mode ? 128 + 2 * (size_t)mode : (size_t)1 << 30;
        if (lt__shapes_scan_window(sh, scr, piece, field, win, on_hit, &b) != LT_OK)
            abort();
        if (!a.overflow && !b.overflow) {
            if (a.count != b.count)
                abort();
            for (size_t i = 0; i < a.count; i++)
                if (a.h[i].from != b.h[i].from || a.h[i].to != b.h[i].to ||
                    strcmp(a.h[i].kind, b.h[i].kind) || a.h[i].coord != b.h[i].coord)
                    abort();
        }
    }
    return 0;
}
