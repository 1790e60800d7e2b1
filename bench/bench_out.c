/* SPDX-License-Identifier: MIT */
/*
 * bench_out - the output layer on one thread: lt_record_write() of typical
 * leak records (SPEC §4 shape: mostly ASCII URLs and values, some UTF-8,
 * escapes and invalid bytes, 2-5 chain steps) into a buffer flushed every
 * 8 MiB, and lt_zframe_compress() of each 8 MiB batch as one frame (zstd
 * levels 1 and 3), as a device writer does.
 *
 *   bench_out [--records N] [--runs R]
 * MB/s = 10^6 bytes of JSON lines per second (the compressor's input);
 * items/s = records/s (for zframe rows: records compressed per second).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/out/record.h"
#include "core/out/zframe.h"
#include "tb_buf.h"
#include "bench_util.h"

#define FRAME_BYTES ((size_t)8 << 20)
#define N_SPECS 4096



struct spec {
    struct lt_record r;
    struct lt_step chain[5];
    uint8_t src[16], dst[16];
};

static const char *const hosts[] = { "sa.api.intl.miui.com", "tracking.example.net",
                                     "graph.facebook.com", "app-measurement.com",
                                     "api.ad.xiaomi.com" };
static const char *const kinds[] = { "browsing_url", "android_id", "imei", "search_query",
                                     "email", "location", "custom:nickname" };
static const char *const dets[] = { "browsing", "identifier", "identifier", "browsing",
                                    "pattern", "pattern", "identifier" };
static const char *const variants[] = { "exact", "exact", "lower", "md5", "sha1", "exact" };
static const char *const words[] = { "hiv", "test", "clinic", "near", "me", "caf\xc3\xa9",
                                     "\xe5\x8c\xbb\xe9\x99\xa2", "weather", "news",
                                     "\"quoted\"", "tab\there", "bad\xff" "byte" };

/* A pool of typical records; the strings live in *pool (never moved:
   sized once). */
static void make_specs(struct spec *sp, struct tb_buf *pool, struct tb_rng *rng)
{
    pool->cap = 4u << 20;
    pool->p = malloc(pool->cap);
    if (!pool->p)
        exit(1);
    for (int i = 0; i < N_SPECS; i++) {
        struct spec *s = &sp[i];
        memset(s, 0, sizeof *s);
#define SPAN_FROM(start) lt_span_make(pool->p + (start), pool->len - (start))
        size_t at;
        const char *host = hosts[tb_rng_below(rng, 5)];
        at = pool->len;
        tb_buf_printf(pool, "device-%02u", (unsigned)tb_rng_below(rng, 40));
        s->r.device = SPAN_FROM(at);
        at = pool->len;
        tb_buf_printf(pool, "%.*s/capture-%03u.pcapng", (int)s->r.device.len,
                      (const char *)s->r.device.p, (unsigned)tb_rng_below(rng, 500));
        s->r.capture = SPAN_FROM(at);
        s->r.host = lt_span_cstr(host);
        s->r.method = lt_span_cstr(tb_rng_below(rng, 3) ? "POST" : "GET");
        at = pool->len;
        tb_buf_printf(pool, "http://%s/sa?project=production&v=%u&ts=%llu", host,
                      (unsigned)tb_rng_below(rng, 100),
                      (unsigned long long)tb_rng_below(rng, 1ull << 40));
        s->r.url = SPAN_FROM(at);
        const unsigned k = (unsigned)tb_rng_below(rng, 7);
        s->r.kind = kinds[k];
        s->r.detector = dets[k];
        s->r.variant = variants[tb_rng_below(rng, 6)];
        if (tb_rng_below(rng, 2)) {
            at = pool->len;
            tb_buf_puts(pool, tb_rng_below(rng, 2) ? "android_id" : "q");
            s->r.key = SPAN_FROM(at);
        }
        if (tb_rng_below(rng, 4))
            s->r.app = lt_span_cstr("com.mi.globalbrowser");
        at = pool->len;
        if (k == 0 || k == 3) {
            tb_buf_puts(pool, "https://duckduckgo.com/?q=");
            for (unsigned w = 0, nw = 2 + (unsigned)tb_rng_below(rng, 6); w < nw; w++)
                tb_buf_printf(pool, "%s%s", w ? "+" : "", words[tb_rng_below(rng, 12)]);
            tb_buf_puts(pool, "&t=h_");
        } else {
            tb_buf_printf(pool, "%016llx", (unsigned long long)tb_rng_next(rng));
        }
        s->r.value = SPAN_FROM(at);
        s->chain[0] = (struct lt_step){ LT_STEP_BODY, { NULL, 0 } };
        s->chain[1] = (struct lt_step){ LT_STEP_FORM, lt_span_cstr("data_list") };
        s->chain[2] = (struct lt_step){ LT_STEP_BASE64, { NULL, 0 } };
        s->chain[3] = (struct lt_step){ LT_STEP_GZIP, { NULL, 0 } };
        s->chain[4] = (struct lt_step){ LT_STEP_JSON, lt_span_cstr("$[0].properties.url") };
        s->r.chain = s->chain;
        s->r.chain_len = 2 + (size_t)tb_rng_below(rng, 4);
        s->r.has_flow = tb_rng_below(rng, 10) != 0;
        s->r.ip_version = tb_rng_below(rng, 4) ? 4 : 6;
        for (int b = 0; b < 16; b++)
            s->src[b] = (uint8_t)tb_rng_next(rng), s->dst[b] = b < 8 ? 0 : (uint8_t)b;
        s->r.src_ip = s->src;
        s->r.dest_ip = s->dst;
        s->r.src_port = (uint16_t)(32768 + tb_rng_below(rng, 28000));
        s->r.dest_port = tb_rng_below(rng, 2) ? 80 : 443;
        s->r.proto = "tcp";
        if (pool->len > pool->cap - 4096)
            exit(1);
    }
}

