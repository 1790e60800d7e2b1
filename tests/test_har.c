/* SPDX-License-Identifier: MIT */
/*
 * test_har.c - lt_har_parse: every field of built HAR entries (cookies,
 * form and base64 postData, HTTP/2 pseudo-headers, URL forms, unicode
 * escapes, timestamps), browser / mitmproxy / PCAPdroid shapes, skipped
 * entries, malformed documents (no callback, every truncation), nesting
 * and scratch caps, random byte flips.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http/har.h"
#include "tb_buf.h"

/* ---- fixture: parse into a text transcript --------------------------- */

struct rec {
    struct tb_buf log;
    const uint8_t *src, *sc;
    size_t src_len, sc_cap;
    int n;
};

/* A span lies in the input, the scratch, or is one of the literals. */
static void check_span(const struct rec *r, struct lt_span s)
{
    if (s.len == 0)
        return;
    cr_assert_not_null(s.p);
    if (s.p >= r->src && s.p + s.len <= r->src + r->src_len)
        return;
    if (r->sc && s.p >= r->sc && s.p + s.len <= r->sc + r->sc_cap)
        return;
    static const char *const lit[] = { "HTTP/1.1", "Cookie", "Content-Type",
                                       "/" };
    for (size_t i = 0; i < sizeof lit / sizeof lit[0]; i++)
        if (lt_span_eq(s, lt_span_cstr(lit[i])))
            return;
    cr_assert_fail("span outside input, scratch and literals");
}

static void put_span(struct tb_buf *b, struct lt_span s)
{
    for (size_t i = 0; i < s.len; i++) {
        const uint8_t c = s.p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            tb_buf_u8(b, c);
        else
            tb_buf_printf(b, "\\x%02x", c);
    }
}

static void on_entry(void *ud, const struct lt_har_entry *e)
{
    struct rec *r = ud;
    const struct lt_http_request *q = &e->req;
    r->n++;
    check_span(r, e->url);
    check_span(r, q->method);
    check_span(r, q->target);
    check_span(r, q->version);
    check_span(r, q->host);
    check_span(r, q->body);
    cr_assert_eq(q->raw_body_encoding.len, 0);
    cr_assert_eq(q->line.len, 0);
    tb_buf_printf(&r->log, "#%llu ts=%lld flags=%u\nurl=",
                  (unsigned long long)e->index, (long long)e->ts_ns, q->flags);
    put_span(&r->log, e->url);
    tb_buf_puts(&r->log, "\n");
    put_span(&r->log, q->method);
    tb_buf_puts(&r->log, " ");
    put_span(&r->log, q->target);
    tb_buf_puts(&r->log, " ");
    put_span(&r->log, q->version);
    tb_buf_puts(&r->log, "\nhost=");
    put_span(&r->log, q->host);
    tb_buf_puts(&r->log, "\n");
    for (uint32_t i = 0; i < q->n_headers; i++) {
        check_span(r, q->headers[i].name);
        check_span(r, q->headers[i].value);
        tb_buf_puts(&r->log, "H ");
        put_span(&r->log, q->headers[i].name);
        tb_buf_puts(&r->log, ": ");
        put_span(&r->log, q->headers[i].value);
        tb_buf_puts(&r->log, "\n");
    }
    tb_buf_puts(&r->log, "body=");
    put_span(&r->log, q->body);
    tb_buf_puts(&r->log, "\n");
}

/* Parse doc with a scratch of cap bytes (heap, so ASan sees overruns). */
static enum lt_err run_cap(struct rec *r, const void *doc, size_t n, size_t cap,
                           uint64_t *skipped, char *msg, size_t msg_cap)
{
    /* a private copy, so spans into the input are checked against it */
    uint8_t *src = malloc(n ? n : 1);
    uint8_t *sc = malloc(cap ? cap : 1);
    memcpy(src, doc, n);
    memset(r, 0, sizeof *r);
    r->src = src;
    r->src_len = n;
    r->sc = sc;
    r->sc_cap = cap;
    enum lt_err e = lt_har_parse(src, n, sc, cap, on_entry, r, skipped, msg,
                                 msg_cap);
    tb_buf_u8(&r->log, 0);
    free(src);
    free(sc);
    return e;
}

static enum lt_err run(struct rec *r, const char *doc, uint64_t *skipped)
{
    char msg[128];
    return run_cap(r, doc, strlen(doc), 1 << 16, skipped, msg, sizeof msg);
}

