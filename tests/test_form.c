/* SPDX-License-Identifier: MIT */
/* test_form.c - lt_form_next pair iteration and lt_form_plausible. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/dec/form.h"
#include "core/dec/percent.h"
#include "tb_buf.h"

/* "name=value|name=value|" transcript of the pairs */
static struct tb_buf pairs(const char *s, enum lt_form_style st)
{
    struct lt_form_iter it;
    struct lt_span k, v;
    struct tb_buf b = { 0 };
    lt_form_iter_init(&it, (const uint8_t *)s, strlen(s), st);
    while (lt_form_next(&it, &k, &v)) {
        cr_assert(k.p >= (const uint8_t *)s && k.p + k.len <= (const uint8_t *)s + strlen(s));
        cr_assert(v.p >= (const uint8_t *)s && v.p + v.len <= (const uint8_t *)s + strlen(s));
        tb_buf_put(&b, k.p, k.len);
        tb_buf_u8(&b, '=');
        tb_buf_put(&b, v.p, v.len);
        tb_buf_u8(&b, '|');
    }
    tb_buf_u8(&b, 0);
    return b;
}

static void check(const char *s, enum lt_form_style st, const char *want)
{
    struct tb_buf b = pairs(s, st);
    cr_assert_str_eq((const char *)b.p, want, "'%s'", s);
    tb_buf_release(&b);
}

Test(form, amp_pairs)
{
    check("", LT_FORM_AMP, "");
    check("a=1&b=2", LT_FORM_AMP, "a=1|b=2|");
    check("&&a=1&&&b=&=x&&", LT_FORM_AMP, "a=1|b=|=x|");
    check("flag&a=1=2&x", LT_FORM_AMP, "flag=|a=1=2|x=|");
    check("a=1;b=2", LT_FORM_AMP, "a=1;b=2|"); /* `;` does not separate */
    check("a=b##c=d", LT_FORM_AMP, "a=b##c=d|");
    check("na%6De=v%26w&x+y=z", LT_FORM_AMP, "na%6De=v%26w|x+y=z|");
}

Test(form, hash2_pairs)
{
    check("android_id=a1b2##imei=##mac=02:00:00:00:00:00##oaid=x", LT_FORM_HASH2,
          "android_id=a1b2|imei=|mac=02:00:00:00:00:00|oaid=x|");
    check("a=1#2##b=#3###c=4####", LT_FORM_HASH2, "a=1#2|b=#3|#c=4|");
    check("a=1&b=2", LT_FORM_HASH2, "a=1&b=2|");
}

Test(form, percent_encoded_names_decode)
{
    const char *s = "user%5Fid=a%40b.example&q=hiv+test";
    struct lt_form_iter it;
    struct lt_span k, v;
    lt_form_iter_init(&it, (const uint8_t *)s, strlen(s), LT_FORM_AMP);
    cr_assert(lt_form_next(&it, &k, &v));
    uint8_t out[32];
    size_t w;
    cr_assert_eq(lt_pct_decode(out, sizeof out, k.p, k.len, true, &w), LT_OK);
    cr_assert_eq(w, 7);
    cr_assert_eq(memcmp(out, "user_id", 7), 0);
    cr_assert_eq(lt_pct_decode(out, sizeof out, v.p, v.len, true, &w), LT_OK);
    cr_assert_eq(memcmp(out, "a@b.example", w), 0);
    cr_assert(lt_form_next(&it, &k, &v));
    cr_assert_eq(lt_pct_decode(out, sizeof out, v.p, v.len, true, &w), LT_OK);
    cr_assert_eq(memcmp(out, "hiv test", w), 0);
    cr_assert_not(lt_form_next(&it, &k, &v));
    cr_assert_not(lt_form_next(&it, &k, &v));
}

static bool plaus(const char *s, enum lt_form_style st, bool single)
{
    return lt_form_plausible((const uint8_t *)s, strlen(s), st, single);
}

