/* SPDX-License-Identifier: MIT */
/* test_decompress.c - lt_decompress: round trips, caps, truncation, garbage. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/alloc.h"
#include "core/dec/decompress.h"
#include "tb_buf.h"
#include "tb_compress.h"

static const enum lt_codec codecs[] = { LT_CODEC_GZIP, LT_CODEC_ZLIB,
                                        LT_CODEC_DEFLATE, LT_CODEC_BR,
                                        LT_CODEC_ZSTD };
static const enum tb_codec tbc[] = { TB_GZIP, TB_ZLIB, TB_DEFLATE, TB_BROTLI,
                                     TB_ZSTD };
#define N_CODECS 5

/* Text-like data: compressible but not trivially. */
static struct tb_buf make_data(uint64_t seed, size_t n)
{
    static const char *words[] = { "alpha ", "beta ", "gamma ", "delta\n",
                                   "email=a@b.example ", "{\"k\":1} ",
                                   "lorem ", "ipsum " };
    struct tb_rng rng = tb_rng_seed(seed);
    struct tb_buf b = { 0 };
    while (b.len < n) {
        if (tb_rng_below(&rng, 4) == 0)
            tb_buf_u8(&b, (uint8_t)tb_rng_next(&rng));
        else
            tb_buf_puts(&b, words[tb_rng_below(&rng, 8)]);
    }
    b.len = n;
    return b;
}

static struct tb_buf compress(int ci, const struct tb_buf *src)
{
    struct tb_buf out = { 0 };
    tb_compress(tbc[ci], src->p, src->len, &out);
    return out;
}

/* Decode into a heap buffer of cap bytes followed by guard bytes. */
#define GUARD 64
static enum lt_err dec_guarded(struct lt_decomp *d, enum lt_codec c,
                               uint8_t **dst_out, size_t cap,
                               const uint8_t *src, size_t len, size_t *w)
{
    uint8_t *dst = malloc(cap + GUARD);
    cr_assert(dst);
    memset(dst, 0xa5, cap + GUARD);
    enum lt_err e = lt_decompress(d, c, dst, cap, src, len, w);
    for (size_t i = 0; i < GUARD; i++)
        cr_assert_eq(dst[cap + i], 0xa5, "wrote past dst_cap (%s)",
                     lt_codec_name(c));
    cr_assert_leq(*w, cap);
    *dst_out = dst;
    return e;
}

Test(decompress, codec_names)
{
    cr_assert_str_eq(lt_codec_name(LT_CODEC_GZIP), "gzip");
    cr_assert_str_eq(lt_codec_name(LT_CODEC_ZLIB), "zlib");
    cr_assert_str_eq(lt_codec_name(LT_CODEC_DEFLATE), "deflate");
    cr_assert_str_eq(lt_codec_name(LT_CODEC_BR), "br");
    cr_assert_str_eq(lt_codec_name(LT_CODEC_ZSTD), "zstd");
}

Test(decompress, round_trip_exact_cap_and_one_short)
{
    struct lt_decomp *d = lt_decomp_new();
    cr_assert(d);
    static const size_t sizes[] = { 1, 100, 4096, 70000, 300000 };
    for (int ci = 0; ci < N_CODECS; ci++) {
        for (size_t si = 0; si < 5; si++) {
            struct tb_buf data = make_data(si + 1, sizes[si]);
            struct tb_buf z = compress(ci, &data);
            uint8_t *dst;
            size_t w = 12345;
            enum lt_err e = dec_guarded(d, codecs[ci], &dst, data.len, z.p, z.len, &w);
            cr_assert_eq(e, LT_OK, "%s size %zu: %s", lt_codec_name(codecs[ci]),
                         data.len, lt_err_str(e));
            cr_assert_eq(w, data.len);
            cr_assert(memcmp(dst, data.p, w) == 0);
            free(dst);

            /* a larger dst changes nothing */
            e = dec_guarded(d, codecs[ci], &dst, data.len + 1000, z.p, z.len, &w);
            cr_assert_eq(e, LT_OK);
            cr_assert_eq(w, data.len);
            free(dst);

            e = dec_guarded(d, codecs[ci], &dst, data.len - 1, z.p, z.len, &w);
            cr_assert_eq(e, LT_E_LIMIT, "%s size %zu one short: %s",
                         lt_codec_name(codecs[ci]), data.len, lt_err_str(e));
            cr_assert_eq(w, data.len - 1);
            cr_assert(memcmp(dst, data.p, w) == 0, "prefix differs");
            free(dst);
            tb_buf_release(&data);
            tb_buf_release(&z);
        }
    }
    lt_decomp_free(d);
}

