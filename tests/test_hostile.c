/* SPDX-License-Identifier: MIT */
/*
 * test_hostile.c - `leaktrawl scan` on hostile input (issue 7, SPEC §6):
 * decompression bombs, deep nesting, many base64 layers, header floods,
 * lengths beyond 2^63, flow floods, stream holes, lying record lengths,
 * truncated files and random bytes behind valid magic numbers.
 *
 * Every attack sits between two ordinary requests leaking the device's
 * Android ID. For each run: it ends (a CPU-time limit turns a hang into a
 * signal), exits 0 or 3, summary.json counts the cap or error that fired,
 * both ordinary leaks around every attack are in OUT/phone.jsonl.zst, and
 * the child's peak RSS stays under 1 GiB at default caps. Captures are
 * written by the test into a temporary directory.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tb_capture.h"
#include "tb_compress.h"
#include "tb_conv.h"
#include "tb_encode.h"
#include "tb_packet.h"
#include "tb_run.h"

#define AID "a1b2c3d4e5f60718"
#define CLI "192.168.1.23"
#define SRV "203.0.113.7"
#define RSS_MAX_KB (1024L * 1024L) /* 1 GiB */
#define CPU_MAX_S 240              /* a hang ends as SIGXCPU */

static char tmp[512];

static char *path_in(const char *rel)
{
    static char p[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof p[i], "%s/%s", tmp, rel);
    return p[i];
}

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "%s", tb_tempdir("hostile"));
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/in/phone'", tmp);
    cr_assert_eq(system(cmd), 0);
    struct tb_buf m = { 0 };
    tb_buf_puts(&m, "{\"devices\":[{\"id\":\"phone\",\"identifiers\":"
                    "{\"android_id\":\"" AID "\"}}]}");
    tb_buf_write_file(&m, path_in("m.json"));
    tb_buf_release(&m);
}

static void teardown(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(hostile, .init = setup, .fini = teardown, .timeout = 600);

/* ---- running the binary ---------------------------------------------- */

struct run {
    int code;     /* exit code, -1 for a signal */
    int sig;      /* the signal */
    long rss_kb;  /* peak resident set (ru_maxrss) */
};

/* leaktrawl scan -q -o OUT -m m.json [extra...] in/ */
static struct run scan(const char *const *extra)
{
    const char *args[40] = { "scan", "-q", "-o", path_in("out"), "-m",
                             path_in("m.json") };
    int n = 6;
    for (int i = 0; extra && extra[i] && n < 37; i++)
        args[n++] = extra[i];
    args[n++] = path_in("in");
    args[n] = NULL;
    struct tb_run_opts o = { .err_path = path_in("stderr.txt"), .cpu_limit_s = CPU_MAX_S };
    int code = tb_run(&o, args);
    struct run r = { code > 128 ? -1 : code, code > 128 ? code - 128 : 0,
                     tb_run_last_rss_kb() };
    return r;
}

/* The run ended by itself, with 0 or 3, under the memory bound. */
static void expect_sane(struct run r)
{
    char *err = tb_slurp(path_in("stderr.txt"));
    cr_assert(r.code == 0 || r.code == 3, "exit %d (signal %d); stderr: %.2000s", r.code,
              r.sig, err ? err : "");
    free(err);
    cr_log_info("peak RSS %ld KiB", r.rss_kb);
    cr_expect_lt(r.rss_kb, RSS_MAX_KB, "peak RSS %ld KiB", r.rss_kb);
}

static json_t *summary(void)
{
    json_error_t err;
    json_t *j = json_load_file(path_in("out/summary.json"), 0, &err);
    cr_assert_not_null(j, "summary.json does not parse: %s", err.text);
    return j;
}

/* totals.<group>.<name> of summary.json (group NULL: totals.<name>). */
static long long total(json_t *s, const char *group, const char *name)
{
    json_t *t = json_object_get(s, "totals");
    if (group)
        t = json_object_get(t, group);
    json_t *v = json_object_get(t, name);
    cr_assert(json_is_integer(v), "no totals.%s.%s in summary.json", group ? group : "",
              name);
    return json_integer_value(v);
}

static long long cap(json_t *s, const char *name)
{
    return total(s, "caps_hit", name);
}

/* The "<tag>.example" hosts of android_id records, as " tag1 tag2 ... ". */
static char *leak_hosts(void)
{
    struct tb_buf hosts = { 0 };
    tb_buf_u8(&hosts, ' ');
    struct tb_buf text = { 0 };
    struct stat sb;
    if (stat(path_in("out/phone.jsonl.zst"), &sb) != 0) {
        tb_buf_u8(&hosts, 0);
        return (char *)hosts.p;
    }
    cr_assert(tb_unzstd_file(path_in("out/phone.jsonl.zst"), &text),
              "phone.jsonl.zst is not whole zstd frames");
    tb_buf_u8(&text, 0);
    const char *p = (const char *)text.p;
    while (*p) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl, "record line without a newline");
        json_error_t err;
        json_t *r = json_loadb(p, (size_t)(nl - p), 0, &err);
        cr_assert_not_null(r, "line is not JSON: %.*s (%s)", (int)(nl - p), p, err.text);
        const char *kind = json_string_value(json_object_get(r, "kind"));
        const char *value = json_string_value(json_object_get(r, "value"));
        const char *host = json_string_value(json_object_get(r, "host"));
        const char *dot = host ? strstr(host, ".example") : NULL;
        if (kind && !strcmp(kind, "android_id") && value && !strcmp(value, AID) && dot) {
            tb_buf_put(&hosts, host, (size_t)(dot - host));
            tb_buf_u8(&hosts, ' ');
        }
        json_decref(r);
        p = nl + 1;
    }
    tb_buf_release(&text);
    tb_buf_u8(&hosts, 0);
    return (char *)hosts.p;
}

