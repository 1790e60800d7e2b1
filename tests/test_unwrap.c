/* SPDX-License-Identifier: MIT */
/*
 * test_unwrap.c - recursive field decoding: chains, containers vs
 * transforms, budgets (depth, bytes, pieces, ratio), failed trials.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/dec/protobuf.h"
#include "core/dec/unwrap.h"
#include "tb_buf.h"
#include "tb_compress.h"
#include "tb_encode.h"

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
    tb_b64(&b, gz.p, gz.len, false, 0, NULL);
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
    tb_b64(&one, (const uint8_t *)json, strlen(json), false, 0, NULL);
    tb_b64(&two, one.p, one.len, true, 0, NULL);
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
        tb_b64(&next, cur.p, cur.len, false, 0, NULL);
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
    tb_b64(&b, gz.p, gz.len, false, 0, NULL);
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

/* Raw deflate and brotli have no magic: inside base64 they are found by
   trial, and random bytes behind base64 stay a failed trial. */
Test(unwrap, base64_of_raw_deflate_and_brotli)
{
    static const char json[] = "{\"aid\":\"a1b2c3d4e5f60718\",\"v\":1}";
    static const struct { enum tb_codec c; const char *step; } cs[] = {
        { TB_DEFLATE, "deflate" }, { TB_BROTLI, "br" } };
    for (size_t i = 0; i < 2; i++) {
        struct tb_buf z = { 0 }, body = { 0 };
        tb_compress(cs[i].c, json, sizeof json - 1, &z);
        tb_buf_puts(&body, "x=");
        tb_b64(&body, z.p, z.len, true, 0, NULL);
        struct fx f;
        fx_init(&f);
        fx_start(&f);
        run(&f, (const char *)body.p, body.len, LT_HINT_FORM);
        char want[128];
        /* base64url unless the encoding happens to use neither - nor _ */
        snprintf(want, sizeof want, ",%s,json:$.aid\ta1b2c3d4e5f60718\n", cs[i].step);
        cr_expect(has_line(&f, "body,form:x,base64"), "%s", f.log.p);
        cr_expect(has_line(&f, want), "%s", f.log.p);
        fx_fini(&f);
        tb_buf_release(&z);
        tb_buf_release(&body);
    }
    struct tb_rng rng = tb_rng_seed(0x5eed);
    struct tb_buf rnd = { 0 }, body = { 0 };
    for (int i = 0; i < 48; i++)
        tb_buf_u8(&rnd, (uint8_t)tb_rng_next(&rng));
    tb_buf_puts(&body, "x=");
    tb_b64(&body, rnd.p, rnd.len, true, 0, NULL);
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, (const char *)body.p, body.len, LT_HINT_FORM);
    cr_expect_eq(f.n, 1, "only the field itself: %s", f.log.p);
    cr_expect_eq(f.st.decode_steps[LT_STEP_BASE64URL], 0);
    fx_fini(&f);
    tb_buf_release(&rnd);
    tb_buf_release(&body);
}

/* A brotli bomb of zeros is found by trial only, and its output is not
   text, so the trial is not kept; the cap that cut it is still counted
   (issue 7). Likewise zstd (by magic) and gzip. */
