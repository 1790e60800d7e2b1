/* SPDX-License-Identifier: MIT */
/*
 * bench_dec - single-thread throughput of the field decoders in core/dec:
 * base64, percent, hex, JSON walk, form pair iteration, multipart.
 * Base64 also runs with each implementation this CPU supports forced
 * (b64_decode/<impl>/...) and through OpenSSL (EVP_DecodeBlock, or the
 * EVP_DecodeUpdate stream for wrapped text); those rows end with their
 * best MB/s over the scalar row's of the same input (best: the run least
 * disturbed by other load, on a shared machine; their runs alternate for
 * the same reason).
 *
 *   bench_dec [--runs N]
 * Inputs are generated from fixed seeds. Each run repeats a case for at
 * least 50 ms; the table gives the best and median run. MB/s = 10^6
 * *input* bytes per second; items/s counts decoded bytes (b64, pct, hex),
 * scalars (JSON), pairs (form) or parts (multipart).
 */
#include <getopt.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/dec/base64.h"
#include "core/dec/base64_int.h"
#include "core/dec/form.h"
#include "core/dec/hex.h"
#include "core/dec/json.h"
#include "core/dec/multipart.h"
#include "core/dec/percent.h"
#include "tb_buf.h"
#include "bench_util.h"
#include "tb_encode.h"

/* The most cases timed together: one input through each implementation. */
#define N_GROUP (LT_B64_N_IMPL + 1)

struct bcase {
    const char *name;
    struct tb_buf in;
    uint8_t *dst;
    size_t dst_cap;
    bool url;
    enum lt_b64_impl impl;
    /* one pass over in; returns items */
    size_t (*fn)(struct bcase *c);
    /* > 0: timed with the other cases of the same vs, and printed with its
       best MB/s over case [vs - 1]'s (same input, scalar) */
    size_t vs;
    double best_mbs;
};

static volatile size_t sink;

static size_t run_b64(struct bcase *c)
{
    size_t w;
    if (lt_b64_decode(c->dst, c->dst_cap, c->in.p, c->in.len, c->url, &w) != LT_OK)
        abort();
    return w;
}

static size_t run_b64_impl(struct bcase *c)
{
    size_t w;
    if (lt__b64_decode_with(c->impl, c->dst, c->dst_cap, c->in.p, c->in.len, c->url, &w) !=
        LT_OK)
        abort();
    return w;
}

/* OpenSSL's one-shot decoder: no line breaks, padding output as zeros */
static size_t run_b64_openssl(struct bcase *c)
{
    const int r = EVP_DecodeBlock(c->dst, c->in.p, (int)c->in.len);
    if (r < 0)
        abort();
    return (size_t)r;
}

/* OpenSSL's streaming decoder, which skips line breaks */
static size_t run_b64_openssl_stream(struct bcase *c)
{
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    int n = 0, m = 0;
    if (!ctx)
        abort();
    EVP_DecodeInit(ctx);
    if (EVP_DecodeUpdate(ctx, c->dst, &n, c->in.p, (int)c->in.len) < 0 ||
        EVP_DecodeFinal(ctx, c->dst + n, &m) != 1)
        abort();
    EVP_ENCODE_CTX_free(ctx);
    return (size_t)(n + m);
}

static size_t run_b64_plausible(struct bcase *c)
{
    bool u;
    if (!lt_b64_plausible(c->in.p, c->in.len, 8, &u))
        abort();
    return c->in.len;
}

static size_t run_pct(struct bcase *c)
{
    size_t w;
    if (lt_pct_decode(c->dst, c->dst_cap, c->in.p, c->in.len, true, &w) != LT_OK)
        abort();
    return w;
}

static size_t run_hex(struct bcase *c)
{
    size_t w;
    if (lt_hex_decode(c->dst, c->dst_cap, c->in.p, c->in.len, &w) != LT_OK)
        abort();
    return w;
}

