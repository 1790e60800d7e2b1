/* SPDX-License-Identifier: MIT */
/*
 * bench_shapes - lt_shapes_scan() throughput (the pattern detector) on
 * synthetic text, one thread:
 *   nocand   JSON/HTTP-like text with no candidate at all (short numbers,
 *            words, short hex): what every piece pays
 *   cand     the same with identifiers (IMEIs, UUIDs under gaid, Android
 *            IDs, MACs, e-mails, phones, coordinates) and decoys (hashes,
 *            13-digit timestamps, UUIDs in unrelated fields)
 *   hexheavy 64-hex hashes and base64: a hex-run report every ~70 bytes
 * each as 64 KiB pieces of JSON objects without a field name, and as
 * small pieces (the values alone, as unwrap emits them, with their field
 * names).
 * shapes = lt_shapes_scan() (the C/SIMD candidate finder); shapes_hs = the
 * same validation fed by the Vectorscan database (lt__shapes_scan_window).
 * Baselines on the same bytes: one hs_scan() with a database of a single
 * literal that never occurs (the floor of "one Vectorscan pass"), and a
 * plain C loop that finds the same candidates (hex runs of 12+, '@', '+')
 * with a byte-class table, to compare against a C-only candidate finder.
 *
 *   bench_shapes [--size MB] [--runs N]
 * MB/s = 10^6 input bytes per second; items/s = hits per second (big
 * pieces) or pieces per second (small pieces).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/match/shapes.h"
#include "core/match/shapes_int.h"
#include "tb_buf.h"
#include "bench_util.h"



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

static void uuid(struct tb_rng *r, char out[37])
{
    hex(r, out, 36);
    out[8] = out[13] = out[18] = out[23] = '-';
    out[14] = '4';
    out[19] = "89ab"[tb_rng_below(r, 4)];
}

static void imei(struct tb_rng *r, char out[16])
{
    memcpy(out, "35", 2);
    digits(r, out + 2, 12);
    unsigned sum = 0;
    for (int i = 0; i < 14; i++) {
        unsigned d = (unsigned)(out[13 - i] - '0');
        if (i % 2 == 0)
            d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
    }
    out[14] = (char)('0' + (10 - sum % 10) % 10);
    out[15] = 0;
}

/* A piece list: offsets into one buffer, each with a field name. */
struct pieces {
    struct tb_buf text;  /* the values, back to back (small pieces) */
    struct tb_buf json;  /* the same as JSON objects (big pieces) */
    size_t *off, *len;
    const char **field;
    size_t n, cap;
};

static void piece_add(struct pieces *ps, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void piece_add(struct pieces *ps, const char *field, const char *fmt, ...)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 1024;
        ps->off = realloc(ps->off, ps->cap * sizeof *ps->off);
        ps->len = realloc(ps->len, ps->cap * sizeof *ps->len);
        ps->field = realloc((void *)ps->field, ps->cap * sizeof *ps->field);
        if (!ps->off || !ps->len || !ps->field)
            abort();
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ps->off[ps->n] = ps->text.len;
    ps->len[ps->n] = (size_t)k;
    ps->field[ps->n] = field;
    ps->n++;
    tb_buf_put(&ps->text, buf, (size_t)k);
    tb_buf_printf(&ps->json, "\"%s\":\"%s\",", field, buf);
}

static const char *const words[] = { "click", "MainActivity", "en-US", "Europe/Paris",
                                     "Redmi Note 8", "okhttp/3.12.1", "track", "view",
                                     "com.example.app", "WIFI", "portrait", "true" };

