/* SPDX-License-Identifier: MIT */
/*
 * test_tokscan.c - the byte-class searches of the digest token scan
 * (core/match/tokscan.h): the AVX2 classifier agrees with the class table,
 * AVX2 and scalar searches return the same positions on seeded random
 * text, queried in scan order and in random order, and the matcher finds
 * the same digest tokens, in the same order, with either. Skipped parts
 * are logged when the CPU has no AVX2.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/match/matcher.h"
#include "core/match/matcher_int.h"
#include "core/match/tokscan.h"
#include "tb_buf.h"

static bool have_avx2(void)
{
    if (lt__tok_impl_supported(LT_TOK_AVX2))
        return true;
    cr_log_warn("no AVX2 here: only the scalar searches run");
    return false;
}

/* Text made of runs: hex, base64 alphabet, mixed, separators and bytes
   >= 0x80, run lengths around the 22 and 32 thresholds and the 64-byte
   blocks. */
static void random_text(struct tb_rng *r, uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    static const char b64[] = "ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ+/-_";
    static const char sep[] = " \"=&%:.,;{}[]\r\n\t@";
    size_t i = 0;
    while (i < n) {
        size_t len = 1 + tb_rng_below(r, tb_rng_below(r, 4) ? 40 : 140);
        const unsigned kind = (unsigned)tb_rng_below(r, 5);
        for (size_t k = 0; k < len && i < n; k++, i++) {
            switch (kind) {
            case 0: p[i] = (uint8_t)hex[tb_rng_below(r, sizeof hex - 1)]; break;
            case 1: p[i] = (uint8_t)b64[tb_rng_below(r, sizeof b64 - 1)]; break;
            case 2:
                p[i] = tb_rng_below(r, 8) ? (uint8_t)hex[tb_rng_below(r, sizeof hex - 1)]
                                          : (uint8_t)b64[tb_rng_below(r, sizeof b64 - 1)];
                break;
            case 3: p[i] = (uint8_t)sep[tb_rng_below(r, sizeof sep - 1)]; break;
            default: p[i] = (uint8_t)tb_rng_next(r); break;
            }
        }
    }
}

Test(tokscan, avx2_classifier_matches_the_class_table)
{
#if LT_X86
    if (!have_avx2())
        return;
    uint8_t p[64 + 64];
    for (unsigned v = 0; v < 256; v++) {
        for (size_t pos = 0; pos < 64; pos++) {
            memset(p, 'x', sizeof p); /* class B64, not hex */
            p[pos] = (uint8_t)v;
            const size_t ns[2] = { pos + 1, 64 }; /* the byte last, or not */
            for (size_t j = 0; j < 2; j++) {
                const size_t n = ns[j];
                uint64_t b64, hex;
                lt__tok_classify_avx2(p, n, 0, &b64, &hex);
                const uint64_t bit = (uint64_t)1 << pos;
                cr_assert_eq((b64 & bit) != 0, (lt__tok_class[v] & LT__TOK_B64) != 0,
                             "byte %#x at %zu, n %zu: b64", v, pos, n);
                cr_assert_eq((hex & bit) != 0, (lt__tok_class[v] & LT__TOK_HEX) != 0,
                             "byte %#x at %zu, n %zu: hex", v, pos, n);
                const uint64_t past = n == 64 ? 0 : ~(uint64_t)0 << n;
                cr_assert_eq(b64 & past, 0, "bits past n %zu", n);
                cr_assert_eq(hex & past, 0, "bits past n %zu", n);
            }
        }
    }
#endif
}

/* The buffer copied to an exact-size allocation (ASan: no read past n). */
static uint8_t *exact_copy(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);
    cr_assert_not_null(q);
    if (n)
        memcpy(q, p, n);
    return q;
}

