/* SPDX-License-Identifier: MIT */
/*
 * test_base64_simd.c - every vector kernel of lt_b64_decode() this CPU
 * runs gives what the scalar code gives: return code, *written, and every
 * byte of dst (and of guard bytes past dst_cap). Inputs are seeded random
 * symbol strings of each length, both alphabets, padded or not, with line
 * breaks, with each non-symbol byte value and `=` at each position, and
 * with dst_cap at each size up to what is needed. Inputs live in buffers of
 * their exact size, so ASan sees any read past the end.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dec/base64_int.h"
#include "tb_buf.h"

#define GUARD 64

static const char *const alpha[2] = {
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
};

/* How many implementations other than scalar ran, over the whole test. */
static size_t n_compared;

/* Decode src[0..n) with impl into a fresh buffer of cap + GUARD bytes
   prefilled with 0xa5; the caller frees *out. */
static enum lt_err run(enum lt_b64_impl impl, const uint8_t *src, size_t n, bool url,
                       size_t cap, uint8_t **out, size_t *w)
{
    *out = malloc(cap + GUARD);
    cr_assert_not_null(*out);
    memset(*out, 0xa5, cap + GUARD);
    *w = (size_t)-1;
    return lt__b64_decode_with(impl, *out, cap, src, n, url, w);
}

/* Assert every supported impl matches scalar on src[0..n) with dst_cap cap.
   what and seed name the case in failure messages. */
static void same_as_scalar(const uint8_t *p, size_t n, bool url, size_t cap,
                           const char *what, uint64_t seed)
{
    uint8_t *src = malloc(n ? n : 1); /* exact size: ASan catches over-reads */
    cr_assert_not_null(src);
    if (n)
        memcpy(src, p, n);
    uint8_t *ref, *got;
    size_t w_ref, w;
    const enum lt_err e_ref = run(LT_B64_SCALAR, src, n, url, cap, &ref, &w_ref);
    for (enum lt_b64_impl k = LT_B64_SCALAR + 1; k < LT_B64_N_IMPL; k++) {
        if (!lt__b64_impl_supported(k))
            continue;
        const enum lt_err e = run(k, src, n, url, cap, &got, &w);
        cr_assert_eq(e, e_ref, "%s: %s says %s, scalar %s (n %zu, cap %zu, url %d, seed %#llx)",
                     what, lt__b64_impl_name(k), lt_err_str(e), lt_err_str(e_ref), n, cap,
                     url, (unsigned long long)seed);
        cr_assert_eq(w, w_ref, "%s: %s wrote %zu, scalar %zu (n %zu, cap %zu, url %d, seed %#llx)",
                     what, lt__b64_impl_name(k), w, w_ref, n, cap, url,
                     (unsigned long long)seed);
        for (size_t j = 0; memcmp(got, ref, cap + GUARD) != 0 && j < cap + GUARD; j++)
            cr_assert_eq(got[j], ref[j],
                         "%s: %s dst[%zu] = %#x, scalar %#x (cap %zu, n %zu, url %d, seed %#llx)",
                         what, lt__b64_impl_name(k), j, got[j], ref[j], cap, n, url,
                         (unsigned long long)seed);
        n_compared++;
        free(got);
    }
    free(ref);
    free(src);
}

/* n_sym random symbols of one alphabet; pad: `=` up to a multiple of 4
   (a final group of 1 symbol gets 3, which is malformed, as it should be);
   brk: 0 none, 1 LF after every 76, 2 CRLF after every 76, 3 CR, LF or
   CRLF at random places (about 1 in 20 bytes). */