/* One event's values; kind 0 nocand, 1 cand, 2 hexheavy. */
static void event(struct tb_rng *r, struct pieces *ps, int kind)
{
    char h[65], u[37], d[21], im[16];
    piece_add(ps, "event", "%s", words[tb_rng_below(r, 12)]);
    piece_add(ps, "ts", "%u", (unsigned)tb_rng_below(r, 1000000));
    piece_add(ps, "screen", "%s", words[tb_rng_below(r, 12)]);
    piece_add(ps, "w", "%u", 360 + (unsigned)tb_rng_below(r, 1000));
    piece_add(ps, "version", "%u.%u.%u", (unsigned)tb_rng_below(r, 9),
              (unsigned)tb_rng_below(r, 20), (unsigned)tb_rng_below(r, 99));
    hex(r, h, 8);
    piece_add(ps, "sid", "%s", h);
    piece_add(ps, "url", "/api/v%u/%s?page=%u&lang=en", (unsigned)tb_rng_below(r, 3),
              words[tb_rng_below(r, 12)], (unsigned)tb_rng_below(r, 50));
    if (kind == 1) {
        digits(r, d, 13);
        piece_add(ps, "time", "1%s", d + 1);
        uuid(r, u);
        piece_add(ps, "request_id", "%s", u);
        hex(r, h, 64);
        piece_add(ps, "sig", "%s", h);
        if (tb_rng_below(r, 3) == 0) {
            imei(r, im);
            piece_add(ps, "di", "%s", im);
            uuid(r, u);
            piece_add(ps, "gaid", "%s", u);
            hex(r, h, 16);
            piece_add(ps, "$device_id", "%s", h);
            hex(r, h, 12);
            piece_add(ps, "wifi_bssid", "%.2s:%.2s:%.2s:%.2s:%.2s:%.2s", h, h + 2, h + 4, h + 6,
                      h + 8, h + 10);
            piece_add(ps, "u", "user%u@example.org", (unsigned)tb_rng_below(r, 100000));
            piece_add(ps, "phone", "+336%08u", (unsigned)tb_rng_below(r, 100000000));
            piece_add(ps, "$latitude", "%u.%06u", (unsigned)tb_rng_below(r, 90),
                      (unsigned)tb_rng_below(r, 1000000));
            piece_add(ps, "$longitude", "-%u.%06u", (unsigned)tb_rng_below(r, 180),
                      (unsigned)tb_rng_below(r, 1000000));
        }
    } else if (kind == 2) {
        hex(r, h, 64);
        piece_add(ps, "sha256", "%s", h);
        hex(r, h, 64);
        piece_add(ps, "token", "%s", h);
        static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char b[81];
        for (int i = 0; i < 80; i++)
            b[i] = b64[tb_rng_below(r, 64)];
        b[80] = 0;
        piece_add(ps, "blob", "%s", b);
    }
}

static void build(struct pieces *ps, int kind, size_t target, uint64_t seed)
{
    struct tb_rng r = tb_rng_seed(seed);
    while (ps->text.len < target) {
        tb_buf_puts(&ps->json, "{");
        event(&r, ps, kind);
        tb_buf_puts(&ps->json, "\"end\":1}\n");
    }
}

/* ---- the scans being timed ---------------------------------------------- */

static uint64_t n_hits;
static void on_hit(void *ud, const struct lt_shape_hit *h)
{
    (void)ud, (void)h;
    n_hits++;
}

#define BIG (64 * 1024)

static void run_big(const struct lt_shapes *s, struct lt_shapes_scratch *sc,
                    const struct pieces *ps, bool ref)
{
    for (size_t off = 0; off < ps->json.len; off += BIG) {
        size_t len = ps->json.len - off < BIG ? ps->json.len - off : BIG;
        struct lt_span d = lt_span_make(ps->json.p + off, len), f = lt_span_make("", 0);
        enum lt_err e = ref ? lt__shapes_scan_window(s, sc, d, f, (size_t)1 << 30, on_hit, NULL)
                            : lt_shapes_scan(s, sc, d, f, on_hit, NULL);
        if (e != LT_OK)
            abort();
    }
}

