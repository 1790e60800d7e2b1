/* SPDX-License-Identifier: MIT */
/* test_jsonw.c - the direct JSON string writer (core/out/jsonw.h). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/alloc.h"
#include "core/out/jsonw.h"
#include "tb_buf.h"
#include "tb_jsonw_ref.h"

#define BIG ((size_t)1 << 26)

/* The body lt_jsonw_str_body writes for (s, n), as a NUL-terminated copy. */
static char *body(const void *s, size_t n)
{
    struct lt_buf b;
    lt_buf_init(&b, BIG);
    cr_assert_eq(lt_jsonw_str_body(&b, lt_span_make(s, n)), LT_OK);
    char *r = malloc(b.len + 1);
    cr_assert(r);
    if (b.len)
        memcpy(r, b.p, b.len);
    r[b.len] = '\0';
    lt_buf_release(&b);
    return r;
}

static void expect_body(const void *s, size_t n, const char *want)
{
    char *got = body(s, n);
    cr_assert_str_eq(got, want);
    free(got);
}

/* Write s quoted, parse it back with jansson, compare with the reference
   decoding; the output must also equal the reference escaping. */
static void check_roundtrip(const uint8_t *s, size_t n, const char *what)
{
    struct lt_buf b;
    lt_buf_init(&b, BIG);
    cr_assert_eq(lt_jsonw_str(&b, lt_span_make(s, n)), LT_OK, "%s", what);
    struct tb_buf want = { 0 }, dec = { 0 };
    tb_buf_puts(&want, "\"");
    tb_json_ref_escape(&want, s, n);
    tb_buf_puts(&want, "\"");
    cr_assert_eq(b.len, want.len, "%s: length %zu vs %zu", what, b.len, want.len);
    cr_assert(memcmp(b.p, want.p, b.len) == 0, "%s: bytes differ", what);
    json_error_t err;
    json_t *j = json_loadb((const char *)b.p, b.len,
                           JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    cr_assert(j, "%s: jansson: %s", what, err.text);
    cr_assert(json_is_string(j), "%s", what);
    tb_json_ref_decode(&dec, s, n);
    cr_assert_eq(json_string_length(j), dec.len, "%s", what);
    cr_assert(dec.len == 0 || memcmp(json_string_value(j), dec.p, dec.len) == 0,
              "%s", what);
    json_decref(j);
    tb_buf_release(&want);
    tb_buf_release(&dec);
    lt_buf_release(&b);
}

Test(jsonw, plain_ascii_passes_through)
{
    expect_body("", 0, "");
    expect_body("hello world /?q=1&x=~", 21, "hello world /?q=1&x=~");
    expect_body("\x7f", 1, "\x7f");
}

Test(jsonw, every_control_byte_is_escaped)
{
    for (unsigned c = 0; c < 0x20; c++) {
        uint8_t in[3] = { 'a', (uint8_t)c, 'b' };
        char want[16];
        switch (c) {
        case '\b': strcpy(want, "a\\bb"); break;
        case '\t': strcpy(want, "a\\tb"); break;
        case '\n': strcpy(want, "a\\nb"); break;
        case '\f': strcpy(want, "a\\fb"); break;
        case '\r': strcpy(want, "a\\rb"); break;
        default: snprintf(want, sizeof want, "a\\u%04xb", c);
        }
        expect_body(in, 3, want);
        check_roundtrip(in, 3, want);
    }
}

Test(jsonw, quote_and_backslash_are_escaped)
{
    expect_body("\"", 1, "\\\"");
    expect_body("\\", 1, "\\\\");
    expect_body("a\"b\\c/", 6, "a\\\"b\\\\c/");
}

Test(jsonw, well_formed_utf8_passes_through)
{
    static const char *const ok[] = {
        "\xc2\x80",             /* U+0080 */
        "\xdf\xbf",             /* U+07FF */
        "\xe0\xa0\x80",         /* U+0800 */
        "\xed\x9f\xbf",         /* U+D7FF, just below the surrogates */
        "\xee\x80\x80",         /* U+E000, just above */
        "\xef\xbf\xbf",         /* U+FFFF */
        "\xf0\x90\x80\x80",     /* U+10000 */
        "\xf4\x8f\xbf\xbf",     /* U+10FFFF */
        "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80",
    };
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
        expect_body(ok[k], strlen(ok[k]), ok[k]);
        check_roundtrip((const uint8_t *)ok[k], strlen(ok[k]), ok[k]);
    }
}

