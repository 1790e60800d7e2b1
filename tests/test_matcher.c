/* SPDX-License-Identifier: MIT */
/*
 * test_matcher.c - manifest identifiers to literals (variants, hashes,
 * location ladder, phone forms) and the whole-token scan (core/match).
 * Expected digests were computed with coreutils (`printf %s v | md5sum`).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/alloc.h"
#include "core/match/matcher.h"
#include "core/match/matcher_int.h"
#include "tb_buf.h"

/* ---- helpers -------------------------------------------------------------- */

struct fx {
    struct lt_manifest m;
    struct lt_matcher *mt;
};

static void fx_build(struct fx *f, const char *json)
{
    char msg[256];
    enum lt_err e = lt_manifest_load_mem(&f->m, json, strlen(json), "t.json", msg, sizeof msg,
                                         NULL, NULL);
    cr_assert_eq(e, LT_OK, "manifest: %s", msg);
    e = lt_matcher_build(&f->m, &f->mt, msg, sizeof msg);
    cr_assert_eq(e, LT_OK, "build: %s", msg);
    cr_assert_not_null(f->mt);
}

static void fx_release(struct fx *f)
{
    lt_matcher_free(f->mt);
    lt_manifest_release(&f->m);
}

/* One device with the identifiers object ids (JSON text). */
static void fx_one(struct fx *f, const char *ids)
{
    struct tb_buf b = { 0 };
    tb_buf_printf(&b, "{\"devices\":[{\"id\":\"d\",\"identifiers\":{%s}}]}", ids);
    tb_buf_u8(&b, 0);
    fx_build(f, (const char *)b.p);
    tb_buf_release(&b);
}

static bool is_hash_variant(const char *v)
{
    return strstr(v, "md5") || strstr(v, "sha");
}

/* "variant=text\n" for every non-hash pattern of key (and coord), in
   literal order (= generation order for a single identifier). */
static char *base_list(const struct lt_matcher *mt, const char *key, uint8_t coord)
{
    struct tb_buf b = { 0 };
    for (uint32_t i = 0; i < lt_matcher_n_literals(mt); i++) {
        const struct lt_literal *l = lt_matcher_literal(mt, i);
        for (uint32_t k = 0; k < l->count; k++) {
            const struct lt_pattern *p = lt_matcher_pattern(mt, l->first + k);
            if (strcmp(p->key, key) != 0 || p->coord != coord || is_hash_variant(p->variant))
                continue;
            tb_buf_printf(&b, "%s=%.*s\n", p->variant, (int)l->len, (const char *)l->text);
        }
    }
    tb_buf_u8(&b, 0);
    return (char *)b.p;
}

/* The text of the literal carrying (device, key, variant), or NULL. */
static char *find_text(const struct lt_matcher *mt, uint32_t dev, const char *key,
                       const char *variant)
{
    for (uint32_t i = 0; i < lt_matcher_n_literals(mt); i++) {
        const struct lt_literal *l = lt_matcher_literal(mt, i);
        for (uint32_t k = 0; k < l->count; k++) {
            const struct lt_pattern *p = lt_matcher_pattern(mt, l->first + k);
            if (p->device == dev && strcmp(p->key, key) == 0 &&
                strcmp(p->variant, variant) == 0) {
                static char out[4][256];
                static int slot;
                char *o = out[slot++ & 3];
                snprintf(o, 256, "%.*s", (int)l->len, (const char *)l->text);
                return o;
            }
        }
    }
    return NULL;
}

static void expect_text(const struct lt_matcher *mt, const char *key, const char *variant,
                        const char *want)
{
    const char *got = find_text(mt, 0, key, variant);
    cr_assert_not_null(got, "%s: no variant %s", key, variant);
    cr_assert_str_eq(got, want, "%s %s", key, variant);
}

struct hit {
    uint32_t lit;
    size_t from, to;
};

struct hits {
    struct hit h[4096];
    size_t n;
};

static void on_hit(void *ud, uint32_t lit, size_t from, size_t to)
{
    struct hits *hs = ud;
    if (hs->n < sizeof hs->h / sizeof hs->h[0])
        hs->h[hs->n++] = (struct hit){ lit, from, to };
}

static void scan(const struct lt_matcher *mt, const char *text, size_t n, struct hits *out)
{
    struct lt_match_scratch *s = lt_match_scratch_new(mt);
    cr_assert_not_null(s);
    out->n = 0;
    cr_assert_eq(lt_matcher_scan(mt, s, (const uint8_t *)text, n, on_hit, out), LT_OK);
    lt_match_scratch_free(s);
}

/* Is there a hit at [from, to) whose literal has a pattern (key, variant)? */
static bool hit_at(const struct lt_matcher *mt, const struct hits *hs, size_t from, size_t to,
                   const char *key, const char *variant)
{
    for (size_t i = 0; i < hs->n; i++) {
        if (hs->h[i].from != from || hs->h[i].to != to)
            continue;
        const struct lt_literal *l = lt_matcher_literal(mt, hs->h[i].lit);
        for (uint32_t k = 0; k < l->count; k++) {
            const struct lt_pattern *p = lt_matcher_pattern(mt, l->first + k);
            if (strcmp(p->key, key) == 0 && (!variant || strcmp(p->variant, variant) == 0))
                return true;
        }
    }
    return false;
}

/* ---- variants per key ----------------------------------------------------- */

