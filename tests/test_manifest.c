/* SPDX-License-Identifier: MIT */
/* test_manifest.c - loading and validating the SPEC §3 device manifest. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/alloc.h"
#include "core/conf/manifest.h"
#include "tb_buf.h"

static const char spec_example[] =
    "{\n"
    "  \"devices\": [\n"
    "    {\n"
    "      \"id\": \"redmi-note8-01\",\n"
    "      \"captures\": [\"redmi-note8-01/**\", \"shared-router/2020-05-*.pcapng\"],\n"
    "      \"addresses\": [\"192.168.1.23\", \"2001:db8::23\", \"02:1a:11:f0:c3:5d\"],\n"
    "      \"identifiers\": {\n"
    "        \"android_id\": \"a1b2c3d4e5f60718\",\n"
    "        \"adid\": [\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\"],\n"
    "        \"imei\": [\"356938035643809\", \"356938035643817\"],\n"
    "        \"mac\": \"02:1a:11:f0:c3:5d\",\n"
    "        \"email\": \"alice.martin@example.org\",\n"
    "        \"phone\": \"+33612345678\",\n"
    "        \"location\": {\"lat\": 48.85661, \"lon\": 2.35222},\n"
    "        \"nickname\": \"alicem\"\n"
    "      }\n"
    "    }\n"
    "  ]\n"
    "}\n";

/* Collected warnings, one per line. */
struct warns {
    struct tb_buf b;
    int n;
};

static void collect(void *ud, const char *msg)
{
    struct warns *w = ud;
    tb_buf_puts(&w->b, msg);
    tb_buf_u8(&w->b, '\n');
    w->n++;
}

static const char *warn_text(struct warns *w)
{
    tb_buf_u8(&w->b, 0);
    w->b.len--;
    return (const char *)w->b.p;
}

static enum lt_err load(struct lt_manifest *m, const char *text, char *msg, size_t cap,
                        struct warns *w)
{
    return lt_manifest_load_mem(m, text, strlen(text), "m.json", msg, cap, w ? collect : NULL, w);
}

static void expect_ident(const struct lt_ident *id, const char *key, size_t n, const char *v0,
                         const char *v1)
{
    cr_assert_str_eq(id->key, key);
    cr_assert(!id->is_location, "%s", key);
    cr_assert_eq(id->n_values, n, "%s: %zu values", key, id->n_values);
    cr_assert_str_eq(id->values[0], v0);
    if (v1)
        cr_assert_str_eq(id->values[1], v1);
}

Test(manifest, loads_the_spec_example)
{
    struct lt_manifest m;
    char msg[256];
    struct warns w = { 0 };
    cr_assert_eq(load(&m, spec_example, msg, sizeof msg, &w), LT_OK, "%s", msg);
    cr_assert_eq(w.n, 0, "%s", warn_text(&w));
    cr_assert_eq(m.n_devices, 1);
    const struct lt_device *d = &m.devices[0];
    cr_assert_str_eq(d->id, "redmi-note8-01");
    cr_assert_eq(d->n_captures, 2);
    cr_assert_str_eq(d->captures[0], "redmi-note8-01/**");
    cr_assert_str_eq(d->captures[1], "shared-router/2020-05-*.pcapng");
    cr_assert_eq(d->n_addresses, 3);
    cr_assert_str_eq(d->addresses[0], "192.168.1.23");
    cr_assert_str_eq(d->addresses[1], "2001:db8::23");
    cr_assert_str_eq(d->addresses[2], "02:1a:11:f0:c3:5d");
    cr_assert_eq(d->n_idents, 8);
    expect_ident(&d->idents[0], "android_id", 1, "a1b2c3d4e5f60718", NULL);
    expect_ident(&d->idents[1], "adid", 1, "3f2504e0-4f89-41d3-9a0c-0305e82c3301", NULL);
    expect_ident(&d->idents[2], "imei", 2, "356938035643809", "356938035643817");
    expect_ident(&d->idents[3], "mac", 1, "02:1a:11:f0:c3:5d", NULL);
    expect_ident(&d->idents[4], "email", 1, "alice.martin@example.org", NULL);
    expect_ident(&d->idents[5], "phone", 1, "+33612345678", NULL);
    cr_assert_str_eq(d->idents[6].key, "location");
    cr_assert(d->idents[6].is_location);
    cr_assert_eq(d->idents[6].n_values, 0);
    cr_assert_float_eq(d->idents[6].lat, 48.85661, 1e-9);
    cr_assert_float_eq(d->idents[6].lon, 2.35222, 1e-9);
    expect_ident(&d->idents[7], "nickname", 1, "alicem", NULL);

    cr_assert_eq(lt_manifest_claim(&m, "redmi-note8-01/s1.pcap"), 0);
    cr_assert_eq(lt_manifest_claim(&m, "redmi-note8-01/a/b/c.pcap.gz"), 0);
    cr_assert_eq(lt_manifest_claim(&m, "shared-router/2020-05-03.pcapng"), 0);
    cr_assert_eq(lt_manifest_claim(&m, "shared-router/2020-06-03.pcapng"), -1);
    cr_assert_eq(lt_manifest_claim(&m, "other/s1.pcap"), -1);
    lt_manifest_release(&m);
    cr_assert_eq(m.n_devices, 0);
    cr_assert_null(m.devices);
    lt_manifest_release(&m); /* twice is fine */
    tb_buf_release(&w.b);
}

