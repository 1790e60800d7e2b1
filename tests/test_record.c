/* SPDX-License-Identifier: MIT */
/* test_record.c - leak records as JSON lines (core/out/record.h, SPEC §4). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/alloc.h"
#include "core/out/record.h"
#include "tb_buf.h"
#include "tb_jsonw_ref.h"

#define BIG ((size_t)1 << 24)

static const uint8_t ip_src[4] = { 192, 168, 1, 23 }, ip_dst[4] = { 47, 74, 10, 2 };

static struct lt_step chain5[5];

/* The SPEC §4 example record. */
static struct lt_record example(void)
{
    chain5[0] = (struct lt_step){ LT_STEP_BODY, { NULL, 0 } };
    chain5[1] = (struct lt_step){ LT_STEP_FORM, lt_span_cstr("data_list") };
    chain5[2] = (struct lt_step){ LT_STEP_BASE64, { NULL, 0 } };
    chain5[3] = (struct lt_step){ LT_STEP_GZIP, { NULL, 0 } };
    chain5[4] = (struct lt_step){ LT_STEP_JSON, lt_span_cstr("$[0].properties.url") };
    struct lt_record r = {
        .ts_ns = 1588500000123456000,
        .device = lt_span_cstr("redmi-note8-01"),
        .capture = lt_span_cstr("redmi-note8-01/s1.pcap"),
        .frame = 117,
        .has_flow = true,
        .ip_version = 4,
        .src_ip = ip_src,
        .dest_ip = ip_dst,
        .src_port = 40211,
        .dest_port = 80,
        .proto = "tcp",
        .app = lt_span_cstr("com.mi.globalbrowser"),
        .host = lt_span_cstr("sa.api.intl.miui.com"),
        .method = lt_span_cstr("POST"),
        .url = lt_span_cstr("http://sa.api.intl.miui.com/sa?project=production"),
        .kind = "browsing_url",
        .detector = "browsing",
        .key = { NULL, 0 },
        .variant = "exact",
        .chain = chain5,
        .chain_len = 5,
        .value = lt_span_cstr("https://duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_"),
    };
    return r;
}

static const char example_line[] =
    "{\"ts\":\"2020-05-03T10:00:00.123456Z\",\"device\":\"redmi-note8-01\","
    "\"capture\":\"redmi-note8-01/s1.pcap\",\"frame\":117,\"src_ip\":\"192.168.1.23\","
    "\"src_port\":40211,\"dest_ip\":\"47.74.10.2\",\"dest_port\":80,\"proto\":\"tcp\","
    "\"app\":\"com.mi.globalbrowser\",\"host\":\"sa.api.intl.miui.com\","
    "\"method\":\"POST\",\"url\":\"http://sa.api.intl.miui.com/sa?project=production\","
    "\"kind\":\"browsing_url\",\"detector\":\"browsing\",\"key\":null,\"variant\":\"exact\","
    "\"chain\":[\"body\",\"form:data_list\",\"base64\",\"gzip\",\"json:$[0].properties.url\"],"
    "\"value\":\"https://duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_\"}\n";

/* Write r, check it is exactly one line, parse it. */
static json_t *write_parse(const struct lt_record *r, enum lt_values_mode m)
{
    struct lt_buf b;
    lt_buf_init(&b, BIG);
    cr_assert_eq(lt_record_write(&b, r, m), LT_OK);
    cr_assert(b.len > 0 && b.p[b.len - 1] == '\n');
    cr_assert(memchr(b.p, '\n', b.len) == b.p + b.len - 1, "one line");
    json_error_t err;
    json_t *j = json_loadb((const char *)b.p, b.len, JSON_ALLOW_NUL, &err);
    cr_assert(j, "jansson: %s in %.*s", err.text, (int)b.len, (const char *)b.p);
    cr_assert(json_is_object(j));
    lt_buf_release(&b);
    return j;
}

