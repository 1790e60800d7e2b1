/* SPDX-License-Identifier: MIT */
/*
 * bench_browsing - single-thread throughput of lt_browsing_scan (the
 * browsing detector, core/match/browsing.h) on analytics JSON batches with
 * and without URLs, base64 text (a '/' every 64 bytes) and plain prose.
 *
 *   bench_browsing [--runs N]
 * Inputs are generated from fixed seeds. Each run repeats a case for at
 * least 50 ms; the table gives the best and median run. MB/s = 10^6
 * *input* bytes per second; items/s counts reported URLs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/match/browsing.h"
#include "tb_buf.h"
#include "bench_util.h"



struct bcase {
    const char *name;
    struct tb_buf in;
};

static const struct lt_browsing *g_b;
static char g_dom[256];
static size_t g_dn;
static uint8_t g_scratch[8192];

static void count_hit(void *ud, const struct lt_url_hit *h)
{
    (void)h;
    *(size_t *)ud += 1;
}

static size_t run(const struct bcase *c)
{
    size_t n = 0;
    lt_browsing_scan(g_b, lt_span_make(c->in.p, c->in.len), lt_span_make(g_dom, g_dn),
                     g_scratch, sizeof g_scratch, count_hit, &n);
    return n;
}

/* An analytics batch like tracker-formats.md §1; urls: 0 none, 1 org.json
   escaped ("https:\/\/"), 2 plain. */
static void make_json(struct tb_rng *r, size_t target, int urls, struct tb_buf *b)
{
    static const char *const fmt[] = {
        "\"url\":\"about:blank\",\"title\":\"page %d\",\"mime\":\"text\\/html\","
        "\"path\":\"\\/sdcard\\/Download\",\"referrer\":\"\"",
        "\"url\":\"https:\\/\\/duckduckgo.com\\/?q=hiv+test+%d&t=h_\",\"title\":\"\\u4e59\\u809d\","
        "\"referrer\":\"https:\\/\\/www.google.com\\/\"",
        "\"url\":\"https://duckduckgo.com/?q=hiv+test+%d&t=h_\",\"title\":\"\\u4e59\\u809d\","
        "\"referrer\":\"https://www.google.com/\"",
    };
    tb_buf_u8(b, '[');
    for (int i = 0; b->len < target; i++) {
        if (i)
            tb_buf_u8(b, ',');
        tb_buf_printf(b,
            "{\"_track_id\":%d,\"time\":%llu,\"type\":\"track\",\"distinct_id\":\"%016llx\","
            "\"lib\":{\"$lib\":\"Android\",\"$lib_version\":\"4.0.4\",\"$app_version\":\"12.1.4-g\","
            "\"$lib_method\":\"code\",\"$lib_detail\":\"com.android.browser.analytics.SA##track##SA.java##88\"},"
            "\"event\":\"web_page_view\",\"properties\":{\"$lib\":\"Android\",\"$os\":\"Android\","
            "\"$os_version\":\"10\",\"$manufacturer\":\"Xiaomi\",\"$model\":\"Redmi Note 8\","
            "\"$screen_width\":1080,\"$screen_height\":2340,\"$wifi\":true,\"$network_type\":\"WIFI\","
            "\"$carrier\":\"Vodafone\",\"$device_id\":\"%016llx\",\"$is_first_day\":false,",
            (int)(tb_rng_next(r) >> 33), 1588500000123ull + (unsigned)i,
            (unsigned long long)tb_rng_next(r), (unsigned long long)tb_rng_next(r));
        tb_buf_printf(b, fmt[urls], i);
        tb_buf_printf(b, ",\"ids\":[%d,%d,%d]},\"_flush_time\":%llu}", i, i + 1, i + 2,
                      1588500004567ull + (unsigned)i);
    }
    tb_buf_u8(b, ']');
}


static void bench(const struct bcase *c, int runs)
{
    double t[64];
    const size_t items = run(c); /* warm-up */
    size_t reps = 1;
    for (;;) {
        const double t0 = now();
        for (size_t k = 0; k < reps; k++)
            run(c);
        if (now() - t0 >= 0.05)
            break;
        reps *= 2;
    }
    for (int i = 0; i < runs; i++) {
        const double t0 = now();
        for (size_t k = 0; k < reps; k++)
            run(c);
        t[i] = (now() - t0) / (double)reps;
    }
    bench_report(c->name, (double)c->in.len / 1e6, t, runs, (double)items);
}


int main(int argc, char **argv)
{
    int runs = bench_runs_only(argc, argv, 7);
    if (runs < 0)
        return 2;
    struct lt_browsing *b = lt_browsing_new();
    if (!b)
        return 1;
    g_b = b;
    g_dn = lt_browsing_domain(b, lt_span_cstr("sa.api.intl.miui.com"), g_dom, sizeof g_dom);

    struct tb_rng r = tb_rng_seed(0xb705);
    enum { N_CASES = 5, SZ = 1 << 20 };
    struct bcase cs[N_CASES];
    memset(cs, 0, sizeof cs);
    cs[0].name = "browsing_scan/json_no_urls/1MiB";
    make_json(&r, SZ, 0, &cs[0].in);
    cs[1].name = "browsing_scan/json_escaped_urls/1MiB";
    make_json(&r, SZ, 1, &cs[1].in);
    cs[2].name = "browsing_scan/json_plain_urls/1MiB";
    make_json(&r, SZ, 2, &cs[2].in);
    cs[3].name = "browsing_scan/base64/1MiB";
    {
        static const char a[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        while (cs[3].in.len < SZ)
            tb_buf_u8(&cs[3].in, (uint8_t)a[tb_rng_below(&r, 64)]);
    }
    cs[4].name = "browsing_scan/prose/1MiB";
    while (cs[4].in.len < SZ)
        tb_buf_puts(&cs[4].in, "The quick brown fox jumps over the lazy dog; visit us at "
                               "example dot com or call 555-0100. ");

    char extra[64];
    snprintf(extra, sizeof extra, "1 thread, %d runs", runs);
    bench_header("bench_browsing", extra);
    for (int i = 0; i < N_CASES; i++) {
        bench(&cs[i], runs);
        tb_buf_release(&cs[i].in);
    }
    lt_browsing_free(b);
    return 0;
}