Test(manifest, minimal_and_empty_manifests)
{
    struct lt_manifest m;
    char msg[256];
    cr_assert_eq(load(&m, "{\"devices\": []}", msg, sizeof msg, NULL), LT_OK, "%s", msg);
    cr_assert_eq(m.n_devices, 0);
    cr_assert_eq(lt_manifest_claim(&m, "a"), -1);
    lt_manifest_release(&m);
    cr_assert_eq(load(&m, "{\"devices\": [{\"id\": \"x\"}, {\"id\": \"y\", \"captures\": [],"
                          " \"identifiers\": {}}]}",
                      msg, sizeof msg, NULL),
                 LT_OK, "%s", msg);
    cr_assert_eq(m.n_devices, 2);
    cr_assert_eq(m.devices[0].n_captures + m.devices[0].n_addresses + m.devices[0].n_idents, 0);
    cr_assert_str_eq(m.devices[1].id, "y");
    cr_assert_eq(lt_manifest_claim(&m, "x/a.pcap"), -1);
    lt_manifest_release(&m);
    /* text need not be NUL-terminated */
    const char text[] = "{\"devices\":[]}GARBAGE";
    cr_assert_eq(lt_manifest_load_mem(&m, text, 14, "t", msg, sizeof msg, NULL, NULL), LT_OK, "%s",
                 msg);
}

Test(manifest, claim_is_first_device_in_manifest_order)
{
    struct lt_manifest m;
    char msg[256];
    const char *t = "{\"devices\": ["
                    "{\"id\": \"a\", \"captures\": [\"x/*.pcap\"]},"
                    "{\"id\": \"b\", \"captures\": [\"nothing\", \"x/**\"]},"
                    "{\"id\": \"c\", \"captures\": [\"**\"]}]}";
    cr_assert_eq(load(&m, t, msg, sizeof msg, NULL), LT_OK, "%s", msg);
    cr_assert_eq(lt_manifest_claim(&m, "x/1.pcap"), 0);
    cr_assert_eq(lt_manifest_claim(&m, "x/1.pcapng"), 1);
    cr_assert_eq(lt_manifest_claim(&m, "x/y/1.pcap"), 1);
    cr_assert_eq(lt_manifest_claim(&m, "z/1.pcap"), 2);
    cr_assert_eq(lt_manifest_claim(&m, "nothing"), 1);
    lt_manifest_release(&m);
}