static bool on_value(void *ud, const struct lt_json_value *v)
{
    (*(size_t *)ud) += 1 + (v->value.len & 1);
    return true;
}

static size_t run_json(struct bcase *c)
{
    struct lt_json_scratch s = { c->dst, c->dst_cap, 64 };
    size_t n = 0;
    if (lt_json_walk(c->in.p, c->in.len, &s, on_value, &n) != LT_OK)
        abort();
    return n;
}

static size_t run_form(struct bcase *c)
{
    struct lt_form_iter it;
    struct lt_span k, v;
    size_t n = 0, acc = 0;
    lt_form_iter_init(&it, c->in.p, c->in.len, LT_FORM_AMP);
    while (lt_form_next(&it, &k, &v)) {
        n++;
        acc += k.len ^ v.len;
    }
    sink = acc;
    return n;
}

static size_t run_multipart(struct bcase *c)
{
    struct lt_multipart_iter it;
    struct lt_multipart_part p;
    size_t n = 0;
    lt_multipart_init(&it, c->in.p, c->in.len, lt_span_cstr("----WebKitFormBoundaryx7MA4YWxkTrZu0gW"));
    while (lt_multipart_next(&it, &p))
        n++;
    return n;
}


static void random_bytes(struct tb_rng *r, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)tb_rng_next(r);
}

/* An analytics batch like tracker-formats.md §1 (org.json "\/" escapes). */
static void make_json(struct tb_rng *r, size_t target, struct tb_buf *b)
{
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
            "\"$carrier\":\"Vodafone\",\"$device_id\":\"%016llx\",\"$is_first_day\":false,"
            "\"url\":\"https:\\/\\/duckduckgo.com\\/?q=hiv+test+%d&t=h_\",\"title\":\"\\u4e59\\u809d %d\","
            "\"referrer\":\"https:\\/\\/www.google.com\\/\",\"ids\":[%d,%d,%d]},\"_flush_time\":%llu}",
            (int)(tb_rng_next(r) >> 33), 1588500000123ull + (unsigned)i,
            (unsigned long long)tb_rng_next(r), (unsigned long long)tb_rng_next(r), i, i,
            i, i + 1, i + 2, 1588500004567ull + (unsigned)i);
    }
    tb_buf_u8(b, ']');
}


/* The decoded bytes of a b64 row are the raw bytes it was made from. */
static void check_b64(struct bcase *c, const uint8_t *raw)
{
    const size_t n = c->fn(c);
    const size_t raw_len = c->in.len / 78 * 57 + (c->in.len % 78) / 4 * 3; /* crlf76 */
    const size_t want = memchr(c->in.p, '\n', c->in.len) ? raw_len : c->in.len / 4 * 3;
    if (n != want || memcmp(c->dst, raw, n) != 0) {
        fprintf(stderr, "bench_dec: %s decodes wrong (%zu bytes, want %zu)\n", c->name, n,
                want);
        exit(1);
    }
}

/* Repetitions of one pass that take 50 ms or more (after a warm-up). */
static size_t calibrate(struct bcase *c)
{
    c->fn(c);
    size_t reps = 1;
    for (;;) {
        double t0 = now();
        for (size_t k = 0; k < reps; k++)
            c->fn(c);
        if (now() - t0 >= 0.05)
            return reps;
        reps *= 2;
    }
}

/* Seconds per pass over reps passes. */
static double time_pass(struct bcase *c, size_t reps)
{
    double t0 = now();
    for (size_t k = 0; k < reps; k++)
        c->fn(c);
    return (now() - t0) / (double)reps;
}

/*
 * Time cases c[0..nc) run by run, alternating between them (a case's run
 * i, then the next case's run i), so that load from elsewhere on a shared
 * machine hits all of them alike, and print their rows. With vs, c[0] is
 * the scalar case the others are compared with.
 */