static struct tb_buf gen(struct tb_rng *r, bool url, size_t n_sym, bool pad, int brk)
{
    struct tb_buf b = { 0 };
    size_t col = 0;
    const size_t n_pad = pad ? (4 - n_sym % 4) % 4 : 0;
    for (size_t k = 0; k < n_sym + n_pad; k++) {
        if ((brk == 1 || brk == 2) && col == 76) {
            tb_buf_puts(&b, brk == 1 ? "\n" : "\r\n");
            col = 0;
        }
        if (brk == 3 && tb_rng_below(r, 20) == 0) {
            static const char *const nl[3] = { "\r", "\n", "\r\n" };
            tb_buf_puts(&b, nl[tb_rng_below(r, 3)]);
        }
        tb_buf_u8(&b, k < n_sym ? (uint8_t)alpha[url][tb_rng_below(r, 64)] : '=');
        col++;
    }
    if ((brk == 1 || brk == 2) && col > 0)
        tb_buf_puts(&b, brk == 1 ? "\n" : "\r\n");
    return b;
}

Test(base64_simd, reports_what_it_compares)
{
    for (enum lt_b64_impl k = 0; k < LT_B64_N_IMPL; k++)
        cr_log_info("%s: %s", lt__b64_impl_name(k),
                    lt__b64_impl_supported(k) ? "supported" : "not supported");
    cr_assert(lt__b64_impl_supported(LT_B64_SCALAR));
    cr_assert(lt__b64_impl_supported(lt__b64_impl_best()));
    cr_assert_str_eq(lt__b64_impl_name(LT_B64_AVX512VBMI), "avx512vbmi");
    cr_assert_str_eq(lt__b64_impl_name(LT_B64_N_IMPL), "?");
}

Test(base64_simd, public_decode_uses_the_best_impl_and_agrees)
{
    struct tb_rng r = tb_rng_seed(0x51bd);
    for (int i = 0; i < 200; i++) {
        struct tb_buf b = gen(&r, i & 1, tb_rng_below(&r, 600), i & 2, i / 4 % 4);
        uint8_t *ref, *got;
        size_t w_ref, w;
        const size_t cap = lt_b64_decoded_max(b.len);
        const enum lt_err e_ref = run(LT_B64_SCALAR, b.p, b.len, i & 1, cap, &ref, &w_ref);
        got = malloc(cap + GUARD);
        memset(got, 0xa5, cap + GUARD);
        const enum lt_err e = lt_b64_decode(got, cap, b.p, b.len, i & 1, &w);
        cr_assert_eq(e, e_ref, "case %d seed 0x51bd", i);
        cr_assert_eq(w, w_ref, "case %d seed 0x51bd", i);
        cr_assert_eq(memcmp(got, ref, cap + GUARD), 0, "case %d seed 0x51bd", i);
        free(ref);
        free(got);
        tb_buf_release(&b);
    }
}

Test(base64_simd, every_length_every_form)
{
    const uint64_t seed = 0xb64a11;
    struct tb_rng r = tb_rng_seed(seed);
    static const size_t longer[] = { 511, 512, 513, 1000, 1023, 1024, 1025, 4093, 4096,
                                     4099, 65536 + 7, 300001 };
    const size_t n_long = sizeof longer / sizeof longer[0];
    for (size_t t = 0; t <= 300 + n_long; t++) {
        const size_t n_sym = t <= 300 ? t : longer[t - 301];
        for (int form = 0; form < 16; form++) {
            const bool url = form & 1, pad = form & 2;
            const int brk = form >> 2;
            struct tb_buf b = gen(&r, url, n_sym, pad, brk);
            char what[64];
            snprintf(what, sizeof what, "symbols %zu form %d", n_sym, form);
            same_as_scalar(b.p, b.len, url, lt_b64_decoded_max(b.len), what, seed);
            tb_buf_release(&b);
        }
    }
    cr_log_info("%zu comparisons with scalar", n_compared);
    if (lt__b64_impl_best() != LT_B64_SCALAR)
        cr_assert_gt(n_compared, 0);
}