Test(manifest, numbers_become_decimal_text)
{
    struct lt_manifest m;
    char msg[256];
    const char *t = "{\"devices\": [{\"id\": \"d\", \"identifiers\": {"
                    "\"imei\": 356938035643809,"
                    "\"iccid\": 89330123456789012345,"
                    "\"serial\": [\"S1\", 42, -7, 0],"
                    "\"x\": 1.5,"
                    "\"y\": 1e3,"
                    "\"z\": 2.5e-7,"
                    "\"big\": 12345678901234567890123456789"
                    "}}]}";
    cr_assert_eq(load(&m, t, msg, sizeof msg, NULL), LT_OK, "%s", msg);
    const struct lt_device *d = &m.devices[0];
    cr_assert_eq(d->n_idents, 7);
    expect_ident(&d->idents[0], "imei", 1, "356938035643809", NULL);
    expect_ident(&d->idents[1], "iccid", 1, "89330123456789012345", NULL);
    cr_assert_eq(d->idents[2].n_values, 4);
    cr_assert_str_eq(d->idents[2].values[0], "S1");
    cr_assert_str_eq(d->idents[2].values[1], "42");
    cr_assert_str_eq(d->idents[2].values[2], "-7");
    cr_assert_str_eq(d->idents[2].values[3], "0");
    expect_ident(&d->idents[3], "x", 1, "1.5", NULL);
    expect_ident(&d->idents[4], "y", 1, "1000", NULL);
    expect_ident(&d->idents[5], "z", 1, "2.5e-07", NULL);
    expect_ident(&d->idents[6], "big", 1, "12345678901234567890123456789", NULL);
    lt_manifest_release(&m);
}

Test(manifest, unknown_fields_warn_and_load)
{
    struct lt_manifest m;
    char msg[256];
    struct warns w = { 0 };
    const char *t = "{\"version\": 2, \"devices\": [{\"id\": \"d1\", \"model\": \"x\","
                    " \"identifiers\": {\"location\": {\"lat\": 1, \"lon\": 2, \"acc\": 5}}}],"
                    " \"notes\": null}";
    cr_assert_eq(load(&m, t, msg, sizeof msg, &w), LT_OK, "%s", msg);
    cr_assert_eq(w.n, 4, "%s", warn_text(&w));
    cr_assert_str_eq(warn_text(&w),
                     "manifest 'm.json': unknown field 'version'\n"
                     "manifest 'm.json': unknown field 'notes'\n"
                     "manifest 'm.json': unknown field 'model' in device 'd1'\n"
                     "manifest 'm.json': unknown field 'acc' in location of device 'd1'\n");
    cr_assert(m.devices[0].idents[0].is_location);
    cr_assert_float_eq(m.devices[0].idents[0].lat, 1.0, 1e-12);
    lt_manifest_release(&m);
    tb_buf_release(&w.b);
    /* without a callback too */
    cr_assert_eq(load(&m, t, msg, sizeof msg, NULL), LT_OK, "%s", msg);
    lt_manifest_release(&m);
}

/* Expect LT_E_MALFORMED with exactly this message (after the name) and an
   empty manifest. */
static void expect_bad(const char *text, const char *want)
{
    struct lt_manifest m;
    char msg[512];
    memset(&m, 0xa5, sizeof m);
    enum lt_err e = load(&m, text, msg, sizeof msg, NULL);
    cr_assert_eq(e, LT_E_MALFORMED, "%s: got %s", text, lt_err_str(e));
    cr_assert_eq(m.n_devices, 0, "%s", text);
    cr_assert_null(m.devices, "%s", text);
    char full[600];
    snprintf(full, sizeof full, "manifest 'm.json' %s", want);
    cr_assert_str_eq(msg, full, "for %s\n got: %s\nwant: %s", text, msg, full);
}

Test(manifest, syntax_errors_give_line_and_column)
{
    expect_bad("", "line 1 column 1: '[' or '{' expected near end of file");
    expect_bad("{\n  \"devices\": []\n  \"x\": 1\n}",
               "line 3 column 5: '}' expected near '\"x\"'");
    expect_bad("{\"devices\": [],}", "line 1 column 16: string or '}' expected near '}'");
    expect_bad("{\"devices\": [], \"devices\": []}",
               "line 1 column 25: duplicate object key near '\"devices\"'");
    expect_bad("{\"devices\": [{\"id\": \"a\\u0000b\"}]}",
               "line 1 column 30: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"a\\u0000b\"'");
    expect_bad("{\"devices\": []}\n\n  x", "line 3 column 3: end of file expected near 'x'");
    expect_bad("{\"devices\": [1e999]}", "line 1 column 18: real number overflow near '1e999'");
}