Test(form, plausible_amp)
{
    /* tracker-formats.md §1 seed body, §5 GA hit */
    cr_assert(plaus("crc=375758495&gzip=1&data_list=H4sIAAAAAAAAAJWSXWvbMBSG%2F0qRy26SKrZjN8ZQRm4GvdnFCtugGUKRju2z2JYnHduE0v8%2ByVlpN9hgAiP06HzoPa8fn5ggK9VJoGblTbItil0a50m6ZoQdsDLJiyKPw0rSrYfnwUO2pLA10%2BgIe0VLNpPJMVVbnUFe3ca7pPABLR5Z%2BcSul53te22ND10vQExgHZreX2Q85lnAchje4CTlCc9u6peEDqgxoZMyGl6gBpLYLrDj8tKBH62ZHVh%2Flu2ZUDn%2BsI%2Bi5dlR9LDn3%2BUko6go2POawQQ9%2BfwZjmKQNYgJYfbVB2sGsITg%2FkuCcb%2BHGfdWURxQJ%2FuxkopGC9bDryhNh8uF1xWkfALd4dVHQ3BV%2FHssTlmAXsyoqfFuxUX8ChvAuvHK0m0W6IwVspLsCP7QA83GnsQvQ7%2Fcf7gP5ZS0FpdHfTZaVqZfxqxhQgV%2FNfkanajQOhJanllZydb5FqMNShqiwZWHzWGjR3UKX224d%2Bqwef%2FjrsFpReBopVrsUa16kHbVwTu6a4Sva6ECexnRa5l5nnltTN3CpUxwUFTt6Brxxx%2Bb5be7528%2FAc4qebniAgAA", LT_FORM_AMP, false));
    cr_assert(plaus("v=1&_v=j68&t=pageview&dl=https%3A%2F%2Fwww.example.com%2Fsearch%3Fq%3Dhiv%2Btest&ul=en-us&cid=1602946763.1549335544&tid=UA-12345678-1", LT_FORM_AMP, false));
    cr_assert(plaus("project=default&data=eyJk&ext=crc%3D-1633412295", LT_FORM_AMP, false));
    cr_assert(plaus("a=1&&b=2&", LT_FORM_AMP, false));
    cr_assert(plaus("a=1&flag", LT_FORM_AMP, false));
    cr_assert(plaus("x=https://a.b/c?d&y=1", LT_FORM_AMP, false));
    cr_assert(plaus("ep.user[0]=1&up.$x=2", LT_FORM_AMP, false));
    cr_assert(plaus("data=eyJhIjoxfQ%3D%3D", LT_FORM_AMP, true));
    cr_assert_not(plaus("data=eyJhIjoxfQ%3D%3D", LT_FORM_AMP, false));
    cr_assert(plaus("k=v", LT_FORM_AMP, true));
    cr_assert_not(plaus("k=v&", LT_FORM_AMP, false));

    static const char *neg[] = {
        "", "abc", "&&", "https://x.com/a?b=c", "https://duckduckgo.com/?q=x&t=h_",
        "=v&a=1", "a=1&=2", "a b=1&c=2", "a=hello world&b=2", "a=1\r\nb=2&c=3",
        "{\"a\":\"b=c&d\"}", "eyJhIjoxfQ==", "YWJj=", "a=1&b=\x01",
        "Mozilla/5.0 (X11; Linux x86_64) k=v&a=b",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1&b=2",
        "a=1; b=2",
    };
    for (size_t i = 0; i < sizeof neg / sizeof neg[0]; i++)
        cr_assert_not(plaus(neg[i], LT_FORM_AMP, true), "'%s'", neg[i]);
}

Test(form, plausible_hash2)
{
    cr_assert(plaus("android_id=a1b2c3d4e5f60718##imei=##imei_old=##mac=02:00:00:00:00:00##oaid=", LT_FORM_HASH2, false));
    cr_assert(plaus("a=b c##d=e", LT_FORM_HASH2, false)); /* spaces in values */
    cr_assert_not(plaus("com.android.browser.analytics.SA##track##SA.java##88", LT_FORM_HASH2, false));
    cr_assert_not(plaus("a=1&b=2", LT_FORM_HASH2, true));
    cr_assert_not(plaus("a=1##b", LT_FORM_HASH2, true));
    cr_assert_not(plaus("a=1##b\t=2", LT_FORM_HASH2, true));
    cr_assert_not(plaus("a=\x7f##b=2", LT_FORM_HASH2, true));
}

Test(form, random_text_iterates_within_bounds)
{
    struct tb_rng rng = tb_rng_seed(0xf0);
    for (int i = 0; i < 3000; i++) {
        char s[48];
        size_t n = (size_t)tb_rng_below(&rng, sizeof s);
        for (size_t k = 0; k < n; k++)
            s[k] = "ab=&#%"[tb_rng_below(&rng, 6)];
        for (int st = 0; st < 2; st++) {
            struct lt_form_iter it;
            struct lt_span k, v;
            size_t n_pairs = 0, covered = 0;
            lt_form_iter_init(&it, (const uint8_t *)s, n, (enum lt_form_style)st);
            while (lt_form_next(&it, &k, &v)) {
                cr_assert(k.p >= (const uint8_t *)s && v.p + v.len <= (const uint8_t *)s + n);
                cr_assert(memchr(k.p, '=', k.len) == NULL);
                covered += k.len + v.len;
                cr_assert(++n_pairs <= n);
            }
            cr_assert(covered <= n);
            (void)lt_form_plausible((const uint8_t *)s, n, (enum lt_form_style)st, i & 1);
        }
    }
}