/* Each tag of the NULL-terminated list has its leak record. */
static void expect_leaks(const char *const *tags)
{
    char *hosts = leak_hosts();
    for (int i = 0; tags[i]; i++) {
        char want[128];
        snprintf(want, sizeof want, " %s ", tags[i]);
        cr_expect_not_null(strstr(hosts, want), "no leak record for '%s'; found:%s",
                           tags[i], hosts);
    }
    free(hosts);
}

/* ---- building captures ----------------------------------------------- */

struct hcap {
    struct tb_capfile f;
    uint16_t port; /* next client port: every conversation is a new flow */
};

static void hc_begin(struct hcap *h, bool pcapng)
{
    tb_capfile_begin(&h->f, pcapng);
    h->port = 30000;
}

/* One TCP conversation: the client sends req, the server answers 204. */
static void hc_conv(struct hcap *h, const void *req, size_t n)
{
    struct tb_conv c;
    tb_conv_open(&c, &h->f, CLI, SRV, h->port++, 80, 1000, 5000);
    tb_conv_send(&c, true, req, n);
    tb_conv_send(&c, false, "HTTP/1.1 204 No Content\r\n\r\n", 27);
    tb_conv_close(&c);
    tb_conv_release(&c);
}

/* The ordinary request: the Android ID in the query, to <tag>.example. */
static void put_leak(struct tb_buf *b, const char *tag)
{
    tb_buf_printf(b, "GET /a?aid=" AID " HTTP/1.1\r\nHost: %s.example\r\n\r\n", tag);
}

static void hc_leak(struct hcap *h, const char *tag)
{
    struct tb_buf b = { 0 };
    put_leak(&b, tag);
    hc_conv(h, b.p, b.len);
    tb_buf_release(&b);
}

/* Write the capture to in/phone/<name>, compressed (codec >= 0) or not. */
static void hc_write(struct hcap *h, const char *name, int codec)
{
    char rel[256];
    snprintf(rel, sizeof rel, "in/phone/%s", name);
    if (codec < 0) {
        tb_buf_write_file(&h->f.cap.b, path_in(rel));
    } else {
        struct tb_buf z = { 0 };
        tb_compress((enum tb_codec)codec, h->f.cap.b.p, h->f.cap.b.len, &z);
        tb_buf_write_file(&z, path_in(rel));
        tb_buf_release(&z);
    }
    tb_capfile_release(&h->f);
}

/* A file that only leaks (before or after attacks held in other files). */
static void leak_file(const char *name, const char *tag)
{
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, tag);
    hc_write(&h, name, -1);
}

/* A request with a body; encoding and content type may be NULL. */
static void put_post(struct tb_buf *b, const char *encoding, const char *type,
                     const void *body, size_t n)
{
    tb_buf_puts(b, "POST /up HTTP/1.1\r\nHost: attack.example\r\n");
    if (encoding)
        tb_buf_printf(b, "Content-Encoding: %s\r\n", encoding);
    if (type)
        tb_buf_printf(b, "Content-Type: %s\r\n", type);
    tb_buf_printf(b, "Content-Length: %zu\r\n\r\n", n);
    tb_buf_put(b, body, n);
}

