/* SPDX-License-Identifier: MIT */
/* test_base64.c - lt_b64_decode round trips, errors, caps; lt_b64_plausible. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/dec/base64.h"
#include "core/dec/percent.h"
#include "tb_buf.h"

#define GUARD 16

/* Reference encoder: alphabet, padding, line wrap (0 = none) with CRLF or LF. */
static struct tb_buf enc(const uint8_t *p, size_t n, bool url, bool pad,
                         size_t wrap, bool crlf)
{
    const char *a = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                        : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    struct tb_buf b = { 0 };
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        size_t k = n - i >= 3 ? 3 : n - i;
        if (k > 1)
            v |= (uint32_t)p[i + 1] << 8;
        if (k > 2)
            v |= p[i + 2];
        char g[4] = { a[v >> 18 & 63], a[v >> 12 & 63], a[v >> 6 & 63], a[v & 63] };
        for (size_t j = 0; j < 4; j++) {
            char c = j <= k ? g[j] : '=';
            if (j > k && !pad)
                continue;
            if (wrap && col == wrap) {
                tb_buf_puts(&b, crlf ? "\r\n" : "\n");
                col = 0;
            }
            tb_buf_u8(&b, (uint8_t)c);
            col++;
        }
    }
    if (wrap && b.len)
        tb_buf_puts(&b, crlf ? "\r\n" : "\n"); /* Android DEFAULT ends with one */
    return b;
}

static enum lt_err dec(const char *s, bool url, uint8_t *out, size_t cap, size_t *w)
{
    *w = (size_t)-1;
    return lt_b64_decode(out, cap, (const uint8_t *)s, strlen(s), url, w);
}

Test(base64, rfc4648_vectors)
{
    static const char *v[][2] = {
        { "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" }, { "Zm9v", "foo" },
        { "Zm9vYg==", "foob" }, { "Zm9vYmE=", "fooba" }, { "Zm9vYmFy", "foobar" },
        { "Zg", "f" }, { "Zm8", "fo" }, { "Zm9vYmE", "fooba" },
        { "Zm\r\n9v", "foo" }, { "Zm9v\n", "foo" }, { "\r\nZg==\r\n", "f" },
        { "Zg=", "f" }, /* short padding is tolerated */
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t out[16];
        size_t w;
        cr_assert_eq(dec(v[i][0], false, out, sizeof out, &w), LT_OK, "%s", v[i][0]);
        cr_assert_eq(w, strlen(v[i][1]), "%s", v[i][0]);
        cr_assert_eq(memcmp(out, v[i][1], w), 0, "%s", v[i][0]);
    }
}

Test(base64, round_trip_all_forms)
{
    struct tb_rng rng = tb_rng_seed(0xb64);
    for (int i = 0; i < 1500; i++) {
        size_t n = i < 1400 ? (size_t)tb_rng_below(&rng, 200) : (size_t)tb_rng_below(&rng, 5000);
        uint8_t *data = malloc(n + 1);
        for (size_t k = 0; k < n; k++)
            data[k] = (uint8_t)tb_rng_next(&rng);
        for (int form = 0; form < 12; form++) {
            const bool url = form & 1, pad = form & 2;
            const size_t wrap = form / 4 ? 76 : 0;
            const bool crlf = form / 4 == 2;
            struct tb_buf e = enc(data, n, url, pad, wrap, crlf);
            uint8_t *out = malloc(n + GUARD);
            memset(out, 0xa5, n + GUARD);
            size_t w = (size_t)-1;
            enum lt_err r = lt_b64_decode(out, n, e.p, e.len, url, &w);
            cr_assert_eq(r, LT_OK, "case %d form %d seed 0xb64", i, form);
            cr_assert_eq(w, n, "case %d form %d", i, form);
            cr_assert(n == 0 || memcmp(out, data, n) == 0, "case %d form %d", i, form);
            cr_assert(lt_b64_decoded_max(e.len) >= n);
            if (n > 0) {
                /* one byte short: LT_E_LIMIT, dst filled exactly, nothing past */
                memset(out, 0xa5, n + GUARD);
                r = lt_b64_decode(out, n - 1, e.p, e.len, url, &w);
                cr_assert_eq(r, LT_E_LIMIT, "case %d form %d", i, form);
                cr_assert_eq(w, n - 1);
                cr_assert(memcmp(out, data, n - 1) == 0);
                for (size_t g = n - 1; g < n + GUARD; g++)
                    cr_assert_eq(out[g], 0xa5, "case %d form %d: wrote past cap", i, form);
            }
            free(out);
            tb_buf_release(&e);
        }
        free(data);
    }
}