static void run_small(const struct lt_shapes *s, struct lt_shapes_scratch *sc,
                      const struct pieces *ps, bool ref)
{
    for (size_t i = 0; i < ps->n; i++) {
        struct lt_span d = lt_span_make(ps->text.p + ps->off[i], ps->len[i]);
        struct lt_span f = lt_span_cstr(ps->field[i]);
        enum lt_err e = ref ? lt__shapes_scan_window(s, sc, d, f, (size_t)1 << 30, on_hit, NULL)
                            : lt_shapes_scan(s, sc, d, f, on_hit, NULL);
        if (e != LT_OK)
            abort();
    }
}

static hs_database_t *floor_db;
static hs_scratch_t *floor_scr;
static int on_floor(unsigned id, unsigned long long f, unsigned long long t, unsigned fl, void *c)
{
    (void)id, (void)f, (void)t, (void)fl, (void)c;
    n_hits++;
    return 0;
}

static void run_floor_big(const struct pieces *ps)
{
    for (size_t off = 0; off < ps->json.len; off += BIG) {
        size_t len = ps->json.len - off < BIG ? ps->json.len - off : BIG;
        hs_scan(floor_db, (const char *)ps->json.p + off, (unsigned)len, 0, floor_scr, on_floor,
                NULL);
    }
}

static void run_floor_small(const struct pieces *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        hs_scan(floor_db, (const char *)ps->text.p + ps->off[i], (unsigned)ps->len[i], 0,
                floor_scr, on_floor, NULL);
}

/* The C alternative: a byte-class table, runs of hex digits of 12 or
   more ended, '@' and '+'. Counts candidates only (no validation). */
static uint8_t cls[256];
static void c_scan(const uint8_t *p, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = cls[p[i]];
        if (c & 1) {
            run++;
            continue;
        }
        if (run >= 12)
            n_hits++;
        run = 0;
        if (c & 2)
            n_hits++;
    }
    if (run >= 12)
        n_hits++;
}

static void run_c_big(const struct pieces *ps)
{
    for (size_t off = 0; off < ps->json.len; off += BIG) {
        size_t len = ps->json.len - off < BIG ? ps->json.len - off : BIG;
        c_scan(ps->json.p + off, len);
    }
}

static void run_c_small(const struct pieces *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        c_scan(ps->text.p + ps->off[i], ps->len[i]);
}

/* ---- driver ------------------------------------------------------------- */

struct ctx {
    const struct lt_shapes *s;
    struct lt_shapes_scratch *sc;
    const struct pieces *ps;
};

enum how { SHAPES_BIG, SHAPES_SMALL, HS_BIG, HS_SMALL, FLOOR_BIG, FLOOR_SMALL, C_BIG, C_SMALL };

static void run(const struct ctx *c, enum how how)
{
    switch (how) {
    case SHAPES_BIG: run_big(c->s, c->sc, c->ps, false); break;
    case SHAPES_SMALL: run_small(c->s, c->sc, c->ps, false); break;
    case HS_BIG: run_big(c->s, c->sc, c->ps, true); break;
    case HS_SMALL: run_small(c->s, c->sc, c->ps, true); break;
    case FLOOR_BIG: run_floor_big(c->ps); break;
    case FLOOR_SMALL: run_floor_small(c->ps); break;
    case C_BIG: run_c_big(c->ps); break;
    case C_SMALL: run_c_small(c->ps); break;
    }
}

static void row(const char *name, const struct ctx *c, enum how how, int runs)
{
    double t[64];
    run(c, how); /* warm up */
    uint64_t items = 0;
    for (int i = 0; i < runs; i++) {
        n_hits = 0;
        double t0 = now();
        run(c, how);
        t[i] = now() - t0;
        items = n_hits;
    }
    qsort(t, (size_t)runs, sizeof t[0], cmp_double);
    bool small = how == SHAPES_SMALL || how == HS_SMALL || how == FLOOR_SMALL || how == C_SMALL;
    double mb = (double)(small ? c->ps->text.len : c->ps->json.len) / 1e6;
    double per = small ? (double)c->ps->n : (double)items;
    printf("%-30s %9.1f %11.0f %12.0f %12.3g\n", name, mb, mb / t[0], mb / t[runs / 2],
           per / t[runs / 2]);
}

