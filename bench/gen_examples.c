/* SPDX-License-Identifier: MIT */
/*
 * gen_examples - write the bundled example dataset: captures of two phones
 * with planted leaks (leakgen.h) mixed with ordinary traffic (gen.h), the
 * manifest naming their identifiers, and the records a correct run must
 * produce.
 *
 *   gen_examples [DIR]     (default: examples)
 *
 * writes DIR/captures/<device>/..., DIR/manifest.json, DIR/expected.jsonl.
 * Deterministic: fixed seeds, compressors at fixed levels (gzip without a
 * time stamp), so the same build writes the same bytes every run.
 *
 * expected.jsonl: one object per identifier record, ordered by device,
 * capture, frame, then position in the message, with the fields capture,
 * frame, device, host, kind, key, variant, chain, value (SPEC §4). Browsing
 * records (detector "browsing") are not listed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen.h"
#include "leakgen.h"
#include "tb_compress.h"
#include "tb_conv.h"

enum codec { PLAIN = -1 };

/* One capture file: the cases sent from the device, in order. A name
   starting with '+' goes on the previous connection (keep-alive). */
struct plan {
    int device;
    const char *file;      /* relative to DIR/captures/<device>/ */
    bool pcapng;
    int codec;             /* PLAIN or enum tb_codec */
    bool ipv6;
    uint64_t filler_seed;  /* != 0: a gen.h capture instead of cases */
    const char *cases[16];
};

static const struct plan plans[] = {
    { 0, "2020-05-03-browser.pcap", false, PLAIN, false, 0,
      { "benign_connectivity", "sensors_android", "+sensors_android_install", "benign_cdn",
        "cookie_b64", "decoy_imei_luhn", NULL } },
    { 0, "2020-05-03-system.pcapng.gz", true, TB_GZIP, false, 0,
      { "miui_spock", "umeng", "benign_config", "hashed_query", "decoy_mac_near", NULL } },
    { 0, "2020-05-02-idle.pcap.xz", false, TB_XZ, false, 11, { NULL } },
    { 1, "session-1.pcap.zst", false, TB_ZSTD, false, 0,
      { "benign_connectivity", "mixpanel_android", "firebase", "adjust", "appsflyer", "facebook",
        "decoy_uuid", NULL } },
    { 1, "session-2.pcapng", true, PLAIN, true, 0,
      { "segment", "amplitude", "benign_cdn", "mac_url", "imei_header", "hex_query", "multipart",
        "firebase_batchlog", "decoy_aid_in_hex", NULL } },
    { 1, "background.pcap.xz", false, TB_XZ, false, 14, { NULL } },
};
#define N_PLANS (sizeof plans / sizeof plans[0])

static const char *const client_v4[2] = { "192.168.1.23", "192.168.1.42" };
static const char *const client_v6[2] = { "2001:db8:1::23", "2001:db8:1::42" };

struct row {
    int device;
    char capture[256];
    uint64_t frame;
    const struct lg_case *c;
    size_t k;       /* index in c->expects */
    size_t order;   /* generation order: position in the message */
};

static struct row *rows;
static size_t n_rows, rows_cap;
static struct lg_case *cases[2];
static size_t n_cases[2];

static void die(const char *what, const char *path)
{
    fprintf(stderr, "gen_examples: %s '%s': %s\n", what, path, strerror(errno));
    exit(1);
}

static void mkdir_p(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        die("cannot create", path);
}

static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static void add_rows(int dev, const char *capture, uint64_t frame, const struct lg_case *c)
{
    for (size_t k = 0; k < c->n_expects; k++) {
        if (n_rows == rows_cap) {
            rows_cap = rows_cap ? 2 * rows_cap : 64;
            rows = realloc(rows, rows_cap * sizeof *rows);
            if (!rows)
                abort();
        }
        struct row *r = &rows[n_rows];
        r->device = dev;
        snprintf(r->capture, sizeof r->capture, "%s", capture);
        r->frame = frame;
        r->c = c;
        r->k = k;
        r->order = n_rows++;
    }
}