Test(tokscan, searches_agree_in_scan_order)
{
    if (!have_avx2())
        return;
    const uint64_t seed = 0x70c5;
    struct tb_rng r = tb_rng_seed(seed);
    static uint8_t buf[5000];
    for (int iter = 0; iter < 600; iter++) {
        const size_t n = iter < 400 ? (size_t)iter : 300 + tb_rng_below(&r, sizeof buf - 300);
        random_text(&r, buf, n);
        uint8_t *p = exact_copy(buf, n);
        /* the matcher's pattern: next run, its end, hex runs inside it */
        struct lt__tok_scan s, v;
        lt__tok_init(&s, LT_TOK_SCALAR, p, n);
        lt__tok_init(&v, LT_TOK_AVX2, p, n);
        size_t pos = 0;
        for (;;) {
            const size_t i = lt__tok_find_run(&s, pos);
            cr_assert_eq(lt__tok_find_run(&v, pos), i, "run from %zu (iter %d, n %zu, seed %#llx)",
                         pos, iter, n, (unsigned long long)seed);
            if (i == n)
                break;
            const size_t e = lt__tok_find(&s, i + LT__TOK_MIN_RUN, n, LT__TOK_B64, false);
            cr_assert_eq(lt__tok_find(&v, i + LT__TOK_MIN_RUN, n, LT__TOK_B64, false), e,
                         "end of run at %zu (iter %d)", i, iter);
            const size_t nh = lt__tok_find(&s, i, e, LT__TOK_HEX, false);
            cr_assert_eq(lt__tok_find(&v, i, e, LT__TOK_HEX, false), nh, "iter %d", iter);
            /* the fused end-and-hex search says the same, both ways */
            bool hex_s, hex_v;
            cr_assert_eq(lt__tok_run_end(&s, i, &hex_s), e, "iter %d", iter);
            cr_assert_eq(lt__tok_run_end(&v, i, &hex_v), e, "iter %d", iter);
            cr_assert_eq(hex_s, nh == e, "iter %d run at %zu", iter, i);
            cr_assert_eq(hex_v, nh == e, "iter %d run at %zu", iter, i);
            for (size_t k = i; k < e;) {
                const size_t a = lt__tok_find(&s, k, e, LT__TOK_HEX, true);
                cr_assert_eq(lt__tok_find(&v, k, e, LT__TOK_HEX, true), a, "iter %d", iter);
                const size_t b = lt__tok_find(&s, a, e, LT__TOK_HEX, false);
                cr_assert_eq(lt__tok_find(&v, a, e, LT__TOK_HEX, false), b, "iter %d", iter);
                k = b;
            }
            pos = e < n ? e + 1 : n;
        }
        free(p);
    }
}

Test(tokscan, searches_agree_in_random_order)
{
    if (!have_avx2())
        return;
    const uint64_t seed = 0x70c6;
    struct tb_rng r = tb_rng_seed(seed);
    static uint8_t buf[3000];
    for (int iter = 0; iter < 300; iter++) {
        const size_t n = tb_rng_below(&r, iter < 200 ? 300 : sizeof buf);
        random_text(&r, buf, n);
        uint8_t *p = exact_copy(buf, n);
        struct lt__tok_scan s, v;
        lt__tok_init(&s, LT_TOK_SCALAR, p, n);
        lt__tok_init(&v, LT_TOK_AVX2, p, n);
        for (int q = 0; q < 200; q++) {
            /* near the last query (the window's neighbourhood) or anywhere */
            size_t from = tb_rng_below(&r, n + 1);
            size_t to = from + tb_rng_below(&r, n - from + 1);
            if (q % 3 == 0) {
                const size_t a = lt__tok_find_run(&s, from);
                cr_assert_eq(lt__tok_find_run(&v, from), a,
                             "run from %zu (iter %d, n %zu, seed %#llx)", from, iter, n,
                             (unsigned long long)seed);
                continue;
            }
            const uint8_t cl = q & 1 ? LT__TOK_HEX : LT__TOK_B64;
            const bool want = q & 2;
            const size_t a = lt__tok_find(&s, from, to, cl, want);
            cr_assert_eq(lt__tok_find(&v, from, to, cl, want), a,
                         "find [%zu, %zu) class %u want %d (iter %d, n %zu, seed %#llx)", from,
                         to, cl, want, iter, n, (unsigned long long)seed);
        }
        free(p);
    }
}

Test(tokscan, unsupported_impl_is_scalar)
{
    struct lt__tok_scan s;
    const uint8_t p[] = "0123456789abcdef0123456789abcdef";
    lt__tok_init(&s, LT_TOK_N_IMPL, p, sizeof p - 1);
    cr_assert_eq(s.impl, LT_TOK_SCALAR);
    cr_assert_eq(lt__tok_find_run(&s, 0), 0);
    cr_assert_eq(lt__tok_find_run(&s, 11), 32); /* 21 left: none */
    cr_assert(lt__tok_impl_supported(lt__tok_impl_best()));
}

