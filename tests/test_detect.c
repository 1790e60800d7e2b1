/* SPDX-License-Identifier: MIT */
/*
 * test_detect.c - detectors that need no manifest, end to end on captures
 * and HAR files written by the test: browsing URLs and searches sent to a
 * third party (the seed case's real leak), first-party URLs and Referer
 * staying silent, and destinations named by HTTP Host, TLS server name and
 * earlier DNS answers in summary.json.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tb_compress.h"
#include "tb_conv.h"
#include "tb_packet.h"

#include <zlib.h>

static char tmp[512];

static void setup(void) { snprintf(tmp, sizeof tmp, "%s", tb_tempdir("detect")); }
static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
}
TestSuite(detect, .init = setup, .fini = teardown, .timeout = 60);

static int scan(const char *input)
{
    char cmd[2048];
    const char *bin = getenv("LT_BINARY_DIR");
    snprintf(cmd, sizeof cmd, "'%s/cmd/leaktrawl' scan -q -o '%s/out' '%s/%s'",
             bin ? bin : "build", tmp, tmp, input);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *records(const char *device)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "zstd -dcq '%s/out/%s.jsonl.zst'", tmp, device);
    FILE *f = popen(cmd, "r");
    cr_assert_not_null(f);
    struct tb_buf b = { 0 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tb_buf_put(&b, chunk, n);
    pclose(f);
    tb_buf_u8(&b, 0);
    return (char *)b.p;
}

/* OUT/summary.json of the last scan (asserted to parse). */
static json_t *summary(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/out/summary.json", tmp);
    json_t *sum = json_load_file(path, 0, NULL);
    cr_assert_not_null(sum, "%s", path);
    return sum;
}

static void write_file(const char *rel, const void *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tmp, rel);
    struct tb_buf b = { (uint8_t *)p, n, n };
    tb_buf_write_file(&b, path);
}

static const char seed_json[] =
    "[{\"event\":\"web_page_view\",\"properties\":{\"url\":\"https:\\/\\/duckduckgo.com\\/"
    "?q=hiv+test+clinic+near+me&t=h_\",\"referrer\":\"https:\\/\\/www.miui.com\\/\"}}]";

Test(detect, browsing_and_search_without_a_manifest)
{
    struct tb_buf gz = { 0 }, body = { 0 }, req = { 0 };
    tb_compress(TB_GZIP, seed_json, strlen(seed_json), &gz);
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    tb_buf_puts(&body, "crc=1&gzip=1&data_list=");
    for (size_t i = 0; i < gz.len; i += 3) { /* base64, '+' '/' '=' percent-encoded */
        uint32_t v = (uint32_t)gz.p[i] << 16 | (i + 1 < gz.len ? gz.p[i + 1] << 8 : 0) |
                     (i + 2 < gz.len ? gz.p[i + 2] : 0);
        for (int k = 0; k < 4; k++) {
            char c = (k < 2 || i + (size_t)k - 1 < gz.len) ? abc[(v >> (18 - 6 * k)) & 63] : '=';
            if (c == '+') tb_buf_puts(&body, "%2B");
            else if (c == '/') tb_buf_puts(&body, "%2F");
            else if (c == '=') tb_buf_puts(&body, "%3D");
            else tb_buf_u8(&body, (uint8_t)c);
        }
    }
    tb_buf_printf(&req, "POST /sa?project=production HTTP/1.1\r\nHost: sa.api.intl.miui.com\r\n"
                        "Referer: https://www.google.com/search?q=referer+is+exempt\r\n"
                        "Content-Type: application/x-www-form-urlencoded\r\n"
                        "Content-Length: %zu\r\n\r\n", body.len);
    tb_buf_put(&req, body.p, body.len);
    struct tb_capfile f;
    tb_capfile_begin(&f, false);
    struct tb_conv c;
    tb_conv_open(&c, &f, "192.168.1.23", "47.74.10.2", 40211, 80, 1, 2);
    tb_conv_send(&c, true, req.p, req.len);
    tb_conv_close(&c);
    tb_conv_release(&c);
    write_file("phone.pcap", f.cap.b.p, f.cap.b.len);
    tb_capfile_release(&f);

    cr_assert_eq(scan("phone.pcap"), 0);
    char *t = records("phone");
    cr_expect_not_null(strstr(t, "\"kind\":\"browsing_url\",\"detector\":\"browsing\",\"key\":\"url\","
                                 "\"variant\":\"exact\",\"chain\":[\"body\",\"form:data_list\",\"base64\","
                                 "\"gzip\",\"json:$[0].properties.url\"],"
                                 "\"value\":\"https://duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_\"}"), "%s", t);
    cr_expect_not_null(strstr(t, "\"kind\":\"search_query\"") , "%s", t);
    cr_expect_not_null(strstr(t, "\"value\":\"hiv test clinic near me\""), "%s", t);
    /* first party (www.miui.com for *.miui.com) and the Referer: silent */
    cr_expect_null(strstr(t, "www.miui.com"), "%s", t);
    cr_expect_null(strstr(t, "referer is exempt"), "%s", t);
    free(t);
    tb_buf_release(&gz);
    tb_buf_release(&body);
    tb_buf_release(&req);
}