static const char *text(const struct rec *r)
{
    return (const char *)r->log.p;
}

/* ---- fixtures ------------------------------------------------------------ */

#define B64_JSON "eyJhbmRyb2lkX2lkIjoiYTFiMmMzZDRlNWY2MDcxOCIsIm9rIjp0cnVlfQ=="

static const char three[] =
    "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"test\",\"version\":\"1\"},"
    "\"entries\":["
    /* 1: GET with a query and a cookies array */
    "{\"startedDateTime\":\"2020-05-03T10:00:00.123456Z\",\"time\":12.5,"
    "\"request\":{\"method\":\"GET\","
    "\"url\":\"https://www.example.com/search?q=hiv+test&t=h_\","
    "\"httpVersion\":\"HTTP/1.1\","
    "\"headers\":[{\"name\":\"Host\",\"value\":\"www.example.com\"},"
    "{\"name\":\"User-Agent\",\"value\":\"  Mozilla/5.0 \"}],"
    "\"queryString\":[{\"name\":\"q\",\"value\":\"hiv test\"}],"
    "\"cookies\":[{\"name\":\"sid\",\"value\":\"abc\"},{\"name\":\"u\",\"value\":\"1\"}],"
    "\"headersSize\":-1,\"bodySize\":0},"
    "\"response\":{\"status\":200,\"content\":{\"size\":5,\"mimeType\":\"text/plain\","
    "\"text\":\"aGVsbG8=\",\"encoding\":\"base64\"},\"headers\":[]},"
    "\"cache\":{},\"timings\":{\"send\":0,\"wait\":1,\"receive\":2}},"
    /* 2: POST form */
    "{\"startedDateTime\":\"2020-05-03T12:00:01+02:00\","
    "\"request\":{\"method\":\"POST\","
    "\"url\":\"http://sa.api.intl.miui.com/sa?project=production\","
    "\"httpVersion\":\"HTTP/1.1\",\"cookies\":[],"
    "\"headers\":[{\"name\":\"Host\",\"value\":\"sa.api.intl.miui.com\"}],"
    "\"postData\":{\"mimeType\":\"application/x-www-form-urlencoded\","
    "\"text\":\"data_list=abc%3D&android_id=a1b2c3d4e5f60718\","
    "\"params\":[{\"name\":\"data_list\",\"value\":\"abc=\"}]}},"
    "\"response\":{\"status\":204}},"
    /* 3: POST base64 JSON, members in unusual order, no Host header */
    "{\"response\":{\"status\":200},"
    "\"request\":{\"postData\":{\"encoding\":\"base64\",\"text\":\"" B64_JSON "\","
    "\"mimeType\":\"application/json\"},"
    "\"headers\":[{\"name\":\"content-type\",\"value\":\"application/json; charset=utf-8\"}],"
    "\"url\":\"http://user:pw@t.example.net:8080/v1/e#frag\",\"method\":\"POST\"},"
    "\"startedDateTime\":\"2019-12-31T23:59:59.5-05:30\"}"
    "]}}";

static const char three_expected[] =
    "#1 ts=1588500000123456000 flags=0\n"
    "url=https://www.example.com/search?q=hiv+test&t=h_\n"
    "GET /search?q=hiv+test&t=h_ HTTP/1.1\n"
    "host=www.example.com\n"
    "H Host: www.example.com\n"
    "H User-Agent: Mozilla/5.0\n"
    "H Cookie: sid=abc; u=1\n"
    "body=\n"
    "#2 ts=1588500001000000000 flags=0\n"
    "url=http://sa.api.intl.miui.com/sa?project=production\n"
    "POST /sa?project=production HTTP/1.1\n"
    "host=sa.api.intl.miui.com\n"
    "H Host: sa.api.intl.miui.com\n"
    "H Content-Type: application/x-www-form-urlencoded\n"
    "body=data_list=abc%3D&android_id=a1b2c3d4e5f60718\n"
    "#3 ts=1577856599500000000 flags=0\n"
    "url=http://user:pw@t.example.net:8080/v1/e#frag\n"
    "POST /v1/e HTTP/1.1\n"
    "host=t.example.net:8080\n"
    "H content-type: application/json; charset=utf-8\n"
    "body={\"android_id\":\"a1b2c3d4e5f60718\",\"ok\":true}\n";