Test(manifest, validation_errors_point_at_the_value)
{
    expect_bad("[]", "line 1 column 1: the top level is not an object");
    expect_bad("\n  {\"x\": 1}", "line 2 column 3: no 'devices' list");
    expect_bad("{\"devices\": {}}", "line 1 column 13: 'devices' is not a list");
    expect_bad("{\"devices\":\n [\n  {\"id\": \"a\"},\n  7\n ]}",
               "line 4 column 3: device 2 is not an object");
    expect_bad("{\"devices\": [{\"captures\": []}]}", "line 1 column 14: device 1 has no 'id'");
    expect_bad("{\"devices\": [{\"id\": 5}]}",
               "line 1 column 21: the 'id' of device 1 is not a non-empty string");
    expect_bad("{\"devices\": [{\"id\": \"\"}]}",
               "line 1 column 21: the 'id' of device 1 is not a non-empty string");
    expect_bad("{\"devices\": [\n{\"id\": \"a\"},\n{\"captures\": [], \"id\": \"a\"}]}",
               "line 3 column 24: duplicate device id 'a'");
    expect_bad("{\"devices\": [{\"id\": \"a\", \"captures\": \"a/**\"}]}",
               "line 1 column 38: 'captures' of device 'a' is not a list of strings");
    expect_bad("{\"devices\": [{\"id\": \"a\", \"captures\": [\"x\",\n   null]}]}",
               "line 2 column 4: 'captures' of device 'a': item 2 is not a string");
    expect_bad("{\"devices\": [{\"id\": \"a\", \"addresses\": [1]}]}",
               "line 1 column 40: 'addresses' of device 'a': item 1 is not a string");
    expect_bad("{\"devices\": [{\"id\": \"a\", \"identifiers\": []}]}",
               "line 1 column 41: 'identifiers' of device 'a' is not an object");
    expect_bad("{\"devices\": [{\"id\": \"a\", \"identifiers\": {\"imei\": true}}]}",
               "line 1 column 50: identifier 'imei' of device 'a' is not a string, a number or "
               "a list of them");
    expect_bad("{\"devices\": [{\"id\": \"a\", \"identifiers\": {\"imei\": {}}}]}",
               "line 1 column 50: identifier 'imei' of device 'a' is not a string, a number or "
               "a list of them");
    expect_bad("{\"devices\": [{\"id\": \"a\", \"identifiers\": {\"imei\": [\"1\", [\"2\"]]}}]}",
               "line 1 column 56: identifier 'imei' of device 'a': item 2 is not a string or a "
               "number");
    expect_bad("{\"devices\": [{\"id\": \"a\", \"identifiers\": {\"e\": \"\"}}]}",
               "line 1 column 47: identifier 'e' of device 'a' is an empty string");
    expect_bad("{\"devices\": [{\"id\": \"a\", \"identifiers\": {\"e\": [\"x\", \"\"]}}]}",
               "line 1 column 53: identifier 'e' of device 'a' is an empty string");
}

