/* SPDX-License-Identifier: MIT */
/* test_percent.c - lt_pct_decode round trips, in place, invalid escapes, caps. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/dec/percent.h"
#include "tb_buf.h"

#define GUARD 16

/* Reference encoder: keep unreserved bytes; space as '+' (form) or %20. */
static struct tb_buf enc(const uint8_t *p, size_t n, bool form, bool upper)
{
    const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    struct tb_buf b = { 0 };
    for (size_t i = 0; i < n; i++) {
        const uint8_t c = p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
            tb_buf_u8(&b, c);
        } else if (c == ' ' && form) {
            tb_buf_u8(&b, '+');
        } else {
            tb_buf_u8(&b, '%');
            tb_buf_u8(&b, (uint8_t)d[c >> 4]);
            tb_buf_u8(&b, (uint8_t)d[c & 15]);
        }
    }
    return b;
}

static void check(const char *in, bool plus, const char *want)
{
    uint8_t out[128];
    size_t w = (size_t)-1;
    cr_assert_eq(lt_pct_decode(out, sizeof out, (const uint8_t *)in, strlen(in), plus, &w), LT_OK, "%s", in);
    cr_assert_eq(w, strlen(want), "%s: %zu", in, w);
    cr_assert_eq(memcmp(out, want, w), 0, "%s", in);
}

Test(percent, vectors)
{
    check("", false, "");
    check("a%20b", false, "a b");
    check("a+b%2B", false, "a+b+");
    check("a+b%2B", true, "a b+");
    check("%E4%B9%99%e8%82%9d", false, "\xe4\xb9\x99\xe8\x82\x9d");
    /* invalid escapes stay as they are */
    check("100%", false, "100%");
    check("%4", false, "%4");
    check("%zz%41", false, "%zzA");
    check("%%41", false, "%A");
    check("%4%41", false, "%4A");
    check("%", false, "%");
    check("%2541", false, "%41"); /* one layer only */
}

Test(percent, round_trip_and_in_place)
{
    struct tb_rng rng = tb_rng_seed(0x9c7);
    for (int i = 0; i < 2000; i++) {
        size_t n = (size_t)tb_rng_below(&rng, i < 1900 ? 80 : 3000);
        uint8_t *data = malloc(n + 1), *out = malloc(n + GUARD);
        for (size_t k = 0; k < n; k++) {
            uint64_t r = tb_rng_next(&rng);
            data[k] = r % 3 == 0 ? (uint8_t)(r >> 8) : (uint8_t)("ab c+%=&Z9~"[(r >> 8) % 11]);
        }
        for (int form = 0; form < 4; form++) {
            const bool plus = form & 1;
            struct tb_buf e = enc(data, n, plus, form & 2);
            size_t w = (size_t)-1;
            memset(out, 0xa5, n + GUARD);
            cr_assert_eq(lt_pct_decode(out, n, e.p, e.len, plus, &w), LT_OK, "case %d seed 0x9c7", i);
            cr_assert_eq(w, n);
            cr_assert(n == 0 || memcmp(out, data, n) == 0, "case %d form %d", i, form);
            if (n > 0) {
                memset(out, 0xa5, n + GUARD);
                cr_assert_eq(lt_pct_decode(out, n - 1, e.p, e.len, plus, &w), LT_E_LIMIT);
                cr_assert_eq(w, n - 1);
                cr_assert(memcmp(out, data, n - 1) == 0);
                for (size_t g = n - 1; g < n + GUARD; g++)
                    cr_assert_eq(out[g], 0xa5, "case %d: wrote past cap", i);
            }
            /* in place: same result */
            cr_assert_eq(lt_pct_decode(e.p, e.len, e.p, e.len, plus, &w), LT_OK);
            cr_assert_eq(w, n);
            cr_assert(n == 0 || memcmp(e.p, data, n) == 0, "in place, case %d", i);
            tb_buf_release(&e);
        }
        free(data);
        free(out);
    }
}

Test(percent, raw_text_in_place_equals_copy)
{
    /* arbitrary text (with broken escapes): in place == into another buffer */
    struct tb_rng rng = tb_rng_seed(0x1e);
    for (int i = 0; i < 2000; i++) {
        uint8_t s[64], t[64], out[64];
        size_t n = (size_t)tb_rng_below(&rng, 64);
        for (size_t k = 0; k < n; k++)
            s[k] = (uint8_t)"%%4aF+ gz"[tb_rng_below(&rng, 9)];
        memcpy(t, s, n);
        size_t w1, w2;
        cr_assert_eq(lt_pct_decode(out, sizeof out, s, n, i & 1, &w1), LT_OK);
        cr_assert_eq(lt_pct_decode(t, n, t, n, i & 1, &w2), LT_OK);
        cr_assert_eq(w1, w2);
        cr_assert(w1 <= n);
        cr_assert_eq(memcmp(out, t, w1), 0, "case %d", i);
    }
}

Test(percent, limit)
{
    uint8_t out[4];
    size_t w = 99;
    cr_assert_eq(lt_pct_decode(out, 0, (const uint8_t *)"%41", 3, false, &w), LT_E_LIMIT);
    cr_assert_eq(w, 0);
    cr_assert_eq(lt_pct_decode(out, 2, (const uint8_t *)"ab%41", 5, false, &w), LT_E_LIMIT);
    cr_assert_eq(w, 2);
    cr_assert_eq(lt_pct_decode(out, 3, (const uint8_t *)"ab%41", 5, false, &w), LT_OK);
    cr_assert_eq(w, 3);
    cr_assert_eq(lt_pct_decode(out, 2, (const uint8_t *)"a+b", 3, true, &w), LT_E_LIMIT);
    cr_assert_eq(w, 2);
    cr_assert_eq(memcmp(out, "a ", 2), 0);
}

Test(percent, plausible)
{
    cr_assert(lt_pct_plausible((const uint8_t *)"a%2Fb", 5));
    cr_assert(lt_pct_plausible((const uint8_t *)"100%%20", 7));
    cr_assert_not(lt_pct_plausible((const uint8_t *)"100%", 4));
    cr_assert_not(lt_pct_plausible((const uint8_t *)"a+b", 3));
    cr_assert_not(lt_pct_plausible((const uint8_t *)"%zz%4", 5));
    cr_assert_not(lt_pct_plausible((const uint8_t *)"", 0));
    cr_assert_not(lt_pct_plausible((const uint8_t *)"%4g", 3));
}