/* ---- entries ------------------------------------------------------------- */

Test(har, three_entries_every_field)
{
    struct rec r;
    uint64_t skipped = 99;
    cr_assert_eq(run(&r, three, &skipped), LT_OK);
    cr_assert_eq(skipped, 0);
    cr_assert_eq(r.n, 3);
    cr_assert_str_eq(text(&r), three_expected);
    tb_buf_release(&r.log);
}

Test(har, null_callback_and_outputs_validate_only)
{
    uint8_t sc[4096];
    cr_assert_eq(lt_har_parse((const uint8_t *)three, strlen(three), sc,
                              sizeof sc, NULL, NULL, NULL, NULL, 0),
                 LT_OK);
    cr_assert_eq(lt_har_parse((const uint8_t *)"{", 1, NULL, 0, NULL, NULL,
                              NULL, NULL, 0),
                 LT_E_MALFORMED);
}

Test(har, har11_without_mimetype_or_version)
{
    static const char doc[] =
        "{\"log\":{\"version\":\"1.1\",\"entries\":[{\"startedDateTime\":"
        "\"2020-05-03T10:00:00Z\",\"request\":{\"method\":\"PUT\","
        "\"url\":\"http://h.example/up\",\"headers\":[],"
        "\"postData\":{\"text\":\"x=1\"}}}]}}";
    struct rec r;
    cr_assert_eq(run(&r, doc, NULL), LT_OK);
    cr_assert_str_eq(text(&r), "#1 ts=1588500000000000000 flags=0\n"
                               "url=http://h.example/up\n"
                               "PUT /up HTTP/1.1\n"
                               "host=h.example\n"
                               "body=x=1\n");
    tb_buf_release(&r.log);
}

Test(har, http2_pseudo_headers)
{
    /* Chrome's HAR for an h2 request: pseudo-headers, no Host header */
    static const char doc[] =
        "{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\","
        "\"url\":\"https://cdn.example.org/a.js?v=2\",\"httpVersion\":\"http/2.0\","
        "\"headers\":[{\"name\":\":method\",\"value\":\"GET\"},"
        "{\"name\":\":authority\",\"value\":\"cdn.example.org\"},"
        "{\"name\":\":scheme\",\"value\":\"https\"},"
        "{\"name\":\":path\",\"value\":\"/a.js?v=2\"},"
        "{\"name\":\"accept\",\"value\":\"*/*\"},"
        "{\"name\":\"cookie\",\"value\":\"a=b\"}],"
        "\"cookies\":[{\"name\":\"a\",\"value\":\"b\"}]},"
        "\"startedDateTime\":\"bogus\"}]}}";
    struct rec r;
    cr_assert_eq(run(&r, doc, NULL), LT_OK);
    /* the cookies array is not appended: a Cookie header is listed */
    cr_assert_str_eq(text(&r), "#1 ts=0 flags=0\n"
                               "url=https://cdn.example.org/a.js?v=2\n"
                               "GET /a.js?v=2 http/2.0\n"
                               "host=cdn.example.org\n"
                               "H accept: */*\n"
                               "H cookie: a=b\n"
                               "body=\n");
    tb_buf_release(&r.log);

    /* a Host header wins over :authority */
    static const char doc2[] =
        "{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\","
        "\"url\":\"https://x.example/\",\"headers\":["
        "{\"name\":\":authority\",\"value\":\"auth.example\"},"
        "{\"name\":\"HOST\",\"value\":\"host.example\"}]}}]}}";
    cr_assert_eq(run(&r, doc2, NULL), LT_OK);
    cr_assert(strstr(text(&r), "host=host.example\nH HOST: host.example\nbody"));
    tb_buf_release(&r.log);
}