Test(unwrap, bomb_of_zeros_in_a_base64_field_counts_its_cap)
{
    static const enum tb_codec codecs[] = { TB_BROTLI, TB_ZSTD, TB_GZIP };
    for (size_t i = 0; i < 3; i++) {
        struct tb_buf z = { 0 }, body = { 0 };
        tb_compress_zeros(codecs[i], 64u << 20, &z);
        tb_buf_puts(&body, "a=1&payload=");
        tb_b64(&body, z.p, z.len, true, 0, NULL);
        tb_buf_puts(&body, "&android_id=a1b2c3d4e5f60718");
        struct fx f;
        fx_init(&f);
        f.lim.max_msg_decoded = 8u << 20;
        fx_start(&f);
        run(&f, (const char *)body.p, body.len, LT_HINT_FORM);
        cr_expect_eq(f.st.ratio_cap + f.st.decoded_cap + f.st.msg_decoded_cap, 1,
                     "codec %zu: ratio %llu decoded %llu msg %llu", i,
                     (unsigned long long)f.st.ratio_cap, (unsigned long long)f.st.decoded_cap,
                     (unsigned long long)f.st.msg_decoded_cap);
        cr_expect(has_line(&f, "body,form:android_id\ta1b2c3d4e5f60718\n"), "%.300s",
                  f.log.p);
        fx_fini(&f);
        tb_buf_release(&z);
        tb_buf_release(&body);
    }
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

/* ---- protobuf (the test's own encoder) ------------------------------- */


Test(unwrap, protobuf_in_gzip_is_split_into_leaves)
{
    /* app-measurement.com/a: gzip(Batch{ 1: Bundle{ 1: 1, 2: Event{...},
       8: "android", 19: adid, 12: -420, fixed64 } }) */
    struct tb_buf ev = { 0 }, bu = { 0 }, top = { 0 }, gz = { 0 };
    tb_pb_str(&ev, 2, "_vs");
    tb_pb_int(&ev, 3, 1588500003000ull);
    tb_pb_int(&bu, 1, 1);
    tb_pb_bytes(&bu, 2, ev.p, ev.len);
    tb_pb_bytes(&bu, 2, ev.p, ev.len);
    tb_pb_str(&bu, 8, "android");
    tb_pb_int(&bu, 12, (uint64_t)(int64_t)-420);
    tb_pb_str(&bu, 19, "38400000-8cf0-11bd-b23e-10b96e40000d");
    tb_pb_varint(&bu, 40 << 3 | 1);
    tb_buf_put(&bu, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    tb_pb_bytes(&top, 1, bu.p, bu.len);
    tb_compress(TB_GZIP, top.p, top.len, &gz);
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    const char *log = run(&f, (const char *)gz.p, gz.len, LT_HINT_FORM);
    char first[64];
    snprintf(first, sizeof first, "body\t<%zu binary bytes>\n", gz.len);
    const char *rest = log + strlen(first);
    cr_expect_eq(strncmp(log, first, strlen(first)), 0, "%s", log);
    cr_expect_str_eq(rest,
                     "body,gzip,protobuf:1.1\t1\n"
                     "body,gzip,protobuf:1.2.2\t_vs\n"
                     "body,gzip,protobuf:1.2.3\t1588500003000\n"
                     "body,gzip,protobuf:1.2.2\t_vs\n"
                     "body,gzip,protobuf:1.2.3\t1588500003000\n"
                     "body,gzip,protobuf:1.8\tandroid\n"
                     "body,gzip,protobuf:1.12\t18446744073709551196\n"
                     "body,gzip,protobuf:1.19\t38400000-8cf0-11bd-b23e-10b96e40000d\n",
                     "%s", log);
    cr_expect_eq(f.st.decode_steps[LT_STEP_GZIP], 1);
    cr_expect_eq(f.st.decode_steps[LT_STEP_PROTOBUF], 1);
    cr_expect_eq(f.st.depth_cap, 0);
    fx_fini(&f);
    tb_buf_release(&ev);
    tb_buf_release(&bu);
    tb_buf_release(&top);
    tb_buf_release(&gz);
}

Test(unwrap, protobuf_string_leaves_decode_further)
{
    static const char json[] = "{\"x\":\"a1b2c3d4e5f60718\"}";
    struct tb_buf enc = { 0 }, in = { 0 }, top = { 0 };
    tb_b64(&enc, (const uint8_t *)json, strlen(json), false, 0, NULL);
    tb_pb_int(&in, 1, 7);
    tb_pb_bytes(&in, 2, enc.p, enc.len);
    tb_pb_bytes(&top, 1, in.p, in.len);
    tb_pb_str(&top, 3, "plain");
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, (const char *)top.p, top.len, LT_HINT_NONE);
    cr_expect(has_line(&f, "body,protobuf:1.2,base64,json:$.x\ta1b2c3d4e5f60718\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "body,protobuf:1.1\t7\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "body,protobuf:3\tplain\n"), "%s", f.log.p);
    cr_expect(!has_line(&f, "body\t"), "%s", f.log.p); /* a container */
    cr_expect_eq(f.n, 4, "%s", f.log.p);
    cr_expect_eq(f.st.decode_steps[LT_STEP_PROTOBUF], 1);
    cr_expect_eq(f.st.decode_steps[LT_STEP_BASE64], 1);
    fx_fini(&f);
    tb_buf_release(&enc);
    tb_buf_release(&in);
    tb_buf_release(&top);
}

Test(unwrap, protobuf_never_taken_from_text)
{
    /* { 1: 40 x 'x', 2: 5 } is well-formed and holds one control byte in
       44: texty, so it stays a text piece */
    struct tb_buf m = { 0 };
    tb_pb_str(&m, 1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    tb_pb_int(&m, 2, 5);
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, (const char *)m.p, m.len, LT_HINT_NONE);
    cr_expect_eq(f.n, 1, "%s", f.log.p);
    cr_expect_eq(f.st.decode_steps[LT_STEP_PROTOBUF], 0);
    /* text that happens to tile into fields: "en-us" (field 12, fixed32) */
    run(&f, "en-us", 5, LT_HINT_NONE);
    cr_expect_str_eq((const char *)f.log.p, "body\ten-us\n");
    cr_expect_eq(f.st.decode_steps[LT_STEP_PROTOBUF], 0);
    fx_fini(&f);
    tb_buf_release(&m);
}

Test(unwrap, protobuf_random_binary_rarely_taken)
{
    struct tb_rng r = tb_rng_seed(0xb175);
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    uint8_t buf[512];
    const int n_cases = 3000;
    for (int i = 0; i < n_cases; i++) {
        size_t n = 16 + tb_rng_below(&r, 497);
        for (size_t k = 0; k < n; k++)
            buf[k] = (uint8_t)tb_rng_next(&r);
        run(&f, (const char *)buf, n, LT_HINT_NONE);
    }
    cr_expect_lt(f.st.decode_steps[LT_STEP_PROTOBUF] * 100, (uint64_t)n_cases,
                 "%llu of %d", (unsigned long long)f.st.decode_steps[LT_STEP_PROTOBUF],
                 n_cases);
    fx_fini(&f);
}

Test(unwrap, protobuf_deep_nesting_is_capped)
{
    struct tb_buf cur = { 0 };
    tb_pb_str(&cur, 3, "core-value");
    tb_pb_int(&cur, 2, 1);
    for (int i = 0; i < 200; i++) {
        struct tb_buf next = { 0 };
        tb_pb_bytes(&next, 1, cur.p, cur.len);
        tb_pb_int(&next, 2, 1);
        tb_buf_release(&cur);
        cur = next;
    }
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, (const char *)cur.p, cur.len, LT_HINT_NONE);
    cr_expect_gt(f.st.depth_cap, 0);
    cr_expect_gt(f.st.decode_steps[LT_STEP_PROTOBUF], 0);
    cr_expect_leq(f.st.decode_steps[LT_STEP_PROTOBUF], f.lim.max_depth);
    fx_fini(&f);
    tb_buf_release(&cur);
}

