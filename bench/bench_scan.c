/* SPDX-License-Identifier: MIT */
/*
 * bench_scan.c - end to end: `leaktrawl scan` as users run it (a child
 * process, detectors on, examples/manifest.json), on generated captures
 * read from the page cache. Rows: MB/s and packets/s at -j1 and -j2 on
 * plaintext-HTTP-heavy and TLS-heavy captures, one large file (split
 * across flows) and a directory of files (parallel across files), zstd
 * input against decompression alone, peak RSS, and the ratio to tshark
 * (when installed) on the same file, measured side by side.
 *
 *   bench_scan [--size MB] [--runs N] [--big GB] [--keep DIR]
 *
 * --big G also writes one G GB pcapng (the 1 GB one, G times: pcapng
 * sections concatenate) and compares its peak RSS with the 1 GB file's.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "bench_util.h"
#include "gen.h"

static char bin[1024], manifest[1024], dir[512];
static int runs = 3;

/* Run argv; wall seconds, peak RSS (MB) of the child. -1 on failure. */
static double run(char *const *argv, const char *out_path, long *rss_mb)
{
    fflush(stdout); /* the child's freopen would flush our buffer again */
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(out_path ? out_path : "/dev/null", "w", stdout) ||
            !freopen("/dev/null", "w", stderr))
            _exit(99);
        execvp(argv[0], argv);
        _exit(98);
    }
    int st;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) ||
        (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 3))
        return -1;
    if (rss_mb)
        *rss_mb = ru.ru_maxrss / 1024;
    return now() - t0;
}

static uint64_t summary_packets(const char *out)
{
    char p[1100];
    snprintf(p, sizeof p, "%s/summary.json", out);
    json_t *s = json_load_file(p, 0, NULL);
    uint64_t n = (uint64_t)json_integer_value(
        json_object_get(json_object_get(s, "totals"), "packets"));
    json_decref(s);
    return n;
}

static double file_mb(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        return sb.st_size / 1e6;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "du -sb '%s'", path);
    FILE *f = popen(cmd, "r");
    double b = 0;
    if (f && fscanf(f, "%lf", &b) != 1)
        b = 0;
    if (f)
        pclose(f);
    return b / 1e6;
}

struct result {
    double best, median;  /* seconds */
    long rss_mb;
    uint64_t packets;
};