Test(har, url_forms)
{
    static const struct {
        const char *url, *target, *host;
    } cases[] = {
        { "http://h.example", "/", "h.example" },
        { "http://h.example?q=1", "/?q=1", "h.example" },
        { "http://h.example#f", "/", "h.example" },
        { "https://a:b@[2001:db8::1]:8443/p/q?x=y#z", "/p/q?x=y", "[2001:db8::1]:8443" },
        { "HTTP://H.Example/A", "/A", "H.Example" },
        { "//cdn.example/x", "/x", "cdn.example" },
        { "/relative?u=http://other.example/", "/relative?u=http://other.example/", "" },
        { "ws+tls.x-y://w.example/s", "/s", "w.example" },
        { "1http://bad/x", "/1http://bad/x", "" },
        { "", "/", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tb_buf doc = { 0 };
        tb_buf_printf(&doc, "{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\","
                            "\"url\":\"%s\"}}]}}", cases[i].url);
        tb_buf_u8(&doc, 0);
        struct rec r;
        cr_assert_eq(run(&r, (const char *)doc.p, NULL), LT_OK);
        struct tb_buf want = { 0 };
        tb_buf_printf(&want, "#1 ts=0 flags=0\nurl=%s\nGET %s HTTP/1.1\nhost=%s\nbody=\n",
                      cases[i].url, cases[i].target, cases[i].host);
        tb_buf_u8(&want, 0);
        cr_assert_str_eq(text(&r), (const char *)want.p, "case %zu", i);
        tb_buf_release(&doc);
        tb_buf_release(&want);
        tb_buf_release(&r.log);
    }
}

Test(har, unicode_and_escapes_in_strings)
{
    /* \u00e9 -> C3 A9, a surrogate pair -> F0 9F 98 80, a lone surrogate
       -> U+FFFD, \/ -> /, and escaped keys */
    static const char doc[] =
        "{\"log\":{\"entries\":[{\"request\":{\"method\":\"G\\u0045T\","
        "\"\\u0075rl\":\"http:\\/\\/ex.example\\/caf\\u00e9?q=\\ud83d\\ude00&l=\\udc00\","
        "\"headers\":[{\"name\":\"X-A\\tB\",\"value\":\"\\\"q\\\" \\\\ \\n\"}],"
        "\"cookies\":[{\"name\":\"n\\u00e9\",\"value\":\"v\\/1\"}]}}]}}";
    struct rec r;
    cr_assert_eq(run(&r, doc, NULL), LT_OK);
    cr_assert_str_eq(text(&r),
                     "#1 ts=0 flags=0\n"
                     "url=http://ex.example/caf\\xc3\\xa9?q=\\xf0\\x9f\\x98\\x80&l=\\xef\\xbf\\xbd\n"
                     "GET /caf\\xc3\\xa9?q=\\xf0\\x9f\\x98\\x80&l=\\xef\\xbf\\xbd HTTP/1.1\n"
                     "host=ex.example\n"
                     "H X-A\\x09B: \"q\" \\x5c \\x0a\n"
                     "H Cookie: n\\xc3\\xa9=v/1\n"
                     "body=\n");
    tb_buf_release(&r.log);
}

Test(har, base64_postdata)
{
    /* escaped base64 (\/ and \n), URL-safe alphabet, and a bad one */
    static const char doc[] =
        "{\"log\":{\"entries\":["
        "{\"request\":{\"method\":\"POST\",\"url\":\"http://a/\","
        "\"postData\":{\"mimeType\":\"x\",\"text\":\"P\\/8A\\nYQ==\",\"encoding\":\"base64\"}}},"
        "{\"request\":{\"method\":\"POST\",\"url\":\"http://a/\","
        "\"postData\":{\"text\":\"-_8\",\"encoding\":\"BASE64\"}}},"
        "{\"request\":{\"method\":\"POST\",\"url\":\"http://a/\","
        "\"postData\":{\"text\":\"not base64!\",\"encoding\":\"base64\"}}},"
        "{\"request\":{\"method\":\"POST\",\"url\":\"http://a/\","
        "\"postData\":{\"text\":\"aGk=\",\"encoding\":\"gzip\"}}}"
        "]}}";
    struct rec r;
    cr_assert_eq(run(&r, doc, NULL), LT_OK);
    cr_assert_eq(r.n, 4);
    cr_assert(strstr(text(&r), "H Content-Type: x\nbody=?\\xff\\x00a\n"), "%s", text(&r));
    cr_assert(strstr(text(&r), "#2 ts=0 flags=0\n") &&
              strstr(text(&r), "body=\\xfb\\xff\n"));
    char want[64];
    snprintf(want, sizeof want, "#3 ts=0 flags=%u\n", (unsigned)LT_HTTP_BODY_UNDECODED);
    cr_assert(strstr(text(&r), want));
    cr_assert(strstr(text(&r), "body=not base64!\n"));
    cr_assert(strstr(text(&r), "body=aGk=\n"));
    tb_buf_release(&r.log);
}

Test(har, timestamps)
{
    static const struct {
        const char *s;
        long long ns;
    } cases[] = {
        { "2020-05-03T10:00:00Z", 1588500000000000000LL },
        { "2020-05-03T10:00:00.1Z", 1588500000100000000LL },
        { "2020-05-03T10:00:00.123456789123Z", 1588500000123456789LL },
        { "2020-05-03T12:00:01+02:00", 1588500001000000000LL },
        { "2020-05-03T12:00:01+0200", 1588500001000000000LL },
        { "2020-05-03T12:00:01+02", 1588500001000000000LL },
        { "2020-05-03 10:00:00", 1588500000000000000LL },
        { "2019-12-31T23:59:59-05:30", 1577856599000000000LL },
        { "1969-12-31T23:59:59Z", -1000000000LL },
        { "2000-02-29T00:00:00Z", 951782400000000000LL },
        { "2262-04-11T00:00:00Z", 9223286400000000000LL },
        { "1678-01-01T00:00:00Z", -9214560000000000000LL },
        { "9999-12-31T23:59:59Z", 0 },
        { "0000-01-01T00:00:00Z", 0 },
        { "2020-13-03T10:00:00Z", 0 },
        { "2020-05-03T24:00:00Z", 0 },
        { "2020-05-03T10:00:00.Z", 0 },
        { "2020-05-03T10:00:00Zjunk", 0 },
        { "2020-05-03T10:00:00+2", 0 },
        { "2020-05-03T10:00", 0 },
        { "", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tb_buf doc = { 0 };
        tb_buf_printf(&doc, "{\"log\":{\"entries\":[{\"startedDateTime\":\"%s\","
                            "\"request\":{\"url\":\"/\"}}]}}", cases[i].s);
        tb_buf_u8(&doc, 0);
        struct rec r;
        cr_assert_eq(run(&r, (const char *)doc.p, NULL), LT_OK);
        char want[64];
        snprintf(want, sizeof want, "#1 ts=%lld flags", cases[i].ns);
        cr_assert(strncmp(text(&r), want, strlen(want)) == 0, "case %zu '%s': %s",
                  i, cases[i].s, text(&r));
        tb_buf_release(&doc);
        tb_buf_release(&r.log);
    }
}

/* ---- real-world shapes ------------------------------------------------- */

Test(har, mitmproxy_pcapdroid_and_firefox_shapes)
{
    /* mitmproxy savehar: isoformat with +00:00, bodySize, params */
    static const char mitm[] =
        "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"mitmproxy\", "
        "\"version\": \"10.1.5\", \"comment\": \"\"},\n    \"pages\": [],\n    \"entries\": [\n"
        "      {\n        \"startedDateTime\": \"2023-11-02T09:14:07.611934+00:00\",\n"
        "        \"time\": 125.3,\n        \"request\": {\n          \"method\": \"POST\",\n"
        "          \"url\": \"https://api.example.com:443/v2/track\",\n"
        "          \"httpVersion\": \"HTTP/2.0\",\n          \"cookies\": [],\n"
        "          \"headers\": [\n            {\"name\": \"content-type\", \"value\": \"application/json\"},\n"
        "            {\"name\": \"content-length\", \"value\": \"16\"}\n          ],\n"
        "          \"queryString\": [],\n          \"headersSize\": 120,\n          \"bodySize\": 16,\n"
        "          \"postData\": {\"mimeType\": \"application/json\", \"text\": \"{\\\"imei\\\":\\\"35693\\\"}\", "
        "\"params\": []}\n        },\n"
        "        \"response\": {\"status\": 200, \"statusText\": \"OK\", \"httpVersion\": \"HTTP/2.0\", "
        "\"cookies\": [], \"headers\": [], \"content\": {\"size\": 2, \"compression\": 0, "
        "\"mimeType\": \"application/json\", \"text\": \"{}\"}, \"redirectURL\": \"\", "
        "\"headersSize\": 50, \"bodySize\": 2},\n"
        "        \"cache\": {},\n        \"timings\": {\"connect\": -1, \"ssl\": -1, \"send\": 0.1, "
        "\"receive\": 0.2, \"wait\": 120.0},\n        \"serverIPAddress\": \"203.0.113.7\"\n      }\n"
        "    ]\n  }\n}\n";
    struct rec r;
    cr_assert_eq(run(&r, mitm, NULL), LT_OK);
    cr_assert_str_eq(text(&r), "#1 ts=1698916447611934000 flags=0\n"
                               "url=https://api.example.com:443/v2/track\n"
                               "POST /v2/track HTTP/2.0\n"
                               "host=api.example.com:443\n"
                               "H content-type: application/json\n"
                               "H content-length: 16\n"
                               "body={\"imei\":\"35693\"}\n");
    tb_buf_release(&r.log);

    /* PCAPdroid-like export: creator PCAPdroid, a page, two entries */
    static const char pcapdroid[] =
        "\xef\xbb\xbf{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"PCAPdroid\",\"version\":\"1.7.0\"},"
        "\"pages\":[{\"startedDateTime\":\"2024-01-01T00:00:00.000Z\",\"id\":\"page_1\","
        "\"title\":\"com.example.app\",\"pageTimings\":{}}],"
        "\"entries\":[{\"pageref\":\"page_1\",\"startedDateTime\":\"2024-01-01T00:00:01.250Z\","
        "\"time\":10,\"request\":{\"method\":\"GET\",\"url\":\"http://ads.example/p?aid=123\","
        "\"httpVersion\":\"HTTP/1.1\",\"cookies\":[],\"headers\":[{\"name\":\"Host\","
        "\"value\":\"ads.example\"}],\"queryString\":[{\"name\":\"aid\",\"value\":\"123\"}],"
        "\"headersSize\":-1,\"bodySize\":-1},\"response\":{\"status\":0,\"statusText\":\"\","
        "\"httpVersion\":\"\",\"cookies\":[],\"headers\":[],\"content\":{\"size\":0,"
        "\"mimeType\":\"\"},\"redirectURL\":\"\",\"headersSize\":-1,\"bodySize\":-1},"
        "\"cache\":{},\"timings\":{\"send\":0,\"wait\":0,\"receive\":0}},"
        "{\"pageref\":\"page_1\",\"startedDateTime\":\"2024-01-01T00:00:02Z\","
        "\"request\":{\"method\":\"POST\",\"url\":\"http://ads.example/e\",\"httpVersion\":\"HTTP/1.1\","
        "\"cookies\":[],\"headers\":[],\"postData\":{\"mimeType\":\"\",\"text\":\"\"}},"
        "\"response\":{\"status\":0}}]}}";
    cr_assert_eq(run(&r, pcapdroid, NULL), LT_OK);
    cr_assert_str_eq(text(&r), "#1 ts=1704067201250000000 flags=0\n"
                               "url=http://ads.example/p?aid=123\n"
                               "GET /p?aid=123 HTTP/1.1\n"
                               "host=ads.example\n"
                               "H Host: ads.example\n"
                               "body=\n"
                               "#2 ts=1704067202000000000 flags=0\n"
                               "url=http://ads.example/e\n"
                               "POST /e HTTP/1.1\n"
                               "host=ads.example\n"
                               "body=\n");
    tb_buf_release(&r.log);
}

/* ---- skipped entries ------------------------------------------------------ */

Test(har, skipped_entries_are_counted_and_keep_their_index)
{
    static const char doc[] =
        "{\"log\":{\"entries\":["
        "42,"                                                      /* 1: not an object */
        "{},"                                                      /* 2: no request */
        "{\"request\":null},"                                      /* 3: request not an object */
        "{\"request\":{\"method\":\"GET\"}},"                      /* 4: no url */
        "{\"request\":{\"method\":\"GET\",\"url\":7}},"            /* 5: url not a string */
        "{\"request\":{\"url\":\"http://ok.example/\","            /* 6: ok, odd shapes */
        "\"method\":5,\"httpVersion\":\"\",\"headers\":[1,{\"name\":\"\",\"value\":\"x\"},"
        "{\"value\":\"x\"},{\"name\":\"N\",\"value\":-1.5e3},{\"name\":\"B\",\"value\":true},"
        "{\"name\":\"S\"}],\"cookies\":{\"a\":\"b\"},\"postData\":[\"x\"]}},"
        "[]"                                                       /* 7: not an object */
        "]}}";
    struct rec r;
    uint64_t skipped = 0;
    cr_assert_eq(run(&r, doc, &skipped), LT_OK);
    cr_assert_eq(skipped, 6);
    cr_assert_str_eq(text(&r), "#6 ts=0 flags=0\n"
                               "url=http://ok.example/\n"
                               " / HTTP/1.1\n"
                               "host=ok.example\n"
                               "H N: -1.5e3\n"
                               "H B: \n"
                               "H S: \n"
                               "body=\n");
    tb_buf_release(&r.log);
}

Test(har, empty_entries_and_duplicate_members)
{
    struct rec r;
    uint64_t skipped = 5;
    cr_assert_eq(run(&r, " {\"log\":{\"entries\":[]}} \n", &skipped), LT_OK);
    cr_assert_eq(r.n, 0);
    cr_assert_eq(skipped, 0);
    tb_buf_release(&r.log);

    /* inside an entry the last duplicate wins; the first log/entries is read */
    static const char doc[] =
        "{\"log\":{\"entries\":[{\"request\":{\"url\":\"http://a/1\",\"url\":\"http://b/2\","
        "\"method\":\"GET\"},\"request\":{\"url\":\"http://c/3\",\"method\":\"HEAD\"}}],"
        "\"entries\":[{\"request\":{\"url\":\"http://d/4\"}}]},\"log\":{}}";
    cr_assert_eq(run(&r, doc, NULL), LT_OK);
    cr_assert_eq(r.n, 1);
    cr_assert(strstr(text(&r), "HEAD /3 HTTP/1.1\nhost=c\n"), "%s", text(&r));
    tb_buf_release(&r.log);
}

/* ---- malformed documents -------------------------------------------------- */

static void expect_fail(const char *doc, size_t n, enum lt_err want, const char *msg_part)
{
    struct rec r;
    char msg[128];
    uint64_t skipped = 7;
    memset(msg, 'x', sizeof msg);
    enum lt_err e = run_cap(&r, doc, n, 4096, &skipped, msg, sizeof msg);
    cr_assert_eq(e, want, "doc '%.*s': %d", (int)n, doc, e);
    cr_assert_eq(r.n, 0, "callback for a failed document");
    cr_assert_eq(skipped, 0);
    cr_assert(memchr(msg, 0, sizeof msg));
    cr_assert(strncmp(msg, "har: ", 5) == 0, "%s", msg);
    if (msg_part)
        cr_assert(strstr(msg, msg_part), "%s", msg);
    tb_buf_release(&r.log);
}

Test(har, malformed_documents)
{
    static const struct {
        const char *doc, *msg;
    } cases[] = {
        { "", "invalid JSON at offset 0" },
        { "not json", "invalid JSON at offset 0" },
        { "{\"log\":{\"entries\":[]}} x", "invalid JSON at offset 23" },
        { "{\"log\":{\"entries\":[],}}", "invalid JSON" },
        { "{\"log\":{\"entries\":[01]}}", "invalid JSON" },
        { "{\"log\":{\"entries\":[\"a\tb\"]}}", "invalid JSON" },
        { "{\"log\":{\"entries\":[\"\\x\"]}}", "invalid JSON" },
        { "{\"log\":{\"entries\":[\"\\u12G4\"]}}", "invalid JSON" },
        { "{\"log\":{\"entries\":[tru]}}", "invalid JSON" },
        { "[{\"log\":{\"entries\":[]}}]", "top level is not an object" },
        { "\"log\"", "top level is not an object" },
        { "{}", "no log object" },
        { "{\"log\":[]}", "no log object" },
        { "{\"Log\":{\"entries\":[]}}", "no log object" },
        { "{\"log\":{}}", "no log.entries array" },
        { "{\"log\":{\"entries\":{}}}", "no log.entries array" },
        { "{\"log\":{\"entries\":null}}", "no log.entries array" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_fail(cases[i].doc, strlen(cases[i].doc), LT_E_MALFORMED, cases[i].msg);
}

Test(har, every_truncation_is_malformed)
{
    const size_t n = strlen(three);
    for (size_t cut = 0; cut < n; cut++)
        expect_fail(three, cut, LT_E_MALFORMED, "invalid JSON");
}

Test(har, deep_nesting_is_a_limit)
{
    struct tb_buf doc = { 0 };
    tb_buf_puts(&doc, "{\"log\":{\"entries\":[{\"x\":");
    for (int i = 0; i < 1100; i++)
        tb_buf_u8(&doc, '[');
    for (int i = 0; i < 1100; i++)
        tb_buf_u8(&doc, ']');
    tb_buf_puts(&doc, "}]}}");
    expect_fail((const char *)doc.p, doc.len, LT_E_LIMIT, "deeper than 1024");
    tb_buf_release(&doc);

    /* 1000 levels are fine: the entry has no request and is skipped */
    doc = (struct tb_buf){ 0 };
    tb_buf_puts(&doc, "{\"log\":{\"entries\":[{\"x\":");
    for (int i = 0; i < 1000; i++)
        tb_buf_u8(&doc, '[');
    for (int i = 0; i < 1000; i++)
        tb_buf_u8(&doc, ']');
    tb_buf_puts(&doc, "}]}}");
    struct rec r;
    uint64_t skipped = 0;
    cr_assert_eq(run_cap(&r, doc.p, doc.len, 64, &skipped, NULL, 0), LT_OK);
    cr_assert_eq(skipped, 1);
    tb_buf_release(&r.log);
    tb_buf_release(&doc);
}

/* ---- scratch cap ---------------------------------------------------------- */

Test(har, scratch_too_small_skips_entries)
{
    /* every cap: each entry is either emitted exactly as with a large
       scratch or skipped and counted; from some cap on all come out */
    const size_t n = strlen(three);
    struct rec big;
    cr_assert_eq(run_cap(&big, three, n, 1 << 16, NULL, NULL, 0), LT_OK);
    int prev = -1;
    size_t all_at = 0;
    for (size_t cap = 0; cap <= 1024; cap++) {
        struct rec r;
        uint64_t skipped = 0;
        cr_assert_eq(run_cap(&r, three, n, cap, &skipped, NULL, 0), LT_OK);
        cr_assert_eq((uint64_t)r.n + skipped, 3, "cap %zu", cap);
        cr_assert_geq(r.n, prev, "cap %zu: fewer entries than with less", cap);
        prev = r.n;
        /* what is emitted is a subsequence of the full transcript */
        const char *t = text(&r);
        while (*t) {
            const char *end = strstr(t + 1, "\n#");
            size_t len = end ? (size_t)(end - t) + 1 : strlen(t);
            char *block = strndup(t, len);
            cr_assert(strstr(text(&big), block), "cap %zu: %s", cap, block);
            free(block);
            t += len;
        }
        if (r.n == 3 && !all_at)
            all_at = cap;
        tb_buf_release(&r.log);
    }
    cr_assert(all_at > 0 && all_at < 1024);
    /* with no scratch, only entries without escapes or headers fit */
    static const char bare[] =
        "{\"log\":{\"entries\":[{\"request\":{\"url\":\"http://a/\"}},"
        "{\"request\":{\"url\":\"http://a/\",\"headers\":[{\"name\":\"A\",\"value\":\"b\"}]}},"
        "{\"request\":{\"url\":\"http:\\/\\/a\\/\"}}]}}";
    struct rec r;
    uint64_t skipped = 0;
    cr_assert_eq(run_cap(&r, bare, strlen(bare), 0, &skipped, NULL, 0), LT_OK);
    cr_assert_eq(r.n, 1);
    cr_assert_eq(skipped, 2);
    tb_buf_release(&r.log);
    tb_buf_release(&big.log);
}

/* ---- robustness ---------------------------------------------------------- */

Test(har, random_byte_flips_never_crash)
{
    struct tb_rng rng = tb_rng_seed(0x4a5);
    const size_t n = strlen(three);
    char *doc = malloc(n);
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(doc, three, n);
        const int flips = 1 + (int)tb_rng_below(&rng, 4);
        for (int k = 0; k < flips; k++) {
            static const char pool[] = "{}[]\",:\\u0aZ- \x01\xff";
            doc[tb_rng_below(&rng, n)] = pool[tb_rng_below(&rng, sizeof pool - 1)];
        }
        struct rec r;
        uint64_t skipped = 0;
        char msg[64];
        const size_t cap = tb_rng_below(&rng, 600);
        enum lt_err e = run_cap(&r, doc, n, cap, &skipped, msg, sizeof msg);
        cr_assert(e == LT_OK || e == LT_E_MALFORMED, "iter %d seed 0x4a5", iter);
        if (e != LT_OK)
            cr_assert_eq(r.n, 0, "iter %d seed 0x4a5", iter);
        tb_buf_release(&r.log);
    }
    free(doc);
}
