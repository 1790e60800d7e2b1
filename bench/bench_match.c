/* SPDX-License-Identifier: MIT */
/*
 * bench_match - lt_matcher_scan() throughput on a synthetic HTTP + JSON
 * payload, for manifests of 1, 100 and 10,000 devices with 8 identifiers
 * each (android_id, adid, imei, mac, email, phone, location, serial), plus
 * what building each matcher costs (time, literals, database bytes, RSS).
 *
 *   bench_match [--size MB] [--runs N] [--devices 1,100,10000]
 * The payload is the same for every manifest; about one request in ten
 * carries an identifier of device 0 (some variant or hash), so matches are
 * found and reported. MB/s = 10^6 payload bytes per second, one thread.
 * Rows .../tok_<impl> force the byte searches of the digest token scan to
 * one implementation (tokscan.h); the plain row is what lt_matcher_scan()
 * picks.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/conf/manifest.h"
#include "core/match/matcher.h"
#include "core/match/matcher_int.h"
#include "tb_buf.h"
#include "bench_util.h"



/* Resident set size now, in MB (/proc/self/statm). */
static double rss_mb(void)
{
    long pages = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2)
            res = 0;
        fclose(f);
    }
    return (double)res * (double)sysconf(_SC_PAGESIZE) / 1e6;
}

static void hex(struct tb_rng *r, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = "0123456789abcdef"[tb_rng_below(r, 16)];
    out[n] = 0;
}

static void digits(struct tb_rng *r, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('0' + tb_rng_below(r, 10));
    out[n] = 0;
}

/* Device i's identifiers, the same for every manifest size. */
struct ids {
    char android_id[17], adid[37], imei[16], mac[18], email[40], phone[16], serial[16];
    double lat, lon;
};

static void device_ids(uint64_t i, struct ids *d)
{
    struct tb_rng r = tb_rng_seed(0xdef0 + i * 0x9e37);
    char h[33];
    hex(&r, d->android_id, 16);
    hex(&r, h, 32);
    snprintf(d->adid, sizeof d->adid, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16,
             h + 20);
    digits(&r, d->imei, 15);
    hex(&r, h, 12);
    snprintf(d->mac, sizeof d->mac, "%.2s:%.2s:%.2s:%.2s:%.2s:%.2s", h, h + 2, h + 4, h + 6,
             h + 8, h + 10);
    snprintf(d->email, sizeof d->email, "user%llu.%04llu@example.org", (unsigned long long)i,
             (unsigned long long)tb_rng_below(&r, 10000));
    snprintf(d->phone, sizeof d->phone, "+336%08llu",
             (unsigned long long)tb_rng_below(&r, 100000000));
    snprintf(d->serial, sizeof d->serial, "R58M%07llu",
             (unsigned long long)tb_rng_below(&r, 10000000));
    d->lat = (double)(int64_t)tb_rng_below(&r, 18000000) / 1e5 - 90.0;
    d->lon = (double)(int64_t)tb_rng_below(&r, 36000000) / 1e5 - 180.0;
}

static void manifest_json(struct tb_buf *b, unsigned n_dev)
{
    tb_buf_puts(b, "{\"devices\":[");
    for (unsigned i = 0; i < n_dev; i++) {
        struct ids d;
        device_ids(i, &d);
        tb_buf_printf(b,
                      "%s{\"id\":\"dev%u\",\"identifiers\":{\"android_id\":\"%s\",\"adid\":\"%s\","
                      "\"imei\":\"%s\",\"mac\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\","
                      "\"location\":{\"lat\":%.5f,\"lon\":%.5f},\"serial\":\"%s\"}}",
                      i ? "," : "", i, d.android_id, d.adid, d.imei, d.mac, d.email, d.phone,
                      d.lat, d.lon, d.serial);
    }
    tb_buf_puts(b, "]}");
}