/* j[name] is the string the reader must see for raw bytes s. */
static void expect_str(json_t *j, const char *name, struct lt_span s)
{
    json_t *v = json_object_get(j, name);
    cr_assert(json_is_string(v), "%s", name);
    struct tb_buf d = { 0 };
    tb_json_ref_decode(&d, s.p, s.len);
    cr_assert_eq(json_string_length(v), d.len, "%s", name);
    cr_assert(d.len == 0 || memcmp(json_string_value(v), d.p, d.len) == 0, "%s", name);
    tb_buf_release(&d);
}

static void expect_cstr(json_t *j, const char *name, const char *want)
{
    json_t *v = json_object_get(j, name);
    cr_assert(json_is_string(v), "%s", name);
    cr_assert_str_eq(json_string_value(v), want, "%s", name);
}

static void expect_int(json_t *j, const char *name, json_int_t want)
{
    json_t *v = json_object_get(j, name);
    cr_assert(json_is_integer(v), "%s", name);
    cr_assert_eq(json_integer_value(v), want, "%s", name);
}

Test(record, spec_example_is_byte_exact)
{
    struct lt_record r = example();
    struct lt_buf b;
    lt_buf_init(&b, BIG);
    cr_assert_eq(lt_record_write(&b, &r, LT_VALUES_PLAIN), LT_OK);
    cr_assert_eq(b.len, strlen(example_line), "%.*s", (int)b.len, (const char *)b.p);
    cr_assert(memcmp(b.p, example_line, b.len) == 0, "%.*s", (int)b.len, (const char *)b.p);
    /* appends: a second record follows the first */
    cr_assert_eq(lt_record_write(&b, &r, LT_VALUES_PLAIN), LT_OK);
    cr_assert_eq(b.len, 2 * strlen(example_line));
    cr_assert(memcmp(b.p + b.len / 2, example_line, b.len / 2) == 0);
    lt_buf_release(&b);
}

Test(record, every_field_reads_back)
{
    struct lt_record r = example();
    json_t *j = write_parse(&r, LT_VALUES_PLAIN);
    expect_cstr(j, "ts", "2020-05-03T10:00:00.123456Z");
    expect_str(j, "device", r.device);
    expect_str(j, "capture", r.capture);
    expect_int(j, "frame", 117);
    expect_cstr(j, "src_ip", "192.168.1.23");
    expect_int(j, "src_port", 40211);
    expect_cstr(j, "dest_ip", "47.74.10.2");
    expect_int(j, "dest_port", 80);
    expect_cstr(j, "proto", "tcp");
    expect_str(j, "app", r.app);
    expect_str(j, "host", r.host);
    expect_str(j, "method", r.method);
    expect_str(j, "url", r.url);
    expect_cstr(j, "kind", "browsing_url");
    expect_cstr(j, "detector", "browsing");
    cr_assert(json_is_null(json_object_get(j, "key")));
    expect_cstr(j, "variant", "exact");
    json_t *c = json_object_get(j, "chain");
    cr_assert(json_is_array(c));
    cr_assert_eq(json_array_size(c), 5);
    static const char *const want[] = { "body", "form:data_list", "base64", "gzip",
                                        "json:$[0].properties.url" };
    for (size_t k = 0; k < 5; k++)
        cr_assert_str_eq(json_string_value(json_array_get(c, k)), want[k]);
    expect_str(j, "value", r.value);
    cr_assert_eq(json_object_size(j), 19);
    json_decref(j);
}

