/* SPDX-License-Identifier: MIT */
/* test_hex.c - lt_hex_decode round trips, errors, caps; lt_hex_plausible. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/dec/hex.h"
#include "tb_buf.h"

#define GUARD 16

static struct tb_buf enc(const uint8_t *p, size_t n, bool upper)
{
    const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    struct tb_buf b = { 0 };
    for (size_t i = 0; i < n; i++) {
        tb_buf_u8(&b, (uint8_t)d[p[i] >> 4]);
        tb_buf_u8(&b, (uint8_t)d[p[i] & 15]);
    }
    return b;
}

static bool plaus(const char *s)
{
    return lt_hex_plausible((const uint8_t *)s, strlen(s), 8);
}

Test(hex, round_trip_both_cases)
{
    struct tb_rng rng = tb_rng_seed(0x4e8);
    for (int i = 0; i < 2000; i++) {
        size_t n = (size_t)tb_rng_below(&rng, i < 1900 ? 100 : 4000);
        uint8_t *data = malloc(n + 1), *out = malloc(n + GUARD);
        for (size_t k = 0; k < n; k++)
            data[k] = (uint8_t)tb_rng_next(&rng);
        for (int upper = 0; upper < 2; upper++) {
            struct tb_buf e = enc(data, n, upper);
            size_t w = (size_t)-1;
            memset(out, 0xa5, n + GUARD);
            cr_assert_eq(lt_hex_decode(out, n, e.p, e.len, &w), LT_OK, "case %d seed 0x4e8", i);
            cr_assert_eq(w, n);
            cr_assert(n == 0 || memcmp(out, data, n) == 0, "case %d", i);
            if (n > 0) {
                memset(out, 0xa5, n + GUARD);
                cr_assert_eq(lt_hex_decode(out, n - 1, e.p, e.len, &w), LT_E_LIMIT, "case %d", i);
                cr_assert_eq(w, n - 1);
                cr_assert(memcmp(out, data, n - 1) == 0);
                for (size_t g = n - 1; g < n + GUARD; g++)
                    cr_assert_eq(out[g], 0xa5, "case %d: wrote past cap", i);
            }
            tb_buf_release(&e);
        }
        free(data);
        free(out);
    }
}

Test(hex, errors)
{
    uint8_t out[16];
    size_t w = 99;
    cr_assert_eq(lt_hex_decode(out, sizeof out, (const uint8_t *)"aBcD", 4, &w), LT_OK);
    cr_assert_eq(w, 2);
    cr_assert_eq(out[0], 0xab);
    cr_assert_eq(out[1], 0xcd);
    cr_assert_eq(lt_hex_decode(out, sizeof out, (const uint8_t *)"abc", 3, &w), LT_E_MALFORMED);
    cr_assert_eq(w, 1);
    cr_assert_eq(lt_hex_decode(out, sizeof out, (const uint8_t *)"abcg12", 6, &w), LT_E_MALFORMED);
    cr_assert_eq(w, 1);
    for (size_t pos = 0; pos < 10; pos++) {
        uint8_t s[10];
        memcpy(s, "0123456789", 10);
        s[pos] = 'x';
        cr_assert_eq(lt_hex_decode(out, sizeof out, s, 10, &w), LT_E_MALFORMED);
        cr_assert_eq(w, pos / 2, "pos %zu", pos);
    }
    cr_assert_eq(lt_hex_decode(out, 0, (const uint8_t *)"ab", 2, &w), LT_E_LIMIT);
    cr_assert_eq(w, 0);
    cr_assert_eq(lt_hex_decode(out, 0, (const uint8_t *)"", 0, &w), LT_OK);
    cr_assert_eq(w, 0);
}

Test(hex, plausible)
{
    /* hex of text, of digits, of gzip / zlib / zstd headers */
    cr_assert(plaus("48656c6c6f20776f726c64"));
    cr_assert(plaus("48656C6C6F20776F726C64"));
    cr_assert(plaus("3135353531323334353637"));
    cr_assert(plaus("1f8b0800000000000000"));
    cr_assert(plaus("789c4b4c4a0600"));
    cr_assert(plaus("28b52ffd2000"));
    /* digests, IDs, numbers, mixed case, odd length, too short */
    static const char *neg[] = {
        "5d41402abc4b2a76b9719d911017c592",
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        "a1b2c3d4e5f60718", "1588500000123", "20200503", "15885000001234",
        "48656c6C6f20", "48656c6c6f2", "4865", "", "48656c6c6f20776f726c6g",
        "550e8400-e29b-41d4-a716-446655440000",
    };
    for (size_t i = 0; i < sizeof neg / sizeof neg[0]; i++)
        cr_assert_not(plaus(neg[i]), "%s", neg[i]);
}