/* A minimal TLS 1.2 ClientHello carrying server_name. */
static void client_hello(struct tb_buf *out, const char *sni)
{
    struct tb_buf ext = { 0 }, hs = { 0 };
    size_t n = strlen(sni);
    tb_buf_be16(&ext, 0);                     /* server_name */
    tb_buf_be16(&ext, (uint16_t)(n + 5));
    tb_buf_be16(&ext, (uint16_t)(n + 3));
    tb_buf_u8(&ext, 0);
    tb_buf_be16(&ext, (uint16_t)n);
    tb_buf_puts(&ext, sni);
    tb_buf_be16(&hs, 0x0303);
    tb_buf_zero(&hs, 32);                     /* random */
    tb_buf_u8(&hs, 0);                        /* session id */
    tb_buf_be16(&hs, 2);
    tb_buf_be16(&hs, 0x1301);                 /* one cipher suite */
    tb_buf_u8(&hs, 1);
    tb_buf_u8(&hs, 0);                        /* null compression */
    tb_buf_be16(&hs, (uint16_t)ext.len);
    tb_buf_put(&hs, ext.p, ext.len);
    tb_buf_u8(out, 0x16);
    tb_buf_be16(out, 0x0301);
    tb_buf_be16(out, (uint16_t)(hs.len + 4));
    tb_buf_u8(out, 1);                        /* ClientHello */
    tb_buf_u8(out, 0);
    tb_buf_be16(out, (uint16_t)hs.len);
    tb_buf_put(out, hs.p, hs.len);
    tb_buf_release(&ext);
    tb_buf_release(&hs);
}

/* A DNS response: name -> IPv4 addr. */
static void dns_response(struct tb_buf *out, const char *name, const uint8_t addr[4])
{
    tb_buf_be16(out, 0x1234);
    tb_buf_be16(out, 0x8180);
    tb_buf_be16(out, 1);
    tb_buf_be16(out, 1);
    tb_buf_zero(out, 4);
    const char *p = name;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        tb_buf_u8(out, (uint8_t)len);
        tb_buf_put(out, p, len);
        p += len + (dot ? 1 : 0);
    }
    tb_buf_u8(out, 0);
    tb_buf_be16(out, 1);
    tb_buf_be16(out, 1);
    tb_buf_be16(out, 0xc00c);                 /* pointer to the question */
    tb_buf_be16(out, 1);
    tb_buf_be16(out, 1);
    tb_buf_be32(out, 60);
    tb_buf_be16(out, 4);
    tb_buf_put(out, addr, 4);
}