static void bench(struct bcase *c, size_t nc, int runs, bool vs)
{
    double t[N_GROUP][64];
    size_t reps[N_GROUP], items[N_GROUP];
    for (size_t k = 0; k < nc; k++) {
        items[k] = c[k].fn(&c[k]);
        reps[k] = calibrate(&c[k]);
    }
    for (int i = 0; i < runs; i++)
        for (size_t k = 0; k < nc; k++)
            t[k][i] = time_pass(&c[k], reps[k]);
    for (size_t k = 0; k < nc; k++) {
        const double mb = (double)c[k].in.len / 1e6;
        qsort(t[k], (size_t)runs, sizeof t[k][0], cmp_double);
        c[k].best_mbs = mb / t[k][0];
        if (!vs) {
            bench_report(c[k].name, mb, t[k], runs, (double)items[k]);
            continue;
        }
        printf("%-34s %9.3f %11.1f %12.1f %12.0f %8.2fx\n", c[k].name, mb, c[k].best_mbs,
               mb / t[k][runs / 2], (double)items[k] / t[k][runs / 2],
               c[k].best_mbs / c[0].best_mbs);
    }
}


int main(int argc, char **argv)
{
    int runs = bench_runs_only(argc, argv, 7);
    if (runs < 0)
        return 2;
    struct tb_rng r = tb_rng_seed(0xbe4c);
    enum { N_CASES = 40 };
    struct bcase cs[N_CASES];
    memset(cs, 0, sizeof cs);
    size_t nc = 0;
    uint8_t *raw = malloc(1 << 21);
    random_bytes(&r, raw, 1 << 21);

    cs[nc].name = "b64_decode/4KiB";
    tb_b64(&cs[nc].in, raw, 3072, false, 0, "\r\n");
    cs[nc++].fn = run_b64;
    cs[nc].name = "b64_decode/1MiB";
    tb_b64(&cs[nc].in, raw, 3 << 18, false, 0, "\r\n");
    cs[nc++].fn = run_b64;
    cs[nc].name = "b64_decode/1MiB_crlf76";
    tb_b64(&cs[nc].in, raw, 3 << 18, false, 76, "\r\n");
    cs[nc++].fn = run_b64;
    /* each implementation forced, then OpenSSL, on one input: rows
       compared with that input's scalar row */
    static const struct {
        const char *tag;
        size_t raw_len, wrap;
        bool url;
    } b64_in[] = { { "4KiB", 3072, 0, false },
                   { "1MiB", 3 << 18, 0, false },
                   { "1MiB_url", 3 << 18, 0, true },
                   { "1MiB_crlf76", 3 << 18, 76, false } };
    static char names[N_CASES][48];
    for (size_t k = 0; k < sizeof b64_in / sizeof b64_in[0]; k++) {
        const size_t base = nc;
        for (enum lt_b64_impl m = 0; m <= LT_B64_N_IMPL; m++) {
            if (m < LT_B64_N_IMPL && !lt__b64_impl_supported(m))
                continue;
            if (m == LT_B64_N_IMPL && b64_in[k].url)
                continue; /* OpenSSL has no URL-safe alphabet */
            snprintf(names[nc], sizeof names[nc], "b64_decode/%s/%s",
                     m < LT_B64_N_IMPL ? lt__b64_impl_name(m) : "openssl", b64_in[k].tag);
            cs[nc].name = names[nc];
            tb_b64(&cs[nc].in, raw, b64_in[k].raw_len, b64_in[k].url, b64_in[k].wrap, "\r\n");
            cs[nc].url = b64_in[k].url;
            cs[nc].impl = m;
            cs[nc].fn = m < LT_B64_N_IMPL ? run_b64_impl
                        : b64_in[k].wrap  ? run_b64_openssl_stream
                                          : run_b64_openssl;
            cs[nc++].vs = base + 1;
        }
    }

    cs[nc].name = "b64_plausible/1MiB";
    tb_b64(&cs[nc].in, raw, 3 << 18, false, 0, "\r\n");
    cs[nc++].fn = run_b64_plausible;

    /* percent: URL-encoded JSON text (about 1 escape per 6 bytes) */
    cs[nc].name = "pct_decode/1MiB_json";
    {
        struct tb_buf j = { 0 };
        make_json(&r, 800000, &j);
        for (size_t i = 0; i < j.len && cs[nc].in.len < (1 << 20); i++) {
            const uint8_t c = j.p[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '.')
                tb_buf_u8(&cs[nc].in, c);
            else
                tb_buf_printf(&cs[nc].in, "%%%02X", c);
        }
        tb_buf_release(&j);
    }
    cs[nc++].fn = run_pct;
    cs[nc].name = "pct_decode/1MiB_utf8";
    while (cs[nc].in.len < (1 << 20))
        tb_buf_puts(&cs[nc].in, "%E4%B9%99%E8%82%9D+");
    cs[nc++].fn = run_pct;
    cs[nc].name = "pct_decode/1MiB_plain";
    while (cs[nc].in.len < (1 << 20))
        tb_buf_puts(&cs[nc].in, "H4sIAAAAAAAAAJWSXWvbMBSG_0qRy26SKrZjN8ZQRm4GvdnFCtugGUKRju2z2JYnHduE0v8");
    cs[nc++].fn = run_pct;

    cs[nc].name = "hex_decode/1MiB";
    for (size_t i = 0; i < (1 << 19); i++)
        tb_buf_printf(&cs[nc].in, "%02x", raw[i]);
    cs[nc++].fn = run_hex;

    cs[nc].name = "json_walk/100KiB";
    make_json(&r, 100 * 1024, &cs[nc].in);
    cs[nc++].fn = run_json;

    cs[nc].name = "form_iter/100KiB";
    for (int i = 0; cs[nc].in.len < 100 * 1024; i++)
        tb_buf_printf(&cs[nc].in, "%sv=1&_v=j68&a=%d&t=pageview&dl=https%%3A%%2F%%2Fwww.example.com%%2F%d"
                      "&ul=en-us&cid=1602946763.1549335544&tid=UA-12345678-1&z=%d",
                      i ? "&" : "", i, i, i * 7);
    cs[nc++].fn = run_form;

    cs[nc].name = "multipart/100KiB";
    for (int i = 0; cs[nc].in.len < 100 * 1024; i++) {
        tb_buf_printf(&cs[nc].in, "------WebKitFormBoundaryx7MA4YWxkTrZu0gW\r\n"
                      "Content-Disposition: form-data; name=\"field%d\"\r\n\r\n", i);
        tb_b64(&cs[nc].in, raw + i * 300, 300, false, 76, "\r\n");
        tb_buf_puts(&cs[nc].in, "\r\n");
    }
    tb_buf_puts(&cs[nc].in, "------WebKitFormBoundaryx7MA4YWxkTrZu0gW--\r\n");
    cs[nc++].fn = run_multipart;

    char extra[128];
    snprintf(extra, sizeof extra,
             "1 thread, %d runs, b64_decode/<impl>/ rows end with best MB/s / scalar's",
             runs);
    bench_header("bench_dec", extra);
    for (size_t i = 0; i < nc; i++) {
        cs[i].dst_cap = cs[i].in.len + 64;
        cs[i].dst = malloc(cs[i].dst_cap);
        if (cs[i].vs) /* the same bytes as the scalar code, or no row */
            check_b64(&cs[i], raw);
    }
    for (size_t i = 0, k; i < nc; i = k) {
        /* a group: the cases compared with one scalar case, or one case */
        for (k = i + 1; cs[i].vs && k < nc && cs[k].vs == cs[i].vs; k++)
            ;
        bench(&cs[i], k - i, runs, cs[i].vs != 0);
    }
    for (size_t i = 0; i < nc; i++) {
        free(cs[i].dst);
        tb_buf_release(&cs[i].in);
    }
    free(raw);
    return 0;
}
