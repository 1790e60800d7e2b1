/* SPDX-License-Identifier: MIT */
/*
 * test_journal.c - the torn-frame cutter (workers/zst_cut.h), part of the
 * resume machinery. Everything runs in a fresh temporary OUT per test.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "tb_buf.h"
#include "workers/zst_cut.h"

static char out[512];
static char msg[8192];

static void setup(void)
{
    snprintf(out, sizeof out, "%s", tb_tempdir("journal"));
}

static void teardown(void)
{
    char cmd[1024];
    chmod(out, 0755);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(zst_cut, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers -------------------------------------------------------- */

static const char *in_out(const char *name)
{
    static char path[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", out, name);
    return path[k];
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void put_file(const char *path, const void *p, size_t n, const char *mode)
{
    FILE *f = fopen(path, mode);
    cr_assert(f, "%s", path);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

static struct tb_buf get_file(const char *path)
{
    struct tb_buf b = { 0 };
    FILE *f = fopen(path, "rb");
    cr_assert(f, "%s", path);
    uint8_t tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        tb_buf_put(&b, tmp, n);
    fclose(f);
    return b;
}

/* ---- zst_cut -------------------------------------------------------- */

/* Append one frame of src[0..n) to b; checksum and content size as asked. */
static void add_frame(struct tb_buf *b, const void *src, size_t n, int level,
                      bool checksum, bool content_size)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    cr_assert(c);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, checksum);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, content_size);
    size_t cap = ZSTD_compressBound(n);
    uint8_t *dst = malloc(cap);
    cr_assert(dst);
    size_t r = ZSTD_compress2(c, dst, cap, src, n);
    cr_assert(!ZSTD_isError(r), "%s", ZSTD_getErrorName(r));
    tb_buf_put(b, dst, r);
    free(dst);
    ZSTD_freeCCtx(c);
}

static void add_skippable(struct tb_buf *b, uint32_t len)
{
    tb_buf_le32(b, 0x184D2A5Au);
    tb_buf_le32(b, len);
    tb_buf_zero(b, len);
}

static void write_prefix(const char *path, const struct tb_buf *b, size_t n)
{
    put_file(path, b->p, n, "wb");
}

static uint64_t cut(const char *path)
{
    uint64_t len = 12345;
    enum lt_err e = lt_zst_cut_torn(path, &len, msg, sizeof msg);
    cr_assert_eq(e, LT_OK, "%s: %s", lt_err_str(e), msg);
    cr_assert_eq((long long)len, file_size(path));
    return len;
}

Test(zst_cut, three_frames_and_half_a_frame_cut_to_three)
{
    struct tb_buf b = { 0 }, text = { 0 };
    for (int f = 0; f < 4; f++) {
        size_t start = text.len;
        for (int i = 0; i < 200; i++)
            tb_buf_printf(&text, "{\"frame\":%d,\"line\":%d}\n", f, i);
        add_frame(&b, text.p + start, text.len - start, 3, true, true);
    }
    /* the length of three frames, from libzstd */
    size_t len3 = 0;
    for (int f = 0; f < 3; f++)
        len3 += ZSTD_findFrameCompressedSize(b.p + len3, b.len - len3);
    size_t half = len3 + (b.len - len3) / 2;
    const char *path = in_out("d.jsonl.zst");
    write_prefix(path, &b, half);
    cr_assert_eq(cut(path), len3);
    struct tb_buf got = get_file(path);
    size_t want_len = text.len * 3 / 4 + 100; /* about the first three frames */
    char *dec = malloc(want_len * 2);
    size_t r = ZSTD_decompress(dec, want_len * 2, got.p, got.len);
    cr_assert(!ZSTD_isError(r), "the cut file decodes: %s", ZSTD_getErrorName(r));
    cr_assert(r > 0 && memcmp(dec, text.p, r) == 0 && dec[r - 1] == '\n');
    cr_assert_eq(cut(path), len3, "a whole file is left alone");
    free(dec);
    tb_buf_release(&got);
    tb_buf_release(&text);
    tb_buf_release(&b);
}

