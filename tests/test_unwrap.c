/* SPDX-License-Identifier: MIT */
/*
 * test_unwrap.c - recursive field decoding: chains, containers vs
 * transforms, budgets (depth, bytes, pieces, ratio), failed trials.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/dec/unwrap.h"
#include "tb_buf.h"
#include "tb_compress.h"

struct fx {
    struct lt_limits lim;
    struct lt_stats st;
    struct lt_unwrap u;
    struct tb_buf log;   /* one line per piece: chain TAB data */
    int n;
};

static void chain_text(struct tb_buf *b, const struct lt_step *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tb_buf_printf(b, "%s%s", i ? "," : "", lt_step_text(c[i].kind));
        if (lt_step_has_name(c[i].kind)) {
            tb_buf_puts(b, ":");
            tb_buf_put(b, c[i].name.p, c[i].name.len);
        }
    }
}

static void on_piece(void *ud, const struct lt_piece *p)
{
    struct fx *f = ud;
    f->n++;
    chain_text(&f->log, p->chain, p->chain_len);
    tb_buf_puts(&f->log, "\t");
    bool printable = true;
    for (size_t i = 0; i < p->data.len; i++)
        if (p->data.p[i] < 0x20 || p->data.p[i] >= 0x7f)
            printable = false;
    if (printable)
        tb_buf_put(&f->log, p->data.p, p->data.len);
    else
        tb_buf_printf(&f->log, "<%zu binary bytes>", p->data.len);
    tb_buf_puts(&f->log, "\n");
}

static void fx_init(struct fx *f)
{
    memset(f, 0, sizeof *f);
    f->lim = lt_limits_default();
    f->lim.max_msg_decoded = 1u << 20;
}

static void fx_start(struct fx *f)
{
    cr_assert_eq(lt_unwrap_init(&f->u, &f->lim, &f->st), LT_OK);
}

static void fx_fini(struct fx *f)
{
    lt_unwrap_release(&f->u);
    tb_buf_release(&f->log);
}

static const char *run(struct fx *f, const char *data, size_t n,
                       enum lt_hint hint)
{
    struct lt_step body = { LT_STEP_BODY, { NULL, 0 } };
    struct lt_span none = { NULL, 0 };
    f->log.len = 0;
    f->n = 0;
    lt_unwrap_begin(&f->u);
    lt_unwrap_field(&f->u, lt_span_make(data, n), &body, 1, none, hint, none,
                    on_piece, f);
    tb_buf_u8(&f->log, 0);
    f->log.len--;
    return (const char *)f->log.p;
}

static bool has_line(struct fx *f, const char *line)
{
    return strstr((const char *)f->log.p, line) != NULL;
}

/* standard base64 (the test's own encoder) */
static void b64(const uint8_t *p, size_t n, struct tb_buf *out, bool url)
{
    const char *abc = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                          : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n) v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        tb_buf_u8(out, (uint8_t)abc[(v >> 18) & 63]);
        tb_buf_u8(out, (uint8_t)abc[(v >> 12) & 63]);
        tb_buf_u8(out, i + 1 < n ? (uint8_t)abc[(v >> 6) & 63] : '=');
        tb_buf_u8(out, i + 2 < n ? (uint8_t)abc[v & 63] : '=');
    }
}

/* percent-encode everything but unreserved characters (Uri.encode) */
static void pct(const uint8_t *p, size_t n, struct tb_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || strchr("-_.~", c))
            tb_buf_u8(out, c);
        else
            tb_buf_printf(out, "%%%02X", c);
    }
}