Test(base64, wrong_alphabet_is_malformed)
{
    uint8_t out[8];
    size_t w;
    cr_assert_eq(dec("ab+/", true, out, sizeof out, &w), LT_E_MALFORMED);
    cr_assert_eq(w, 0);
    cr_assert_eq(dec("ab-_", false, out, sizeof out, &w), LT_E_MALFORMED);
    cr_assert_eq(dec("ab-_", true, out, sizeof out, &w), LT_OK);
    cr_assert_eq(w, 3);
}

Test(base64, bad_symbol_at_every_position)
{
    static const uint8_t bad[] = { '*', ' ', '\0', 0x80, 0xff, '-', '.', '\t', '"' };
    uint8_t data[30], out[64];
    for (size_t k = 0; k < sizeof data; k++)
        data[k] = (uint8_t)(k * 37 + 11);
    struct tb_buf e = enc(data, sizeof data, false, true, 0, false);
    cr_assert_eq(e.len, 40);
    for (size_t pos = 0; pos < e.len; pos++) {
        for (size_t b = 0; b < sizeof bad; b++) {
            uint8_t s[40];
            memcpy(s, e.p, 40);
            s[pos] = bad[b];
            size_t w = (size_t)-1;
            enum lt_err r = lt_b64_decode(out, sizeof out, s, 40, false, &w);
            cr_assert_eq(r, LT_E_MALFORMED, "pos %zu byte 0x%02x", pos, bad[b]);
            cr_assert_eq(w, pos / 4 * 3, "pos %zu: written %zu", pos, w);
            cr_assert_eq(memcmp(out, data, w), 0);
        }
    }
    tb_buf_release(&e);
}

Test(base64, every_length_mod_4)
{
    const char *s = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"; /* 32 symbols */
    for (size_t len = 0; len <= 32; len++) {
        uint8_t out[32];
        size_t w = (size_t)-1;
        enum lt_err r = lt_b64_decode(out, sizeof out, (const uint8_t *)s, len, false, &w);
        if (len % 4 == 1) {
            cr_assert_eq(r, LT_E_MALFORMED, "len %zu", len);
            cr_assert_eq(w, len / 4 * 3, "len %zu", len);
        } else {
            cr_assert_eq(r, LT_OK, "len %zu", len);
            cr_assert_eq(w, len * 3 / 4, "len %zu", len);
            cr_assert_eq(memcmp(out, "ABCDEFGHIJKLMNOPQRSTUVWX", w), 0);
        }
    }
}

Test(base64, misplaced_padding_is_malformed)
{
    static const char *bad[] = { "=", "==", "Z===", "Zg===", "Zm8==", "Zg==Zg==",
                                 "Zm9v=", "Z=g=", "Zg=a", "Zm9vYmFy====", "Zg==\r\nZg" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[16];
        size_t w;
        cr_assert_eq(dec(bad[i], false, out, sizeof out, &w), LT_E_MALFORMED, "%s", bad[i]);
        cr_assert(w <= 6);
    }
    uint8_t out[16];
    size_t w;
    cr_assert_eq(dec("Zm9vYmFy\r\nZg==", false, out, sizeof out, &w), LT_OK);
    cr_assert_eq(w, 7);
    cr_assert_eq(dec("Zm9vYmFyZ*==", false, out, sizeof out, &w), LT_E_MALFORMED);
    cr_assert_eq(w, 6);
}

Test(base64, limit_codes)
{
    uint8_t out[8];
    size_t w = 99;
    cr_assert_eq(dec("Zm9v", false, out, 0, &w), LT_E_LIMIT);
    cr_assert_eq(w, 0);
    cr_assert_eq(dec("Zm9vYg", false, out, 3, &w), LT_E_LIMIT);
    cr_assert_eq(w, 3);
    cr_assert_eq(dec("Zm9vYmE", false, out, 4, &w), LT_E_LIMIT);
    cr_assert_eq(w, 4);
    cr_assert_eq(memcmp(out, "foob", 4), 0);
    cr_assert_eq(dec("", false, out, 0, &w), LT_OK);
    cr_assert_eq(w, 0);
}

