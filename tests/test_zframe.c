/* SPDX-License-Identifier: MIT */
/* test_zframe.c - independent zstd frames (core/out/zframe.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "core/base/alloc.h"
#include "core/out/zframe.h"
#include "tb_buf.h"

#define BIG ((size_t)1 << 26)

/* JSON-lines-like text with some randomness, so it compresses but not to
   nothing. */
static void make_lines(struct tb_buf *out, struct tb_rng *rng, size_t n)
{
    while (out->len < n) {
        tb_buf_printf(out, "{\"frame\":%llu,\"host\":\"h%u.example\",\"value\":\"%016llx\"}\n",
                      (unsigned long long)tb_rng_below(rng, 100000),
                      (unsigned)tb_rng_below(rng, 50),
                      (unsigned long long)tb_rng_next(rng));
    }
    out->len = n;
}

/* Decode one whole frame at p[0..n) and compare with want[0..want_len). */
static void expect_frame(const uint8_t *p, size_t n, const void *want, size_t want_len)
{
    cr_assert_eq(ZSTD_findFrameCompressedSize(p, n), n, "exactly one frame");
    unsigned long long cs = ZSTD_getFrameContentSize(p, n);
    cr_assert_eq(cs, (unsigned long long)want_len, "content size in the header");
    void *out = malloc(want_len + 1);
    cr_assert(out);
    size_t r = ZSTD_decompress(out, want_len + 1, p, n);
    cr_assert(!ZSTD_isError(r), "%s", ZSTD_getErrorName(r));
    cr_assert_eq(r, want_len);
    cr_assert(want_len == 0 || memcmp(out, want, want_len) == 0);
    free(out);
}

Test(zframe, frames_round_trip_at_many_sizes)
{
    static const size_t sizes[] = { 0, 1, 2, 100, 4096, 65537, 1 << 20, 3 << 20 };
    static const int levels[] = { 1, 3, 19, -5 };
    struct tb_rng rng = tb_rng_seed(0x2f);
    for (size_t l = 0; l < 4; l++) {
        struct lt_zframe *z = lt_zframe_new(levels[l]);
        cr_assert(z);
        for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
            if (levels[l] == 19 && sizes[k] > 100000)
                continue; /* slow under ASan, nothing new */
            struct tb_buf in = { 0 };
            make_lines(&in, &rng, sizes[k]);
            if (k % 2) /* and incompressible bytes */
                for (size_t i = 0; i < in.len; i += 3)
                    in.p[i] = (uint8_t)tb_rng_next(&rng);
            struct lt_buf out;
            lt_buf_init(&out, BIG);
            cr_assert_eq(lt_zframe_compress(z, in.p, in.len, &out), LT_OK);
            expect_frame(out.p, out.len, in.p, in.len);
            lt_buf_release(&out);
            tb_buf_release(&in);
        }
        lt_zframe_free(z);
    }
}

Test(zframe, empty_input_is_a_valid_empty_frame)
{
    struct lt_zframe *z = lt_zframe_new(3);
    cr_assert(z);
    struct lt_buf out;
    lt_buf_init(&out, BIG);
    cr_assert_eq(lt_zframe_compress(z, NULL, 0, &out), LT_OK);
    cr_assert_gt(out.len, 0);
    expect_frame(out.p, out.len, "", 0);
    lt_buf_release(&out);
    lt_zframe_free(z);
}