Test(unwrap, seed_case_form_base64_gzip_json)
{
    static const char json[] =
        "[{\"distinct_id\":\"a1b2c3d4e5f60718\",\"properties\":{\"$device_id\":"
        "\"a1b2c3d4e5f60718\",\"url\":\"https:\\/\\/duckduckgo.com\\/?q=hiv\","
        "\"$latitude\":48856610}}]";
    struct tb_buf gz = { 0 }, b = { 0 }, body = { 0 };
    tb_compress(TB_GZIP, json, strlen(json), &gz);
    b64(gz.p, gz.len, &b, false);
    tb_buf_puts(&body, "crc=375758495&gzip=1&data_list=");
    pct(b.p, b.len, &body);
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, (const char *)body.p, body.len, LT_HINT_FORM);
    cr_expect(has_line(&f, "body,form:crc\t375758495\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "body,form:data_list,base64,gzip,json:$[0].distinct_id\ta1b2c3d4e5f60718\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "body,form:data_list,base64,gzip,json:$[0].properties.$device_id\ta1b2c3d4e5f60718\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "json:$[0].properties.url\thttps://duckduckgo.com/?q=hiv\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "json:$[0].properties.$latitude\t48856610\n"), "%s", f.log.p);
    /* the form and the JSON are containers: never emitted whole */
    cr_expect(!has_line(&f, "body\tcrc="), "%s", f.log.p);
    cr_expect_eq(f.st.decode_steps[LT_STEP_BASE64], 1);
    cr_expect_eq(f.st.decode_steps[LT_STEP_GZIP], 1);
    cr_expect_eq(f.st.decode_steps[LT_STEP_JSON], 1);
    fx_fini(&f);
    tb_buf_release(&gz);
    tb_buf_release(&b);
    tb_buf_release(&body);
}

Test(unwrap, base64_of_base64_of_json_and_url_safe)
{
    static const char json[] = "{\"adid\":\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\"}";
    struct tb_buf one = { 0 }, two = { 0 };
    b64((const uint8_t *)json, strlen(json), &one, false);
    b64(one.p, one.len, &two, true);
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, (const char *)two.p, two.len, LT_HINT_NONE);
    cr_expect(has_line(&f, "body,base64url,base64,json:$.adid\t3f2504e0-4f89-41d3-9a0c-0305e82c3301\n")
              || has_line(&f, "body,base64,base64,json:$.adid\t3f2504e0-4f89-41d3-9a0c-0305e82c3301\n"),
              "%s", f.log.p);
    /* the encoded layers are emitted too: they are what went over the wire */
    cr_expect(f.n >= 3, "%s", f.log.p);
    fx_fini(&f);
    tb_buf_release(&one);
    tb_buf_release(&two);
}

Test(unwrap, percent_inside_json_and_kv_hash_pairs)
{
    static const char doc[] =
        "{\"u\":\"%7B%22mac%22%3A%2202%3A1a%3A11%3Af0%3Ac3%3A5d%22%7D\","
        "\"$ios_install_source\":\"android_id=a1b2c3d4e5f60718##imei=356938035643809##mac=\"}";
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, doc, strlen(doc), LT_HINT_JSON);
    cr_expect(has_line(&f, "body,json:$.u,percent,json:$.mac\t02:1a:11:f0:c3:5d\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "body,json:$.$ios_install_source,form:imei\t356938035643809\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "body,json:$.$ios_install_source,form:android_id\ta1b2c3d4e5f60718\n"), "%s", f.log.p);
    fx_fini(&f);
}

Test(unwrap, failed_trial_leaves_no_piece)
{
    /* base64-shaped, but decodes to binary noise: only the text itself */
    static const char tok[] = "Zm9vYmFyYmF6cXV4kq2Lm9PZ";
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, tok, strlen(tok), LT_HINT_NONE);
    cr_expect_eq(f.n, 1, "%s", f.log.p);
    cr_expect_str_eq((const char *)f.log.p, "body\tZm9vYmFyYmF6cXV4kq2Lm9PZ\n");
    fx_fini(&f);
}