/* ---- the attacks ----------------------------------------------------- */

/* Zeros each bomb expands to: gzip tops out near 1000:1 (and is the slow
   one to make), zstd and brotli go far beyond; all are over max_decoded. */
static const struct {
    enum tb_codec codec;
    const char *name;
    size_t bytes;
} bombs[] = { { TB_GZIP, "gzip", 256u << 20 },
              { TB_ZSTD, "zstd", 1u << 30 },
              { TB_BROTLI, "br", 1u << 30 } };

Test(hostile, bombs_as_content_encoding)
{
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, "before");
    for (size_t i = 0; i < 3; i++) {
        struct tb_buf bomb = { 0 }, req = { 0 };
        tb_compress_zeros(bombs[i].codec, bombs[i].bytes, &bomb);
        put_post(&req, bombs[i].name, "application/json", bomb.p, bomb.len);
        /* the same connection goes on after the bomb */
        char tag[32];
        snprintf(tag, sizeof tag, "same-%s", bombs[i].name);
        put_leak(&req, tag);
        hc_conv(&h, req.p, req.len);
        snprintf(tag, sizeof tag, "after-%s", bombs[i].name);
        hc_leak(&h, tag);
        tb_buf_release(&bomb);
        tb_buf_release(&req);
    }
    hc_write(&h, "bombs.pcap", -1);
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "same-gzip", "after-gzip", "same-zstd",
                                        "after-zstd", "same-br", "after-br", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(cap(s, "decoded_cap") + cap(s, "ratio_cap"), 3,
                  "each bomb is cut by a decompression cap");
    json_decref(s);
}

Test(hostile, bombs_in_a_base64_form_field)
{
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, "before");
    for (size_t i = 0; i < 3; i++) {
        struct tb_buf bomb = { 0 }, body = { 0 }, req = { 0 };
        tb_compress_zeros(bombs[i].codec, bombs[i].bytes / 4, &bomb);
        tb_buf_puts(&body, "v=1&data=");
        tb_b64(&body, bomb.p, bomb.len, true, 0, NULL);
        put_post(&req, NULL, "application/x-www-form-urlencoded", body.p, body.len);
        hc_conv(&h, req.p, req.len);
        char tag[32];
        snprintf(tag, sizeof tag, "after-%s", bombs[i].name);
        hc_leak(&h, tag);
        tb_buf_release(&bomb);
        tb_buf_release(&body);
        tb_buf_release(&req);
    }
    hc_write(&h, "bombs.pcap", -1);
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "after-gzip", "after-zstd", "after-br",
                                        NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(cap(s, "decoded_cap") + cap(s, "ratio_cap") + cap(s, "msg_decoded_cap"),
                  3, "each bomb is cut by a decompression cap");
    json_decref(s);
}

Test(hostile, json_nested_100000_deep)
{
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, "before");
    struct tb_buf body = { 0 }, req = { 0 };
    for (int i = 0; i < 100000; i++)
        tb_buf_puts(&body, i % 2 ? "[" : "{\"a\":");
    tb_buf_puts(&body, "\"" AID "\"");
    for (int i = 100000 - 1; i >= 0; i--)
        tb_buf_puts(&body, i % 2 ? "]" : "}");
    put_post(&req, NULL, "application/json", body.p, body.len);
    hc_conv(&h, req.p, req.len);
    hc_leak(&h, "after");
    hc_write(&h, "deep.pcap", -1);
    tb_buf_release(&body);
    tb_buf_release(&req);
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "after", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_gt(cap(s, "depth_cap"), 0);
    json_decref(s);
}

Test(hostile, base64_24_layers)
{
    struct tb_buf layers[2] = { { 0 }, { 0 } };
    tb_buf_puts(&layers[0], "aid=" AID);
    for (int i = 0; i < 24; i++) {
        struct tb_buf *src = &layers[i % 2], *dst = &layers[(i + 1) % 2];
        dst->len = 0;
        tb_b64(dst, src->p, src->len, true, 0, NULL);
    }
    struct tb_buf *deep = &layers[0]; /* 24 is even */
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, "before");
    struct tb_buf req = { 0 }, body = { 0 };
    /* in a form body (the query would pass max_line) */
    tb_buf_puts(&body, "d=");
    tb_buf_put(&body, deep->p, deep->len);
    put_post(&req, NULL, "application/x-www-form-urlencoded", body.p, body.len);
    hc_conv(&h, req.p, req.len);
    hc_leak(&h, "after");
    hc_write(&h, "b64.pcap", -1);
    tb_buf_release(&layers[0]);
    tb_buf_release(&layers[1]);
    tb_buf_release(&req);
    tb_buf_release(&body);
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "after", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_gt(cap(s, "depth_cap"), 0);
    json_decref(s);
}