struct run {
    double t_write, t_z1, t_z3;
    uint64_t json_bytes, z1_bytes, z3_bytes;
};

static void one_run(const struct spec *sp, uint64_t n_records, enum lt_values_mode m,
                    struct lt_zframe *z1, struct lt_zframe *z3, struct run *o)
{
    struct lt_buf b, zo;
    lt_buf_init(&b, FRAME_BYTES + (1u << 20));
    lt_buf_init(&zo, (size_t)64 << 20);
    memset(o, 0, sizeof *o);
    int64_t ts = 1588500000123456000;
    double t0 = now();
    for (uint64_t i = 0; i < n_records; i++) {
        struct lt_record r = sp[i % N_SPECS].r;
        r.ts_ns = ts + (int64_t)i * 1000003;
        r.frame = 1 + i / 7;
        if (lt_record_write(&b, &r, m) != LT_OK)
            exit(1);
        if (b.len >= FRAME_BYTES || i + 1 == n_records) {
            double t1 = now();
            o->t_write += t1 - t0;
            o->json_bytes += b.len;
            if (z1) {
                lt_buf_reset(&zo);
                if (lt_zframe_compress(z1, b.p, b.len, &zo) != LT_OK)
                    exit(1);
                double t2 = now();
                o->t_z1 += t2 - t1;
                o->z1_bytes += zo.len;
                lt_buf_reset(&zo);
                if (lt_zframe_compress(z3, b.p, b.len, &zo) != LT_OK)
                    exit(1);
                o->t_z3 += now() - t2;
                o->z3_bytes += zo.len;
            }
            lt_buf_reset(&b);
            t0 = now();
        }
    }
    lt_buf_release(&b);
    lt_buf_release(&zo);
}


static void header(int runs, uint64_t n)
{
    char commit[64] = "unknown", cpu[512] = "unknown", line[512];
    FILE *f = popen("git rev-parse --short HEAD 2>/dev/null", "r");
    if (f) {
        if (fgets(commit, sizeof commit, f))
            commit[strcspn(commit, "\n")] = '\0';
        pclose(f);
    }
    f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            const char *c = strchr(line, ':');
            snprintf(cpu, sizeof cpu, "%.200s", c ? c + 2 : line);
            cpu[strcspn(cpu, "\n")] = '\0';
            break;
        }
    }
    if (f)
        fclose(f);
#ifdef __OPTIMIZE__
    const char *opt = "optimized";
#else
    const char *opt = "unoptimized";
#endif
#ifdef NDEBUG
    const char *dbg = "NDEBUG";
#else
    const char *dbg = "asserts";
#endif
    printf("# bench_out: commit %s, cc %s, %s %s, cpu %s, 1 thread, %llu records, "
           "%d runs, 8 MiB frames\n",
           commit, __VERSION__, opt, dbg, cpu, (unsigned long long)n, runs);
    printf("%-28s %9s %11s %12s %12s\n", "case", "input_MB", "best_MB/s", "median_MB/s",
           "items/s");
}

int main(int argc, char **argv)
{
    uint64_t n_records = 1000000;
    int runs = 5;
    static const struct option opts[] = {
        { "records", required_argument, NULL, 'n' },
        { "runs", required_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': n_records = strtoull(optarg, NULL, 10); break;
        case 'r': runs = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
        default: return 2;
        }
    }
    if (runs > 64)
        runs = 64;
    if (n_records == 0)
        n_records = 1;
    static struct spec sp[N_SPECS];
    struct tb_buf pool = { 0 };
    struct tb_rng rng = tb_rng_seed(0xbe7c);
    make_specs(sp, &pool, &rng);
    struct lt_zframe *z1 = lt_zframe_new(1), *z3 = lt_zframe_new(3);
    if (!z1 || !z3)
        return 1;

    double tw[64], th[64], to[64], tz1[64], tz3[64];
    struct run r, rh, ro;
    one_run(sp, n_records / 10 + 1, LT_VALUES_PLAIN, z1, z3, &r); /* warm-up */
    for (int i = 0; i < runs; i++) {
        one_run(sp, n_records, LT_VALUES_PLAIN, z1, z3, &r);
        tw[i] = r.t_write, tz1[i] = r.t_z1, tz3[i] = r.t_z3;
        one_run(sp, n_records, LT_VALUES_HASH, NULL, NULL, &rh);
        th[i] = rh.t_write;
        one_run(sp, n_records, LT_VALUES_OMIT, NULL, NULL, &ro);
        to[i] = ro.t_write;
    }
    header(runs, n_records);
    const double items = (double)n_records;
    bench_report("record_write/plain", (double)r.json_bytes / 1e6, tw, runs, items);
    bench_report("record_write/hash", (double)rh.json_bytes / 1e6, th, runs, items);
    bench_report("record_write/omit", (double)ro.json_bytes / 1e6, to, runs, items);
    bench_report("zframe/level1/8MiB", (double)r.json_bytes / 1e6, tz1, runs, items);
    bench_report("zframe/level3/8MiB", (double)r.json_bytes / 1e6, tz3, runs, items);
    printf("# %.0f bytes/record; ratio level1 %.2f, level3 %.2f\n",
           (double)r.json_bytes / items, (double)r.json_bytes / (double)r.z1_bytes,
           (double)r.json_bytes / (double)r.z3_bytes);
    lt_zframe_free(z1);
    lt_zframe_free(z3);
    free(pool.p);
    return 0;
}