Test(zst_cut, every_prefix_is_cut_to_its_last_whole_frame)
{
    struct tb_rng rng = tb_rng_seed(0xc07);
    struct tb_buf b = { 0 }, big = { 0 };
    size_t ends[16], n_ends = 0;
    /* frame shapes: small with checksum, skippable, empty, multi-block
       with raw (random), RLE (zeros) and compressed blocks, no checksum
       and no content size, negative level */
    add_frame(&b, "{\"a\":1}\n", 8, 3, true, true);
    ends[n_ends++] = b.len;
    add_skippable(&b, 37);
    ends[n_ends++] = b.len;
    add_frame(&b, "", 0, 3, true, true);
    ends[n_ends++] = b.len;
    for (int i = 0; i < 150000; i++)
        tb_buf_u8(&big, (uint8_t)tb_rng_next(&rng));
    tb_buf_zero(&big, 300000);
    for (int i = 0; i < 5000; i++)
        tb_buf_printf(&big, "{\"line\":%d,\"v\":\"%u\"}\n", i,
                      (unsigned)tb_rng_below(&rng, 1000));
    add_frame(&b, big.p, big.len, 1, true, true);
    ends[n_ends++] = b.len;
    add_frame(&b, big.p + 400000, 60000, 3, false, false);
    ends[n_ends++] = b.len;
    add_frame(&b, big.p + 100000, 1000, -5, false, true);
    ends[n_ends++] = b.len;
    /* libzstd agrees on every boundary */
    for (size_t f = 0, off = 0; f < n_ends; f++) {
        size_t r = ZSTD_findFrameCompressedSize(b.p + off, b.len - off);
        cr_assert(!ZSTD_isError(r));
        off += r;
        cr_assert_eq(off, ends[f], "frame %zu", f);
    }
    const char *path = in_out("d.jsonl.zst");
    size_t tests[2000], n_tests = 0;
    for (size_t p = 0; p < ends[2] + 40; p++) /* every byte of the small frames */
        tests[n_tests++] = p;
    for (size_t f = 2; f < n_ends; f++)
        for (int d = -20; d <= 3; d++)
            if ((long)ends[f] + d >= 0 && ends[f] + d <= b.len)
                tests[n_tests++] = ends[f] + d;
    for (int i = 0; i < 150; i++)
        tests[n_tests++] = tb_rng_below(&rng, b.len + 1);
    for (size_t t = 0; t < n_tests; t++) {
        size_t p = tests[t], want = 0;
        for (size_t f = 0; f < n_ends; f++)
            if (ends[f] <= p)
                want = ends[f];
        write_prefix(path, &b, p);
        cr_assert_eq(cut(path), want, "prefix %zu, seed 0xc07", p);
    }
    tb_buf_release(&big);
    tb_buf_release(&b);
}

Test(zst_cut, damage_before_the_end_is_left_alone)
{
    struct tb_buf b = { 0 };
    add_frame(&b, "one\n", 4, 3, true, true);
    size_t first = b.len;
    tb_buf_puts(&b, "not a frame at all");
    add_frame(&b, "two\n", 4, 3, true, true);
    const char *path = in_out("d.jsonl.zst");
    write_prefix(path, &b, b.len);
    uint64_t len = 0;
    cr_assert_eq(lt_zst_cut_torn(path, &len, msg, sizeof msg), LT_E_MALFORMED);
    cr_assert(strstr(msg, path) && strstr(msg, "offset"), "%s", msg);
    char off[32];
    snprintf(off, sizeof off, "offset %zu", first);
    cr_assert(strstr(msg, off), "%s", msg);
    cr_assert_eq(file_size(path), (long long)b.len, "left as it was");
    /* a header with its reserved bit set; a reserved block type */
    static const uint8_t reserved_bit[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x28, 0x00,
                                            0x01, 0x00, 0x00 };
    static const uint8_t reserved_type[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00,
                                             0x07, 0x00, 0x00 };
    put_file(path, reserved_bit, sizeof reserved_bit, "wb");
    cr_assert_eq(lt_zst_cut_torn(path, &len, msg, sizeof msg), LT_E_MALFORMED);
    cr_assert(strstr(msg, "reserved bit"), "%s", msg);
    put_file(path, reserved_type, sizeof reserved_type, "wb");
    cr_assert_eq(lt_zst_cut_torn(path, &len, msg, sizeof msg), LT_E_MALFORMED);
    cr_assert(strstr(msg, "reserved block type"), "%s", msg);
    cr_assert_eq(file_size(path), (long long)sizeof reserved_type);
    tb_buf_release(&b);
}

Test(zst_cut, empty_and_missing_files)
{
    const char *path = in_out("e.jsonl.zst");
    put_file(path, "", 0, "wb");
    cr_assert_eq(cut(path), 0);
    put_file(path, "\x28\xb5", 2, "wb"); /* two bytes of a magic */
    cr_assert_eq(cut(path), 0);
    uint64_t len;
    const char *missing = in_out("missing.jsonl.zst");
    cr_assert_eq(lt_zst_cut_torn(missing, &len, msg, sizeof msg), LT_E_IO);
    cr_assert(strstr(msg, missing), "%s", msg);
}