Test(decompress, small_cap_gives_exact_prefix)
{
    struct lt_decomp *d = lt_decomp_new();
    struct tb_buf data = make_data(7, 200000);
    for (int ci = 0; ci < N_CODECS; ci++) {
        struct tb_buf z = compress(ci, &data);
        static const size_t caps[] = { 0, 1, 17, 65536, 131072 };
        for (int k = 0; k < 5; k++) {
            uint8_t *dst;
            size_t w;
            enum lt_err e = dec_guarded(d, codecs[ci], &dst, caps[k], z.p, z.len, &w);
            cr_assert_eq(e, LT_E_LIMIT, "%s cap %zu", lt_codec_name(codecs[ci]), caps[k]);
            cr_assert_eq(w, caps[k]);
            cr_assert(memcmp(dst, data.p, w) == 0);
            free(dst);
        }
        tb_buf_release(&z);
    }
    tb_buf_release(&data);
    lt_decomp_free(d);
}

Test(decompress, null_dst_with_zero_cap)
{
    struct lt_decomp *d = lt_decomp_new();
    struct tb_buf data = make_data(3, 100);
    for (int ci = 0; ci < N_CODECS; ci++) {
        struct tb_buf z = compress(ci, &data);
        size_t w = 99;
        cr_assert_eq(lt_decompress(d, codecs[ci], NULL, 0, z.p, z.len, &w), LT_E_LIMIT);
        cr_assert_eq(w, 0);
        struct tb_buf e0 = { 0 };
        tb_compress(tbc[ci], "", 0, &e0);
        cr_assert_eq(lt_decompress(d, codecs[ci], NULL, 0, e0.p, e0.len, &w), LT_OK,
                     "%s empty content", lt_codec_name(codecs[ci]));
        cr_assert_eq(w, 0);
        tb_buf_release(&e0);
        tb_buf_release(&z);
    }
    tb_buf_release(&data);
    lt_decomp_free(d);
}

Test(decompress, truncated_input_gives_prefix)
{
    struct lt_decomp *d = lt_decomp_new();
    struct tb_buf data = make_data(11, 400000);
    for (int ci = 0; ci < N_CODECS; ci++) {
        struct tb_buf z = compress(ci, &data);
        static const int cuts[] = { 10, 50, 90 }; /* percent of the input */
        for (int k = 0; k < 3; k++) {
            size_t len = z.len * (size_t)cuts[k] / 100;
            uint8_t *dst;
            size_t w;
            enum lt_err e = dec_guarded(d, codecs[ci], &dst, data.len, z.p, len, &w);
            cr_assert_eq(e, LT_E_TRUNCATED, "%s cut %d%%: %s", lt_codec_name(codecs[ci]),
                         cuts[k], lt_err_str(e));
            cr_assert(memcmp(dst, data.p, w) == 0, "%s: not a prefix", lt_codec_name(codecs[ci]));
            if (cuts[k] >= 50)
                cr_assert_gt(w, data.len / 10, "%s cut %d%%: only %zu bytes",
                             lt_codec_name(codecs[ci]), cuts[k], w);
            free(dst);
        }
        /* every short prefix of a small stream is a defined outcome */
        struct tb_buf small = make_data(12, 300);
        struct tb_buf zs = compress(ci, &small);
        for (size_t len = 0; len < zs.len; len++) {
            uint8_t *dst;
            size_t w;
            enum lt_err e = dec_guarded(d, codecs[ci], &dst, small.len, zs.p, len, &w);
            cr_assert(e == LT_E_TRUNCATED || e == LT_E_MALFORMED,
                      "%s prefix %zu: %s", lt_codec_name(codecs[ci]), len, lt_err_str(e));
            if (codecs[ci] != LT_CODEC_BR || e == LT_E_TRUNCATED)
                cr_assert(memcmp(dst, small.p, w) == 0);
            free(dst);
        }
        tb_buf_release(&small);
        tb_buf_release(&zs);
        tb_buf_release(&z);
    }
    tb_buf_release(&data);
    lt_decomp_free(d);
}

Test(decompress, empty_input_is_truncated)
{
    struct lt_decomp *d = lt_decomp_new();
    uint8_t dst[16];
    for (int ci = 0; ci < N_CODECS; ci++) {
        size_t w = 5;
        cr_assert_eq(lt_decompress(d, codecs[ci], dst, sizeof dst, NULL, 0, &w),
                     LT_E_TRUNCATED, "%s", lt_codec_name(codecs[ci]));
        cr_assert_eq(w, 0);
    }
    lt_decomp_free(d);
}