/* ---- the matcher with either implementation ------------------------------ */

struct hit {
    uint32_t lit;
    size_t from, to;
};

struct hits {
    struct hit h[2048];
    size_t n;
};

static void on_hit(void *ud, uint32_t lit, size_t from, size_t to)
{
    struct hits *hs = ud;
    cr_assert_lt(hs->n, sizeof hs->h / sizeof hs->h[0]);
    hs->h[hs->n++] = (struct hit){ lit, from, to };
}

Test(tokscan, matcher_finds_the_same_tokens_with_each_impl)
{
    if (!have_avx2())
        return;
    static const char json[] =
        "{\"devices\":[{\"id\":\"d\",\"identifiers\":{\"android_id\":\"a1b2c3d4e5f60718\","
        "\"adid\":\"38400000-8cf0-11bd-b23e-10b96e40000d\",\"imei\":\"356938035643809\","
        "\"email\":\"jane.doe@example.org\"}}]}";
    struct lt_manifest m;
    struct lt_matcher *mt;
    char msg[256];
    cr_assert_eq(lt_manifest_load_mem(&m, json, strlen(json), "t.json", msg, sizeof msg, NULL,
                                      NULL),
                 LT_OK, "%s", msg);
    cr_assert_eq(lt_matcher_build(&m, &mt, msg, sizeof msg), LT_OK, "%s", msg);
    cr_assert_gt(lt_matcher_n_hashed(mt), 0);
    struct lt_match_scratch *sc = lt_match_scratch_new(mt);
    cr_assert_not_null(sc);
    struct hits *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    const uint64_t seed = 0x70c7;
    struct tb_rng r = tb_rng_seed(seed);
    size_t n_found = 0, n_digest = 0;
    for (int iter = 0; iter < 400; iter++) {
        /* random text with literals (digests most of them) planted at
           random offsets, glued to class bytes or not, after "%3D" */
        struct tb_buf t = { 0 };
        const size_t parts = 1 + tb_rng_below(&r, 12);
        for (size_t k = 0; k < parts; k++) {
            uint8_t noise[150];
            const size_t nn = tb_rng_below(&r, sizeof noise);
            random_text(&r, noise, nn);
            tb_buf_put(&t, noise, nn);
            if (tb_rng_below(&r, 4) == 0)
                tb_buf_puts(&t, "%3D");
            const struct lt_literal *l =
                lt_matcher_literal(mt, (uint32_t)tb_rng_below(&r, lt_matcher_n_literals(mt)));
            tb_buf_put(&t, l->text, l->len);
        }
        uint8_t *p = exact_copy(t.p, t.len);
        a->n = b->n = 0;
        const size_t win = iter % 4 ? (size_t)1 << 30 : 1 + tb_rng_below(&r, t.len + 8);
        cr_assert_eq(lt__matcher_scan_impl(mt, sc, p, t.len, win, LT_TOK_SCALAR, on_hit, a),
                     LT_OK);
        cr_assert_eq(lt__matcher_scan_impl(mt, sc, p, t.len, win, LT_TOK_AVX2, on_hit, b),
                     LT_OK);
        cr_assert_eq(b->n, a->n, "iter %d: %zu hits with AVX2, %zu scalar (seed %#llx)", iter,
                     b->n, a->n, (unsigned long long)seed);
        for (size_t k = 0; k < a->n; k++)
            cr_assert(a->h[k].lit == b->h[k].lit && a->h[k].from == b->h[k].from &&
                          a->h[k].to == b->h[k].to,
                      "iter %d hit %zu: AVX2 %u [%zu, %zu), scalar %u [%zu, %zu)", iter, k,
                      b->h[k].lit, b->h[k].from, b->h[k].to, a->h[k].lit, a->h[k].from,
                      a->h[k].to);
        n_found += a->n;
        for (size_t k = 0; k < a->n; k++)
            n_digest += lt_matcher_literal(mt, a->h[k].lit)->len >= LT__TOK_MIN_RUN;
        free(p);
        tb_buf_release(&t);
    }
    cr_log_info("%zu hits compared, %zu of 22+ bytes", n_found, n_digest);
    cr_assert_gt(n_digest, 400); /* the planted digests are mostly found */
    free(a);
    free(b);
    lt_match_scratch_free(sc);
    lt_matcher_free(mt);
    lt_manifest_release(&m);
}