Test(detect, destinations_named_by_host_sni_and_dns)
{
    struct tb_capfile f;
    tb_capfile_begin(&f, true);
    /* DNS says tracker.example.net is 203.0.113.9 */
    struct tb_buf dns = { 0 }, pkt = { 0 };
    static const uint8_t a9[4] = { 203, 0, 113, 9 };
    dns_response(&dns, "tracker.example.net", a9);
    struct tb_pkt_spec s = { .proto = 17, .src = "192.168.1.1", .dst = "192.168.1.23",
                             .sport = 53, .dport = 40000, .payload = dns.p,
                             .payload_len = dns.len };
    tb_pkt_build(&s, &pkt);
    tb_capfile_frame(&f, pkt.p, pkt.len);
    struct tb_conv c;
    /* 1: TLS to an SNI name */
    struct tb_buf hello = { 0 };
    client_hello(&hello, "graph.facebook.com");
    tb_conv_open(&c, &f, "192.168.1.23", "157.240.1.35", 40001, 443, 10, 20);
    c.mss = 40; /* the hello spans segments: collected, then read */
    tb_conv_send(&c, true, hello.p, hello.len);
    tb_conv_close(&c);
    tb_conv_release(&c);
    /* 2: opaque bytes to the DNS-named address */
    tb_conv_open(&c, &f, "192.168.1.23", "203.0.113.9", 40002, 8443, 30, 40);
    tb_conv_send(&c, true, "\x01\x02\x03\x04", 4);
    tb_conv_close(&c);
    tb_conv_release(&c);
    /* 3: plaintext HTTP */
    static const char get[] = "GET /p HTTP/1.1\r\nHost: api.example.org\r\n\r\n";
    tb_conv_open(&c, &f, "192.168.1.23", "198.51.100.7", 40003, 80, 50, 60);
    tb_conv_send(&c, true, get, strlen(get));
    tb_conv_close(&c);
    tb_conv_release(&c);
    write_file("dev.pcapng", f.cap.b.p, f.cap.b.len);
    tb_capfile_release(&f);

    cr_assert_eq(scan("dev.pcapng"), 0);
    json_t *sum = summary();
    json_t *t = json_object_get(sum, "totals");
    cr_expect_eq(json_integer_value(json_object_get(t, "tls_server_names")), 1);
    json_t *dests = json_object_get(json_array_get(json_object_get(sum, "devices"), 0),
                                    "destinations");
    cr_assert_eq(json_array_size(dests), 3);
    static const struct { const char *host, *addr; int clear, tls; } want[] = {
        { "graph.facebook.com", "157.240.1.35", 0, 1 },
        { "tracker.example.net", "203.0.113.9", 0, 0 },
        { "api.example.org", "198.51.100.7", 1, 0 },
    };
    for (size_t i = 0; i < 3; i++) {
        json_t *d = json_array_get(dests, i);
        cr_expect_str_eq(json_string_value(json_object_get(d, "host")), want[i].host);
        cr_expect_str_eq(json_string_value(json_array_get(json_object_get(d, "addresses"), 0)),
                         want[i].addr);
        cr_expect_eq(json_is_true(json_object_get(d, "clear")), want[i].clear, "%s", want[i].host);
        cr_expect_eq(json_is_true(json_object_get(d, "tls")), want[i].tls, "%s", want[i].host);
        cr_expect_eq(json_integer_value(json_object_get(d, "flows")), 1);
    }
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(dests, 2), "bytes_sent")),
                 (json_int_t)strlen(get));
    json_decref(sum);
    tb_buf_release(&dns);
    tb_buf_release(&pkt);
    tb_buf_release(&hello);
}

Test(detect, har_entries_go_through_the_same_detectors)
{
    static const char har[] =
        "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"t\",\"version\":\"1\"},\"entries\":["
        "{\"startedDateTime\":\"2020-05-03T10:00:00.123Z\",\"request\":{\"method\":\"GET\","
        "\"url\":\"https://www.example.org/a\",\"headers\":[],\"cookies\":[]},\"response\":{}},"
        "{\"startedDateTime\":\"2020-05-03T10:00:01Z\",\"request\":{\"method\":\"POST\","
        "\"url\":\"https://collect.tracker.net/v1/e\",\"headers\":[{\"name\":\"Host\","
        "\"value\":\"collect.tracker.net\"}],\"cookies\":[],\"postData\":{\"mimeType\":"
        "\"application/json\",\"text\":\"{\\\"page\\\":\\\"https://www.bing.com/search?q=rent+flat\\\"}\"}},"
        "\"response\":{}}]}}";
    write_file("laptop.har", har, strlen(har));
    cr_assert_eq(scan("laptop.har"), 0);
    char *t = records("laptop");
    cr_expect_not_null(strstr(t, "\"capture\":\"laptop.har\",\"frame\":2,\"host\":\"collect.tracker.net\""), "%s", t);
    cr_expect_not_null(strstr(t, "\"kind\":\"search_query\",\"detector\":\"browsing\",\"key\":\"page\","
                                 "\"variant\":\"exact\",\"chain\":[\"body\",\"json:$.page\"],"
                                 "\"value\":\"rent flat\"}"), "%s", t);
    cr_expect_null(strstr(t, "\"src_ip\""), "HAR records have no flow fields: %s", t);
    free(t);
}