static void response(struct tb_buf *b, const struct lg_case *c)
{
    b->len = 0;
    if (!strcmp(c->name, "benign_connectivity")) {
        tb_buf_puts(b, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    tb_buf_puts(b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                   "Content-Length: 22\r\n\r\n{\"code\":0,\"msg\":\"ok\"}\n");
}

/* The capture of plan p (uncompressed) into out; its rows into rows[]. */
static void build(const struct plan *p, const char *capture, struct tb_buf *out)
{
    if (p->filler_seed) {
        struct gen_opts o = gen_opts_default();
        o.seed = p->filler_seed;
        o.target_bytes = 25000;   /* small: the dataset is committed */
        o.pcapng = p->pcapng;
        o.pct_http = 80;
        o.pct_tls = 5;            /* opaque records do not compress */
        o.concurrent = 4;
        gen_capture(&o, out, NULL);
        return;
    }
    struct tb_capfile f;
    struct tb_conv conv;
    struct tb_buf resp = { 0 };
    bool open = false;
    char srv[48];
    uint16_t sport = (uint16_t)(40000 + 1000 * p->device + (fnv(p->file) & 511));
    tb_capfile_begin(&f, p->pcapng);
    for (size_t i = 0; p->cases[i]; i++) {
        const char *name = p->cases[i];
        bool keep = name[0] == '+';
        const struct lg_case *c = lg_case_find(cases[p->device], n_cases[p->device], name + keep);
        if (!c) {
            fprintf(stderr, "gen_examples: no case '%s'\n", name + keep);
            exit(1);
        }
        if (!keep || !open) {
            if (open) {
                tb_conv_close(&conv);
                tb_conv_release(&conv);
            }
            uint32_t h = fnv(c->host);
            if (p->ipv6)
                snprintf(srv, sizeof srv, "2001:db8:5::%x", 1 + (h & 0xfff));
            else
                snprintf(srv, sizeof srv, "203.0.113.%u", 1 + (h % 254));
            tb_conv_open(&conv, &f, p->ipv6 ? client_v6[p->device] : client_v4[p->device], srv,
                         sport++, 80, h * 2654435761u, h ^ 0x5eed5eedu);
            open = true;
        }
        uint64_t frame = tb_conv_send(&conv, true, c->request.p, c->request.len);
        add_rows(p->device, capture, frame, c);
        response(&resp, c);
        tb_conv_send(&conv, false, resp.p, resp.len);
    }
    if (open) {
        tb_conv_close(&conv);
        tb_conv_release(&conv);
    }
    tb_buf_put(out, f.cap.b.p, f.cap.b.len);
    tb_capfile_release(&f);
    tb_buf_release(&resp);
}

static void json_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(o, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(o, "\\u%04x", ch);
        else
            fputc(ch, o);
    }
    fputc('"', o);
}

static void shortest(double v, char *out, size_t cap)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static void write_manifest(const char *path)
{
    FILE *o = fopen(path, "w");
    if (!o)
        die("cannot write", path);
    fputs("{\n  \"devices\": [\n", o);
    for (int d = 0; d < 2; d++) {
        const struct lg_ids *id = lg_example_ids(d);
        const char *dev = lg_example_device(d);
        char lat[32], lon[32];
        shortest(id->lat, lat, sizeof lat);
        shortest(id->lon, lon, sizeof lon);
        fputs("    {\n      \"id\": ", o);
        json_str(o, dev);
        fprintf(o, ",\n      \"captures\": [\"%s/**\"],\n", dev);
        fputs("      \"identifiers\": {\n", o);
        const char *keys[] = { "android_id", "adid", "imei", "mac", "email", "phone" };
        const char *vals[] = { id->android_id, id->adid, id->imei, id->mac, id->email, id->phone };
        for (int k = 0; k < 6; k++) {
            fprintf(o, "        \"%s\": ", keys[k]);
            json_str(o, vals[k]);
            fputs(",\n", o);
        }
        fprintf(o, "        \"location\": {\"lat\": %s, \"lon\": %s},\n", lat, lon);
        fputs("        ", o);
        json_str(o, id->custom_key);
        fputs(": ", o);
        json_str(o, id->custom_value);
        fprintf(o, "\n      }\n    }%s\n", d ? "" : ",");
    }
    fputs("  ]\n}\n", o);
    if (fclose(o) != 0)
        die("cannot write", path);
}

static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c = strcmp(lg_example_device(x->device), lg_example_device(y->device));
    if (c)
        return c;
    if ((c = strcmp(x->capture, y->capture)))
        return c;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void write_expected(const char *path)
{
    qsort(rows, n_rows, sizeof *rows, row_cmp);
    FILE *o = fopen(path, "w");
    if (!o)
        die("cannot write", path);
    for (size_t i = 0; i < n_rows; i++) {
        const struct row *r = &rows[i];
        const struct lg_expect *e = &r->c->expects[r->k];
        fputs("{\"capture\":", o);
        json_str(o, r->capture);
        fprintf(o, ",\"frame\":%llu,\"device\":", (unsigned long long)r->frame);
        json_str(o, lg_example_device(r->device));
        fputs(",\"host\":", o);
        json_str(o, r->c->host);
        fputs(",\"kind\":", o);
        json_str(o, e->kind);
        fputs(",\"key\":", o);
        json_str(o, e->key);
        fputs(",\"variant\":", o);
        json_str(o, e->variant);
        fputs(",\"chain\":[", o);
        for (size_t s = 0; s < e->chain_len; s++) {
            if (s)
                fputc(',', o);
            json_str(o, e->chain[s]);
        }
        fputs("],\"value\":", o);
        json_str(o, e->value);
        fputs("}\n", o);
    }
    if (fclose(o) != 0)
        die("cannot write", path);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "examples";
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: gen_examples [DIR]\n");
        return 2;
    }
    char path[1024], capture[256];
    for (int d = 0; d < 2; d++)
        lg_cases(lg_example_ids(d), &cases[d], &n_cases[d]);
    mkdir_p(dir);
    snprintf(path, sizeof path, "%s/captures", dir);
    mkdir_p(path);
    for (int d = 0; d < 2; d++) {
        snprintf(path, sizeof path, "%s/captures/%s", dir, lg_example_device(d));
        mkdir_p(path);
    }
    for (size_t i = 0; i < N_PLANS; i++) {
        const struct plan *p = &plans[i];
        struct tb_buf raw = { 0 }, packed = { 0 };
        snprintf(capture, sizeof capture, "%s/%s", lg_example_device(p->device), p->file);
        build(p, capture, &raw);
        if (p->codec != PLAIN)
            tb_compress((enum tb_codec)p->codec, raw.p, raw.len, &packed);
        snprintf(path, sizeof path, "%s/captures/%s", dir, capture);
        tb_buf_write_file(p->codec == PLAIN ? &raw : &packed, path);
        fprintf(stderr, "gen_examples: %s: %zu bytes\n", path,
                p->codec == PLAIN ? raw.len : packed.len);
        tb_buf_release(&raw);
        tb_buf_release(&packed);
    }
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    write_manifest(path);
    snprintf(path, sizeof path, "%s/expected.jsonl", dir);
    write_expected(path);
    fprintf(stderr, "gen_examples: %s: %zu records\n", path, n_rows);
    for (int d = 0; d < 2; d++)
        lg_cases_free(cases[d], n_cases[d]);
    free(rows);
    return 0;
}