Test(record, hostile_bytes_in_every_string_field)
{
    static const char nasty[] = "a\"b\\c\n\r\t\x01\x7f\xc3\xa9\xff\xc0\xaf\xed\xa0\x80</script>\0z";
    const struct lt_span s = lt_span_make(nasty, sizeof nasty - 1);
    struct lt_step ch[3] = {
        { LT_STEP_HEADER, s },
        { LT_STEP_PROTOBUF, { (const uint8_t *)"", 0 } },
        { LT_STEP_JSON, s },
    };
    struct lt_record r = example();
    r.device = r.capture = r.app = r.host = r.method = r.url = r.key = r.value = s;
    r.kind = "custom:n\"ick";
    r.chain = ch;
    r.chain_len = 3;
    json_t *j = write_parse(&r, LT_VALUES_PLAIN);
    static const char *const f[] = { "device", "capture", "app", "host",
                                     "method", "url", "key", "value" };
    for (size_t k = 0; k < 8; k++)
        expect_str(j, f[k], s);
    expect_cstr(j, "kind", "custom:n\"ick");
    json_t *c = json_object_get(j, "chain");
    cr_assert_eq(json_array_size(c), 3);
    const char *const pre[3] = { "header:", "protobuf:", "json:" };
    for (size_t k = 0; k < 3; k++) {
        struct tb_buf w = { 0 };
        tb_buf_puts(&w, pre[k]);
        tb_json_ref_decode(&w, ch[k].name.p, ch[k].name.len);
        json_t *e = json_array_get(c, k);
        cr_assert_eq(json_string_length(e), w.len);
        cr_assert(memcmp(json_string_value(e), w.p, w.len) == 0);
        tb_buf_release(&w);
    }
    json_decref(j);
}

Test(record, chain_names_only_on_named_steps)
{
    /* an unnamed step ignores any name it carries; an empty chain is [] */
    struct lt_step ch[2] = { { LT_STEP_GZIP, lt_span_cstr("ignored") },
                             { LT_STEP_COOKIE, { NULL, 0 } } };
    struct lt_record r = example();
    r.chain = ch;
    r.chain_len = 2;
    json_t *j = write_parse(&r, LT_VALUES_PLAIN);
    json_t *c = json_object_get(j, "chain");
    cr_assert_str_eq(json_string_value(json_array_get(c, 0)), "gzip");
    cr_assert_str_eq(json_string_value(json_array_get(c, 1)), "cookie:");
    json_decref(j);
    r.chain = NULL;
    r.chain_len = 0;
    j = write_parse(&r, LT_VALUES_PLAIN);
    c = json_object_get(j, "chain");
    cr_assert(json_is_array(c));
    cr_assert_eq(json_array_size(c), 0);
    json_decref(j);
}