Test(unwrap, depth_is_capped_and_counted)
{
    /* 24 layers of base64 around a value */
    struct tb_buf cur = { 0 }, next = { 0 };
    tb_buf_puts(&cur, "{\"android_id\":\"a1b2c3d4e5f60718\"}");
    for (int i = 0; i < 24; i++) {
        next.len = 0;
        b64(cur.p, cur.len, &next, false);
        struct tb_buf t = cur;
        cur = next;
        next = t;
    }
    struct fx f;
    fx_init(&f);
    f.lim.max_msg_decoded = 64u << 20;
    fx_start(&f);
    run(&f, (const char *)cur.p, cur.len, LT_HINT_NONE);
    cr_expect_eq(f.n, 9, "max_depth 8: the field and 8 decodings\n%s", f.log.p);
    cr_expect_eq(f.st.depth_cap, 1);
    cr_expect_eq(f.st.decode_steps[LT_STEP_BASE64], 8);
    f.lim.max_depth = 30;
    run(&f, (const char *)cur.p, cur.len, LT_HINT_NONE);
    cr_expect(has_line(&f, "json:$.android_id\ta1b2c3d4e5f60718\n"), "%s", f.log.p);
    fx_fini(&f);
    tb_buf_release(&cur);
    tb_buf_release(&next);
}

Test(unwrap, gzip_bomb_in_a_base64_field_is_cut_by_the_ratio)
{
    /* 64 MiB of 'A' compresses to ~64 KiB: far beyond max_ratio 100 */
    size_t big = 64u << 20;
    char *zeros = malloc(big);
    cr_assert_not_null(zeros);
    memset(zeros, 'A', big);
    struct tb_buf gz = { 0 }, b = { 0 }, body = { 0 };
    tb_compress(TB_GZIP, zeros, big, &gz);
    free(zeros);
    b64(gz.p, gz.len, &b, false);
    tb_buf_puts(&body, "a=1&payload=");
    pct(b.p, b.len, &body);
    tb_buf_puts(&body, "&android_id=a1b2c3d4e5f60718");
    struct fx f;
    fx_init(&f);
    f.lim.max_ratio = 100;
    f.lim.max_msg_decoded = 8u << 20;
    fx_start(&f);
    run(&f, (const char *)body.p, body.len, LT_HINT_FORM);
    cr_expect_eq(f.st.ratio_cap + f.st.decoded_cap + f.st.msg_decoded_cap > 0, 1);
    /* the field after the bomb is still there */
    cr_expect(has_line(&f, "body,form:android_id\ta1b2c3d4e5f60718\n"), "%.300s", f.log.p);
    fx_fini(&f);
    tb_buf_release(&gz);
    tb_buf_release(&b);
    tb_buf_release(&body);
}

Test(unwrap, pieces_budget_is_counted)
{
    struct tb_buf body = { 0 };
    for (int i = 0; i < 500; i++)
        tb_buf_printf(&body, "%sk%d=v%d", i ? "&" : "", i, i);
    struct fx f;
    fx_init(&f);
    f.lim.max_pieces = 100;
    fx_start(&f);
    run(&f, (const char *)body.p, body.len, LT_HINT_FORM);
    cr_expect_eq(f.n, 100);
    cr_expect_eq(f.st.pieces_cap, 1);
    fx_fini(&f);
    tb_buf_release(&body);
}

Test(unwrap, hex_encoded_json_and_zlib)
{
    static const char json[] = "{\"email\":\"alice.martin@example.org\"}";
    struct tb_buf z = { 0 }, hex = { 0 };
    tb_compress(TB_ZLIB, json, strlen(json), &z);
    for (size_t i = 0; i < z.len; i++)
        tb_buf_printf(&hex, "%02x", z.p[i]);
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, (const char *)hex.p, hex.len, LT_HINT_NONE);
    cr_expect(has_line(&f, "body,hex,zlib,json:$.email\talice.martin@example.org\n"), "%s", f.log.p);
    fx_fini(&f);
    tb_buf_release(&z);
    tb_buf_release(&hex);
}

Test(unwrap, multipart_parts_by_name)
{
    static const char body[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\n"
        "Content-Type: application/json\r\n\r\n{\"imei\":\"356938035643809\"}\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--XyZ--\r\n";
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, body, strlen(body), LT_HINT_NONE);
    cr_expect(has_line(&f, "body,multipart:meta,json:$.imei\t356938035643809\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "body,multipart:note\thello\n"), "%s", f.log.p);
    fx_fini(&f);
}