Test(manifest, location_is_checked)
{
    const char *pre = "{\"devices\": [{\"id\": \"a\", \"identifiers\": {\"location\": ";
    /* column of the location value */
    struct {
        const char *loc, *want;
    } cases[] = {
        { "\"48.8,2.3\"", "column 54: 'location' of device 'a' is not an object {\"lat\": ..., \"lon\": ...}" },
        { "[48.8, 2.3]", "column 54: 'location' of device 'a' is not an object {\"lat\": ..., \"lon\": ...}" },
        { "{\"lat\": 48.8}", "column 54: the location of device 'a' has no 'lon'" },
        { "{\"lon\": 2.3}", "column 54: the location of device 'a' has no 'lat'" },
        { "{}", "column 54: the location of device 'a' has no 'lat'" },
        { "{\"lat\": \"48.8\", \"lon\": 2}", "column 62: 'lat' of the location of device 'a' is not a number" },
        { "{\"lat\": 48, \"lon\": null}", "column 73: 'lon' of the location of device 'a' is not a number" },
        { "{\"lat\": 90.0001, \"lon\": 0}", "column 62: 'lat' of the location of device 'a' is out of range [-90, 90]" },
        { "{\"lat\": -91, \"lon\": 0}", "column 62: 'lat' of the location of device 'a' is out of range [-90, 90]" },
        { "{\"lat\": 0, \"lon\": 180.5}", "column 72: 'lon' of the location of device 'a' is out of range [-180, 180]" },
        { "{\"lat\": 0, \"lon\": -181}", "column 72: 'lon' of the location of device 'a' is out of range [-180, 180]" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[300], want[300];
        snprintf(text, sizeof text, "%s%s}}]}", pre, cases[i].loc);
        snprintf(want, sizeof want, "line 1 %s", cases[i].want);
        expect_bad(text, want);
    }
    /* the edges are in range */
    struct lt_manifest m;
    char msg[256], text[300];
    snprintf(text, sizeof text, "%s{\"lon\": -180, \"lat\": 90}}}]}", pre);
    cr_assert_eq(load(&m, text, msg, sizeof msg, NULL), LT_OK, "%s", msg);
    cr_assert_float_eq(m.devices[0].idents[0].lat, 90.0, 0);
    cr_assert_float_eq(m.devices[0].idents[0].lon, -180.0, 0);
    lt_manifest_release(&m);
}

Test(manifest, columns_count_utf8_characters)
{
    /* "é" is two bytes, one column, as in jansson's own messages */
    expect_bad("{\"d\xc3\xa9\": 1, \"devices\": [{\"id\": 1}]}",
               "line 1 column 30: the 'id' of device 1 is not a non-empty string");
    expect_bad("{\"d\xc3\xa9\": 1 x}", "line 1 column 10: '}' expected near 'x'");
}

Test(manifest, messages_are_cut_to_msg_cap_and_msg_may_be_null)
{
    struct lt_manifest m;
    char msg[16];
    memset(msg, 'z', sizeof msg);
    cr_assert_eq(load(&m, "[]", msg, sizeof msg, NULL), LT_E_MALFORMED);
    cr_assert_eq(strlen(msg), 15);
    cr_assert_eq(load(&m, "[]", NULL, 0, NULL), LT_E_MALFORMED);
    cr_assert_eq(load(&m, "{", NULL, 0, NULL), LT_E_MALFORMED);
}

Test(manifest, load_from_file)
{
    char dir[512], path[600], msg[512];
    snprintf(dir, sizeof dir, "%s", tb_tempdir("manifest"));
    snprintf(path, sizeof path, "%s/m.json", dir);
    struct tb_buf b = { 0 };
    tb_buf_puts(&b, spec_example);
    tb_buf_write_file(&b, path);
    tb_buf_release(&b);

    struct lt_manifest m;
    cr_assert_eq(lt_manifest_load(&m, path, msg, sizeof msg, NULL, NULL), LT_OK, "%s", msg);
    cr_assert_eq(m.n_devices, 1);
    cr_assert_eq(m.devices[0].n_idents, 8);
    lt_manifest_release(&m);

    char want[700];
    snprintf(path, sizeof path, "%s/missing.json", dir);
    cr_assert_eq(lt_manifest_load(&m, path, msg, sizeof msg, NULL, NULL), LT_E_IO);
    snprintf(want, sizeof want, "cannot read manifest '%s': No such file or directory", path);
    cr_assert_str_eq(msg, want);
    cr_assert_eq(m.n_devices, 0);

    cr_assert_eq(lt_manifest_load(&m, dir, msg, sizeof msg, NULL, NULL), LT_E_IO);
    snprintf(want, sizeof want, "cannot read manifest '%s': Is a directory", dir);
    cr_assert_str_eq(msg, want);

    /* syntax errors in a file name the file */
    snprintf(path, sizeof path, "%s/bad.json", dir);
    struct tb_buf bad = { 0 };
    tb_buf_puts(&bad, "{\n\"devices\": [}\n");
    tb_buf_write_file(&bad, path);
    tb_buf_release(&bad);
    cr_assert_eq(lt_manifest_load(&m, path, msg, sizeof msg, NULL, NULL), LT_E_MALFORMED);
    snprintf(want, sizeof want, "manifest '%s' line 2 column 13: unexpected token near '}'", path);
    cr_assert_str_eq(msg, want);

    /* an empty file */
    snprintf(path, sizeof path, "%s/empty.json", dir);
    struct tb_buf empty = { 0 };
    tb_buf_write_file(&empty, path);
    cr_assert_eq(lt_manifest_load(&m, path, msg, sizeof msg, NULL, NULL), LT_E_MALFORMED);
}

Test(manifest, big_file_is_refused)
{
    char path[600], msg[512];
    snprintf(path, sizeof path, "%s/big.json", tb_tempdir("manifest"));
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    /* sparse: a hole reads as zeros */
    cr_assert_eq(fseek(f, (long)LT_MANIFEST_MAX_BYTES, SEEK_SET), 0);
    fputc(' ', f);
    fclose(f);
    struct lt_manifest m;
    cr_assert_eq(lt_manifest_load(&m, path, msg, sizeof msg, NULL, NULL), LT_E_LIMIT);
    cr_assert(strstr(msg, "larger than 64 MiB"), "%s", msg);
    unlink(path);
}

Test(manifest, many_devices_and_duplicate_far_apart)
{
    struct tb_buf t = { 0 };
    tb_buf_puts(&t, "{\"devices\": [");
    for (int i = 0; i < 5000; i++)
        tb_buf_printf(&t, "%s{\"id\": \"dev-%d\", \"captures\": [\"dev-%d/**\"]}", i ? "," : "", i, i);
    tb_buf_puts(&t, "]}");
    struct lt_manifest m;
    char msg[256];
    cr_assert_eq(lt_manifest_load_mem(&m, (const char *)t.p, t.len, "m", msg, sizeof msg, NULL, NULL),
                 LT_OK, "%s", msg);
    cr_assert_eq(m.n_devices, 5000);
    cr_assert_eq(lt_manifest_claim(&m, "dev-4321/x.pcap"), 4321);
    lt_manifest_release(&m);
    t.len -= 2;
    tb_buf_puts(&t, ",{\"id\": \"dev-17\"}]}");
    cr_assert_eq(lt_manifest_load_mem(&m, (const char *)t.p, t.len, "m", msg, sizeof msg, NULL, NULL),
                 LT_E_MALFORMED);
    cr_assert(strstr(msg, "duplicate device id 'dev-17'"), "%s", msg);
    tb_buf_release(&t);
}

/* ---- allocation failures ---------------------------------------------- */

static long fail_after;
static void *fail_malloc(size_t n)
{
    return fail_after-- > 0 ? malloc(n) : NULL;
}
static void *fail_realloc(void *p, size_t n)
{
    return fail_after-- > 0 ? realloc(p, n) : NULL;
}

Test(manifest, every_allocation_failure_is_nomem_without_leaks)
{
    static const struct lt_alloc_hooks hooks = { fail_malloc, fail_realloc, free };
    lt_alloc_set_hooks(&hooks);
    char msg[256];
    int n_nomem = 0;
    for (long k = 0;; k++) {
        struct lt_manifest m;
        fail_after = k;
        enum lt_err e = load(&m, spec_example, msg, sizeof msg, NULL);
        if (e == LT_OK) {
            cr_assert_eq(m.devices[0].n_idents, 8);
            lt_manifest_release(&m);
            break;
        }
        cr_assert_eq(e, LT_E_NOMEM, "k=%ld: %s", k, lt_err_str(e));
        cr_assert_eq(m.n_devices, 0);
        cr_assert_str_eq(msg, "manifest 'm.json': out of memory");
        n_nomem++;
        cr_assert_lt(k, 1000);
    }
    lt_alloc_set_hooks(NULL);
    cr_assert_gt(n_nomem, 20);
}