Test(matcher, android_id_variants_and_hashes)
{
    struct fx f;
    fx_one(&f, "\"android_id\":\"A1B2C3D4E5F60718\"");
    char *l = base_list(f.mt, "android_id", 0);
    cr_assert_str_eq(l, "exact=a1b2c3d4e5f60718\nupper=A1B2C3D4E5F60718\n");
    free(l);
    const struct lt_pattern *p = lt_matcher_pattern(f.mt, 0);
    cr_assert_str_eq(p->kind, "android_id");
    cr_assert_str_eq(p->key, "android_id");
    cr_assert_eq(p->device, 0);
    cr_assert_eq(p->coord, 0);
    expect_text(f.mt, "android_id", "md5", "6d7e9146fdc6416658b5e148489e7172");
    expect_text(f.mt, "android_id", "md5-upper", "6D7E9146FDC6416658B5E148489E7172");
    expect_text(f.mt, "android_id", "base64(md5)", "bX6RRv3GQWZYteFISJ5xcg");
    expect_text(f.mt, "android_id", "sha1", "63b642923568a42f9247afc1768ea95c72a4d588");
    expect_text(f.mt, "android_id", "sha256",
                "b82efc46c073d9d8f6dfd0ad738a7074df7789847dd8f041c62e96000323260c");
    expect_text(f.mt, "android_id", "sha512",
                "2cdd41733a81658ccb3c716fe414fdeb034ed8e7bf1c5b5b8c436fca66f12fab"
                "a7f44b88a6ef24de38b2e7123bcdb81ef01a41fe4aad513951bbccbe6ad82a22");
    expect_text(f.mt, "android_id", "md5(upper)", "648994dca06ee4e3a3914a3d2f40ca58");
    expect_text(f.mt, "android_id", "md5(sha1)", "c829b1a7009103ae736e142cdcd6621b");
    expect_text(f.mt, "android_id", "md5(sha1)-upper", "C829B1A7009103AE736E142CDCD6621B");
    expect_text(f.mt, "android_id", "sha1(md5)", "a062a58ba51681acc0275bba35b5e459e9c6e1a8");
    expect_text(f.mt, "android_id", "md5(md5)", "0bb47a6a37d0bb3fc4dc32a07b84804b");
    expect_text(f.mt, "android_id", "sha256(sha256)",
                "999ee5d0d0ae7d89dea857f3eed3b60dc2342040343d3d035fd2adba8127b809");
    /* 2 base variants x 12 hash forms, + 4 two-level x 2 cases */
    cr_assert_eq(lt_matcher_n_literals(f.mt), 2 + 24 + 8);
    cr_assert_eq(lt_matcher_n_patterns(f.mt), 2 + 24 + 8);
    for (uint32_t i = 0; i < lt_matcher_n_literals(f.mt); i++) {
        const struct lt_literal *lit = lt_matcher_literal(f.mt, i);
        const struct lt_pattern *q = lt_matcher_pattern(f.mt, lit->first);
        uint8_t want = strncmp(q->variant, "base64(", 7) == 0 ? LT_BOUND_B64 : LT_BOUND_HEX;
        cr_assert_eq(lit->bound, want, "%s", q->variant);
    }
    fx_release(&f);
}

Test(matcher, adid_variants)
{
    struct fx f;
    fx_one(&f, "\"adid\":\"3F2504E04F8941D39A0C0305E82C3301\"");
    char *l = base_list(f.mt, "adid", 0);
    cr_assert_str_eq(l, "exact=3f2504e0-4f89-41d3-9a0c-0305e82c3301\n"
                        "upper=3F2504E0-4F89-41D3-9A0C-0305E82C3301\n"
                        "nosep=3f2504e04f8941d39a0c0305e82c3301\n"
                        "nosep-upper=3F2504E04F8941D39A0C0305E82C3301\n");
    free(l);
    fx_release(&f);
    /* a 64-hex OAID has no dashes: nosep would repeat exact */
    fx_one(&f, "\"adid\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"");
    l = base_list(f.mt, "adid", 0);
    cr_assert_str_eq(l, "exact=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
                        "upper=0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n");
    free(l);
    fx_release(&f);
}

Test(matcher, imei_imsi_iccid_meid_variants)
{
    struct fx f;
    fx_one(&f, "\"imei\":[\"35-693803-564380-9\", 356938035643817],"
               "\"imsi\":\"208150123456789\",\"iccid\":\"8933150319012345678\","
               "\"meid\":\"A10000009296F2\"");
    char *l = base_list(f.mt, "imei", 0);
    cr_assert_str_eq(l, "exact=356938035643809\ntruncated=35693803564380\n"
                        "exact=356938035643817\ntruncated=35693803564381\n");
    free(l);
    l = base_list(f.mt, "imsi", 0);
    cr_assert_str_eq(l, "exact=208150123456789\n");
    free(l);
    l = base_list(f.mt, "iccid", 0);
    cr_assert_str_eq(l, "exact=8933150319012345678\ntruncated=893315031901234567\n");
    free(l);
    l = base_list(f.mt, "meid", 0);
    cr_assert_str_eq(l, "exact=a10000009296f2\nupper=A10000009296F2\n");
    free(l);
    expect_text(f.mt, "imei", "md5", "af2d48f2495881aed1737bb21017f9b6");
    fx_release(&f);
}

static const char mac_forms[] = "exact=02:1a:11:f0:c3:5d\n"
                                "upper=02:1A:11:F0:C3:5D\n"
                                "dashed=02-1a-11-f0-c3-5d\n"
                                "dashed-upper=02-1A-11-F0-C3-5D\n"
                                "dotted=021a.11f0.c35d\n"
                                "dotted-upper=021A.11F0.C35D\n"
                                "percent=02%3A1a%3A11%3Af0%3Ac3%3A5d\n"
                                "percent-upper=02%3A1A%3A11%3AF0%3AC3%3A5D\n"
                                "nosep=021a11f0c35d\n"
                                "nosep-upper=021A11F0C35D\n";

Test(matcher, mac_ten_forms_from_any_spelling)
{
    static const char *inputs[] = { "02:1A:11:F0:C3:5D", "02-1a-11-f0-c3-5d", "021a.11f0.c35d",
                                    "021A11F0C35D", " 02:1a:11:f0:c3:5d " };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        struct fx f;
        char ids[128];
        snprintf(ids, sizeof ids, "\"mac\":\"%s\",\"bssid\":\"%s\"", inputs[i], inputs[i]);
        fx_one(&f, ids);
        char *l = base_list(f.mt, "mac", 0);
        cr_assert_str_eq(l, mac_forms, "input %s", inputs[i]);
        free(l);
        l = base_list(f.mt, "bssid", 0);
        cr_assert_str_eq(l, mac_forms, "input %s", inputs[i]);
        free(l);
        expect_text(f.mt, "mac", "md5", "df17499d401c248b06d79555c1ad953b");
        /* mac and bssid share every literal: two patterns each */
        cr_assert_eq(lt_matcher_n_patterns(f.mt), 2 * lt_matcher_n_literals(f.mt));
        const struct lt_literal *lit = lt_matcher_literal(f.mt, 0);
        cr_assert_str_eq(lt_matcher_pattern(f.mt, lit->first)->kind, "mac");
        cr_assert_str_eq(lt_matcher_pattern(f.mt, lit->first + 1)->kind, "bssid");
        fx_release(&f);
    }
}

