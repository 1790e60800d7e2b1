/* SPDX-License-Identifier: MIT */
/*
 * test_examples.c - end to end on the bundled example dataset: planted
 * leaks in many SDK styles and chains (the Mi Browser seed case, gzip
 * bodies, base64 of base64 in a cookie, hashed identifiers in a query, a
 * MAC with %3A, protobuf, multipart...) must all be found with the right
 * chain and variant, and nothing else (decoys: a wrong-Luhn IMEI, other
 * UUIDs, a near-miss MAC). Ground truth: examples/expected.jsonl, written
 * by bench/gen_examples from the same planted values and checked on its
 * own by test_leakgen. Also: device files are zstd streams that
 * concatenate, and --values hash/omit.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_buf.h"
#include "tb_run.h"

static char out[512];

static const char *src_dir(void)
{
    const char *d = getenv("LT_SOURCE_DIR");
    return d ? d : ".";
}

static int scan(const char *extra)
{
    char cmd[4096];
    const char *bin = getenv("LT_BINARY_DIR");
    snprintf(out, sizeof out, "%s", tb_tempdir("examples"));
    snprintf(cmd, sizeof cmd,
             "'%s/cmd/leaktrawl' scan -q %s -m '%s/examples/manifest.json' "
             "-o '%s' '%s/examples/captures'",
             bin ? bin : "build", extra, src_dir(), out, src_dir());
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void cleanup(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    if (system(cmd) != 0)
        cr_log_warn("cannot remove %s", out);
}

/* "capture|frame|device|host|kind|key|variant|chain|value" of a record */
static char *record_key(json_t *r)
{
    static const char *const keys[] = { "capture", "frame", "device", "host",
                                        "kind", "key", "variant", "chain",
                                        "value" };
    struct tb_buf b = { 0 };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char *s = json_dumps(json_object_get(r, keys[i]),
                             JSON_ENCODE_ANY | JSON_COMPACT);
        tb_buf_printf(&b, "%s|", s ? s : "absent");
        free(s);
    }
    tb_buf_u8(&b, 0);
    return (char *)b.p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every line of text parsed as JSON; keys sorted into keys[]. */
static size_t load_lines(const char *text, char **keys, size_t max)
{
    size_t n = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl, "record line without a newline");
        json_error_t err;
        json_t *r = json_loadb(p, (size_t)(nl - p), 0, &err);
        cr_assert_not_null(r, "line is not JSON: %.*s (%s)", (int)(nl - p), p, err.text);
        cr_assert_lt(n, max);
        /* the ground truth lists what the identifier detector must find */
        const char *det = json_string_value(json_object_get(r, "detector"));
        if (!det || !strcmp(det, "identifier"))
            keys[n++] = record_key(r);
        json_decref(r);
        p = nl + 1;
    }
    qsort(keys, n, sizeof *keys, cmp_str);
    return n;
}

static void read_devices(struct tb_buf *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s/redmi-note8-01.jsonl.zst", out);
    cr_assert(tb_unzstd_file(path, text), "%s is not whole zstd frames", path);
    snprintf(path, sizeof path, "%s/pixel4-02.jsonl.zst", out);
    cr_assert(tb_unzstd_file(path, text), "%s is not whole zstd frames", path);
    tb_buf_u8(text, 0);
}

Test(examples, every_planted_leak_is_found_and_nothing_else, .timeout = 120)
{
    cr_assert_eq(scan(""), 0);
    struct tb_buf got = { 0 }, want = { 0 };
    read_devices(&got);
    char path[700];
    snprintf(path, sizeof path, "%s/examples/expected.jsonl", src_dir());
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tb_buf_put(&want, chunk, n);
    fclose(f);
    tb_buf_u8(&want, 0);

    static char *g[4096], *w[4096];
    size_t ng = load_lines((const char *)got.p, g, 4096);
    size_t nw = load_lines((const char *)want.p, w, 4096);
    cr_expect_gt(nw, 40, "the ground truth has the planted leaks");
    size_t i = 0, j = 0, missing = 0, extra = 0;
    while (i < nw || j < ng) {
        int c = i == nw ? 1 : j == ng ? -1 : strcmp(w[i], g[j]);
        if (c == 0) {
            i++, j++;
        } else if (c < 0) {
            cr_log_error("missing: %s", w[i++]);
            missing++;
        } else {
            cr_log_error("unexpected: %s", g[j++]);
            extra++;
        }
    }
    cr_expect_eq(missing, 0, "%zu expected records not found", missing);
    cr_expect_eq(extra, 0, "%zu records not in the ground truth", extra);
    for (size_t k = 0; k < ng; k++)
        free(g[k]);
    for (size_t k = 0; k < nw; k++)
        free(w[k]);
    tb_buf_release(&got);
    tb_buf_release(&want);
    cleanup();
}