Test(zframe, appended_frames_decode_to_the_concatenation)
{
    struct tb_rng rng = tb_rng_seed(0xcc);
    struct lt_zframe *z = lt_zframe_new(3);
    cr_assert(z);
    struct lt_buf out;
    lt_buf_init(&out, BIG);
    struct tb_buf all = { 0 };
    /* the context is reused for every frame; each frame stands alone */
    size_t starts[41];
    for (int f = 0; f < 40; f++) {
        struct tb_buf in = { 0 };
        make_lines(&in, &rng, (size_t)(f == 7 ? 0 : tb_rng_below(&rng, 50000)));
        starts[f] = out.len;
        cr_assert_eq(lt_zframe_compress(z, in.p, in.len, &out), LT_OK);
        expect_frame(out.p + starts[f], out.len - starts[f], in.p, in.len);
        tb_buf_put(&all, in.p, in.len);
        tb_buf_release(&in);
    }
    starts[40] = out.len;

    ZSTD_DCtx *d = ZSTD_createDCtx();
    uint8_t *dec = malloc(all.len + 1);
    cr_assert(d && dec);
    ZSTD_inBuffer ib = { out.p, out.len, 0 };
    ZSTD_outBuffer ob = { dec, all.len + 1, 0 };
    size_t r = 1;
    while (ib.pos < ib.size) {
        r = ZSTD_decompressStream(d, &ob, &ib);
        cr_assert(!ZSTD_isError(r), "%s", ZSTD_getErrorName(r));
    }
    cr_assert_eq(r, 0, "ends on a frame boundary");
    cr_assert_eq(ob.pos, all.len);
    cr_assert(memcmp(dec, all.p, all.len) == 0);
    /* and every frame is findable on its own */
    for (int f = 0; f < 40; f++)
        cr_assert_eq(ZSTD_findFrameCompressedSize(out.p + starts[f], out.len - starts[f]),
                     starts[f + 1] - starts[f]);
    ZSTD_freeDCtx(d);
    free(dec);
    tb_buf_release(&all);
    lt_buf_release(&out);
    lt_zframe_free(z);
}

Test(zframe, same_input_gives_same_bytes)
{
    /* byte-identical output whatever -j (SPEC §4) needs determinism */
    struct tb_rng rng = tb_rng_seed(0xd);
    struct tb_buf in = { 0 };
    make_lines(&in, &rng, 200000);
    struct lt_zframe *z1 = lt_zframe_new(3), *z2 = lt_zframe_new(3);
    struct lt_buf a, b;
    lt_buf_init(&a, BIG);
    lt_buf_init(&b, BIG);
    cr_assert_eq(lt_zframe_compress(z1, "warm", 4, &b), LT_OK); /* z1 used before */
    lt_buf_reset(&b);
    cr_assert_eq(lt_zframe_compress(z1, in.p, in.len, &a), LT_OK);
    cr_assert_eq(lt_zframe_compress(z2, in.p, in.len, &b), LT_OK);
    cr_assert_eq(a.len, b.len);
    cr_assert(memcmp(a.p, b.p, a.len) == 0);
    lt_buf_release(&a);
    lt_buf_release(&b);
    lt_zframe_free(z1);
    lt_zframe_free(z2);
    tb_buf_release(&in);
}

Test(zframe, zstd_cli_accepts_the_output)
{
    if (system("command -v zstd >/dev/null 2>&1") != 0) {
        cr_log_warn("zstd not installed: skipped");
        return;
    }
    struct tb_rng rng = tb_rng_seed(0x21);
    struct lt_zframe *z = lt_zframe_new(1);
    struct lt_buf out;
    lt_buf_init(&out, BIG);
    struct tb_buf all = { 0 }, file = { 0 };
    for (int f = 0; f < 3; f++) {
        struct tb_buf in = { 0 };
        make_lines(&in, &rng, f == 1 ? 0 : 30000);
        cr_assert_eq(lt_zframe_compress(z, in.p, in.len, &out), LT_OK);
        tb_buf_put(&all, in.p, in.len);
        tb_buf_release(&in);
    }
    tb_buf_put(&file, out.p, out.len);
    char dir[512], zpath[600], ppath[600], cmd[2048];
    snprintf(dir, sizeof dir, "%s", tb_tempdir("zframe"));
    snprintf(zpath, sizeof zpath, "%s/x.jsonl.zst", dir);
    snprintf(ppath, sizeof ppath, "%s/x.jsonl", dir);
    tb_buf_write_file(&file, zpath);
    snprintf(cmd, sizeof cmd, "zstd -q -t '%s' && zstd -q -dc '%s' > '%s'", zpath, zpath,
             ppath);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    FILE *f = fopen(ppath, "rb");
    cr_assert(f);
    uint8_t *back = malloc(all.len + 16);
    size_t got = fread(back, 1, all.len + 16, f);
    fclose(f);
    cr_assert_eq(got, all.len);
    cr_assert(memcmp(back, all.p, all.len) == 0);
    free(back);
    remove(zpath);
    remove(ppath);
    remove(dir);
    tb_buf_release(&all);
    tb_buf_release(&file);
    lt_buf_release(&out);
    lt_zframe_free(z);
}