Test(hostile, header_floods)
{
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, "before");
    struct tb_buf req = { 0 };
    /* 10^5 header fields, then the same connection goes on */
    tb_buf_puts(&req, "GET /many HTTP/1.1\r\nHost: attack.example\r\n");
    for (int i = 0; i < 100000; i++)
        tb_buf_printf(&req, "X-H%d: v\r\n", i);
    tb_buf_puts(&req, "\r\n");
    put_leak(&req, "same-many");
    hc_conv(&h, req.p, req.len);
    hc_leak(&h, "after-many");
    /* one header line of 4 MiB */
    req.len = 0;
    tb_buf_puts(&req, "GET /long HTTP/1.1\r\nHost: attack.example\r\nCookie: ");
    for (int i = 0; i < (4 << 20) / 16; i++)
        tb_buf_puts(&req, "k=vvvvvvvvvvvvv;");
    tb_buf_puts(&req, "\r\n\r\n");
    put_leak(&req, "same-long");
    hc_conv(&h, req.p, req.len);
    hc_leak(&h, "after-long");
    tb_buf_release(&req);
    hc_write(&h, "headers.pcap", -1);
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "same-many", "after-many", "same-long",
                                        "after-long", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(cap(s, "header_cap"), 2);
    json_decref(s);
}

Test(hostile, lengths_beyond_2_63)
{
    static const char *const attacks[] = {
        "POST /c HTTP/1.1\r\nHost: attack.example\r\nTransfer-Encoding: chunked\r\n\r\n"
        "8000000000000000\r\nabc\r\n",
        "POST /c HTTP/1.1\r\nHost: attack.example\r\nTransfer-Encoding: chunked\r\n\r\n"
        "fffffffffffffffffffff\r\nabc\r\n",
        "POST /l HTTP/1.1\r\nHost: attack.example\r\n"
        "Content-Length: 9223372036854775808\r\n\r\nabc",
        "POST /l HTTP/1.1\r\nHost: attack.example\r\n"
        "Content-Length: 18446744073709551616\r\n\r\nabc",
        "POST /l HTTP/1.1\r\nHost: attack.example\r\n"
        "Content-Length: 99999999999999999999999999999\r\n\r\nabc",
        NULL,
    };
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, "before");
    for (int i = 0; attacks[i]; i++) {
        hc_conv(&h, attacks[i], strlen(attacks[i]));
        char tag[32];
        snprintf(tag, sizeof tag, "after-%d", i);
        hc_leak(&h, tag);
    }
    hc_write(&h, "lengths.pcap", -1);
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "after-0", "after-1", "after-2",
                                        "after-3", "after-4", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(total(s, "http", "malformed_requests") + cap(s, "body_cap"), 5,
                  "each impossible length is counted");
    json_decref(s);
}

#define N_FLOWS 300000

/* N_FLOWS flows picked up midstream, each with the start of a request
   (so each holds an HTTP parser), between the two leaks. */
static void write_flow_flood(void)
{
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, "before");
    static const char part[] = "GET /flood HTTP/1.1\r\nHost: flood.exa";
    struct tb_buf pkt = { 0 };
    char src[32];
    for (uint32_t i = 0; i < N_FLOWS; i++) {
        snprintf(src, sizeof src, "10.%u.%u.%u", (i >> 16) & 0xff, (i >> 8) & 0xff,
                 (i & 0xff) | 1);
        struct tb_pkt_spec sp = {
            .src = src,
            .dst = SRV,
            .sport = (uint16_t)(1024 + i % 50000),
            .dport = 80,
            .seq = i,
            .payload = part,
            .payload_len = sizeof part - 1,
        };
        pkt.len = 0;
        tb_pkt_build(&sp, &pkt);
        tb_capfile_frame(&h.f, pkt.p, pkt.len);
    }
    tb_buf_release(&pkt);
    hc_leak(&h, "after");
    hc_write(&h, "flows.pcap", -1);
}

Test(hostile, flow_flood_at_default_caps)
{
    write_flow_flood();
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "after", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(total(s, NULL, "flows"), N_FLOWS);
    json_decref(s);
}