Test(examples, seed_case_browsing_and_search_with_the_full_chain, .timeout = 120)
{
    cr_assert_eq(scan(""), 0);
    struct tb_buf got = { 0 };
    read_devices(&got);
    const char *t = (const char *)got.p;
    cr_expect_not_null(strstr(t,
        "\"host\":\"sa.api.intl.miui.com\",\"method\":\"POST\","
        "\"url\":\"http://sa.api.intl.miui.com/sa?project=production\","
        "\"kind\":\"browsing_url\",\"detector\":\"browsing\",\"key\":\"url\","
        "\"variant\":\"exact\",\"chain\":[\"body\",\"form:data_list\",\"base64\","
        "\"gzip\",\"json:$[0].properties.url\"],"
        "\"value\":\"https://duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_\"}"));
    cr_expect_not_null(strstr(t,
        "\"kind\":\"search_query\",\"detector\":\"browsing\",\"key\":\"url\","
        "\"variant\":\"exact\",\"chain\":[\"body\",\"form:data_list\",\"base64\","
        "\"gzip\",\"json:$[0].properties.url\"],\"value\":\"hiv test clinic near me\"}"));
    /* the Referer header is the browser's own business: never reported */
    cr_expect_null(strstr(t, "\"chain\":[\"header:referer\""));
    tb_buf_release(&got);
    cleanup();
}

Test(examples, records_are_ordered_and_hash_mode_hides_values, .timeout = 120)
{
    cr_assert_eq(scan("--values hash"), 0);
    struct tb_buf got = { 0 };
    read_devices(&got);
    const char *p = (const char *)got.p;
    int n = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        json_t *r = json_loadb(p, (size_t)(nl - p), 0, NULL);
        cr_assert_not_null(r);
        const char *v = json_string_value(json_object_get(r, "value"));
        cr_assert_not_null(v);
        cr_expect_eq(strncmp(v, "sha256:", 7), 0, "%s", v);
        cr_expect_eq(strlen(v), 7 + 64);
        json_decref(r);
        p = nl + 1;
        n++;
    }
    cr_expect_gt(n, 0);
    tb_buf_release(&got);
    cleanup();

    cr_assert_eq(scan("--values omit"), 0);
    struct tb_buf om = { 0 };
    read_devices(&om);
    cr_expect_null(strstr((const char *)om.p, "\"value\""));
    tb_buf_release(&om);

    /* summary.json counts what the files hold */
    char path[700];
    snprintf(path, sizeof path, "%s/summary.json", out);
    json_t *s = json_load_file(path, 0, NULL);
    cr_assert_not_null(s);
    json_t *leaks = json_object_get(json_object_get(s, "totals"), "leaks");
    cr_expect_gt(json_integer_value(json_object_get(leaks, "android_id")), 0);
    json_t *steps = json_object_get(json_object_get(json_object_get(s, "totals"), "decode"), "steps");
    cr_expect_gt(json_integer_value(json_object_get(steps, "base64")), 0);
    cr_expect_gt(json_integer_value(json_object_get(steps, "gzip")), 0);
    json_decref(s);
    cleanup();
}

Test(examples, merged_shards_equal_one_run, .timeout = 120)
{
    /* shard 0/2 and 1/2 merged == one unsharded run, record for record */
    char base[512], cmd[16384];
    snprintf(base, sizeof base, "%s", tb_tempdir("merge"));
    const char *bin = getenv("LT_BINARY_DIR") ? getenv("LT_BINARY_DIR") : "build";
    const char *src = src_dir();
    snprintf(cmd, sizeof cmd,
             "set -e; B='%s/cmd/leaktrawl'; M='%s/examples/manifest.json'; C='%s/examples/captures';"
             "$B scan -q -m $M -o '%s/all' $C; $B scan -q -m $M -o '%s/s0' --shard 0/2 $C;"
             "$B scan -q -m $M -o '%s/s1' --shard 1/2 $C; $B merge -o '%s/m' '%s/s1' '%s/s0';"
             "for d in redmi-note8-01 pixel4-02; do zstd -dcq '%s/all/'$d.jsonl.zst > '%s/a.txt';"
             "zstd -dcq '%s/m/'$d.jsonl.zst > '%s/b.txt'; cmp '%s/a.txt' '%s/b.txt'; done",
             bin, src, src, base, base, base, base, base, base, base, base, base, base, base, base);
    cr_assert_eq(system(cmd), 0, "merged device files differ from one run");
    char pa[700], pm[700];
    snprintf(pa, sizeof pa, "%s/all/summary.json", base);
    snprintf(pm, sizeof pm, "%s/m/summary.json", base);
    json_t *a = json_load_file(pa, 0, NULL), *m = json_load_file(pm, 0, NULL);
    cr_assert(a && m);
    cr_expect(json_equal(json_object_get(json_object_get(a, "totals"), "leaks"),
                         json_object_get(json_object_get(m, "totals"), "leaks")));
    cr_expect_eq(json_array_size(json_object_get(a, "files")),
                 json_array_size(json_object_get(m, "files")));
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(a, "totals"), "http_requests")),
                 json_integer_value(json_object_get(json_object_get(m, "totals"), "http_requests")));
    json_decref(a);
    json_decref(m);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    cr_expect_eq(system(cmd), 0);
}