/* `leaktrawl scan -j threads input`, runs times. */
static struct result scan(const char *input, int threads)
{
    char out[600], j[16];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(j, sizeof j, "%d", threads);
    char *argv[] = { bin, "scan", "-q", "-m", manifest, "-j", j, "-o", out,
                     (char *)input, NULL };
    double t[64];
    struct result r = { 0, 0, 0, 0 };
    for (int i = 0; i < runs; i++) {
        long rss = 0;
        t[i] = run(argv, NULL, &rss);
        if (t[i] < 0) {
            fprintf(stderr, "bench_scan: leaktrawl failed on %s\n", input);
            exit(1);
        }
        if (rss > r.rss_mb)
            r.rss_mb = rss;
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    r.best = t[0];
    r.median = t[runs / 2];
    r.packets = summary_packets(out);
    return r;
}

static void row(const char *name, double mb, int threads, const struct result *r,
                const char *vs, double ratio)
{
    printf("%-30s %8.0f %3d %10.0f %10.0f %9.2f %8ld  %s %.2f\n", name, mb, threads,
           mb / r->best, mb / r->median, r->packets / r->median / 1e6, r->rss_mb,
           vs, ratio);
}

static void gen_file(const char *path, uint64_t bytes, unsigned http, unsigned tls,
                     bool pcapng, uint64_t seed)
{
    struct stat sb;
    if (stat(path, &sb) == 0)
        return; /* kept from an earlier run (--keep) */
    fflush(stdout);
    pid_t pid = fork(); /* its memory is not ours */
    if (pid == 0) {
        struct gen_opts o = gen_opts_default();
        o.target_bytes = bytes;
        o.pct_http = http;
        o.pct_tls = tls;
        o.pcapng = pcapng;
        o.seed = seed;
        struct tb_buf b = { 0 };
        gen_capture(&o, &b, NULL);
        tb_buf_write_file(&b, path);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
}

/* path.zst at level 3; the seconds decompression alone takes (best of
   runs, in this process, output discarded). */
static double zstd_file(const char *path, const char *zpath)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    stat(path, &sb);
    size_t n = (size_t)sb.st_size;
    uint8_t *src = malloc(n), *dst = malloc(ZSTD_compressBound(n));
    if (!f || !src || !dst || fread(src, 1, n, f) != n)
        exit(1);
    fclose(f);
    size_t zn = ZSTD_compress(dst, ZSTD_compressBound(n), src, n, 3);
    free(src);
    FILE *g = fopen(zpath, "wb");
    fwrite(dst, 1, zn, g);
    fclose(g);
    double best = 1e9;
    uint8_t *buf = malloc(1 << 20);
    for (int i = 0; i < runs; i++) {
        double t0 = now();
        /* read it again like the scan does: from the page cache */
        FILE *h = fopen(zpath, "rb");
        size_t got = fread(dst, 1, zn, h);
        fclose(h);
        ZSTD_DStream *ds = ZSTD_createDStream();
        ZSTD_inBuffer in = { dst, got, 0 };
        while (in.pos < in.size) {
            ZSTD_outBuffer o = { buf, 1 << 20, 0 };
            if (ZSTD_isError(ZSTD_decompressStream(ds, &o, &in)))
                exit(1);
        }
        ZSTD_freeDStream(ds);
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    free(buf);
    free(dst);
    return best;
}

int main(int argc, char **argv)
{
    double size_mb = 500, big_gb = 0;
    const char *keep = NULL;
    static const struct option opts[] = {
        { "size", required_argument, NULL, 's' },
        { "runs", required_argument, NULL, 'r' },
        { "big", required_argument, NULL, 'b' },
        { "keep", required_argument, NULL, 'k' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': size_mb = atof(optarg); break;
        case 'r': runs = atoi(optarg) > 0 && atoi(optarg) < 64 ? atoi(optarg) : 3; break;
        case 'b': big_gb = atof(optarg); break;
        case 'k': keep = optarg; break;
        default: return 2;
        }
    }
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(bin, sizeof bin, "%s/../cmd/leaktrawl", self);
    snprintf(manifest, sizeof manifest, "%s/../../examples/manifest.json", self);
    if (getenv("LT_SOURCE_DIR"))
        snprintf(manifest, sizeof manifest, "%s/examples/manifest.json",
                 getenv("LT_SOURCE_DIR"));
    if (keep) {
        snprintf(dir, sizeof dir, "%s", keep);
        mkdir(dir, 0755);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/lt-bench-scan-XXXXXX", tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            return 1;
    }
    char http[600], tls[600], zst[600], many[600], bigf[600], onegb[600];
    snprintf(http, sizeof http, "%s/http.pcap", dir);
    snprintf(tls, sizeof tls, "%s/tls.pcap", dir);
    snprintf(zst, sizeof zst, "%s/http.pcap.zst", dir);
    snprintf(many, sizeof many, "%s/many", dir);
    uint64_t bytes = (uint64_t)(size_mb * 1e6);
    gen_file(http, bytes, 90, 5, false, 1);
    gen_file(tls, bytes, 5, 90, false, 2);
    mkdir(many, 0755);
    for (int i = 0; i < 8; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s/dev%d.pcap", many, i);
        gen_file(p, bytes / 8, 90, 5, false, 10 + (uint64_t)i);
    }

    char extra[1400];
    snprintf(extra, sizeof extra, "%d runs, %ld online CPUs, manifest %s", runs,
             sysconf(_SC_NPROCESSORS_ONLN), manifest);
    bench_header("bench_scan", extra);
    printf("%-30s %8s %3s %10s %10s %9s %8s  %s\n", "case", "input_MB", "-j",
           "best_MB/s", "med_MB/s", "Mpkt/s", "RSS_MB", "ratio");
    double mb = file_mb(http);
    struct result h1 = scan(http, 1), h2 = scan(http, 2);
    row("http_heavy/one_file", mb, 1, &h1, "-", 1);
    row("http_heavy/one_file_split", mb, 2, &h2, "x -j1", h1.median / h2.median);
    struct result m1 = scan(many, 1), m2 = scan(many, 2);
    double mmb = file_mb(many);
    row("http_heavy/8_files", mmb, 1, &m1, "-", 1);
    row("http_heavy/8_files", mmb, 2, &m2, "x -j1", m1.median / m2.median);
    double tmb = file_mb(tls);
    struct result t1 = scan(tls, 1), t2 = scan(tls, 2);
    row("tls_heavy/one_file", tmb, 1, &t1, "-", 1);
    row("tls_heavy/one_file_split", tmb, 2, &t2, "x -j1", t1.median / t2.median);

    /* compressed input: MB/s of decompressed capture bytes, against
       decompression alone on the same file */
    double zdec = zstd_file(http, zst);
    struct result z1 = scan(zst, 1), z2 = scan(zst, 2);
    row("http_heavy/zstd_input", mb, 1, &z1, "of zstd -d alone",
        (mb / z1.median) / (mb / zdec));
    row("http_heavy/zstd_input", mb, 2, &z2, "of zstd -d alone",
        (mb / z2.median) / (mb / zdec));
    char tzst[700];
    snprintf(tzst, sizeof tzst, "%s.zst", tls);
    double tdec = zstd_file(tls, tzst);
    struct result tz1 = scan(tzst, 1), tz2 = scan(tzst, 2);
    row("tls_heavy/zstd_input", tmb, 1, &tz1, "of zstd -d alone",
        (tmb / tz1.median) / (tmb / tdec));
    row("tls_heavy/zstd_input", tmb, 2, &tz2, "of zstd -d alone",
        (tmb / tz2.median) / (tmb / tdec));
    printf("# zstd -d alone (libzstd, same process, page cache): %.0f MB/s (http), "
           "%.0f MB/s (tls) of decompressed bytes\n", mb / zdec, tmb / tdec);

    if (system("command -v tshark >/dev/null 2>&1") == 0) {
        char *targv[] = { "tshark", "-r", http, "-Y", "http.request", "-T", "fields",
                          "-e", "http.host", "-e", "http.request.uri", NULL };
        long rss = 0;
        double tt = run(targv, NULL, &rss);
        struct result tr = { tt, tt, rss, h1.packets };
        row("tshark/http.request_fields", mb, 1, &tr, "leaktrawl -j1 is x",
            tt / h1.median);
    } else {
        printf("# tshark not installed: no ratio\n");
    }

    if (big_gb >= 1) {
        snprintf(onegb, sizeof onegb, "%s/1gb.pcapng", dir);
        snprintf(bigf, sizeof bigf, "%s/big.pcapng", dir);
        gen_file(onegb, 1000000000ull, 90, 5, true, 3);
        char cmd[2000];
        snprintf(cmd, sizeof cmd, "test -e '%s' || (for i in $(seq %d); do cat '%s'; done > '%s')",
                 bigf, (int)big_gb, onegb, bigf);
        if (system(cmd) != 0)
            return 1;
        int saved = runs;
        runs = 1;
        struct result g1 = scan(onegb, 2), g10 = scan(bigf, 2);
        runs = saved;
        row("rss/1GB", file_mb(onegb), 2, &g1, "-", 1);
        row("rss/big", file_mb(bigf), 2, &g10, "RSS x 1GB", (double)g10.rss_mb / g1.rss_mb);
    }
    if (!keep) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            return 1;
    }
    return 0;
}