Test(record, values_modes)
{
    struct lt_record r = example();
    r.value = lt_span_cstr("abc");
    json_t *j = write_parse(&r, LT_VALUES_PLAIN);
    expect_cstr(j, "value", "abc");
    json_decref(j);
    j = write_parse(&r, LT_VALUES_HASH);
    expect_cstr(j, "value",
                "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    json_decref(j);
    j = write_parse(&r, LT_VALUES_OMIT);
    cr_assert_null(json_object_get(j, "value"));
    cr_assert_eq(json_object_size(j), 18);
    json_decref(j);
    /* the hash is of the raw bytes, invalid UTF-8 included */
    r.value = lt_span_make("", 0);
    j = write_parse(&r, LT_VALUES_HASH);
    expect_cstr(j, "value",
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    json_decref(j);
    r.value = lt_span_make("\xff\x00", 2);
    j = write_parse(&r, LT_VALUES_HASH);
    expect_cstr(j, "value",
                "sha256:ea5dbf9596d187e9500f23e9a680109475341cf4e81f7e043f7d97152c10772f");
    json_decref(j);
}

Test(record, flowless_record_has_no_flow_fields)
{
    struct lt_record r = example();
    r.has_flow = false;
    r.src_ip = r.dest_ip = NULL;
    r.proto = NULL;
    json_t *j = write_parse(&r, LT_VALUES_PLAIN);
    static const char *const gone[] = { "src_ip", "src_port", "dest_ip", "dest_port",
                                        "proto" };
    for (size_t k = 0; k < 5; k++)
        cr_assert_null(json_object_get(j, gone[k]), "%s", gone[k]);
    cr_assert_eq(json_object_size(j), 14);
    expect_int(j, "frame", 117);
    json_decref(j);
}

Test(record, optional_fields_absent_and_key_variants)
{
    struct lt_record r = example();
    r.app = lt_span_make(NULL, 0);
    r.method = lt_span_make(NULL, 0);
    r.url = lt_span_make("", 0);
    r.key = lt_span_cstr("android_id");
    json_t *j = write_parse(&r, LT_VALUES_PLAIN);
    cr_assert_null(json_object_get(j, "app"));
    cr_assert_null(json_object_get(j, "method"));
    cr_assert_null(json_object_get(j, "url"));
    expect_cstr(j, "key", "android_id");
    expect_cstr(j, "host", "sa.api.intl.miui.com");
    json_decref(j);
    /* an empty but present key is "", not null; an empty host is "" */
    r.key = lt_span_make("", 0);
    r.host = lt_span_make(NULL, 0);
    j = write_parse(&r, LT_VALUES_PLAIN);
    expect_cstr(j, "key", "");
    expect_cstr(j, "host", "");
    json_decref(j);
}

Test(record, field_order_is_fixed)
{
    struct lt_record r = example();
    r.key = lt_span_cstr("k");
    struct lt_buf b;
    lt_buf_init(&b, BIG);
    cr_assert_eq(lt_record_write(&b, &r, LT_VALUES_HASH), LT_OK);
    static const char *const order[] = {
        "{\"ts\":", ",\"device\":", ",\"capture\":", ",\"frame\":", ",\"src_ip\":",
        ",\"src_port\":", ",\"dest_ip\":", ",\"dest_port\":", ",\"proto\":", ",\"app\":",
        ",\"host\":", ",\"method\":", ",\"url\":", ",\"kind\":", ",\"detector\":",
        ",\"key\":", ",\"variant\":", ",\"chain\":", ",\"value\":",
    };
    const char *at = (const char *)b.p;
    cr_assert(b.len < BIG);
    b.p[b.len - 1] = '\0'; /* the newline: make it a C string */
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        const char *f = strstr(at, order[k]);
        cr_assert(f, "%s after %s", order[k], at);
        at = f + strlen(order[k]);
    }
    lt_buf_release(&b);
}

static void ip6_case(const char *text_in, const char *want)
{
    uint8_t a[16];
    cr_assert_eq(inet_pton(AF_INET6, text_in, a), 1, "%s", text_in);
    struct lt_record r = example();
    r.ip_version = 6;
    r.src_ip = a;
    r.dest_ip = a;
    json_t *j = write_parse(&r, LT_VALUES_OMIT);
    expect_cstr(j, "src_ip", want);
    expect_cstr(j, "dest_ip", want);
    json_decref(j);
}

Test(record, ipv6_rfc5952_text)
{
    ip6_case("2001:db8::1", "2001:db8::1");
    ip6_case("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
    ip6_case("::", "::");
    ip6_case("::1", "::1");
    ip6_case("1::", "1::");
    ip6_case("1:0:0:0:0:0:0:0", "1::");
    ip6_case("0:0:0:0:0:0:0:1", "::1");
    ip6_case("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"); /* one zero group */
    ip6_case("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");    /* tie: first */
    ip6_case("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");          /* longest */
    ip6_case("0:0:1:0:0:0:1:0", "0:0:1::1:0");
    ip6_case("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0");
    ip6_case("FE80::ABCD:EF01", "fe80::abcd:ef01");
    ip6_case("fe80:0:0:0:0200:5eff:fe00:5301", "fe80::200:5eff:fe00:5301");
    ip6_case("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
    ip6_case("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
             "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    ip6_case("::ffff:192.0.2.1", "::ffff:192.0.2.1");
    ip6_case("::ffff:0.0.0.0", "::ffff:0.0.0.0");
    ip6_case("::ffff:1:2", "::ffff:0.1.0.2");
    ip6_case("::fffe:c000:201", "::fffe:c000:201");           /* not mapped */
    ip6_case("::c000:201", "::c000:201");                     /* compat: hex */
    ip6_case("1::ffff:c000:201", "1::ffff:c000:201");
}

Test(record, ipv6_matches_inet_ntop_on_random_addresses)
{
    struct tb_rng rng = tb_rng_seed(0x1b6);
    for (int i = 0; i < 20000; i++) {
        uint8_t a[16];
        for (int k = 0; k < 8; k++) {
            /* mostly zero groups, so runs of every length and place occur */
            uint16_t g = tb_rng_below(&rng, 3) ? 0 : (uint16_t)tb_rng_next(&rng);
            if (g && tb_rng_below(&rng, 2))
                g &= 0xf;
            a[2 * k] = (uint8_t)(g >> 8);
            a[2 * k + 1] = (uint8_t)g;
        }
        if (i % 50 == 0)
            memcpy(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
        char want[INET6_ADDRSTRLEN];
        cr_assert(inet_ntop(AF_INET6, a, want, sizeof want));
        /* glibc writes ::a.b.c.d for the deprecated IPv4-compatible form
           (RFC 5952 only asks it for mapped addresses): skip those */
        static const uint8_t z12[12];
        if (memcmp(a, z12, 12) == 0 && (a[12] | a[13]))
            continue;
        struct lt_record r = example();
        r.ip_version = 6;
        r.src_ip = r.dest_ip = a;
        json_t *j = write_parse(&r, LT_VALUES_OMIT);
        expect_cstr(j, "src_ip", want);
        json_decref(j);
    }
}

Test(record, ipv4_text)
{
    struct tb_rng rng = tb_rng_seed(0x4);
    for (int i = 0; i < 3000; i++) {
        uint8_t a[4];
        for (int k = 0; k < 4; k++) {
            uint64_t r = tb_rng_below(&rng, 5);
            a[k] = r == 0 ? 0 : r == 1 ? 255 : r == 2 ? 9 : r == 3 ? 10 : (uint8_t)tb_rng_next(&rng);
        }
        char want[INET_ADDRSTRLEN];
        cr_assert(inet_ntop(AF_INET, a, want, sizeof want));
        struct lt_record r = example();
        r.src_ip = a;
        json_t *j = write_parse(&r, LT_VALUES_OMIT);
        expect_cstr(j, "src_ip", want);
        expect_cstr(j, "dest_ip", "47.74.10.2");
        json_decref(j);
    }
}

Test(record, bad_ip_version_is_null_not_a_crash)
{
    struct lt_record r = example();
    r.ip_version = 5;
    json_t *j = write_parse(&r, LT_VALUES_PLAIN);
    cr_assert(json_is_null(json_object_get(j, "src_ip")));
    cr_assert(json_is_null(json_object_get(j, "dest_ip")));
    json_decref(j);
}

static void ts_case(int64_t ns, const char *want)
{
    char out[28];
    memset(out, 'X', sizeof out);
    lt_record_ts(ns, out);
    cr_assert_str_eq(out, want, "ts %lld", (long long)ns);
}

Test(record, timestamps_known_instants)
{
    ts_case(0, "1970-01-01T00:00:00.000000Z");
    ts_case(1588500000123456000, "2020-05-03T10:00:00.123456Z");
    ts_case(1588500000123456999, "2020-05-03T10:00:00.123456Z"); /* truncated */
    ts_case(-1, "1969-12-31T23:59:59.999999Z");
    ts_case(-1000, "1969-12-31T23:59:59.999999Z");
    ts_case(-1001, "1969-12-31T23:59:59.999998Z");
    ts_case(-1000000000, "1969-12-31T23:59:59.000000Z");
    ts_case(-86400000000000, "1969-12-31T00:00:00.000000Z");
    ts_case(-2203891200000000000, "1900-03-01T00:00:00.000000Z");
    ts_case(-2203891200000000001, "1900-02-28T23:59:59.999999Z"); /* 1900: no leap */
    ts_case(951827696000000000, "2000-02-29T12:34:56.000000Z");  /* 2000: leap */
    ts_case(4107542400000000000, "2100-03-01T00:00:00.000000Z");
    ts_case(4107542399999999999, "2100-02-28T23:59:59.999999Z"); /* 2100: no leap */
    ts_case(INT64_MAX, "2262-04-11T23:47:16.854775Z");
    ts_case(INT64_MIN, "1677-09-21T00:12:43.145224Z");
}

Test(record, timestamps_match_gmtime_on_random_instants)
{
    struct tb_rng rng = tb_rng_seed(0x7);
    for (int i = 0; i < 100000; i++) {
        int64_t ns = (int64_t)tb_rng_next(&rng);
        if (i % 2)
            ns /= (int64_t)1 << tb_rng_below(&rng, 40);
        int64_t sec = ns / 1000000000, frac = ns % 1000000000;
        if (frac < 0)
            frac += 1000000000, sec--;
        time_t t = (time_t)sec;
        struct tm tm;
        cr_assert(gmtime_r(&t, &tm));
        char want[64];
        snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec, (long long)(frac / 1000));
        ts_case(ns, want);
    }
}

Test(record, written_whole_or_not_at_all)
{
    struct lt_record r = example();
    r.value = lt_span_cstr("v\xff\x01\"");
    for (int m = 0; m < 3; m++) {
        struct lt_buf full;
        lt_buf_init(&full, BIG);
        cr_assert_eq(lt_record_write(&full, &r, (enum lt_values_mode)m), LT_OK);
        for (size_t max = 5; max <= 5 + full.len; max++) {
            struct lt_buf b;
            lt_buf_init(&b, max);
            cr_assert_eq(lt_buf_append(&b, "prev\n", 5), LT_OK);
            enum lt_err e = lt_record_write(&b, &r, (enum lt_values_mode)m);
            if (max == 5 + full.len) {
                cr_assert_eq(e, LT_OK, "max %zu", max);
                cr_assert_eq(b.len, 5 + full.len);
                cr_assert(memcmp(b.p + 5, full.p, full.len) == 0);
            } else {
                cr_assert_eq(e, LT_E_LIMIT, "mode %d max %zu", m, max);
                cr_assert_eq(b.len, 5, "mode %d max %zu", m, max);
            }
            cr_assert(memcmp(b.p, "prev\n", 5) == 0);
            lt_buf_release(&b);
        }
        lt_buf_release(&full);
    }
}

static int fail_after;
static void *count_malloc(size_t n) { return fail_after-- > 0 ? malloc(n) : NULL; }
static void *count_realloc(void *p, size_t n)
{
    return fail_after-- > 0 ? realloc(p, n) : NULL;
}

Test(record, allocation_failure_is_nomem_and_restores)
{
    static const struct lt_alloc_hooks h = { count_malloc, count_realloc, free };
    struct lt_record r = example();
    struct tb_buf big = { 0 };
    for (int k = 0; k < 5000; k++)
        tb_buf_puts(&big, "long value ");
    r.value = lt_span_make(big.p, big.len);
    struct lt_buf b;
    lt_buf_init(&b, BIG);
    cr_assert_eq(lt_buf_append(&b, "x", 1), LT_OK); /* 256 bytes allocated */
    lt_alloc_set_hooks(&h);
    fail_after = 0;
    cr_assert_eq(lt_record_write(&b, &r, LT_VALUES_PLAIN), LT_E_NOMEM);
    cr_assert_eq(b.len, 1);
    fail_after = 1 << 20;
    cr_assert_eq(lt_record_write(&b, &r, LT_VALUES_PLAIN), LT_OK);
    lt_alloc_set_hooks(NULL);
    cr_assert(b.len > big.len);
    lt_buf_release(&b);
    tb_buf_release(&big);
}

Test(record, random_records_parse_and_read_back)
{
    struct tb_rng rng = tb_rng_seed(0x5eed);
    for (int i = 0; i < 500; i++) {
        struct tb_buf pool = { 0 };
        for (int k = 0; k < 512; k++)
            tb_buf_u8(&pool, tb_rng_below(&rng, 4) ? (uint8_t)(0x20 + tb_rng_below(&rng, 0x5f))
                                                  : (uint8_t)tb_rng_next(&rng));
        struct lt_span f[10];
        for (int k = 0; k < 10; k++) {
            size_t off = (size_t)tb_rng_below(&rng, 256);
            f[k] = lt_span_make(pool.p + off, (size_t)tb_rng_below(&rng, 256));
        }
        struct lt_step ch[LT_CHAIN_MAX];
        size_t n_ch = (size_t)tb_rng_below(&rng, 8);
        for (size_t k = 0; k < n_ch; k++) {
            ch[k].kind = (enum lt_step_kind)tb_rng_below(&rng, LT_STEP__COUNT);
            ch[k].name = f[(k + 7) % 10];
        }
        uint8_t a[16], d[16];
        for (int k = 0; k < 16; k++)
            a[k] = (uint8_t)tb_rng_next(&rng), d[k] = (uint8_t)tb_rng_next(&rng);
        struct lt_record r = {
            .ts_ns = (int64_t)tb_rng_next(&rng),
            .device = f[0], .capture = f[1], .frame = tb_rng_next(&rng) >> 11,
            .has_flow = tb_rng_below(&rng, 2), .ip_version = tb_rng_below(&rng, 2) ? 4 : 6,
            .src_ip = a, .dest_ip = d, .src_port = (uint16_t)tb_rng_next(&rng),
            .dest_port = (uint16_t)tb_rng_next(&rng), .proto = "udp",
            .app = f[2], .host = f[3], .method = f[4], .url = f[5],
            .kind = "email", .detector = "pattern",
            .key = tb_rng_below(&rng, 2) ? f[6] : lt_span_make(NULL, 0),
            .variant = "md5(sha1)", .chain = ch, .chain_len = n_ch, .value = f[8],
        };
        json_t *j = write_parse(&r, LT_VALUES_PLAIN);
        expect_str(j, "device", r.device);
        expect_str(j, "capture", r.capture);
        expect_int(j, "frame", (json_int_t)r.frame);
        if (r.has_flow) {
            expect_int(j, "src_port", r.src_port);
            expect_int(j, "dest_port", r.dest_port);
            expect_cstr(j, "proto", "udp");
        } else {
            cr_assert_null(json_object_get(j, "src_ip"));
        }
        if (r.app.len)
            expect_str(j, "app", r.app);
        else
            cr_assert_null(json_object_get(j, "app"));
        expect_str(j, "host", r.host);
        if (r.key.p)
            expect_str(j, "key", r.key);
        else
            cr_assert(json_is_null(json_object_get(j, "key")));
        expect_str(j, "value", r.value);
        json_t *c = json_object_get(j, "chain");
        cr_assert_eq(json_array_size(c), n_ch);
        for (size_t k = 0; k < n_ch; k++) {
            struct tb_buf w = { 0 };
            tb_buf_puts(&w, lt_step_text(ch[k].kind));
            if (lt_step_has_name(ch[k].kind)) {
                tb_buf_puts(&w, ":");
                tb_json_ref_decode(&w, ch[k].name.p, ch[k].name.len);
            }
            json_t *e = json_array_get(c, k);
            cr_assert_eq(json_string_length(e), w.len, "case %d seed 0x5eed", i);
            cr_assert(memcmp(json_string_value(e), w.p, w.len) == 0);
            tb_buf_release(&w);
        }
        json_decref(j);
        tb_buf_release(&pool);
    }
}