Test(detect, dns_over_tcp_names_a_destination)
{
    struct tb_capfile f;
    tb_capfile_begin(&f, false);
    struct tb_buf dns = { 0 }, framed = { 0 };
    static const uint8_t addr[4] = { 192, 0, 2, 77 };
    dns_response(&dns, "cdn.tracker.example", addr);
    tb_buf_be16(&framed, (uint16_t)dns.len);
    tb_buf_put(&framed, dns.p, dns.len);
    struct tb_conv c;
    tb_conv_open(&c, &f, "10.0.0.5", "10.0.0.53", 40010, 53, 1, 2);
    tb_conv_send(&c, false, framed.p, framed.len);
    tb_conv_close(&c);
    tb_conv_release(&c);
    tb_conv_open(&c, &f, "10.0.0.5", "192.0.2.77", 40011, 9000, 3, 4);
    tb_conv_send(&c, true, "\x05\x06\x07", 3);
    tb_conv_close(&c);
    tb_conv_release(&c);
    write_file("box.pcap", f.cap.b.p, f.cap.b.len);
    tb_capfile_release(&f);
    cr_assert_eq(scan("box.pcap"), 0);
    json_t *sum = summary();
    json_t *dests = json_object_get(json_array_get(json_object_get(sum, "devices"), 0),
                                    "destinations");
    json_t *last = json_array_get(dests, json_array_size(dests) - 1);
    cr_expect_str_eq(json_string_value(json_object_get(last, "host")), "cdn.tracker.example");
    json_decref(sum);
    tb_buf_release(&dns);
    tb_buf_release(&framed);
}

/* PCAPdroid's trailer after an Ethernet frame with zero MACs. */
static void pcapdroid_frame(struct tb_buf *out, const struct tb_buf *frame,
                            int32_t uid, const char *app, bool good_crc)
{
    size_t start = out->len;
    tb_buf_put(out, frame->p, frame->len);
    while ((out->len - start) % 4)
        tb_buf_u8(out, 0);
    tb_buf_be32(out, 0x01072021u);
    tb_buf_be32(out, (uint32_t)uid);
    char name[20] = { 0 };
    memcpy(name, app, strlen(app) < sizeof name ? strlen(app) : sizeof name);
    tb_buf_put(out, name, sizeof name);
    uint32_t crc = (uint32_t)crc32(0, out->p + start, (uInt)(out->len - start));
    if (!good_crc)
        crc ^= 1;
    tb_buf_le32(out, crc);
}