Test(hostile, flow_flood_under_a_flow_cap)
{
    write_flow_flood();
    static const char *const extra[] = { "--max-flows", "50000", NULL };
    struct run r = scan(extra);
    expect_sane(r);
    static const char *const tags[] = { "before", "after", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(cap(s, "flow_cap"), N_FLOWS - 50000);
    json_decref(s);
}

Test(hostile, stream_with_megabyte_holes)
{
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, "before");
    struct tb_conv c;
    tb_conv_open(&c, &h.f, CLI, SRV, h.port++, 80, 1000, 5000);
    static const char start[] = "POST /h HTTP/1.1\r\nHost: attack.example\r\n"
                                "Content-Length: 100000000\r\n\r\n";
    tb_conv_send(&c, true, start, sizeof start - 1);
    uint8_t fill[1460];
    memset(fill, 'x', sizeof fill);
    /* eight 1 MiB holes, then 6 MiB beyond the last one (more than
       max_pending waits behind it) */
    for (int i = 0; i < 8; i++) {
        c.cseq += 1u << 20;
        tb_conv_send(&c, true, fill, sizeof fill);
    }
    c.cseq += 1u << 20;
    h.f.step_ns = 100; /* well inside hole_wait_ms: max_pending decides */
    for (int i = 0; i < (6 << 20) / (int)sizeof fill; i++)
        tb_conv_send(&c, true, fill, sizeof fill);
    h.f.step_ns = 1000000;
    tb_conv_close(&c);
    tb_conv_release(&c);
    hc_leak(&h, "after");
    hc_write(&h, "holes.pcap", -1);
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "after", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(total(s, "tcp", "holes"), 9);
    cr_expect_geq(total(s, "tcp", "hole_bytes"), 9ll << 20);
    cr_expect_gt(cap(s, "pending_cap"), 0);
    json_decref(s);
}

Test(hostile, records_whose_lengths_lie)
{
    leak_file("0-before.pcap", "before");
    /* pcap: a record longer than the snaplen (the data is there) */
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, "snap-before");
    uint8_t junk[2000];
    tb_cap_pattern(junk, sizeof junk, 7);
    tb_pcap_record(&h.f.cap, 1588500000, 0, sizeof junk, sizeof junk, junk, sizeof junk);
    tb_cap_poke32(&h.f.cap, 16, false, 1000); /* snaplen 1000 < 2000 */
    hc_leak(&h, "snap-after");
    hc_write(&h, "1-snaplen.pcap", -1);
    /* pcapng: an EPB whose length is too large, one not a multiple of 4,
       one below the minimum, a trailer that disagrees; then leaks again */
    hc_begin(&h, true);
    hc_leak(&h, "ng-before");
    static const uint32_t bad_len[] = { 1u << 20, 4095, 8, 0xfffffffc };
    for (size_t i = 0; i < sizeof bad_len / sizeof bad_len[0]; i++) {
        size_t off = tb_pcapng_epb(&h.f.cap, 0, h.f.ts_ns, junk, 200, 200, NULL);
        tb_cap_poke32(&h.f.cap, off + 4, false, bad_len[i]);
        char tag[32];
        snprintf(tag, sizeof tag, "ng-after-%zu", i);
        hc_leak(&h, tag);
    }
    tb_pcapng_epb(&h.f.cap, 0, h.f.ts_ns, junk, 200, 200, NULL);
    tb_cap_poke32(&h.f.cap, h.f.cap.b.len - 4, false, 64); /* trailer */
    hc_leak(&h, "ng-after-trailer");
    hc_write(&h, "2-blocks.pcapng", -1);
    /* pcap: a record claiming more than the file holds (and more than
       max_record): the file ends there */
    hc_begin(&h, false);
    hc_leak(&h, "big-before");
    tb_pcap_record(&h.f.cap, 1588500000, 0, 0x7ffffff0u, 0x7ffffff0u, junk, sizeof junk);
    hc_write(&h, "3-huge.pcap", -1);
    /* the same in pcapng, as the last block */
    hc_begin(&h, true);
    hc_leak(&h, "nghuge-before");
    size_t off = tb_pcapng_epb(&h.f.cap, 0, h.f.ts_ns, junk, 200, 200, NULL);
    tb_cap_poke32(&h.f.cap, off + 4, false, 0x7ffffff0u);
    hc_write(&h, "4-huge.pcapng", -1);
    leak_file("5-after.pcap", "after");
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = {
        "before", "snap-before", "snap-after", "ng-before", "ng-after-0", "ng-after-1",
        "ng-after-2", "ng-after-3", "ng-after-trailer", "big-before", "nghuge-before",
        "after", NULL,
    };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(total(s, "capture", "corrupt_records") + total(s, "capture", "resyncs"),
                  5, "each lying pcapng block is counted");
    cr_expect_geq(total(s, "capture", "truncated_records") + cap(s, "record_cap") +
                      total(s, NULL, "files_error"),
                  2, "the records claiming 2 GiB are counted");
    json_decref(s);
}