static void cpu_name(char *out, size_t cap)
{
    snprintf(out, cap, "?");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p) {
                snprintf(out, cap, "%s", p + 2);
                out[strcspn(out, "\n")] = 0;
            }
            break;
        }
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    double size_mb = 16;
    int runs = 7;
    static const struct option opts[] = {
        { "size", required_argument, NULL, 's' },
        { "runs", required_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 's': size_mb = atof(optarg); break;
        case 'r': runs = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
        default: return 2;
        }
    }
    if (runs > 64)
        runs = 64;
    for (int c = 0; c < 256; c++) {
        bool hx = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        cls[c] = (uint8_t)((hx ? 1 : 0) | (c == '@' || c == '+' ? 2 : 0));
    }
    char msg[256];
    struct lt_shapes *s;
    if (lt_shapes_new(&s, msg, sizeof msg) != LT_OK) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    struct lt_shapes_scratch *sc = lt_shapes_scratch_new(s);
    hs_compile_error_t *cerr;
    if (!sc ||
        hs_compile("\\x01never\\x02", 0, HS_MODE_BLOCK, NULL, &floor_db, &cerr) != HS_SUCCESS ||
        hs_alloc_scratch(floor_db, &floor_scr) != HS_SUCCESS) {
        fprintf(stderr, "bench_shapes: setup failed\n");
        return 1;
    }
    char cpu[128];
    cpu_name(cpu, sizeof cpu);
    printf("# bench_shapes: %s %s, -O%s, %s, 1 thread, %d runs, %.0f MB per case; "
           "big = 64 KiB pieces, small = unwrap-sized values with field names\n",
#if defined(__clang__)
           "clang", __clang_version__,
#else
           "gcc", __VERSION__,
#endif
#ifdef __OPTIMIZE__
           "2+",
#else
           "0",
#endif
           cpu, runs, size_mb);
    printf("%-30s %9s %11s %12s %12s\n", "case", "input_MB", "best_MB/s", "median_MB/s",
           "items/s");
    static const char *const kinds[] = { "nocand", "cand", "hexheavy" };
    for (int k = 0; k < 3; k++) {
        struct pieces ps = { 0 };
        build(&ps, k, (size_t)(size_mb * 1e6), 0x5a9e + (uint64_t)k);
        struct ctx c = { s, sc, &ps };
        char name[64];
        snprintf(name, sizeof name, "shapes/%s/64KiB", kinds[k]);
        row(name, &c, SHAPES_BIG, runs);
        snprintf(name, sizeof name, "shapes_hs/%s/64KiB", kinds[k]);
        row(name, &c, HS_BIG, runs);
        snprintf(name, sizeof name, "hs_floor/%s/64KiB", kinds[k]);
        row(name, &c, FLOOR_BIG, runs);
        snprintf(name, sizeof name, "c_candidates/%s/64KiB", kinds[k]);
        row(name, &c, C_BIG, runs);
        snprintf(name, sizeof name, "shapes/%s/small", kinds[k]);
        row(name, &c, SHAPES_SMALL, runs);
        snprintf(name, sizeof name, "shapes_hs/%s/small", kinds[k]);
        row(name, &c, HS_SMALL, runs);
        snprintf(name, sizeof name, "hs_floor/%s/small", kinds[k]);
        row(name, &c, FLOOR_SMALL, runs);
        snprintf(name, sizeof name, "c_candidates/%s/small", kinds[k]);
        row(name, &c, C_SMALL, runs);
        tb_buf_release(&ps.text);
        tb_buf_release(&ps.json);
        free(ps.off);
        free(ps.len);
        free((void *)ps.field);
    }
    hs_free_scratch(floor_scr);
    hs_free_database(floor_db);
    lt_shapes_scratch_free(sc);
    lt_shapes_free(s);
    return 0;
}