Test(matcher, malformed_mac_is_matched_as_given)
{
    struct fx f;
    fx_one(&f, "\"mac\":\"02:1a:11:f0:c3\"");
    char *l = base_list(f.mt, "mac", 0);
    cr_assert_str_eq(l, "exact=02:1a:11:f0:c3\nupper=02:1A:11:F0:C3\n");
    free(l);
    fx_release(&f);
}

Test(matcher, email_lower_only)
{
    struct fx f;
    fx_one(&f, "\"email\":\" Alice.Martin@Example.org\"");
    char *l = base_list(f.mt, "email", 0);
    cr_assert_str_eq(l, "exact=alice.martin@example.org\n");
    free(l);
    expect_text(f.mt, "email", "md5", "6cbcc4cc9622be15e40c4cbf79ecc70f");
    fx_release(&f);
}

Test(matcher, phone_variants)
{
    struct fx f;
    fx_one(&f, "\"phone\":\"+33612345678\"");
    char *l = base_list(f.mt, "phone", 0);
    static const char fr[] = "exact=+33612345678\n00=0033612345678\nnosep=33612345678\n"
                             "national=0612345678\nspaced=+33 6 12 34 56 78\n"
                             "dashed=+33-6-12-34-56-78\n";
    cr_assert_str_eq(l, fr);
    free(l);
    fx_release(&f);
    /* the same number written differently normalises to the same forms */
    static const char *same[] = { "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78", "0033612345678",
                                  "+33-6-12-34-56-78", "(+33) 6.12.34.56.78" };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        char ids[128];
        snprintf(ids, sizeof ids, "\"phone\":\"%s\"", same[i]);
        fx_one(&f, ids);
        l = base_list(f.mt, "phone", 0);
        cr_assert_str_eq(l, fr, "input %s", same[i]);
        free(l);
        fx_release(&f);
    }
    fx_one(&f, "\"phone\":\"+1 (202) 555-0123\"");
    l = base_list(f.mt, "phone", 0);
    cr_assert_str_eq(l, "exact=+12025550123\n00=0012025550123\nnosep=12025550123\n"
                        "national=2025550123\nspaced=+1 202 555 0123\n"
                        "dashed=+1-202-555-0123\n");
    free(l);
    fx_release(&f);
    /* a national number (no country code) is only its digits; letters make
       it a plain value */
    fx_one(&f, "\"phone\":[\"06 12 34 56 78\", \"call me\"]");
    l = base_list(f.mt, "phone", 0);
    cr_assert_str_eq(l, "exact=0612345678\nexact=call me\nupper=CALL ME\n");
    free(l);
    fx_release(&f);
}

Test(matcher, location_ladder)
{
    struct fx f;
    fx_one(&f, "\"location\":{\"lat\":48.85661,\"lon\":2.35222}");
    char *l = base_list(f.mt, "location", 'a');
    cr_assert_str_eq(l, "exact=48.85661\ntruncated=48.8\nrounded=48.9\ntruncated=48.85\n"
                        "rounded=48.86\ntruncated=48.856\nrounded=48.857\ntruncated=48.8566\n"
                        "scaled=48856610\nscaled=488566100\n");
    free(l);
    l = base_list(f.mt, "location", 'o');
    cr_assert_str_eq(l, "exact=2.35222\ntruncated=2.35\n"
                        "truncated=2.352\ntruncated=2.3522\nscaled=2352220\nscaled=23522200\n");
    free(l);
    /* "2.3" (truncated) and "2.4" (rounded) are 3 bytes: left out */
    cr_assert_eq(lt_matcher_n_skipped(f.mt), 2, "%u", lt_matcher_n_skipped(f.mt));
    const struct lt_literal *lit = lt_matcher_literal(f.mt, 0);
    const struct lt_pattern *p = lt_matcher_pattern(f.mt, lit->first);
    cr_assert_str_eq(p->kind, "location");
    cr_assert_eq(lit->bound, LT_BOUND_DIGIT);
    /* locations are not hashed */
    for (uint32_t i = 0; i < lt_matcher_n_patterns(f.mt); i++)
        cr_assert(!is_hash_variant(lt_matcher_pattern(f.mt, i)->variant));
    fx_release(&f);
}

