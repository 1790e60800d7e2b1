/* SPDX-License-Identifier: MIT */
/* Tests of input files and stream decompression (core/io/input.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "core/base/alloc.h"
#include "core/io/input.h"
#include "tb_buf.h"
#include "tb_compress.h"

/* Half random, half repetitive: compressed output spans several 256 KiB
   reads for the random part and compresses well for the rest. */
static void make_payload(struct tb_buf *b, size_t n, uint64_t seed)
{
    struct tb_rng rng = tb_rng_seed(seed);
    while (b->len < n) {
        size_t run = 1 + (size_t)tb_rng_below(&rng, 4000);
        if (run > n - b->len)
            run = n - b->len;
        if (tb_rng_below(&rng, 2)) {
            for (size_t i = 0; i < run; i++)
                tb_buf_u8(b, (uint8_t)tb_rng_next(&rng));
        } else {
            for (size_t i = 0; i < run; i++)
                tb_buf_u8(b, (uint8_t)("GET /index.html HTTP/1.1\r\n"[i % 26]));
        }
    }
}

static char *write_tmp(const char *tag, const struct tb_buf *b)
{
    const char *dir = tb_tempdir(tag);
    char *path = malloc(strlen(dir) + 16);
    cr_assert(path);
    sprintf(path, "%s/in.bin", dir);
    tb_buf_write_file(b, path);
    return path;
}

/* Read path entirely with reads of at most cap bytes; returns the last code
   (LT_END on success) and appends the bytes to out. */
static enum lt_err read_path(const char *path, size_t cap, struct tb_buf *out,
                             struct lt_input *in_out, char *msg, size_t msg_cap)
{
    struct lt_input in;
    cr_assert_eq(lt_input_open(&in, path), LT_OK, "%s", in.msg);
    uint8_t *dst = malloc(cap);
    cr_assert(dst);
    enum lt_err e;
    for (;;) {
        size_t got = 12345;
        e = lt_input_read(&in, dst, cap, &got);
        cr_assert_leq(got, cap);
        tb_buf_put(out, dst, got);
        if (e == LT_OK) {
            cr_assert_gt(got, 0);
            continue;
        }
        if (e == LT_END)
            cr_assert_eq(got, 0);
        break;
    }
    if (msg)
        snprintf(msg, msg_cap, "%s", in.msg);
    /* after the end or an error: only LT_END */
    size_t got = 1;
    cr_assert_eq(lt_input_read(&in, dst, cap, &got), LT_END);
    cr_assert_eq(got, 0);
    if (in_out)
        *in_out = in;
    lt_input_close(&in);
    lt_input_close(&in); /* twice is fine */
    free(dst);
    return e;
}

static const enum tb_codec codecs[3] = { TB_GZIP, TB_ZSTD, TB_XZ };
static const enum lt_compression comps[3] = { LT_COMP_GZIP, LT_COMP_ZSTD, LT_COMP_XZ };

Test(input, names)
{
    cr_assert_str_eq(lt_compression_name(LT_COMP_NONE), "none");
    cr_assert_str_eq(lt_compression_name(LT_COMP_GZIP), "gzip");
    cr_assert_str_eq(lt_compression_name(LT_COMP_ZSTD), "zstd");
    cr_assert_str_eq(lt_compression_name(LT_COMP_XZ), "xz");
}

Test(input, plain_files_round_trip)
{
    static const size_t sizes[] = { 0, 1, 5, 8, 9, 100000 };
    static const size_t caps[] = { 1, 3, 4096, 1 << 20 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct tb_buf plain = { 0 };
        make_payload(&plain, sizes[s], s);
        if (plain.len)
            plain.p[0] = 'x'; /* never a compression magic */
        char *path = write_tmp("input_plain", &plain);
        for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
            if (sizes[s] > 10000 && caps[c] < 16)
                continue;
            struct tb_buf out = { 0 };
            struct lt_input in;
            cr_assert_eq(read_path(path, caps[c], &out, &in, NULL, 0), LT_END);
            cr_assert(tb_buf_eq(&plain, &out), "size %zu cap %zu", sizes[s], caps[c]);
            cr_assert_eq(in.comp, LT_COMP_NONE);
            cr_assert_eq(in.raw_bytes, plain.len);
            cr_assert_eq(in.out_bytes, plain.len);
            cr_assert_eq(in.file_size, plain.len);
            tb_buf_release(&out);
        }
        free(path);
        tb_buf_release(&plain);
    }
}