static bool plaus(const char *s, size_t min_len, bool *is_url)
{
    return lt_b64_plausible((const uint8_t *)s, strlen(s), min_len, is_url);
}

/* tracker-formats.md §1: the Sensors Analytics Android body */
static const char seed_body[] =
    "crc=375758495&gzip=1&data_list=H4sIAAAAAAAAAJWSXWvbMBSG%2F0qRy26SKrZjN8ZQRm4GvdnFCtugGUKRju2z2JYnHduE0v8%2ByVlpN9hgAiP06HzoPa8fn5ggK9VJoGblTbItil0a50m6ZoQdsDLJiyKPw0rSrYfnwUO2pLA10%2BgIe0VLNpPJMVVbnUFe3ca7pPABLR5Z%2BcSul53te22ND10vQExgHZreX2Q85lnAchje4CTlCc9u6peEDqgxoZMyGl6gBpLYLrDj8tKBH62ZHVh%2Flu2ZUDn%2BsI%2Bi5dlR9LDn3%2BUko6go2POawQQ9%2BfwZjmKQNYgJYfbVB2sGsITg%2FkuCcb%2BHGfdWURxQJ%2FuxkopGC9bDryhNh8uF1xWkfALd4dVHQ3BV%2FHssTlmAXsyoqfFuxUX8ChvAuvHK0m0W6IwVspLsCP7QA83GnsQvQ7%2Fcf7gP5ZS0FpdHfTZaVqZfxqxhQgV%2FNfkanajQOhJanllZydb5FqMNShqiwZWHzWGjR3UKX224d%2Bqwef%2FjrsFpReBopVrsUa16kHbVwTu6a4Sva6ECexnRa5l5nnltTN3CpUxwUFTt6Brxxx%2Bb5be7528%2FAc4qebniAgAA";

Test(base64, plausible_tracker_examples)
{
    const char *dl = strstr(seed_body, "data_list=") + 10;
    uint8_t v[1024];
    size_t w;
    cr_assert_eq(lt_pct_decode(v, sizeof v, (const uint8_t *)dl, strlen(dl), true, &w), LT_OK);
    bool is_url = true;
    cr_assert(lt_b64_plausible(v, w, 8, &is_url));
    cr_assert_not(is_url);
    /* §3b MIUI (URL-safe alphabet, but this one has no - or _) and §2 Sensors JS */
    cr_assert(plaus("eyJIIjp7InN0IjoiMTU4ODUwMDAwMDEyMyJ9LCJCIjpbeyJIIjp7ImV2ZW50IjoiYnJvd3Nlcl92aXNpdCJ9LCJCIjp7InVybCI6Imh0dHBzOi8vd3d3LnBvcm5odWIuY29tL3ZpZXdfdmlkZW8ucGhwP3ZpZXdrZXk9YWJjIiwiaW5jb2duaXRvIjoiMSJ9fV19", 8, NULL));
    cr_assert(plaus("eyJkaXN0aW5jdF9pZCI6IjE3MTlhN2IyYzhkNGUwLTBjM2YyYTFiOWU4ZDdjLTRjMzAyYTdiLTIwNzM2MDAtMTcxOWE3YjJjOGU1ZjEiLCJsaWIiOnsiJGxpYiI6ImpzIn19", 8, NULL));
    /* $anonymization_id = base64(ANDROID_ID) */
    cr_assert(plaus("YTFiMmMzZDRlNWY2MDcxOA==", 8, NULL));
    cr_assert(plaus("W3siZXZlbnQiOiJTZWFyY2gi", 8, NULL));
    is_url = false;
    cr_assert(plaus("eyJ1cmwiOiJodHRwczovL3guY29tLz9xPX4-In0_", 8, &is_url));
    cr_assert(is_url);
}