/* Firebase batchlog: JSON whose logEvent[].sourceExtension is base64 of
   protobuf (notes/tracker-formats.md); hex of protobuf likewise. */
Test(unwrap, protobuf_behind_base64_and_hex)
{
    struct tb_buf inner = { 0 }, msg = { 0 }, enc = { 0 }, doc = { 0 };
    tb_pb_str(&inner, 3, "38400000-8cf0-11bd-b23e-10b96e40000d");
    tb_pb_int(&msg, 1, 1588500003000ull);
    tb_pb_bytes(&msg, 2, inner.p, inner.len);
    tb_pb_str(&msg, 5, "a1b2c3d4e5f60718");
    tb_b64(&enc, msg.p, msg.len, false, 0, NULL);
    tb_buf_puts(&doc, "{\"logEvent\":[{\"eventTimeMs\":1,\"sourceExtension\":\"");
    tb_buf_put(&doc, enc.p, enc.len);
    tb_buf_puts(&doc, "\"}]}");
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, (const char *)doc.p, doc.len, LT_HINT_JSON);
    cr_expect(has_line(&f, "body,json:$.logEvent[0].sourceExtension,base64,protobuf:5\t"
                           "a1b2c3d4e5f60718\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "body,json:$.logEvent[0].sourceExtension,base64,protobuf:2.3\t"
                           "38400000-8cf0-11bd-b23e-10b96e40000d\n"), "%s", f.log.p);
    cr_expect(has_line(&f, "body,json:$.logEvent[0].sourceExtension,base64,protobuf:1\t"
                           "1588500003000\n"), "%s", f.log.p);
    cr_expect_eq(f.st.decode_steps[LT_STEP_BASE64], 1);
    cr_expect_eq(f.st.decode_steps[LT_STEP_PROTOBUF], 1);

    /* the same message in hex, as a form value */
    struct tb_buf form = { 0 };
    tb_buf_puts(&form, "v=1&ext=");
    for (size_t i = 0; i < msg.len; i++)
        tb_buf_printf(&form, "%02x", msg.p[i]);
    run(&f, (const char *)form.p, form.len, LT_HINT_FORM);
    cr_expect(has_line(&f, "body,form:ext,hex,protobuf:5\ta1b2c3d4e5f60718\n"), "%s", f.log.p);
    fx_fini(&f);
    tb_buf_release(&inner);
    tb_buf_release(&msg);
    tb_buf_release(&enc);
    tb_buf_release(&doc);
    tb_buf_release(&form);
}