/* Requests with JSON bodies full of id-like tokens (hex, uuids, numbers,
   decimals); one in ten also carries a real identifier of device 0. */
static void payload(struct tb_buf *b, size_t target)
{
    struct tb_rng r = tb_rng_seed(0x9a71);
    struct ids d0;
    device_ids(0, &d0);
    const char *real[] = { d0.android_id, d0.adid, d0.imei, d0.mac, d0.email, d0.serial };
    char h[65], u[33], n1[20], n2[20];
    while (b->len < target) {
        hex(&r, h, 64);
        hex(&r, u, 32);
        digits(&r, n1, 15);
        digits(&r, n2, 8);
        tb_buf_printf(b,
                      "POST /v2/track?appid=com.example.app&ts=1588500000%s&sig=%.32s HTTP/1.1\r\n"
                      "Host: sa.api.example.com\r\nUser-Agent: Dalvik/2.1.0 (Linux; U; Android 10)\r\n"
                      "Content-Type: application/json\r\nCookie: sid=%.40s; uid=%s\r\n\r\n",
                      n2, h, h + 8, n1);
        tb_buf_printf(b,
                      "{\"distinct_id\":\"%.16s\",\"event\":\"$AppViewScreen\",\"time\":1588500000%s,"
                      "\"properties\":{\"$screen_name\":\"MainActivity\",\"$lib_version\":\"3.2.10\","
                      "\"$latitude\":%d.%s,\"$longitude\":-%d.%.6s,\"$device_id\":\"%.8s-%.4s-%.4s-%.4s-%.12s\","
                      "\"$model\":\"Redmi Note 8\",\"$os_version\":\"10\",\"$screen_width\":1080,"
                      "\"hash\":\"%s\",\"n\":%s,\"url\":\"https://example.com/a/b?q=%.12s&p=%s\"",
                      u, n2, (int)tb_rng_below(&r, 90), n2, (int)tb_rng_below(&r, 180), n1, u,
                      u + 8, u + 12, u + 16, u + 20, h, n1, h + 20, n2);
        if (tb_rng_below(&r, 10) == 0)
            tb_buf_printf(b, ",\"leak\":\"%s\"", real[tb_rng_below(&r, 6)]);
        tb_buf_puts(b, "}}\r\n");
    }
}

static const char *const tok_name[LT_TOK_N_IMPL] = { "scalar", "avx2" };

static uint64_t n_matches;
static void on_match(void *ud, uint32_t id, size_t from, size_t to)
{
    (void)ud, (void)id, (void)from, (void)to;
    n_matches++;
}