Test(base64, plausible_wrapped_lines)
{
    uint8_t data[200];
    for (size_t k = 0; k < sizeof data; k++)
        data[k] = (uint8_t)(k * 73 + 5);
    for (int crlf = 0; crlf < 2; crlf++) {
        struct tb_buf e = enc(data, sizeof data, false, true, 76, crlf);
        cr_assert(lt_b64_plausible(e.p, e.len, 8, NULL), "crlf %d", crlf);
        /* an uneven line in the middle: not wrapped base64 */
        struct tb_buf e2 = { 0 };
        tb_buf_put(&e2, e.p, 40);
        tb_buf_puts(&e2, "\n");
        tb_buf_put(&e2, e.p + 40, e.len - 40);
        cr_assert_not(lt_b64_plausible(e2.p, e2.len, 8, NULL), "crlf %d", crlf);
        tb_buf_release(&e);
        tb_buf_release(&e2);
    }
    cr_assert_not(plaus("YTFiMmMzZDRl\n\nNWY2MDcxOA==", 8, NULL)); /* empty line */
    cr_assert_not(plaus("\nYTFiMmMzZDRlNWY2MDcxOA==", 8, NULL));
    cr_assert_not(plaus("YTFiMmMzZDRl\rNWY2MDcxOA==", 8, NULL)); /* lone CR */
    cr_assert_not(plaus("YTFiMmMzZD\nRlNWY2MD\ncxOA==", 8, NULL)); /* 10 per line */
}

Test(base64, plausible_rejects_non_encoded_text)
{
    static const char *neg[] = {
        "Vodafone", "authorization", "getElementById", "webPageView", "Redmi Note 8",
        "InternetExplorer", "XMLHttpRequest", "AAAAAAAAAAAA", "abcdefghijklmnop",
        "550e8400-e29b-41d4-a716-446655440000",  /* UUID */
        "5D41402A-BC4B-2A76-B971-9D911017C592",  /* IDFA */
        "5d41402abc4b2a76b9719d911017c592",      /* md5 */
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", /* sha1 */
        "a1b2c3d4e5f60718",                      /* ANDROID_ID */
        "1588500000123", "15885000001234", "867530900000001",
        "https://duckduckgo.com/?q=x", "sensorsdata2015", "application/json",
        "Zm9vYmFy+-_/", /* mixed alphabets */
        "YTFiMmMzZDRlNWY2MDcxOA===", "YTFi=MmMz", "YTFiMmMzZ", /* 1 mod 4 */
        "YTFiMmMzZDRlNWY2MDcxOA=", /* padding that does not complete */
        "", "Zm9vYmE=",
    };
    for (size_t i = 0; i < sizeof neg / sizeof neg[0]; i++)
        cr_assert_not(plaus(neg[i], 8, NULL), "%s", neg[i]);
    cr_assert_not(plaus("MTIzNDU2", 9, NULL)); /* shorter than min_len */
    cr_assert(plaus("MTIzNDU2", 8, NULL));
}

Test(base64, plausible_accepts_most_random_data)
{
    struct tb_rng rng = tb_rng_seed(0x91a);
    int n_ok = 0;
    for (int i = 0; i < 1000; i++) {
        uint8_t data[24];
        for (size_t k = 0; k < sizeof data; k++)
            data[k] = (uint8_t)tb_rng_next(&rng);
        struct tb_buf e = enc(data, sizeof data, i & 1, true, 0, false);
        n_ok += lt_b64_plausible(e.p, e.len, 8, NULL);
        tb_buf_release(&e);
    }
    cr_assert_geq(n_ok, 970, "only %d of 1000 random 32-symbol strings", n_ok);
}

Test(base64, plausible_for_a_compressed_stream_full_of_zeros)
{
    /* gzip of a long run of one byte: its base64 is mostly "AAAA", which
       the word filter alone would refuse */
    static const char gz[] =
        "H4sIAAAAAAAAA+zBgQAAAACAILb9pRapCgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    bool url = true;
    cr_expect(lt_b64_plausible((const uint8_t *)gz, strlen(gz), 8, &url));
    cr_expect(!url);
    static const char words[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAaaaaaaaaaaaaaaaaaa";
    cr_expect(!lt_b64_plausible((const uint8_t *)words, strlen(words), 8, &url));
}