Test(detect, pcapdroid_trailer_names_the_app_and_is_not_payload)
{
    static const char req[] = "GET /t?android_id=a1b2c3d4e5f60718 HTTP/1.1\r\nHost: t.example\r\n\r\n";
    struct tb_buf cap = { 0 };
    struct tb_cap c = { 0 };
    tb_pcap_begin(&c, TB_PCAP_USEC_LE, 1, 65535);
    static const char *const apps[] = { "com.example.app", "com.other.app" };
    for (int i = 0; i < 2; i++) {
        struct tb_pkt_spec s = { .src = "10.215.173.1", .dst = "203.0.113.7",
                                 .sport = (uint16_t)(50000 + i), .dport = 80,
                                 .seq = 100, .tcp_flags = 0x18, .tcp_flags_exact = true,
                                 .payload = req, .payload_len = strlen(req) };
        struct tb_buf frame = { 0 }, withtr = { 0 };
        tb_pkt_build(&s, &frame);
        memset(frame.p, 0, 12); /* PCAPdroid writes zero MACs */
        pcapdroid_frame(&withtr, &frame, 10100 + i, apps[i], i == 0);
        tb_pcap_packet(&c, 1000000000ll * (i + 1), withtr.p, (uint32_t)withtr.len,
                       (uint32_t)withtr.len);
        tb_buf_release(&frame);
        tb_buf_release(&withtr);
    }
    write_file("pd.pcap", c.b.p, c.b.len);
    tb_cap_release(&c);
    tb_buf_release(&cap);
    char cmd[2048];
    const char *bin = getenv("LT_BINARY_DIR");
    snprintf(cmd, sizeof cmd, "'%s/cmd/leaktrawl' scan -q -o '%s/out' --requests '%s/r.tsv' '%s/pd.pcap'",
             bin ? bin : "build", tmp, tmp, tmp);
    cr_assert_eq(system(cmd), 0);
    char *t = records("pd");
    /* good CRC: the app is named; bad CRC: stripped but not trusted */
    cr_expect_not_null(strstr(t, "\"proto\":\"tcp\",\"app\":\"com.example.app\""), "%s", t);
    cr_expect_null(strstr(t, "com.other.app"), "%s", t);
    free(t);
    /* the trailer never became payload: both requests parse whole */
    snprintf(cmd, sizeof cmd, "%s/r.tsv", tmp);
    FILE *f = fopen(cmd, "r");
    cr_assert_not_null(f);
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof line, f))
        rows += strstr(line, "/t?android_id=a1b2c3d4e5f60718") != NULL;
    fclose(f);
    cr_expect_eq(rows, 2);
}

Test(detect, pcapng_uid_block_and_epb_comments_name_apps)
{
    static const char req[] = "GET /t?android_id=a1b2c3d4e5f60718 HTTP/1.1\r\nHost: t.example\r\n\r\n";
    struct tb_cap c = { 0 };
    tb_pcapng_shb(&c, false);
    tb_pcapng_idb(&c, 1, 65535, NULL);
    /* PCAPdroid's custom block: PEN 62652, version 1, type 1, uid 10123 */
    struct tb_buf body = { 0 };
    tb_buf_le32(&body, 62652);
    tb_buf_le16(&body, 1);
    tb_buf_u8(&body, 1);
    tb_buf_u8(&body, 0);
    tb_buf_le32(&body, 10123);
    tb_buf_u8(&body, (uint8_t)strlen("com.example.browser"));
    tb_buf_u8(&body, (uint8_t)strlen("Browser"));
    tb_buf_puts(&body, "com.example.browser");
    tb_buf_puts(&body, "Browser");
    tb_pcapng_block(&c, 0x00000BAD, body.p, body.len);
    static const char *const comments[] = { "u-10123", "Mint Browser#12.1.4", "u-555" };
    for (int i = 0; i < 3; i++) {
        struct tb_pkt_spec s = { .src = "10.0.0.9", .dst = "203.0.113.8",
                                 .sport = (uint16_t)(51000 + i), .dport = 80, .seq = 7,
                                 .tcp_flags = 0x18, .tcp_flags_exact = true,
                                 .payload = req, .payload_len = strlen(req) };
        struct tb_buf frame = { 0 };
        tb_pkt_build(&s, &frame);
        tb_pcapng_epb(&c, 0, 1000000000ll * (i + 1), frame.p, (uint32_t)frame.len,
                      (uint32_t)frame.len, comments[i]);
        tb_buf_release(&frame);
    }
    write_file("ng.pcapng", c.b.p, c.b.len);
    tb_cap_release(&c);
    tb_buf_release(&body);
    cr_assert_eq(scan("ng.pcapng"), 0);
    char *t = records("ng");
    /* frame numbers count packets only: the custom block is not a frame */
    cr_expect_not_null(strstr(t, "\"frame\":1,") && strstr(t, "\"app\":\"com.example.browser\""), "%s", t);
    cr_expect_not_null(strstr(t, "\"frame\":2,"), "%s", t);
    cr_expect_not_null(strstr(t, "\"app\":\"Mint Browser\""), "%s", t);
    cr_expect_null(strstr(t, "\"frame\":4,"), "%s", t);
    /* a UID with no map entry names nothing */
    const char *third = strstr(t, "\"frame\":3,");
    cr_assert_not_null(third, "%s", t);
    const char *eol = strchr(third, '\n');
    cr_expect(!memmem(third, (size_t)(eol - third), "\"app\"", 5), "%.*s", (int)(eol - third), third);
    free(t);
    json_t *sum = summary();
    json_t *apps = json_object_get(json_array_get(json_object_get(sum, "devices"), 0), "apps");
    cr_expect_eq(json_array_size(apps), 2);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(apps, 0), "app")),
                     "com.example.browser");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(json_array_get(apps, 0), "leaks"),
                                                    "android_id")), 1);
    json_decref(sum);
}