/* A capture of one leak then ~2 MB of other traffic, so a cut in the
   middle of its compressed form leaves the leak readable. */
static void cut_file(const char *name, int codec, const char *tag)
{
    struct hcap h;
    hc_begin(&h, false);
    hc_leak(&h, tag);
    struct tb_buf noise = { 0 };
    struct tb_rng rng = tb_rng_seed(0x40057);
    for (int i = 0; i < (2 << 20) / 8; i++) {
        uint64_t v = tb_rng_next(&rng);
        tb_buf_put(&noise, &v, sizeof v);
    }
    struct tb_buf req = { 0 };
    put_post(&req, NULL, "application/octet-stream", noise.p, noise.len);
    hc_conv(&h, req.p, req.len);
    tb_buf_release(&noise);
    tb_buf_release(&req);
    struct tb_buf out = { 0 };
    if (codec < 0)
        tb_buf_put(&out, h.f.cap.b.p, h.f.cap.b.len);
    else
        tb_compress((enum tb_codec)codec, h.f.cap.b.p, h.f.cap.b.len, &out);
    out.len = out.len / 2 + 3; /* odd cut: inside a record or a block */
    char rel[256];
    snprintf(rel, sizeof rel, "in/phone/%s", name);
    tb_buf_write_file(&out, path_in(rel));
    tb_buf_release(&out);
    tb_capfile_release(&h.f);
}

Test(hostile, truncated_plain_and_compressed_files)
{
    leak_file("0-before.pcap", "before");
    cut_file("1-cut.pcap", -1, "cut-plain");
    cut_file("2-cut.pcap.gz", TB_GZIP, "cut-gzip");
    cut_file("3-cut.pcap.zst", TB_ZSTD, "cut-zstd");
    cut_file("4-cut.pcap.xz", TB_XZ, "cut-xz");
    leak_file("5-after.pcap", "after");
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "cut-plain", "cut-gzip", "cut-zstd",
                                        "cut-xz", "after", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(total(s, "capture", "truncated_records") + total(s, NULL, "files_error"),
                  4, "each cut file is counted");
    json_decref(s);
}

Test(hostile, random_bytes_behind_a_valid_magic)
{
    static const struct {
        const char *name;
        uint8_t magic[12];
        size_t n;
    } files[] = {
        { "1-rand.pcap", { 0xd4, 0xc3, 0xb2, 0xa1 }, 4 },
        { "2-rand.pcap", { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 }, 8 },
        { "3-rand.pcapng", { 0x0a, 0x0d, 0x0d, 0x0a }, 4 },
        { "4-rand.pcapng", { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a },
          12 },
        { "5-rand.gz", { 0x1f, 0x8b, 0x08, 0x00 }, 4 },
        { "6-rand.zst", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
        { "7-rand.xz", { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 }, 6 },
    };
    leak_file("0-before.pcap", "before");
    struct tb_rng rng = tb_rng_seed(0xbad5eed);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct tb_buf b = { 0 };
        tb_buf_put(&b, files[i].magic, files[i].n);
        for (int k = 0; k < (256 << 10) / 8; k++) {
            uint64_t v = tb_rng_next(&rng);
            tb_buf_put(&b, &v, sizeof v);
        }
        char rel[256];
        snprintf(rel, sizeof rel, "in/phone/%s", files[i].name);
        tb_buf_write_file(&b, path_in(rel));
        tb_buf_release(&b);
    }
    leak_file("8-after.pcap", "after");
    struct run r = scan(NULL);
    expect_sane(r);
    static const char *const tags[] = { "before", "after", NULL };
    expect_leaks(tags);
    json_t *s = summary();
    cr_expect_geq(total(s, NULL, "files_error") + total(s, "capture", "corrupt_records") +
                      total(s, NULL, "files_skipped"),
                  7, "each random file is counted");
    json_decref(s);
}
