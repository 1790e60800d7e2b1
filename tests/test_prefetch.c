/* SPDX-License-Identifier: MIT */
/*
 * test_prefetch.c - the decompression stage (workers/prefetch.h) hands out
 * exactly the bytes lt_input_read would, in any read sizes, across its
 * buffer ring; an error comes after the good bytes, once; a file left
 * early stops the thread.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/input.h"
#include "tb_compress.h"
#include "workers/prefetch.h"

static char dir[512];

static void setup(void) { snprintf(dir, sizeof dir, "%s", tb_tempdir("prefetch")); }
static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}
TestSuite(prefetch, .init = setup, .fini = teardown, .timeout = 60);

/* n pseudo-random, somewhat compressible bytes. */
static void content(struct tb_buf *b, size_t n)
{
    struct tb_rng r = tb_rng_seed(7);
    for (size_t i = 0; i < n; i++)
        tb_buf_u8(b, (uint8_t)('a' + tb_rng_below(&r, 6)));
}

/* dir/name holding b; the path is malloc'ed (the test leaks it). */
static const char *write_file(const char *name, const struct tb_buf *b)
{
    char *path = malloc(700);
    snprintf(path, 700, "%s/%s", dir, name);
    tb_buf_write_file(b, path);
    return path;
}

/* Everything the source gives for path, read cap bytes at a time. */
static enum lt_err read_all(struct lt_prefetch *pf, const char *path, size_t cap,
                            struct tb_buf *out, size_t stop_after)
{
    struct lt_input in;
    cr_assert_eq(lt_input_open(&in, path), LT_OK);
    struct lt_pipe_source src = lt_prefetch_source(pf);
    src.begin(src.ud, &in);
    uint8_t *buf = malloc(cap);
    enum lt_err e;
    uint64_t raw = 0, last_raw = 0;
    for (;;) {
        size_t got = 0;
        e = src.read(src.ud, buf, cap, &got, &raw);
        tb_buf_put(out, buf, got);
        cr_assert_geq(raw, last_raw, "bytes read never go back");
        last_raw = raw;
        if (e != LT_OK || (stop_after && out->len >= stop_after))
            break;
    }
    if (e != LT_OK && e != LT_END) { /* reported once, then the end */
        size_t got = 1;
        cr_expect_eq(src.read(src.ud, buf, cap, &got, &raw), LT_END);
        cr_expect_eq(got, 0);
    }
    src.end(src.ud);
    lt_input_close(&in);
    free(buf);
    return e;
}

Test(prefetch, the_same_bytes_in_any_read_size)
{
    struct tb_buf plain = { 0 }, z = { 0 };
    content(&plain, 5 * LT_PREFETCH_BYTES + 12345); /* more than the ring */
    tb_compress(TB_ZSTD, plain.p, plain.len, &z);
    const char *zp = write_file("a.zst", &z);
    const char *pp = write_file("a.bin", &plain);
    struct lt_prefetch *pf = lt_prefetch_new();
    cr_assert_not_null(pf);
    static const size_t caps[] = { 1, 4093, 65536, LT_PREFETCH_BYTES, 3 * LT_PREFETCH_BYTES };
    for (size_t i = 0; i < sizeof caps / sizeof *caps; i++) {
        if (caps[i] == 1 && i == 0) { /* byte by byte: a smaller file */
            struct tb_buf small = { 0 }, sz = { 0 }, out = { 0 };
            content(&small, 70000);
            tb_compress(TB_GZIP, small.p, small.len, &sz);
            cr_expect_eq(read_all(pf, write_file("s.gz", &sz), 1, &out, 0), LT_END);
            cr_expect(tb_buf_eq(&out, &small));
            tb_buf_release(&small);
            tb_buf_release(&sz);
            tb_buf_release(&out);
            continue;
        }
        struct tb_buf out = { 0 }, out2 = { 0 };
        cr_expect_eq(read_all(pf, zp, caps[i], &out, 0), LT_END);
        cr_expect(tb_buf_eq(&out, &plain), "cap %zu: %zu of %zu bytes", caps[i],
                  out.len, plain.len);
        /* a plain file goes straight through, in the caller's thread */
        cr_expect_eq(read_all(pf, pp, caps[i], &out2, 0), LT_END);
        cr_expect(tb_buf_eq(&out2, &plain));
        tb_buf_release(&out);
        tb_buf_release(&out2);
    }
    lt_prefetch_free(pf);
    tb_buf_release(&plain);
    tb_buf_release(&z);
}

Test(prefetch, an_error_comes_after_the_good_bytes)
{
    struct tb_buf plain = { 0 }, z = { 0 };
    content(&plain, 3 * LT_PREFETCH_BYTES);
    tb_compress(TB_GZIP, plain.p, plain.len, &z);
    z.len = z.len * 2 / 3; /* cut inside the stream */
    const char *zp = write_file("cut.gz", &z);
    /* what the input itself gives */
    struct lt_input in;
    cr_assert_eq(lt_input_open(&in, zp), LT_OK);
    struct tb_buf want = { 0 };
    uint8_t buf[65536];
    enum lt_err we;
    for (;;) {
        size_t got = 0;
        we = lt_input_read(&in, buf, sizeof buf, &got);
        tb_buf_put(&want, buf, got);
        if (we != LT_OK)
            break;
    }
    lt_input_close(&in);
    cr_assert_eq(we, LT_E_TRUNCATED);
    struct lt_prefetch *pf = lt_prefetch_new();
    struct tb_buf out = { 0 };
    cr_expect_eq(read_all(pf, zp, 65536, &out, 0), LT_E_TRUNCATED);
    cr_expect(tb_buf_eq(&out, &want), "%zu vs %zu good bytes", out.len, want.len);
    lt_prefetch_free(pf);
    tb_buf_release(&plain);
    tb_buf_release(&z);
    tb_buf_release(&want);
    tb_buf_release(&out);
}

Test(prefetch, a_file_left_early_stops_the_thread)
{
    struct tb_buf plain = { 0 }, z = { 0 };
    content(&plain, 8 * LT_PREFETCH_BYTES);
    tb_compress(TB_ZSTD, plain.p, plain.len, &z);
    const char *zp = write_file("b.zst", &z);
    struct lt_prefetch *pf = lt_prefetch_new();
    for (int k = 0; k < 3; k++) { /* and the source is reusable */
        struct tb_buf out = { 0 };
        cr_expect_eq(read_all(pf, zp, 4096, &out, 100000), LT_OK);
        cr_expect_eq(memcmp(out.p, plain.p, out.len), 0);
        tb_buf_release(&out);
    }
    lt_prefetch_free(pf);
    tb_buf_release(&plain);
    tb_buf_release(&z);
}