Test(matcher, location_negative_carry_and_many_decimals)
{
    struct fx f;
    fx_one(&f, "\"location\":{\"lat\":9.96,\"lon\":-0.12784512}");
    char *l = base_list(f.mt, "location", 'a');
    cr_assert_str_eq(l, "exact=9.96\nrounded=10.0\nscaled=9960000\n"
                        "scaled=99600000\n");
    free(l);
    l = base_list(f.mt, "location", 'o');
    cr_assert_str_eq(l, "exact=-0.12784512\ntruncated=-0.1\ntruncated=-0.12\nrounded=-0.13\n"
                        "truncated=-0.127\nrounded=-0.128\ntruncated=-0.1278\n"
                        "truncated=-0.12784\nrounded=-0.12785\ntruncated=-0.127845\n"
                        "scaled=-127845\nscaled=-1278451\n");
    free(l);
    fx_release(&f);
    /* integers: no decimals are invented; a cut or scaled value of 0 is
       left out ("-1" is then dropped as too short) */
    fx_one(&f, "\"location\":{\"lat\":-45,\"lon\":-0.0000001}");
    l = base_list(f.mt, "location", 'a');
    cr_assert_str_eq(l, "scaled=-45000000\nscaled=-450000000\n");
    free(l);
    l = base_list(f.mt, "location", 'o');
    cr_assert_str_eq(l, "exact=-0.0000001\n");
    free(l);
    fx_release(&f);
}

Test(matcher, custom_and_plain_keys)
{
    struct fx f;
    fx_one(&f, "\"nickname\":\"alicem\",\"serial\":\"R58M12ABCDE\",\"ssid\":\"Home WiFi\","
               "\"name\":\"Alice Martin\",\"pin\":\"ab\"");
    char *l = base_list(f.mt, "nickname", 0);
    cr_assert_str_eq(l, "exact=alicem\nupper=ALICEM\n");
    free(l);
    l = base_list(f.mt, "serial", 0);
    cr_assert_str_eq(l, "exact=R58M12ABCDE\nlower=r58m12abcde\n");
    free(l);
    l = base_list(f.mt, "ssid", 0);
    cr_assert_str_eq(l, "exact=Home WiFi\nlower=home wifi\nupper=HOME WIFI\n");
    free(l);
    l = base_list(f.mt, "name", 0);
    cr_assert_str_eq(l, "exact=Alice Martin\nlower=alice martin\nupper=ALICE MARTIN\n");
    free(l);
    /* "ab" and "AB" are too short; their hashes are not */
    l = base_list(f.mt, "pin", 0);
    cr_assert_str_eq(l, "");
    free(l);
    cr_assert_eq(lt_matcher_n_skipped(f.mt), 2);
    cr_assert_not_null(find_text(f.mt, 0, "pin", "md5"));
    for (uint32_t i = 0; i < lt_matcher_n_patterns(f.mt); i++) {
        const struct lt_pattern *p = lt_matcher_pattern(f.mt, i);
        if (strcmp(p->key, "nickname") == 0)
            cr_assert_str_eq(p->kind, "custom:nickname");
        if (strcmp(p->key, "ssid") == 0)
            cr_assert_str_eq(p->kind, "ssid");
    }
    fx_release(&f);
}

Test(matcher, classify_and_bounds)
{
    cr_assert_eq(lt__match_classify((const uint8_t *)"+33-6", 5), LT_BOUND_DIGIT);
    cr_assert_eq(lt__match_classify((const uint8_t *)"-2.35", 5), LT_BOUND_DIGIT);
    cr_assert_eq(lt__match_classify((const uint8_t *)"a1b2", 4), LT_BOUND_HEX);
    cr_assert_eq(lt__match_classify((const uint8_t *)"+33 6", 5), LT_BOUND_ALNUM);
    cr_assert_eq(lt__match_classify((const uint8_t *)"....", 4), LT_BOUND_ALNUM);
    const uint8_t *t = (const uint8_t *)"x48.8.5 48.8.y 1.48.8";
    cr_assert(!lt__match_bound_ok(LT_BOUND_DIGIT, t, 21, 1, 5)); /* ".5" follows */
    cr_assert(lt__match_bound_ok(LT_BOUND_DIGIT, t, 21, 8, 12)); /* "." then 'y' */
    cr_assert(!lt__match_bound_ok(LT_BOUND_DIGIT, t, 21, 17, 21)); /* '.' before */
    cr_assert(lt__match_bound_ok(LT_BOUND_DIGIT, t, 4, 0, 4));
    const uint8_t *b = (const uint8_t *)"=QUJD==";
    cr_assert(lt__match_bound_ok(LT_BOUND_B64, b, 7, 1, 5)); /* "h=" before, padding after */
    cr_assert(!lt__match_bound_ok(LT_BOUND_B64, b, 7, 1, 4)); /* 'D' after */
    cr_assert(lt__match_bound_ok(LT_BOUND_B64, b + 1, 6, 0, 4)); /* padding after */
    cr_assert(!lt__match_bound_ok(LT_BOUND_B64, (const uint8_t *)"xQUJD", 5, 1, 5));
    cr_assert(lt__match_bound_ok(LT_BOUND_HEX, (const uint8_t *)"%3Dab12", 7, 3, 7));
    cr_assert(!lt__match_bound_ok(LT_BOUND_HEX, (const uint8_t *)"%3ab12", 6, 2, 6));
}

/* ---- scanning ------------------------------------------------------------- */

static const char spec_ids[] =
    "\"android_id\":\"a1b2c3d4e5f60718\","
    "\"adid\":[\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\"],"
    "\"imei\":[\"356938035643809\",\"356938035643817\"],"
    "\"mac\":\"02:1a:11:f0:c3:5d\","
    "\"email\":\"alice.martin@example.org\","
    "\"phone\":\"+33612345678\","
    "\"location\":{\"lat\":48.85661,\"lon\":2.35222},"
    "\"nickname\":\"alicem\"";