Test(jsonw, ill_formed_utf8_is_escaped_byte_by_byte)
{
    static const struct {
        const char *in, *want;
    } bad[] = {
        { "\xc0\xaf", "\\u00c0\\u00af" },                  /* overlong 2-byte '/' */
        { "\xc1\xbf", "\\u00c1\\u00bf" },                  /* overlong 2-byte */
        { "\xe0\x80\xaf", "\\u00e0\\u0080\\u00af" },       /* overlong 3-byte */
        { "\xe0\x9f\xbf", "\\u00e0\\u009f\\u00bf" },       /* overlong 3-byte */
        { "\xf0\x80\x80\xaf", "\\u00f0\\u0080\\u0080\\u00af" }, /* overlong 4 */
        { "\xf0\x8f\xbf\xbf", "\\u00f0\\u008f\\u00bf\\u00bf" }, /* overlong 4 */
        { "\xed\xa0\x80", "\\u00ed\\u00a0\\u0080" },       /* U+D800 */
        { "\xed\xbf\xbf", "\\u00ed\\u00bf\\u00bf" },       /* U+DFFF */
        { "\xed\xa0\xbd\xed\xb8\x80",                      /* CESU-8 pair */
          "\\u00ed\\u00a0\\u00bd\\u00ed\\u00b8\\u0080" },
        { "\xf4\x90\x80\x80", "\\u00f4\\u0090\\u0080\\u0080" }, /* U+110000 */
        { "\xf5\x80\x80\x80", "\\u00f5\\u0080\\u0080\\u0080" },
        { "\xf8\x88\x80\x80\x80", "\\u00f8\\u0088\\u0080\\u0080\\u0080" },
        { "\xfe\xff", "\\u00fe\\u00ff" },
        { "\x80", "\\u0080" },                             /* lone continuation */
        { "a\xbf" "b", "a\\u00bfb" },
        { "\xc3", "\\u00c3" },                             /* truncated at end */
        { "\xe4\xb8", "\\u00e4\\u00b8" },
        { "\xf0\x9f\x98", "\\u00f0\\u009f\\u0098" },
        { "\xc3(", "\\u00c3(" },                           /* bad continuation */
        { "\xe4\xb8" "a\xe4\xb8\xad", "\\u00e4\\u00b8a\xe4\xb8\xad" },
        { "\xf0\x9f\x98\xc3\xa9", "\\u00f0\\u009f\\u0098\xc3\xa9" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        expect_body(bad[k].in, strlen(bad[k].in), bad[k].want);
        check_roundtrip((const uint8_t *)bad[k].in, strlen(bad[k].in), bad[k].want);
    }
}

Test(jsonw, nul_bytes_are_escaped)
{
    expect_body("a\0b", 3, "a\\u0000b");
    check_roundtrip((const uint8_t *)"\0\0", 2, "nul");
}

Test(jsonw, every_single_byte_and_pair_round_trips)
{
    for (unsigned a = 0; a < 256; a++) {
        uint8_t one = (uint8_t)a;
        check_roundtrip(&one, 1, "single byte");
        for (unsigned c = 0; c < 256; c += 3) {
            uint8_t two[2] = { (uint8_t)a, (uint8_t)c };
            check_roundtrip(two, 2, "pair");
        }
    }
}

/* Mostly-ASCII text with UTF-8 sequences, escapes and invalid bytes, so
   the 8-byte fast path starts and stops at every alignment. */
static void random_text(struct tb_rng *rng, struct tb_buf *s, size_t n)
{
    static const char *const pieces[] = {
        "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\"", "\\", "\n", "\x01",
        "\xed\xa0\x80", "\xc0\x80", "\xf4\x90\x80\x80", "\x80", "\xe4\xb8",
    };
    while (s->len < n) {
        uint64_t r = tb_rng_below(rng, 100);
        if (r < 70) {
            tb_buf_u8(s, (uint8_t)(0x20 + tb_rng_below(rng, 0x5f)));
        } else if (r < 95) {
            tb_buf_puts(s, pieces[tb_rng_below(rng, sizeof pieces / sizeof *pieces)]);
        } else {
            tb_buf_u8(s, (uint8_t)tb_rng_next(rng));
        }
    }
}

Test(jsonw, random_strings_match_reference)
{
    struct tb_rng rng = tb_rng_seed(0x15011);
    for (int i = 0; i < 2000; i++) {
        struct tb_buf s = { 0 };
        size_t n = (size_t)tb_rng_below(&rng, i < 1900 ? 64 : 20000);
        if (i % 3 == 0) {
            for (size_t k = 0; k < n; k++)
                tb_buf_u8(&s, (uint8_t)tb_rng_next(&rng));
        } else {
            random_text(&rng, &s, n);
        }
        char what[64];
        snprintf(what, sizeof what, "case %d, seed 0x15011", i);
        check_roundtrip(s.p ? s.p : (const uint8_t *)"", s.len, what);
        tb_buf_release(&s);
    }
}

Test(jsonw, sequences_across_the_chunk_boundary)
{
    /* chunks are 4096 input bytes: put a sequence start at every offset
       around the boundary */
    static const char *const seqs[] = { "\xf0\x9f\x98\x80", "\xe4\xb8\xad",
                                        "\xc3\xa9", "\xf0\x9f\x98", "\x01" };
    for (size_t q = 0; q < sizeof seqs / sizeof *seqs; q++)
        for (size_t at = 4090; at < 4100; at++) {
            struct tb_buf s = { 0 };
            for (size_t k = 0; k < at; k++)
                tb_buf_u8(&s, 'x');
            tb_buf_puts(&s, seqs[q]);
            tb_buf_puts(&s, "tail");
            check_roundtrip(s.p, s.len, "boundary");
            tb_buf_release(&s);
        }
}

Test(jsonw, string_that_fits_exactly_under_the_cap_is_written)
{
    /* the worst-case reservation (6x) would pass the cap: the exact size
       must be used instead */
    static const char *const ins[] = { "abc", "a\"\n\x01\xc3\xa9\xff" };
    for (size_t k = 0; k < 2; k++) {
        struct tb_buf want = { 0 };
        tb_buf_puts(&want, "pre\"");
        tb_json_ref_escape(&want, (const uint8_t *)ins[k], strlen(ins[k]));
        tb_buf_puts(&want, "\"");
        for (size_t max = 0; max <= want.len; max++) {
            struct lt_buf b;
            lt_buf_init(&b, max);
            enum lt_err e0 = lt_buf_append(&b, "pre", 3);
            if (e0 != LT_OK) {
                cr_assert_lt(max, 3);
                continue;
            }
            enum lt_err e = lt_jsonw_str(&b, lt_span_cstr(ins[k]));
            if (max == want.len) {
                cr_assert_eq(e, LT_OK);
                cr_assert_eq(b.len, want.len);
                cr_assert(memcmp(b.p, want.p, b.len) == 0);
            } else {
                cr_assert_eq(e, LT_E_LIMIT, "max %zu", max);
                cr_assert_eq(b.len, 3, "nothing kept on error");
                cr_assert(memcmp(b.p, "pre", 3) == 0);
            }
            /* the body alone keeps the length on error too */
            b.len = 3;
            e = lt_jsonw_str_body(&b, lt_span_cstr(ins[k]));
            cr_assert(e == LT_OK || b.len == 3);
            lt_buf_release(&b);
        }
        tb_buf_release(&want);
    }
}

Test(jsonw, long_string_over_the_cap_fails_cleanly)
{
    struct lt_buf b;
    lt_buf_init(&b, 10000);
    struct tb_buf s = { 0 };
    for (int k = 0; k < 9000; k++)
        tb_buf_u8(&s, k % 2 ? 'a' : 0x01); /* 4500 * 7 bytes escaped */
    cr_assert_eq(lt_jsonw_str(&b, lt_span_make(s.p, s.len)), LT_E_LIMIT);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(lt_jsonw_str_body(&b, lt_span_make(s.p, s.len)), LT_E_LIMIT);
    cr_assert_eq(b.len, 0);
    tb_buf_release(&s);
    lt_buf_release(&b);
}

static void *fail_malloc(size_t n) { (void)n; return NULL; }
static void *fail_realloc(void *p, size_t n) { (void)p, (void)n; return NULL; }

Test(jsonw, allocation_failure_is_nomem)
{
    static const struct lt_alloc_hooks h = { fail_malloc, fail_realloc, free };
    struct lt_buf b;
    lt_buf_init(&b, BIG);
    lt_alloc_set_hooks(&h);
    cr_assert_eq(lt_jsonw_str(&b, lt_span_cstr("x")), LT_E_NOMEM);
    cr_assert_eq(lt_jsonw_str_body(&b, lt_span_cstr("x")), LT_E_NOMEM);
    cr_assert_eq(lt_jsonw_u64(&b, 7), LT_E_NOMEM);
    cr_assert_eq(lt_jsonw_raw(&b, "{"), LT_E_NOMEM);
    cr_assert_eq(b.len, 0);
    lt_alloc_set_hooks(NULL);
    lt_buf_release(&b);
}

Test(jsonw, u64_and_raw)
{
    static const struct {
        uint64_t v;
        const char *s;
    } cases[] = { { 0, "0" }, { 7, "7" }, { 10, "10" }, { 4294967296ull, "4294967296" },
                  { UINT64_MAX, "18446744073709551615" } };
    for (size_t k = 0; k < 5; k++) {
        struct lt_buf b;
        lt_buf_init(&b, 64);
        cr_assert_eq(lt_jsonw_raw(&b, "["), LT_OK);
        cr_assert_eq(lt_jsonw_u64(&b, cases[k].v), LT_OK);
        cr_assert_eq(lt_jsonw_raw(&b, "]"), LT_OK);
        char want[32];
        snprintf(want, sizeof want, "[%s]", cases[k].s);
        cr_assert_eq(b.len, strlen(want));
        cr_assert(memcmp(b.p, want, b.len) == 0);
        lt_buf_release(&b);
    }
    struct lt_buf b;
    lt_buf_init(&b, 3);
    cr_assert_eq(lt_jsonw_u64(&b, 1000), LT_E_LIMIT);
    cr_assert_eq(b.len, 0);
    lt_buf_release(&b);
}