Test(decompress, corrupt_input_is_malformed)
{
    struct lt_decomp *d = lt_decomp_new();
    struct tb_buf data = make_data(5, 50000);
    uint8_t *dst;
    size_t w;
    /* gzip and zlib: a flipped byte fails the checksum at the latest */
    for (int ci = 0; ci < 2; ci++) {
        struct tb_buf z = compress(ci, &data);
        z.p[z.len / 2] ^= 0x55;
        /* the damaged stream may decode to more bytes: leave room */
        enum lt_err e = dec_guarded(d, codecs[ci], &dst, 4 * data.len, z.p, z.len, &w);
        cr_assert_eq(e, LT_E_MALFORMED, "%s: %s", lt_codec_name(codecs[ci]), lt_err_str(e));
        free(dst);
        tb_buf_release(&z);
    }
    /* bad headers */
    static const uint8_t bad_gzip[] = { 0x1f, 0x8b, 0x09, 0, 0, 0, 0, 0, 0, 3, 1, 2 };
    static const uint8_t bad_zlib[] = { 0x78, 0x9d, 1, 2, 3, 4 };
    static const uint8_t bad_deflate[] = { 0x07, 0, 0, 0 }; /* BTYPE 11 */
    static const uint8_t bad_zstd[] = { 0x28, 0xb5, 0x2f, 0xfe, 0, 0, 0, 0 };
    static const uint8_t bad_br[] = { 0x11, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    struct { enum lt_codec c; const uint8_t *p; size_t n; } cases[] = {
        { LT_CODEC_GZIP, bad_gzip, sizeof bad_gzip },
        { LT_CODEC_ZLIB, bad_zlib, sizeof bad_zlib },
        { LT_CODEC_DEFLATE, bad_deflate, sizeof bad_deflate },
        { LT_CODEC_ZSTD, bad_zstd, sizeof bad_zstd },
        { LT_CODEC_BR, bad_br, sizeof bad_br },
    };
    for (int k = 0; k < 5; k++) {
        enum lt_err e = dec_guarded(d, cases[k].c, &dst, 100, cases[k].p, cases[k].n, &w);
        cr_assert_eq(e, LT_E_MALFORMED, "%s: %s", lt_codec_name(cases[k].c), lt_err_str(e));
        cr_assert_eq(w, 0);
        free(dst);
    }
    /* corruption after good output keeps the good prefix */
    struct tb_buf z = compress(0, &data);
    z.len -= 8;
    tb_buf_put(&z, "\x01\x02\x03\x04\x05\x06\x07\x08", 8); /* bad CRC/ISIZE */
    cr_assert_eq(dec_guarded(d, LT_CODEC_GZIP, &dst, data.len, z.p, z.len, &w),
                 LT_E_MALFORMED);
    cr_assert_eq(w, data.len);
    cr_assert(memcmp(dst, data.p, w) == 0);
    free(dst);
    tb_buf_release(&z);
    tb_buf_release(&data);
    lt_decomp_free(d);
}

Test(decompress, trailing_bytes)
{
    struct lt_decomp *d = lt_decomp_new();
    struct tb_buf data = make_data(9, 1000);
    uint8_t *dst;
    size_t w;
    for (int ci = 0; ci < N_CODECS; ci++) {
        struct tb_buf z = compress(ci, &data);
        tb_buf_puts(&z, "junk");
        cr_assert_eq(dec_guarded(d, codecs[ci], &dst, data.len, z.p, z.len, &w),
                     LT_E_MALFORMED, "%s", lt_codec_name(codecs[ci]));
        free(dst);
        tb_buf_release(&z);
    }
    /* gzip: zero padding is accepted */
    struct tb_buf z = compress(0, &data);
    tb_buf_zero(&z, 10);
    cr_assert_eq(dec_guarded(d, LT_CODEC_GZIP, &dst, data.len, z.p, z.len, &w), LT_OK);
    cr_assert_eq(w, data.len);
    free(dst);
    tb_buf_release(&z);
    tb_buf_release(&data);
    lt_decomp_free(d);
}

Test(decompress, concatenated_gzip_members_and_zstd_frames)
{
    struct lt_decomp *d = lt_decomp_new();
    struct tb_buf a = make_data(21, 5000), b = make_data(22, 7000);
    struct tb_buf ab = { 0 };
    tb_buf_put(&ab, a.p, a.len);
    tb_buf_put(&ab, b.p, b.len);
    const int which[] = { 0, 4 };
    for (int k = 0; k < 2; k++) {
        int ci = which[k];
        struct tb_buf z = compress(ci, &a);
        struct tb_buf zb = compress(ci, &b);
        tb_buf_put(&z, zb.p, zb.len);
        uint8_t *dst;
        size_t w;
        cr_assert_eq(dec_guarded(d, codecs[ci], &dst, ab.len, z.p, z.len, &w), LT_OK);
        cr_assert_eq(w, ab.len);
        cr_assert(memcmp(dst, ab.p, w) == 0);
        free(dst);
        /* cap inside the second member / frame */
        cr_assert_eq(dec_guarded(d, codecs[ci], &dst, a.len + 10, z.p, z.len, &w), LT_E_LIMIT);
        cr_assert_eq(w, a.len + 10);
        cr_assert(memcmp(dst, ab.p, w) == 0);
        free(dst);
        /* cap exactly at the end of the first: more output follows */
        cr_assert_eq(dec_guarded(d, codecs[ci], &dst, a.len, z.p, z.len, &w), LT_E_LIMIT);
        cr_assert_eq(w, a.len);
        free(dst);
        /* second one cut short */
        cr_assert_eq(dec_guarded(d, codecs[ci], &dst, ab.len, z.p, z.len - zb.len / 2, &w),
                     LT_E_TRUNCATED);
        cr_assert_geq(w, a.len);
        cr_assert(memcmp(dst, ab.p, w) == 0);
        free(dst);
        tb_buf_release(&z);
        tb_buf_release(&zb);
    }
    tb_buf_release(&a);
    tb_buf_release(&b);
    tb_buf_release(&ab);
    lt_decomp_free(d);
}

Test(decompress, bomb_is_cut_at_cap)
{
    struct lt_decomp *d = lt_decomp_new();
    size_t n = 20u << 20;
    uint8_t *zeros = calloc(1, n);
    for (int ci = 0; ci < N_CODECS; ci++) {
        struct tb_buf z = { 0 };
        tb_compress(tbc[ci], zeros, n, &z);
        uint8_t *dst;
        size_t w;
        cr_assert_eq(dec_guarded(d, codecs[ci], &dst, 100000, z.p, z.len, &w), LT_E_LIMIT);
        cr_assert_eq(w, 100000);
        free(dst);
        tb_buf_release(&z);
    }
    free(zeros);
    lt_decomp_free(d);
}

Test(decompress, zstd_window_over_limit_is_refused)
{
    struct lt_decomp *d = lt_decomp_new();
    /* frame header: no single segment, window descriptor exponent 21 -> 2 GiB */
    static const uint8_t f[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 0x01, 0x00, 0x00 };
    uint8_t dst[64];
    size_t w;
    cr_assert_eq(lt_decompress(d, LT_CODEC_ZSTD, dst, sizeof dst, f, sizeof f, &w),
                 LT_E_MALFORMED);
    lt_decomp_free(d);
}

Test(decompress, random_bytes_never_overflow)
{
    struct lt_decomp *d = lt_decomp_new();
    struct tb_rng rng = tb_rng_seed(0xdec0);
    struct tb_buf data = make_data(31, 3000);
    for (int i = 0; i < 3000; i++) {
        int ci = (int)tb_rng_below(&rng, N_CODECS);
        struct tb_buf in = { 0 };
        if (i % 2) {
            /* a valid stream with flipped bytes */
            in = compress(ci, &data);
            int flips = 1 + (int)tb_rng_below(&rng, 4);
            for (int f = 0; f < flips; f++)
                in.p[tb_rng_below(&rng, in.len)] ^= (uint8_t)(1 + tb_rng_below(&rng, 255));
        } else {
            size_t len = tb_rng_below(&rng, 600);
            for (size_t k = 0; k < len; k++)
                tb_buf_u8(&in, (uint8_t)tb_rng_next(&rng));
        }
        size_t cap = tb_rng_below(&rng, 5000);
        uint8_t *dst;
        size_t w;
        enum lt_err e = dec_guarded(d, codecs[ci], &dst, cap, in.p, in.len, &w);
        cr_assert(e == LT_OK || e == LT_E_LIMIT || e == LT_E_TRUNCATED || e == LT_E_MALFORMED,
                  "case %d seed 0xdec0: %s", i, lt_err_str(e));
        if (e == LT_E_LIMIT)
            cr_assert_eq(w, cap, "case %d", i);
        free(dst);
        tb_buf_release(&in);
    }
    tb_buf_release(&data);
    lt_decomp_free(d);
}

/* allocation failure: injected through the lt_alloc hooks */
/* A corrupt frame decodes the same whatever the context decoded before
   (found by fuzz_http1: the output of a flow depended on earlier flows of
   its thread). B declares 8,521 bytes of content, then an RLE block of
   30,341: a fresh context's buffers refuse it, buffers grown by frame A
   (window 2 MiB, an RLE block of 8,427 zeros, two stray bytes) took it
   and gave 16,096 bytes of '{'. */
Test(decompress, zstd_result_does_not_depend_on_earlier_frames)
{
    static const uint8_t a[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x5b,
                                 0x07, 0x01, 0x00, 0x4f, 0xa2 };
    static const uint8_t b[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x50, 0x52, 0x49,
                                 0x20, 0x2a, 0xb4, 0x03, 0x7b };
    static uint8_t fresh_out[16096], out[16096];
    /* the whole output, and a cap that cuts both (the redo for the exact
       prefix must not carry history either) */
    static const size_t caps[] = { sizeof out, 100 };
    for (int k = 0; k < 2; k++) {
        struct lt_decomp *fresh = lt_decomp_new(), *d = lt_decomp_new();
        size_t fresh_w = 0, w = 0;
        enum lt_err fresh_e = lt_decompress(fresh, LT_CODEC_ZSTD, fresh_out, caps[k], b,
                                            sizeof b, &fresh_w);
        enum lt_err ea = lt_decompress(d, LT_CODEC_ZSTD, out, caps[k], a, sizeof a, &w);
        cr_assert_eq(ea, k ? LT_E_LIMIT : LT_E_MALFORMED); /* stray bytes: no frame */
        cr_assert_eq(w, k ? 100 : 8427);
        enum lt_err e = lt_decompress(d, LT_CODEC_ZSTD, out, caps[k], b, sizeof b, &w);
        cr_expect_eq(e, fresh_e, "cap %zu, after frame A: %d, fresh: %d", caps[k], (int)e,
                     (int)fresh_e);
        cr_expect_eq(w, fresh_w, "cap %zu, after frame A: %zu bytes, fresh: %zu", caps[k], w,
                     fresh_w);
        cr_expect(w == 0 || memcmp(out, fresh_out, w) == 0);
        /* and the context still decodes a sound frame */
        struct tb_buf data = make_data(7, 5000);
        struct tb_buf zz = compress(4, &data);
        cr_assert_eq(lt_decompress(d, LT_CODEC_ZSTD, out, sizeof out, zz.p, zz.len, &w), LT_OK);
        cr_assert_eq(w, data.len);
        cr_assert_eq(memcmp(out, data.p, w), 0);
        tb_buf_release(&data);
        tb_buf_release(&zz);
        lt_decomp_free(fresh);
        lt_decomp_free(d);
    }
}

static int fail_after = -1;
static void *fail_malloc(size_t n)
{
    if (fail_after == 0)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    return malloc(n);
}
static void *fail_realloc(void *p, size_t n)
{
    if (fail_after == 0)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    return realloc(p, n);
}

Test(decompress, allocation_failure_is_nomem)
{
    struct lt_alloc_hooks h = { fail_malloc, fail_realloc, free };
    lt_alloc_set_hooks(&h);
    fail_after = 0;
    cr_assert_null(lt_decomp_new());
    fail_after = -1;
    struct lt_decomp *d = lt_decomp_new();
    cr_assert(d);
    struct tb_buf data = make_data(1, 100000);
    struct tb_buf zb = compress(3, &data);
    struct tb_buf zz = compress(4, &data);
    uint8_t *dst = malloc(data.len);
    size_t w;
    fail_after = 0;
    cr_assert_eq(lt_decompress(d, LT_CODEC_BR, dst, data.len, zb.p, zb.len, &w), LT_E_NOMEM);
    /* zstd allocates its buffers on the first frame that does not fit dst */
    cr_assert_eq(lt_decompress(d, LT_CODEC_ZSTD, dst, data.len / 2, zz.p, zz.len, &w),
                 LT_E_NOMEM);
    fail_after = -1;
    cr_assert_eq(lt_decompress(d, LT_CODEC_BR, dst, data.len, zb.p, zb.len, &w), LT_OK);
    cr_assert_eq(lt_decompress(d, LT_CODEC_ZSTD, dst, data.len, zz.p, zz.len, &w), LT_OK);
    free(dst);
    tb_buf_release(&data);
    tb_buf_release(&zb);
    tb_buf_release(&zz);
    lt_decomp_free(d);
    lt_alloc_set_hooks(NULL);
}