Test(matcher, scan_finds_each_variant_at_its_offsets)
{
    struct fx f;
    fx_one(&f, spec_ids);
    uint32_t n_lits = lt_matcher_n_literals(f.mt);
    size_t *at = malloc(n_lits * sizeof *at);
    struct tb_buf b = { 0 };
    /* every base variant and every hash form of every identifier, each in
       its own JSON field */
    tb_buf_puts(&b, "POST /t HTTP/1.1\r\nHost: x\r\n\r\n{");
    for (uint32_t i = 0; i < n_lits; i++) {
        const struct lt_literal *l = lt_matcher_literal(f.mt, i);
        tb_buf_puts(&b, "\"k\":\"");
        at[i] = b.len;
        tb_buf_put(&b, l->text, l->len);
        tb_buf_puts(&b, "\",");
    }
    tb_buf_puts(&b, "}");
    struct hits *hs = malloc(sizeof *hs);
    scan(f.mt, (const char *)b.p, b.len, hs);
    for (uint32_t i = 0; i < n_lits; i++) {
        const struct lt_literal *l = lt_matcher_literal(f.mt, i);
        const struct lt_pattern *p = lt_matcher_pattern(f.mt, l->first);
        cr_assert(hit_at(f.mt, hs, at[i], at[i] + l->len, p->key, p->variant), "%s %s", p->key,
                  p->variant);
    }
    /* one more: "33612345678" (nosep) is a whole number inside
       "+33612345678" too, as '+' is not a digit */
    cr_assert_eq(hs->n, n_lits + 1);
    const char *nosep = find_text(f.mt, 0, "phone", "nosep");
    const char *e164 = find_text(f.mt, 0, "phone", "exact");
    for (uint32_t i = 0; i < n_lits; i++)
        if (lt_matcher_literal(f.mt, i)->len == strlen(e164) &&
            memcmp(lt_matcher_literal(f.mt, i)->text, e164, strlen(e164)) == 0)
            cr_assert(hit_at(f.mt, hs, at[i] + 1, at[i] + 1 + strlen(nosep), "phone", "nosep"));
    for (size_t i = 1; i < hs->n; i++)
        cr_assert_leq(hs->h[i - 1].to, hs->h[i].to);
    free(hs);
    free(at);
    tb_buf_release(&b);
    fx_release(&f);
}

Test(matcher, scan_whole_tokens_only)
{
    struct fx f;
    fx_one(&f, spec_ids);
    struct hits *hs = malloc(sizeof *hs);
    /* IMEI inside a 16-digit number; its 14-digit truncation inside it */
    const char *t = "imeisv=3569380356438091&x=1356938035643809";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 0);
    t = "imei=356938035643809&t=35693803564380;";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 2);
    cr_assert(hit_at(f.mt, hs, 5, 20, "imei", "exact"));
    cr_assert(hit_at(f.mt, hs, 23, 37, "imei", "truncated"));
    /* android id inside a longer hex string, and upper case in a word */
    t = "id=a1b2c3d4e5f607189 id=0a1b2c3d4e5f60718 x=A1B2C3D4E5F60718F";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 0);
    t = "{\"id\":\"a1b2c3d4e5f60718\",\"ID\":\"A1B2C3D4E5F60718\"}";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 2);
    cr_assert(hit_at(f.mt, hs, 7, 23, "android_id", "exact"));
    cr_assert(hit_at(f.mt, hs, 31, 47, "android_id", "upper"));
    /* "48.8" is not inside "48.85" (which is itself a truncation) */
    t = "lat=48.85&lat=48.8&lat=148.8&lat=48.8.1&lat=48.81";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 2);
    cr_assert(hit_at(f.mt, hs, 4, 9, "location", "truncated"));
    cr_assert(hit_at(f.mt, hs, 14, 18, "location", "truncated"));
    /* letters around an ALNUM literal; e-mail and MAC delimited by symbols */
    t = "xalicem alicemx alicem; <alice.martin@example.org> [02:1a:11:f0:c3:5d]";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 3);
    cr_assert(hit_at(f.mt, hs, 16, 22, "nickname", "exact"));
    cr_assert(hit_at(f.mt, hs, 25, 49, "email", "exact"));
    cr_assert(hit_at(f.mt, hs, 52, 69, "mac", "exact"));
    free(hs);
    fx_release(&f);
}

Test(matcher, scan_percent_forms_and_base64_padding)
{
    struct fx f;
    fx_one(&f, spec_ids);
    struct hits *hs = malloc(sizeof *hs);
    /* a URL-encoded JSON value: the MAC's percent form follows "%22" */
    const char *t = "d=%7B%22m%22%3A%2202%3A1a%3A11%3Af0%3Ac3%3A5d%22%7D";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 1);
    cr_assert(hit_at(f.mt, hs, 18, 45, "mac", "percent"));
    /* the android id after "%3D" (an encoded '='), but not after "x3D" */
    t = "q=a%3Da1b2c3d4e5f60718&r=x3Da1b2c3d4e5f60718";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 1);
    cr_assert(hit_at(f.mt, hs, 6, 22, "android_id", "exact"));
    /* base64 digest, padded or not; not inside a longer base64 token */
    t = "h=bX6RRv3GQWZYteFISJ5xcg==&h=bX6RRv3GQWZYteFISJ5xcg&h=AbX6RRv3GQWZYteFISJ5xcg "
        "h=bX6RRv3GQWZYteFISJ5xcg/";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 2);
    cr_assert(hit_at(f.mt, hs, 2, 24, "android_id", "base64(md5)"));
    cr_assert(hit_at(f.mt, hs, 29, 51, "android_id", "base64(md5)"));
    /* phone forms */
    t = "tel=+33612345678, n=0033612345678, s=\"+33 6 12 34 56 78\", x=+336123456789";
    scan(f.mt, t, strlen(t), hs);
    cr_assert(hit_at(f.mt, hs, 4, 16, "phone", "exact"));
    cr_assert(hit_at(f.mt, hs, 20, 33, "phone", "00"));
    cr_assert(hit_at(f.mt, hs, 38, 55, "phone", "spaced"));
    /* "33612345678" right after '+' is also a whole number: reported too */
    cr_assert(hit_at(f.mt, hs, 5, 16, "phone", "nosep"));
    cr_assert_eq(hs->n, 4);
    free(hs);
    fx_release(&f);
}