Test(base64_simd, every_byte_value_at_every_position)
{
    /* Each of the 256 byte values replaces each byte of 136 symbols (two
       AVX-512 blocks and a tail): the non-symbols must stop the kernels
       at the right group, the symbols must decode. */
    const uint64_t seed = 0xb64b;
    struct tb_rng r = tb_rng_seed(seed);
    for (int url = 0; url < 2; url++) {
        struct tb_buf b = gen(&r, url, 136, false, 0);
        for (size_t pos = 0; pos < b.len; pos++) {
            for (unsigned v = 0; v < 256; v++) {
                const uint8_t keep = b.p[pos];
                b.p[pos] = (uint8_t)v;
                char what[64];
                snprintf(what, sizeof what, "byte %#x at %zu", v, pos);
                same_as_scalar(b.p, b.len, url, lt_b64_decoded_max(b.len), what, seed);
                b.p[pos] = keep;
            }
        }
        tb_buf_release(&b);
    }
}

Test(base64_simd, bad_symbol_and_pad_at_every_position)
{
    static const uint8_t odd[] = { '=', '*', ' ', '\0', 0x80, 0xff, '.', '\t', '"',
                                   '\r', '\n', '+', '/', '-', '_' };
    const uint64_t seed = 0xbadb;
    struct tb_rng r = tb_rng_seed(seed);
    for (size_t n_sym = 0; n_sym <= 300; n_sym += 1 + n_sym / 4) {
        for (int form = 0; form < 16; form++) {
            const bool url = form & 1;
            struct tb_buf b = gen(&r, url, n_sym, form & 2, form >> 2);
            for (size_t pos = 0; pos < b.len; pos++) {
                const uint8_t keep = b.p[pos];
                for (size_t j = 0; j < sizeof odd; j++) {
                    b.p[pos] = odd[j];
                    char what[80];
                    snprintf(what, sizeof what, "%zu symbols form %d: %#x at %zu", n_sym,
                             form, odd[j], pos);
                    same_as_scalar(b.p, b.len, url, lt_b64_decoded_max(b.len), what, seed);
                }
                b.p[pos] = keep;
            }
            tb_buf_release(&b);
        }
    }
}

Test(base64_simd, dst_cap_at_every_size)
{
    const uint64_t seed = 0xcab;
    struct tb_rng r = tb_rng_seed(seed);
    for (size_t n_sym = 0; n_sym <= 300; n_sym++) {
        const int form = (int)(n_sym % 16);
        const bool url = form & 1;
        struct tb_buf b = gen(&r, url, n_sym, form & 2, form >> 2);
        /* a bad byte in some: LT_E_LIMIT and LT_E_MALFORMED race for dst */
        if (n_sym % 3 == 0 && b.len > 0)
            b.p[tb_rng_below(&r, b.len)] = '!';
        for (size_t cap = 0; cap <= lt_b64_decoded_max(b.len); cap++) {
            char what[64];
            snprintf(what, sizeof what, "%zu symbols form %d", n_sym, form);
            same_as_scalar(b.p, b.len, url, cap, what, seed);
        }
        tb_buf_release(&b);
    }
}

Test(base64_simd, random_mixtures)
{
    /* mostly symbols of both alphabets, with CR, LF, `=` and other bytes */
    const uint64_t seed = 0x313;
    struct tb_rng r = tb_rng_seed(seed);
    for (int i = 0; i < 3000; i++) {
        const size_t n = tb_rng_below(&r, i < 2800 ? 200 : 3000);
        const unsigned odd_per_1000 = (unsigned)tb_rng_below(&r, 30);
        uint8_t *p = malloc(n + 1);
        for (size_t k = 0; k < n; k++) {
            if (tb_rng_below(&r, 1000) < odd_per_1000) {
                static const uint8_t odd[] = { '\r', '\n', '=', '-', '_', '+', '/', '@' };
                p[k] = tb_rng_below(&r, 4) ? odd[tb_rng_below(&r, sizeof odd)]
                                           : (uint8_t)tb_rng_next(&r);
            } else {
                p[k] = (uint8_t)alpha[0][tb_rng_below(&r, 62)];
            }
        }
        const size_t cap = tb_rng_below(&r, 2) ? lt_b64_decoded_max(n)
                                               : tb_rng_below(&r, lt_b64_decoded_max(n));
        char what[32];
        snprintf(what, sizeof what, "case %d", i);
        same_as_scalar(p, n, i & 1, cap, what, seed);
        free(p);
    }
}