Test(detect, quic_initial_names_a_udp_destination)
{
    /* the RFC 9001 Appendix A.2 client Initial (SNI example.com); the
       fuzz seed holds its datagram after two parameter bytes */
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/quic/rfc9001_a2",
             getenv("LT_SOURCE_DIR") ? getenv("LT_SOURCE_DIR") : ".");
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s", path);
    uint8_t seed[2048];
    size_t n = fread(seed, 1, sizeof seed, fp);
    fclose(fp);
    cr_assert_gt(n, 1200);
    struct tb_capfile f;
    tb_capfile_begin(&f, false);
    struct tb_buf pkt = { 0 };
    for (int i = 0; i < 2; i++) { /* a retransmission is not a second flow */
        struct tb_pkt_spec s = { .proto = 17, .src = "192.168.1.23", .dst = "198.51.100.44",
                                 .sport = 50123, .dport = 443, .payload = seed + 2,
                                 .payload_len = n - 2 };
        pkt.len = 0;
        tb_pkt_build(&s, &pkt);
        tb_capfile_frame(&f, pkt.p, pkt.len);
    }
    write_file("q.pcap", f.cap.b.p, f.cap.b.len);
    tb_capfile_release(&f);
    tb_buf_release(&pkt);
    cr_assert_eq(scan("q.pcap"), 0);
    json_t *sum = summary();
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(json_object_get(sum, "totals"),
                                                                    "proto"), "quic_server_names")), 2);
    json_t *dests = json_object_get(json_array_get(json_object_get(sum, "devices"), 0),
                                    "destinations");
    cr_assert_eq(json_array_size(dests), 1);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(dests, 0), "host")),
                     "example.com");
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(dests, 0), "flows")), 1);
    json_decref(sum);
}

Test(detect, destinations_past_the_cap_are_summed_under_other)
{
    /* 5000 hosts, each twice: the first 4095 keep their entry (found
       again by the index), the rest share "(other)" */
    struct tb_capfile f;
    tb_capfile_begin(&f, false);
    char req[128], srv[32];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 5000; i++) {
            struct tb_conv c;
            snprintf(srv, sizeof srv, "10.%d.%d.%d", round, i / 250, i % 250 + 1);
            tb_conv_open(&c, &f, "192.168.1.23", srv, (uint16_t)(10000 + i), 80, 1, 2);
            int n = snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: h%d.example\r\n\r\n", i);
            tb_conv_send(&c, true, req, (size_t)n);
            tb_conv_close(&c);
            tb_conv_release(&c);
        }
    write_file("dev.pcap", f.cap.b.p, f.cap.b.len);
    tb_capfile_release(&f);
    cr_assert_eq(scan("dev.pcap"), 0);
    json_t *sum = summary();
    json_t *dests = json_object_get(json_array_get(json_object_get(sum, "devices"), 0),
                                    "destinations");
    cr_assert_eq(json_array_size(dests), 4096);
    for (size_t i = 0; i < 4095; i += 1000) {
        json_t *d = json_array_get(dests, i);
        snprintf(req, sizeof req, "h%zu.example", i);
        cr_expect_str_eq(json_string_value(json_object_get(d, "host")), req);
        cr_expect_eq(json_integer_value(json_object_get(d, "flows")), 2);
        cr_expect_eq(json_array_size(json_object_get(d, "addresses")), 2);
    }
    json_t *other = json_array_get(dests, 4095);
    cr_expect_str_eq(json_string_value(json_object_get(other, "host")), "(other)");
    cr_expect_eq(json_integer_value(json_object_get(other, "flows")), 2 * (5000 - 4095));
    json_decref(sum);
}