/* Digests are found by looking up hex and base64 tokens, not by
   Vectorscan: same whole-token rule, same ids, still in end order. */
Test(matcher, digests_by_token_lookup)
{
    struct fx f;
    fx_one(&f, "\"android_id\":\"a1b2c3d4e5f60718\"");
    /* which literals went to the hash table: exactly the digest shapes */
    uint32_t want = 0;
    for (uint32_t i = 0; i < lt_matcher_n_literals(f.mt); i++) {
        const struct lt_literal *l = lt_matcher_literal(f.mt, i);
        bool hex = l->bound == LT_BOUND_HEX &&
                   (l->len == 32 || l->len == 40 || l->len == 64 || l->len == 128);
        bool b64 = l->bound == LT_BOUND_B64 &&
                   (l->len == 22 || l->len == 27 || l->len == 43 || l->len == 86);
        want += hex || b64;
    }
    cr_assert_gt(want, 0);
    cr_assert_eq(lt_matcher_n_hashed(f.mt), want);
    cr_assert_lt(lt_matcher_n_hashed(f.mt), lt_matcher_n_literals(f.mt));
    cr_assert_gt(lt_matcher_hash_bytes(f.mt), 2 * want * sizeof(uint32_t));
    struct hits *hs = malloc(sizeof *hs);
    const char *md5 = "6d7e9146fdc6416658b5e148489e7172";
    const char *sha1md5 = "a062a58ba51681acc0275bba35b5e459e9c6e1a8";
    struct tb_buf b = { 0 };
    /* inside longer hex (either side), as a whole token after a letter
       that is not hex, after "%3D" (the escape ends in hex: the run is 34
       long), upper case, interleaved with plain variants: ends ordered */
    tb_buf_printf(&b, "0%s %sf g%s/%%3D%s,a1b2c3d4e5f60718;%s:A1B2C3D4E5F60718 %s", md5, md5,
                  md5, md5, sha1md5, "6D7E9146FDC6416658B5E148489E7172");
    scan(f.mt, (const char *)b.p, b.len, hs);
    cr_assert_eq(hs->n, 6);
    size_t at = 1 + 32 + 1 + 33 + 1;
    cr_assert(hit_at(f.mt, hs, at + 1, at + 33, "android_id", "md5"));
    at += 33 + 4;
    cr_assert(hit_at(f.mt, hs, at, at + 32, "android_id", "md5"));
    at += 33;
    cr_assert(hit_at(f.mt, hs, at, at + 16, "android_id", "exact"));
    at += 17;
    cr_assert(hit_at(f.mt, hs, at, at + 40, "android_id", "sha1(md5)"));
    at += 41;
    cr_assert(hit_at(f.mt, hs, at, at + 16, "android_id", "upper"));
    at += 17;
    cr_assert(hit_at(f.mt, hs, at, at + 32, "android_id", "md5-upper"));
    for (size_t i = 1; i < hs->n; i++)
        cr_assert_lt(hs->h[i - 1].to, hs->h[i].to);
    /* a digest-length hex run that is no digest, a 31- and 33-char run */
    const char *t = "00000000000000000000000000000000 6d7e9146fdc6416658b5e148489e717 "
                    "6d7e9146fdc6416658b5e148489e71720";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 0);
    /* base64 inside a longer base64 run with '-' or '_' (URL alphabet) */
    t = "-bX6RRv3GQWZYteFISJ5xcg bX6RRv3GQWZYteFISJ5xcg_ %3DbX6RRv3GQWZYteFISJ5xcg%3D%3D";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 1);
    cr_assert(hit_at(f.mt, hs, 51, 73, "android_id", "base64(md5)"));
    tb_buf_release(&b);
    free(hs);
    fx_release(&f);
}

/* A value too short for its own literal still has digests: the matcher is
   then a hash table only, with no Vectorscan database. */
Test(matcher, digests_only_matcher)
{
    struct fx f;
    fx_one(&f, "\"pin\":\"42\"");
    cr_assert_eq(lt_matcher_n_skipped(f.mt), 1);
    cr_assert_gt(lt_matcher_n_literals(f.mt), 0);
    cr_assert_eq(lt_matcher_n_hashed(f.mt), lt_matcher_n_literals(f.mt));
    cr_assert_eq(lt_matcher_db_bytes(f.mt), 0);
    /* md5("42") */
    const char *t = "x=a1d0c6e83f027327d8461063f4ac58a6&y=1";
    struct hits *hs = malloc(sizeof *hs);
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 1);
    cr_assert(hit_at(f.mt, hs, 2, 34, "pin", "md5"));
    cr_assert_eq(lt_matcher_scan(f.mt, NULL, (const uint8_t *)t, strlen(t), on_hit, hs),
                 LT_E_MALFORMED);
    hs->n = 0;
    struct lt_match_scratch *s = lt_match_scratch_new(f.mt);
    cr_assert_not_null(s);
    cr_assert_eq(lt__matcher_scan_window(f.mt, s, (const uint8_t *)t, strlen(t), 1, on_hit, hs),
                 LT_OK);
    cr_assert_eq(hs->n, 1);
    lt_match_scratch_free(s);
    free(hs);
    fx_release(&f);
}