int main(int argc, char **argv)
{
    double size_mb = 32;
    int runs = 5;
    char devices[256] = "1,100,10000";
    static const struct option opts[] = {
        { "size", required_argument, NULL, 's' },
        { "runs", required_argument, NULL, 'r' },
        { "devices", required_argument, NULL, 'd' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': size_mb = atof(optarg); break;
        case 'r': runs = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
        case 'd': snprintf(devices, sizeof devices, "%s", optarg); break;
        default: return 2;
        }
    }
    if (runs > 64)
        runs = 64;
    struct tb_buf pl = { 0 };
    payload(&pl, (size_t)(size_mb * 1e6));
    double mb = (double)pl.len / 1e6;
    printf("# bench_match: %s %s, 1 thread, %d runs, payload %.1f MB HTTP+JSON, "
           "8 identifiers per device\n",
#if defined(__clang__)
           "clang", __clang_version__,
#else
           "gcc", __VERSION__,
#endif
           runs, mb);
    printf("%-28s %9s %11s %12s %12s\n", "case", "input_MB", "best_MB/s", "median_MB/s",
           "items/s");
    char notes[4096] = "";
    size_t nl = 0;
    for (char *tok = strtok(devices, ","); tok; tok = strtok(NULL, ",")) {
        unsigned n_dev = (unsigned)atoi(tok);
        struct tb_buf js = { 0 };
        manifest_json(&js, n_dev);
        struct lt_manifest m;
        char msg[256];
        if (lt_manifest_load_mem(&m, (const char *)js.p, js.len, "bench", msg, sizeof msg, NULL,
                                 NULL) != LT_OK) {
            fprintf(stderr, "%s\n", msg);
            return 1;
        }
        tb_buf_release(&js);
        double rss0 = rss_mb(), t0 = now();
        struct lt_matcher *mt;
        if (lt_matcher_build(&m, &mt, msg, sizeof msg) != LT_OK) {
            fprintf(stderr, "%u devices: %s\n", n_dev, msg);
            return 1;
        }
        double t_build = now() - t0, rss1 = rss_mb();
        struct lt_match_scratch *s = lt_match_scratch_new(mt);
        /* variant 0: lt_matcher_scan(); then each token scan impl forced.
           Runs alternate between variants, so load from elsewhere hits
           them alike. */
        enum { N_VAR = 1 + LT_TOK_N_IMPL };
        double t[N_VAR][64];
        uint64_t found[N_VAR];
        for (int i = -1; i < runs; i++) { /* run -1: warm-up */
            for (int v = 0; v < N_VAR; v++) {
                const enum lt_tok_impl im = (enum lt_tok_impl)(v - 1);
                if (v > 0 && !lt__tok_impl_supported(im))
                    continue;
                n_matches = 0;
                double t1 = now();
                if (v == 0)
                    lt_matcher_scan(mt, s, pl.p, pl.len, on_match, NULL);
                else
                    lt__matcher_scan_impl(mt, s, pl.p, pl.len, (size_t)1 << 30, im,
                                          on_match, NULL);
                if (i >= 0)
                    t[v][i] = now() - t1;
                found[v] = n_matches;
                if (found[v] != found[0]) {
                    fprintf(stderr, "%u devices: %llu matches with tok_%s, %llu without\n",
                            n_dev, (unsigned long long)found[v], tok_name[v - 1],
                            (unsigned long long)found[0]);
                    return 1;
                }
            }
        }
        for (int v = 0; v < N_VAR; v++) {
            if (v > 0 && !lt__tok_impl_supported((enum lt_tok_impl)(v - 1)))
                continue;
            qsort(t[v], (size_t)runs, sizeof t[v][0], cmp_double);
            char name[64];
            if (v == 0)
                snprintf(name, sizeof name, "match/scan/%udev", n_dev);
            else
                snprintf(name, sizeof name, "match/scan/%udev/tok_%s", n_dev, tok_name[v - 1]);
            printf("%-28s %9.1f %11.1f %12.1f %12.0f\n", name, mb, mb / t[v][0],
                   mb / t[v][runs / 2], (double)found[v] / t[v][runs / 2]);
        }
        fflush(stdout);
        nl += (size_t)snprintf(notes + nl, sizeof notes - nl,
                               "# %u dev: build %.2f s, %u literals, %u patterns, %u too short, "
                               "db %.1f MB, RSS +%.0f MB, %llu matches per run\n"
                               "#   %u of them digests in the hash table (%.1f MB), "
                               "%u in Vectorscan\n",
                               n_dev, t_build, lt_matcher_n_literals(mt),
                               lt_matcher_n_patterns(mt), lt_matcher_n_skipped(mt),
                               (double)lt_matcher_db_bytes(mt) / 1e6, rss1 - rss0,
                               (unsigned long long)n_matches, lt_matcher_n_hashed(mt),
                               (double)lt_matcher_hash_bytes(mt) / 1e6,
                               lt_matcher_n_literals(mt) - lt_matcher_n_hashed(mt));
        lt_match_scratch_free(s);
        lt_matcher_free(mt);
        lt_manifest_release(&m);
    }
    fputs(notes, stdout);
    tb_buf_release(&pl);
    return 0;
}