/* Behind base64 a message must carry a string: numbers alone are what
   random tokens look like when they happen to parse. */
Test(unwrap, protobuf_behind_base64_needs_a_string)
{
    struct tb_buf msg = { 0 }, enc = { 0 };
    tb_pb_int(&msg, 1, 356938035643809ull); /* an IMEI as a number */
    tb_pb_int(&msg, 2, 7);
    tb_pb_int(&msg, 3, 1588500003000ull);
    tb_b64(&enc, msg.p, msg.len, false, 0, NULL);
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    run(&f, (const char *)enc.p, enc.len, LT_HINT_NONE);
    cr_expect_eq(f.n, 1, "only the token itself: %s", f.log.p);
    cr_expect_eq(f.st.decode_steps[LT_STEP_PROTOBUF], 0);
    fx_fini(&f);
    tb_buf_release(&msg);
    tb_buf_release(&enc);
}

/* Random tokens of 8 to 128 bytes in base64: lt_pb_plausible() alone takes
   about one in 1,000 (some 30 here); with the string required, next to
   none. */
Test(unwrap, protobuf_behind_base64_rarely_taken_from_random_tokens)
{
    struct tb_rng r = tb_rng_seed(0x70c3);
    struct fx f;
    fx_init(&f);
    fx_start(&f);
    const int n_cases = 30000;
    int plausible = 0;
    uint64_t taken = 0;
    for (int i = 0; i < n_cases; i++) {
        uint8_t raw[128];
        size_t n = 8 + tb_rng_below(&r, 121);
        for (size_t k = 0; k < n; k++)
            raw[k] = (uint8_t)tb_rng_next(&r);
        plausible += lt_pb_plausible(raw, n);
        struct tb_buf enc = { 0 };
        tb_b64(&enc, raw, n, false, 0, NULL);
        run(&f, (const char *)enc.p, enc.len, LT_HINT_NONE);
        taken = f.st.decode_steps[LT_STEP_PROTOBUF];
        tb_buf_release(&enc);
    }
    cr_expect_gt(plausible, 10, "the test draws plausible messages: %d", plausible);
    cr_expect_leq(taken * 20, (uint64_t)plausible, "%llu taken of %d plausible",
                  (unsigned long long)taken, plausible);
    fx_fini(&f);
}