Test(matcher, shared_value_is_one_literal_with_both_patterns)
{
    struct fx f;
    fx_build(&f, "{\"devices\":["
                 "{\"id\":\"a\",\"identifiers\":{\"imei\":\"356938035643809\"}},"
                 "{\"id\":\"b\",\"identifiers\":{\"imsi\":\"208150123456789\","
                 "\"imei\":[\"356938035643809\",\"356938035643809\"]}}]}");
    /* imei: 2 + 24 + 8 literals, imsi: 1 + 12 + 8 */
    cr_assert_eq(lt_matcher_n_literals(f.mt), 34 + 21);
    /* the repeated value of device b is one pattern per literal */
    cr_assert_eq(lt_matcher_n_patterns(f.mt), 34 * 2 + 21);
    struct hits *hs = malloc(sizeof *hs);
    const char *t = "imei=356938035643809";
    scan(f.mt, t, strlen(t), hs);
    cr_assert_eq(hs->n, 1);
    const struct lt_literal *l = lt_matcher_literal(f.mt, hs->h[0].lit);
    cr_assert_eq(l->count, 2);
    const struct lt_pattern *p0 = lt_matcher_pattern(f.mt, l->first);
    const struct lt_pattern *p1 = lt_matcher_pattern(f.mt, l->first + 1);
    cr_assert_eq(p0->device, 0);
    cr_assert_eq(p1->device, 1);
    cr_assert_str_eq(p0->variant, "exact");
    cr_assert_str_eq(p1->variant, "exact");
    cr_assert_str_eq(p1->kind, "imei");
    cr_assert_null(lt_matcher_literal(f.mt, lt_matcher_n_literals(f.mt)));
    cr_assert_null(lt_matcher_pattern(f.mt, lt_matcher_n_patterns(f.mt)));
    free(hs);
    fx_release(&f);
}

Test(matcher, no_identifiers_matches_nothing)
{
    static const char *manifests[] = {
        "{\"devices\":[]}",
        "{\"devices\":[{\"id\":\"a\"},{\"id\":\"b\",\"identifiers\":{}}]}",
        "{\"devices\":[{\"id\":\"a\",\"identifiers\":{\"imei\":[]}}]}",
    };
    for (size_t i = 0; i < 3; i++) {
        struct fx f;
        fx_build(&f, manifests[i]);
        cr_assert_eq(lt_matcher_n_literals(f.mt), 0);
        cr_assert_eq(lt_matcher_db_bytes(f.mt), 0);
        cr_assert_null(lt_matcher_literal(f.mt, 0));
        struct lt_match_scratch *s = lt_match_scratch_new(f.mt);
        cr_assert_not_null(s);
        struct hits hs = { .n = 0 };
        cr_assert_eq(lt_matcher_scan(f.mt, s, (const uint8_t *)"abc", 3, on_hit, &hs), LT_OK);
        cr_assert_eq(lt_matcher_scan(f.mt, NULL, (const uint8_t *)"abc", 3, on_hit, &hs), LT_OK);
        cr_assert_eq(hs.n, 0);
        lt_match_scratch_free(s);
        fx_release(&f);
    }
    lt_matcher_free(NULL);
    lt_match_scratch_free(NULL);
    cr_assert_null(lt_match_scratch_new(NULL));
}

Test(matcher, scan_without_scratch_is_an_error)
{
    struct fx f;
    fx_one(&f, spec_ids);
    struct hits hs = { .n = 0 };
    cr_assert_eq(lt_matcher_scan(f.mt, NULL, (const uint8_t *)"alicem", 6, on_hit, &hs),
                 LT_E_MALFORMED);
    cr_assert_eq(hs.n, 0);
    /* an empty buffer needs nothing */
    cr_assert_eq(lt_matcher_scan(f.mt, NULL, (const uint8_t *)"", 0, on_hit, &hs), LT_OK);
    fx_release(&f);
}

/* Random text with planted literals: Vectorscan + boundary == brute force,
   whole buffer == any window size (windows overlap by max_len - 1). */
static size_t brute(const struct lt_matcher *mt, const uint8_t *p, size_t n, struct hit *out,
                    size_t cap)
{
    size_t k = 0;
    for (size_t end = 1; end <= n; end++)
        for (uint32_t i = 0; i < lt_matcher_n_literals(mt); i++) {
            const struct lt_literal *l = lt_matcher_literal(mt, i);
            if (l->len > end || memcmp(p + end - l->len, l->text, l->len) != 0)
                continue;
            if (!lt__match_bound_ok(l->bound, p, n, end - l->len, end))
                continue;
            cr_assert_lt(k, cap);
            out[k++] = (struct hit){ i, end - l->len, end };
        }
    return k;
}

static int cmp_hit(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->to != y->to)
        return x->to < y->to ? -1 : 1;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return (x->lit > y->lit) - (x->lit < y->lit);
}

/* Field by field: struct padding is not part of a hit. */
static bool same_hits(const struct hit *a, const struct hit *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].lit != b[i].lit || a[i].from != b[i].from || a[i].to != b[i].to)
            return false;
    return true;
}