Test(zframe, cap_too_small_is_limit_and_leaves_dst)
{
    struct lt_zframe *z = lt_zframe_new(3);
    static const char text[] = "hello hello hello hello hello hello";
    struct lt_buf out;
    /* room for the worst case is needed up front, prefix included */
    const size_t need = 6 + ZSTD_compressBound(sizeof text - 1);
    for (size_t max = 6; max < need; max += 3) {
        lt_buf_init(&out, max);
        cr_assert_eq(lt_buf_append(&out, "prefix", 6), LT_OK);
        cr_assert_eq(lt_zframe_compress(z, text, sizeof text - 1, &out), LT_E_LIMIT);
        cr_assert_eq(out.len, 6);
        cr_assert(memcmp(out.p, "prefix", 6) == 0);
        lt_buf_release(&out);
    }
    lt_buf_init(&out, need);
    cr_assert_eq(lt_buf_append(&out, "prefix", 6), LT_OK);
    cr_assert_eq(lt_zframe_compress(z, text, sizeof text - 1, &out), LT_OK);
    expect_frame(out.p + 6, out.len - 6, text, sizeof text - 1);
    lt_buf_release(&out);
    /* a size zstd cannot take at all */
    lt_buf_init(&out, BIG);
    cr_assert_eq(lt_zframe_compress(z, text, SIZE_MAX, &out), LT_E_LIMIT);
    cr_assert_eq(out.len, 0);
    lt_buf_release(&out);
    lt_zframe_free(z);
}

static int fail_after;
static void *count_malloc(size_t n) { return fail_after-- > 0 ? malloc(n) : NULL; }
static void *count_calloc_free_ok(void *p, size_t n)
{
    return fail_after-- > 0 ? realloc(p, n) : NULL;
}

Test(zframe, allocation_failure)
{
    static const struct lt_alloc_hooks h = { count_malloc, count_calloc_free_ok, free };
    lt_alloc_set_hooks(&h);
    /* every allocation point of lt_zframe_new fails cleanly (ASan: no leak) */
    int n_null = 0;
    for (int k = 0; k < 8; k++) {
        fail_after = k;
        struct lt_zframe *z = lt_zframe_new(3);
        n_null += z == NULL;
        lt_zframe_free(z);
    }
    cr_assert_geq(n_null, 1);

    /* the workspace is allocated at the first compression: failing there
       is LT_E_NOMEM, and the context still works afterwards */
    fail_after = 1 << 20;
    struct lt_zframe *z = lt_zframe_new(3);
    cr_assert(z);
    struct lt_buf out;
    lt_buf_init(&out, BIG);
    cr_assert_eq(lt_buf_reserve(&out, 1 << 16), LT_OK);
    fail_after = 0;
    cr_assert_eq(lt_zframe_compress(z, "abcabcabc", 9, &out), LT_E_NOMEM);
    cr_assert_eq(out.len, 0);
    fail_after = 1 << 20;
    cr_assert_eq(lt_zframe_compress(z, "abcabcabc", 9, &out), LT_OK);
    expect_frame(out.p, out.len, "abcabcabc", 9);
    /* the buffer's own growth failing is LT_E_NOMEM too */
    fail_after = 0;
    struct lt_buf out2;
    lt_buf_init(&out2, BIG);
    cr_assert_eq(lt_zframe_compress(z, "abc", 3, &out2), LT_E_NOMEM);
    cr_assert_eq(out2.len, 0);
    lt_alloc_set_hooks(NULL);
    lt_buf_release(&out);
    lt_buf_release(&out2);
    lt_zframe_free(z);
}

Test(zframe, free_null_does_nothing)
{
    lt_zframe_free(NULL);
}