Test(input, compressed_files_round_trip)
{
    struct tb_buf plain = { 0 };
    make_payload(&plain, 700000, 1);
    static const size_t caps[] = { 7, 4096, 65536, 1 << 20 };
    for (int k = 0; k < 3; k++) {
        struct tb_buf z = { 0 };
        tb_compress(codecs[k], plain.p, plain.len, &z);
        char *path = write_tmp("input_comp", &z);
        for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
            struct tb_buf out = { 0 };
            struct lt_input in;
            cr_assert_eq(read_path(path, caps[c], &out, &in, NULL, 0), LT_END,
                         "codec %d cap %zu", k, caps[c]);
            cr_assert_eq(in.comp, comps[k]);
            cr_assert(tb_buf_eq(&plain, &out), "codec %d cap %zu: %zu bytes", k, caps[c],
                      out.len);
            cr_assert_eq(in.raw_bytes, z.len);
            cr_assert_eq(in.file_size, z.len);
            cr_assert_eq(in.out_bytes, plain.len);
            tb_buf_release(&out);
        }
        /* one byte at a time on a small stream */
        struct tb_buf small = { 0 }, zs = { 0 }, out = { 0 };
        make_payload(&small, 3000, 9);
        tb_compress(codecs[k], small.p, small.len, &zs);
        char *spath = write_tmp("input_comp1", &zs);
        cr_assert_eq(read_path(spath, 1, &out, NULL, NULL, 0), LT_END);
        cr_assert(tb_buf_eq(&small, &out), "codec %d", k);
        free(spath);
        tb_buf_release(&small);
        tb_buf_release(&zs);
        tb_buf_release(&out);
        free(path);
        tb_buf_release(&z);
    }
    tb_buf_release(&plain);
}

Test(input, empty_compressed_stream)
{
    for (int k = 0; k < 3; k++) {
        struct tb_buf z = { 0 }, out = { 0 };
        tb_compress(codecs[k], "", 0, &z);
        char *path = write_tmp("input_empty", &z);
        cr_assert_eq(read_path(path, 100, &out, NULL, NULL, 0), LT_END, "codec %d", k);
        cr_assert_eq(out.len, 0);
        free(path);
        tb_buf_release(&z);
    }
}

Test(input, concatenated_members_and_frames)
{
    struct tb_buf a = { 0 }, b = { 0 }, want = { 0 };
    make_payload(&a, 50000, 2);
    make_payload(&b, 30000, 3);
    tb_buf_put(&want, a.p, a.len);
    tb_buf_put(&want, b.p, b.len);
    tb_buf_put(&want, a.p, 10);
    for (int k = 0; k < 3; k++) {
        struct tb_buf z = { 0 }, out = { 0 };
        tb_compress(codecs[k], a.p, a.len, &z);
        if (codecs[k] == TB_ZSTD) {
            /* a skippable frame between the two */
            tb_buf_le32(&z, 0x184d2a50u);
            tb_buf_le32(&z, 5);
            tb_buf_put(&z, "skip!", 5);
        }
        tb_compress(codecs[k], b.p, b.len, &z);
        if (codecs[k] == TB_GZIP)
            tb_buf_zero(&z, 3); /* zero padding between members */
        if (codecs[k] == TB_XZ)
            tb_buf_zero(&z, 8); /* stream padding */
        tb_compress(codecs[k], "", 0, &z); /* an empty member */
        tb_compress(codecs[k], a.p, 10, &z);
        char *path = write_tmp("input_concat", &z);
        cr_assert_eq(read_path(path, 3000, &out, NULL, NULL, 0), LT_END, "codec %d", k);
        cr_assert(tb_buf_eq(&want, &out), "codec %d: %zu bytes", k, out.len);
        free(path);
        tb_buf_release(&z);
        tb_buf_release(&out);
    }
    tb_buf_release(&a);
    tb_buf_release(&b);
    tb_buf_release(&want);
}

static void zstd_with_checksum(const struct tb_buf *src, struct tb_buf *out)
{
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    cr_assert(cc);
    cr_assert(!ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)));
    size_t bound = ZSTD_compressBound(src->len);
    tb_buf_zero(out, bound);
    size_t n = ZSTD_compress2(cc, out->p, bound, src->p, src->len);
    cr_assert(!ZSTD_isError(n));
    out->len = n;
    ZSTD_freeCCtx(cc);
}

Test(input, corrupt_stream_is_malformed)
{
    struct tb_buf plain = { 0 };
    make_payload(&plain, 200000, 4);
    for (int k = 0; k < 3; k++) {
        struct tb_buf z = { 0 }, out = { 0 };
        if (codecs[k] == TB_ZSTD)
            zstd_with_checksum(&plain, &z); /* else damaged literals pass */
        else
            tb_compress(codecs[k], plain.p, plain.len, &z);
        /* overwrite a stretch in the middle with garbage */
        struct tb_rng rng = tb_rng_seed(5);
        for (size_t i = z.len / 2; i < z.len / 2 + 64; i++)
            z.p[i] = (uint8_t)tb_rng_next(&rng);
        char *path = write_tmp("input_corrupt", &z);
        char msg[256];
        enum lt_err e = read_path(path, 8192, &out, NULL, msg, sizeof msg);
        cr_assert_eq(e, LT_E_MALFORMED, "codec %d: %s (%s)", k, lt_err_str(e), msg);
        cr_assert(strncmp(msg, lt_compression_name(comps[k]),
                          strlen(lt_compression_name(comps[k]))) == 0, "%s", msg);
        cr_assert(strstr(msg, "at compressed offset "), "%s", msg);
        /* streaming decoders may emit damaged bytes before a checksum
           catches them, so only the size is bounded here */
        cr_assert_leq(out.len, plain.len + 65536);
        free(path);
        tb_buf_release(&z);
        tb_buf_release(&out);
    }
    tb_buf_release(&plain);
}