Test(matcher, scan_agrees_with_brute_force_and_windows)
{
    struct fx f;
    fx_one(&f, spec_ids);
    struct tb_rng rng = tb_rng_seed(0x5eed);
    struct hits *a = malloc(sizeof *a), *w = malloc(sizeof *w);
    struct hit *ref = malloc(4096 * sizeof *ref);
    static const char noise[] = "0123456789abcdefABCDEF.-+:%3A=\"&, x/_";
    struct lt_match_scratch *s = lt_match_scratch_new(f.mt);
    for (int iter = 0; iter < 150; iter++) {
        struct tb_buf b = { 0 };
        size_t parts = 1 + tb_rng_below(&rng, 12);
        for (size_t k = 0; k < parts; k++) {
            size_t nn = tb_rng_below(&rng, 6);
            for (size_t j = 0; j < nn; j++)
                tb_buf_u8(&b, (uint8_t)noise[tb_rng_below(&rng, sizeof noise - 1)]);
            const struct lt_literal *l =
                lt_matcher_literal(f.mt, (uint32_t)tb_rng_below(&rng, lt_matcher_n_literals(f.mt)));
            tb_buf_put(&b, l->text, l->len);
        }
        a->n = 0;
        cr_assert_eq(lt_matcher_scan(f.mt, s, b.p, b.len, on_hit, a), LT_OK);
        size_t nref = brute(f.mt, b.p, b.len, ref, 4096);
        qsort(ref, nref, sizeof *ref, cmp_hit);
        qsort(a->h, a->n, sizeof a->h[0], cmp_hit);
        cr_assert_eq(a->n, nref, "iter %d seed 0x5eed", iter);
        cr_assert(same_hits(a->h, ref, nref), "iter %d", iter);
        size_t win = 1 + tb_rng_below(&rng, b.len + 8);
        w->n = 0;
        cr_assert_eq(lt__matcher_scan_window(f.mt, s, b.p, b.len, win, on_hit, w), LT_OK);
        qsort(w->h, w->n, sizeof w->h[0], cmp_hit);
        cr_assert_eq(w->n, nref, "iter %d window %zu", iter, win);
        cr_assert(same_hits(w->h, ref, nref), "iter %d window %zu", iter, win);
        tb_buf_release(&b);
    }
    lt_match_scratch_free(s);
    free(a);
    free(w);
    free(ref);
    fx_release(&f);
}

struct thr {
    const struct lt_matcher *mt;
    const uint8_t *p;
    size_t n;
    size_t n_hits;
    uint64_t sum;
    int ok;
};

static void on_thr_hit(void *ud, uint32_t lit, size_t from, size_t to)
{
    struct thr *t = ud;
    t->n_hits++;
    t->sum = t->sum * 31 + lit * 7 + from * 3 + to;
}

static void *thr_main(void *arg)
{
    struct thr *t = arg;
    struct lt_match_scratch *s = lt_match_scratch_new(t->mt);
    t->ok = s != NULL;
    for (int i = 0; t->ok && i < 50; i++) {
        t->n_hits = 0;
        t->sum = 0;
        t->ok = lt_matcher_scan(t->mt, s, t->p, t->n, on_thr_hit, t) == LT_OK;
    }
    lt_match_scratch_free(s);
    return NULL;
}

Test(matcher, scratch_per_thread)
{
    struct fx f;
    fx_one(&f, spec_ids);
    struct tb_buf b = { 0 };
    for (int i = 0; i < 200; i++)
        tb_buf_printf(&b, "{\"a\":\"a1b2c3d4e5f60718\",\"lat\":48.857,\"n\":%d,\"m\":\"021a11f0c35d\"}",
                      i);
    struct thr t[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        t[i] = (struct thr){ f.mt, b.p, b.len, 0, 0, 0 };
        cr_assert_eq(pthread_create(&th[i], NULL, thr_main, &t[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        cr_assert(t[i].ok);
        cr_assert_eq(t[i].n_hits, 600);
        cr_assert_eq(t[i].sum, t[0].sum);
    }
    tb_buf_release(&b);
    fx_release(&f);
}

/* ---- allocation failure --------------------------------------------------- */

static long alloc_budget;
static void *fail_malloc(size_t n) { return alloc_budget-- > 0 ? malloc(n) : NULL; }
static void *fail_realloc(void *p, size_t n) { return alloc_budget-- > 0 ? realloc(p, n) : NULL; }

Test(matcher, allocation_failure_is_nomem)
{
    struct lt_manifest m;
    char msg[256];
    const char *json = "{\"devices\":[{\"id\":\"a\",\"identifiers\":{\"mac\":\"02:1a:11:f0:c3:5d\","
                       "\"phone\":\"+33612345678\",\"k\":\"value\"}},"
                       "{\"id\":\"b\",\"identifiers\":{\"location\":{\"lat\":1.5,\"lon\":2.25}}}]}";
    cr_assert_eq(lt_manifest_load_mem(&m, json, strlen(json), "t", msg, sizeof msg, NULL, NULL),
                 LT_OK);
    struct lt_alloc_hooks h = { fail_malloc, fail_realloc, free };
    bool done = false;
    for (long budget = 0; !done && budget < 100000; budget += budget < 64 ? 1 : 7) {
        struct lt_matcher *mt = (struct lt_matcher *)1;
        alloc_budget = budget;
        lt_alloc_set_hooks(&h);
        enum lt_err e = lt_matcher_build(&m, &mt, msg, sizeof msg);
        lt_alloc_set_hooks(NULL);
        if (e == LT_OK) {
            cr_assert_not_null(mt);
            done = true;
            lt_matcher_free(mt);
            continue;
        }
        cr_assert_eq(e, LT_E_NOMEM, "budget %ld: %s", budget, lt_err_str(e));
        cr_assert_null(mt);
        cr_assert_str_eq(msg, "matcher: out of memory");
    }
    cr_assert(done);
    lt_manifest_release(&m);
}