Test(input, trailing_garbage_is_malformed)
{
    for (int k = 0; k < 3; k++) {
        struct tb_buf z = { 0 }, out = { 0 };
        tb_compress(codecs[k], "hello world", 11, &z);
        tb_buf_puts(&z, "JUNKJUNKJUNK");
        char *path = write_tmp("input_trailing", &z);
        char msg[256];
        enum lt_err e = read_path(path, 100, &out, NULL, msg, sizeof msg);
        cr_assert_eq(e, LT_E_MALFORMED, "codec %d: %s", k, lt_err_str(e));
        cr_assert(strstr(msg, "compressed offset"), "codec %d: %s", k, msg);
        cr_assert(out.len == 0 || (out.len == 11 && memcmp(out.p, "hello world", 11) == 0));
        free(path);
        tb_buf_release(&z);
        tb_buf_release(&out);
    }
}

Test(input, cut_stream_is_truncated)
{
    struct tb_buf plain = { 0 };
    make_payload(&plain, 6000, 6);
    for (int k = 0; k < 3; k++) {
        struct tb_buf z = { 0 };
        tb_compress(codecs[k], plain.p, plain.len, &z);
        const size_t first = codecs[k] == TB_XZ ? 6 : codecs[k] == TB_ZSTD ? 4 : 2;
        for (size_t cut = first; cut < z.len; cut += 1 + cut / 16) {
            struct tb_buf part = { z.p, cut, cut }, out = { 0 };
            char *path = write_tmp("input_cut", &part);
            char msg[256];
            enum lt_err e = read_path(path, 1000, &out, NULL, msg, sizeof msg);
            cr_assert_eq(e, LT_E_TRUNCATED, "codec %d cut %zu/%zu: %s (%s)", k, cut, z.len,
                         lt_err_str(e), msg);
            char want[64];
            snprintf(want, sizeof want, "at compressed offset %zu", cut);
            cr_assert(strstr(msg, want), "codec %d cut %zu: %s", k, cut, msg);
            cr_assert(out.len == 0 || memcmp(out.p, plain.p, out.len) == 0);
            free(path);
            tb_buf_release(&out);
        }
        tb_buf_release(&z);
    }
    tb_buf_release(&plain);
}

Test(input, missing_file_and_directory_are_io_errors)
{
    struct lt_input in;
    const char *dir = tb_tempdir("input_missing");
    char path[4096];
    snprintf(path, sizeof path, "%s/nope.pcap", dir);
    cr_assert_eq(lt_input_open(&in, path), LT_E_IO);
    cr_assert(strstr(in.msg, path), "%s", in.msg);
    cr_assert(strstr(in.msg, "No such file or directory"), "%s", in.msg);
    lt_input_close(&in); /* harmless after a failed open */
    cr_assert_eq(lt_input_open(&in, dir), LT_E_IO);
    cr_assert(strstr(in.msg, "Is a directory"), "%s", in.msg);
}

static int fail_after;
static void *failing_malloc(size_t n)
{
    return fail_after-- > 0 ? malloc(n) : NULL;
}
static void *failing_realloc(void *p, size_t n)
{
    return fail_after-- > 0 ? realloc(p, n) : NULL;
}

Test(input, allocation_failure_is_nomem)
{
    struct tb_buf plain = { 0 };
    make_payload(&plain, 1000, 7);
    for (int k = 0; k < 3; k++) {
        struct tb_buf z = { 0 };
        tb_compress(codecs[k], plain.p, plain.len, &z);
        char *path = write_tmp("input_nomem", &z);
        bool saw_nomem = false, saw_ok = false;
        for (int n = 0; n < 200 && !saw_ok; n++) {
            struct lt_alloc_hooks h = { failing_malloc, failing_realloc, free };
            fail_after = n;
            lt_alloc_set_hooks(&h);
            struct lt_input in;
            enum lt_err e = lt_input_open(&in, path);
            uint8_t dst[4096];
            size_t got = 0;
            if (e == LT_OK) {
                e = lt_input_read(&in, dst, sizeof dst, &got);
                lt_input_close(&in);
            }
            lt_alloc_set_hooks(NULL);
            if (e == LT_E_NOMEM)
                saw_nomem = true;
            else if (e == LT_OK)
                saw_ok = true;
        }
        cr_assert(saw_nomem, "codec %d", k);
        cr_assert(saw_ok, "codec %d", k);
        free(path);
        tb_buf_release(&z);
    }
    tb_buf_release(&plain);
}
