/* SPDX-License-Identifier: MIT */
/*
 * test_browsing.c - lt_browsing_scan / lt_browsing_domain: the seed case
 * (tracker-formats.md §1), JSON-escaped URLs, first-party URLs, URL ends,
 * engines and generic search paths, small scratch, random texts.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/match/browsing.h"
#include "tb_buf.h"

#define MAX_HITS 64

struct hit {
    size_t from, to;
    char url[1024];
    char search[256];
    bool truncated;
};

struct hits {
    size_t n;
    struct hit h[MAX_HITS];
    const uint8_t *scratch;
    size_t scratch_cap;
};

static void on_hit(void *ud, const struct lt_url_hit *h)
{
    struct hits *hs = ud;
    cr_assert_lt(hs->n, MAX_HITS);
    cr_assert_lt(h->from, h->to);
    /* url and search live in scratch, search after url, both inside cap */
    cr_assert_eq(h->url.p, hs->scratch);
    cr_assert_leq(h->url.len, hs->scratch_cap);
    cr_assert_eq(h->search.p, hs->scratch + h->url.len);
    cr_assert_leq(h->url.len + h->search.len, hs->scratch_cap);
    struct hit *o = &hs->h[hs->n++];
    o->from = h->from;
    o->to = h->to;
    o->truncated = h->truncated;
    cr_assert_lt(h->url.len, sizeof o->url);
    cr_assert_lt(h->search.len, sizeof o->search);
    memcpy(o->url, h->url.p, h->url.len);
    o->url[h->url.len] = 0;
    if (h->search.len)
        memcpy(o->search, h->search.p, h->search.len);
    o->search[h->search.len] = 0;
}

static struct lt_browsing *B;

static void setup(void)
{
    B = lt_browsing_new();
    cr_assert_not_null(B);
}

static void teardown(void)
{
    lt_browsing_free(B);
}

TestSuite(browsing, .init = setup, .fini = teardown);

/* Scan text (len bytes) sent to request_host with a scratch of cap bytes
   (heap, exact size, so ASan sees any overrun). */
static void scan_n(const char *text, size_t len, const char *request_host, size_t cap,
                   struct hits *out)
{
    char dom[256];
    const size_t dn = lt_browsing_domain(B, lt_span_cstr(request_host), dom, sizeof dom);
    uint8_t *scratch = malloc(cap ? cap : 1);
    memset(out, 0, sizeof *out);
    out->scratch = scratch;
    out->scratch_cap = cap;
    lt_browsing_scan(B, lt_span_make(text, len), lt_span_make(dom, dn), scratch, cap, on_hit,
                     out);
    free(scratch);
}

static void scan(const char *text, const char *request_host, struct hits *out)
{
    scan_n(text, strlen(text), request_host, 4096, out);
}

static void expect_one(const char *text, const char *host, const char *url, const char *search)
{
    struct hits hs;
    scan(text, host, &hs);
    cr_assert_eq(hs.n, 1, "%s: %zu hits", text, hs.n);
    cr_assert_str_eq(hs.h[0].url, url, "%s", text);
    cr_assert_str_eq(hs.h[0].search, search, "%s", text);
    cr_assert(!hs.h[0].truncated);
}

static void expect_none(const char *text, const char *host)
{
    struct hits hs;
    scan(text, host, &hs);
    cr_assert_eq(hs.n, 0, "%s: %zu hits, first %s", text, hs.n, hs.n ? hs.h[0].url : "");
}

static const char *domain_of(const char *host)
{
    static char out[256];
    const size_t n = lt_browsing_domain(B, lt_span_cstr(host), out, sizeof out - 1);
    out[n] = 0;
    return out;
}

Test(browsing, seed_case_duckduckgo_to_miui)
{
    const char *t = "{\"event\":\"web_page_view\",\"properties\":{\"url\":"
                    "\"https://duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_\"}}";
    struct hits hs;
    scan(t, "sa.api.intl.miui.com", &hs);
    cr_assert_eq(hs.n, 1);
    cr_assert_str_eq(hs.h[0].url, "https://duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_");
    cr_assert_str_eq(hs.h[0].search, "hiv test clinic near me");
    const char *at = strstr(t, "https");
    cr_assert_eq(hs.h[0].from, (size_t)(at - t));
    cr_assert_eq(hs.h[0].to, (size_t)(strchr(at, '"') - t));
}

Test(browsing, json_escaped_url_is_unescaped)
{
    const char *t = "{\"url\":\"https:\\/\\/duckduckgo.com\\/?q=hiv+test+clinic+near+me&t=h_\","
                    "\"referrer\":\"\"}";
    struct hits hs;
    scan(t, "sa.api.intl.miui.com", &hs);
    cr_assert_eq(hs.n, 1);
    cr_assert_str_eq(hs.h[0].url, "https://duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_");
    cr_assert_str_eq(hs.h[0].search, "hiv test clinic near me");
    const char *at = strstr(t, "https");
    cr_assert_eq(hs.h[0].from, (size_t)(at - t));
    cr_assert_eq(hs.h[0].to, (size_t)(strstr(at, "\",") - t)); /* with backslashes */
}

Test(browsing, json_unicode_escapes_for_url_chars)
{
    expect_one("\"https:\\/\\/www.bing.com\\/search?form=QBLH\\u0026q=flu\\u002bshot\"",
               "t.example.org", "https://www.bing.com/search?form=QBLH&q=flu+shot", "flu shot");
    /* \u0022 is '"': not a URL character, the URL ends before it */
    expect_one("https://www.bing.com/search?q=a\\u0022b", "t.example.org",
               "https://www.bing.com/search?q=a", "a");
    /* another backslash ends it too */
    expect_one("https://ex.com/a\\nb", "t.example.org", "https://ex.com/a", "");
}

Test(browsing, first_party_urls_are_not_reported)
{
    expect_none("\"https://www.example.co.uk/x\"", "api.example.co.uk");
    expect_none("\"HTTPS://WWW.EXAMPLE.CO.UK/x\"", "API.Example.co.uk:443");
    expect_none("https:\\/\\/example.co.uk\\/", "api.example.co.uk");
    expect_none("http://example.co.uk./", "www.example.co.uk.");
    /* same suffix, other registrable domain: third party */
    expect_one("https://www.other.co.uk/x", "api.example.co.uk", "https://www.other.co.uk/x", "");
}

Test(browsing, several_urls_in_one_piece_in_order)
{
    const char *t = "[{\"u\":\"https://www.google.com/search?q=a+b\"},"
                    "{\"u\":\"https://cdn.tracker.net/x.js\"},"
                    "{\"u\":\"http://news.site.org/a/b.html?x=1#top\"},"
                    "{\"u\":\"https://ads.yandex.ru/?text=c\"}]";
    struct hits hs;
    scan(t, "collector.tracker.net", &hs);
    cr_assert_eq(hs.n, 3);
    cr_assert_str_eq(hs.h[0].url, "https://www.google.com/search?q=a+b");
    cr_assert_str_eq(hs.h[0].search, "a b");
    cr_assert_str_eq(hs.h[1].url, "http://news.site.org/a/b.html?x=1#top");
    cr_assert_str_eq(hs.h[1].search, "");
    cr_assert_str_eq(hs.h[2].url, "https://ads.yandex.ru/?text=c");
    cr_assert_str_eq(hs.h[2].search, "c");
    cr_assert_lt(hs.h[0].to, hs.h[1].from);
    cr_assert_lt(hs.h[1].to, hs.h[2].from);
}

Test(browsing, url_ends_at_quotes_space_and_trailing_punctuation)
{
    const char *t = "\"https://a.com/x\", https://b.com/y, (https://c.com/z) https://d.com/w. "
                    "[https://e.com/v] 'https://f.com/u' <https://g.com/t>\thttps://h.com/s\n"
                    "https://i.com/r),.]";
    static const char *const want[] = { "https://a.com/x", "https://b.com/y", "https://c.com/z",
                                        "https://d.com/w", "https://e.com/v", "https://f.com/u",
                                        "https://g.com/t", "https://h.com/s", "https://i.com/r" };
    struct hits hs;
    scan(t, "collector.example", &hs);
    cr_assert_eq(hs.n, 9, "%zu", hs.n);
    for (size_t i = 0; i < 9; i++) {
        cr_assert_str_eq(hs.h[i].url, want[i]);
        cr_assert_eq(hs.h[i].to - hs.h[i].from, strlen(want[i]));
        cr_assert_eq(memcmp(t + hs.h[i].from, want[i], strlen(want[i])), 0);
    }
    /* inner ')' and '.' stay */
    expect_one("https://en.wikipedia.org/wiki/C_(language).", "x.org",
               "https://en.wikipedia.org/wiki/C_(language", "");
    expect_one("https://a.com/v1.2/x", "x.org", "https://a.com/v1.2/x", "");
}

Test(browsing, ip_literals)
{
    expect_one("{\"u\":\"http://192.168.1.1/\"}", "api.example.com", "http://192.168.1.1/", "");
    expect_one("http://[fe80::1]:8080/admin", "api.example.com", "http://[fe80::1]:8080/admin",
               "");
    expect_none("http://192.168.1.1:80/x", "192.168.1.1:8080");
    expect_none("http://[FE80::1]/x", "[fe80::1]:443");
    cr_assert_str_eq(domain_of("192.168.1.1:8080"), "192.168.1.1");
    cr_assert_str_eq(domain_of("10.0.0.1"), "10.0.0.1"); /* not "0.1" as libpsl says */
    cr_assert_str_eq(domain_of("[::1]:8080"), "::1");
    cr_assert_str_eq(domain_of("[::1]"), "::1");
    cr_assert_str_eq(domain_of("fe80::1"), "fe80::1");
}

Test(browsing, domain_of_host_header_values)
{
    cr_assert_str_eq(domain_of("sa.api.intl.miui.com"), "miui.com");
    cr_assert_str_eq(domain_of("WWW.Example.CO.UK:443"), "example.co.uk");
    cr_assert_str_eq(domain_of("example.com."), "example.com");
    cr_assert_str_eq(domain_of(" example.com \t"), "example.com");
    cr_assert_str_eq(domain_of("localhost"), "localhost");
    cr_assert_str_eq(domain_of("co.uk"), "co.uk");
    cr_assert_str_eq(domain_of("a.b.user.github.io"), "user.github.io");
    cr_assert_str_eq(domain_of("host.unknowntld"), "host.unknowntld");
    cr_assert_str_eq(domain_of(""), "");
    cr_assert_str_eq(domain_of(":80"), "");
    cr_assert_str_eq(domain_of("..."), "");
    char small[4];
    cr_assert_eq(lt_browsing_domain(B, lt_span_cstr("www.example.com"), small, sizeof small), 0);
    cr_assert_eq(lt_browsing_domain(B, lt_span_cstr("a.io"), small, sizeof small), 4);
    cr_assert_eq(memcmp(small, "a.io", 4), 0);
    /* longer than a DNS name */
    struct tb_buf h = { 0 };
    for (int i = 0; i < 30; i++)
        tb_buf_puts(&h, "abcdefghi.");
    tb_buf_puts(&h, "com");
    char out[512];
    cr_assert_eq(lt_browsing_domain(B, lt_span_make(h.p, h.len), out, sizeof out), 0);
    tb_buf_release(&h);
}

Test(browsing, engines_and_utf8_terms)
{
    const char *h = "sa.api.intl.miui.com";
    expect_one("https://www.baidu.com/s?ie=utf-8&wd=%E4%B9%99%E8%82%9D%E7%97%87%E7%8A%B6", h,
               "https://www.baidu.com/s?ie=utf-8&wd=%E4%B9%99%E8%82%9D%E7%97%87%E7%8A%B6",
               "乙肝症状");
    expect_one("https://m.baidu.com/s?from=1&word=abc%20def", h,
               "https://m.baidu.com/s?from=1&word=abc%20def", "abc def");
    expect_one("https://yandex.ru/search/?lr=213&text=%D0%B3%D1%80%D0%B8%D0%BF%D0%BF", h,
               "https://yandex.ru/search/?lr=213&text=%D0%B3%D1%80%D0%B8%D0%BF%D0%BF", "грипп");
    expect_one("https://yandex.com.tr/?text=x", h, "https://yandex.com.tr/?text=x", "x");
    expect_one("https://www.google.co.uk/search?q=%C3%A9t%C3%A9+%E2%82%AC&hl=en", h,
               "https://www.google.co.uk/search?q=%C3%A9t%C3%A9+%E2%82%AC&hl=en", "été €");
    expect_one("https://www.google.de/?gws_rd=ssl#q=ignored", h,
               "https://www.google.de/?gws_rd=ssl#q=ignored", "");
    expect_one("https://search.yahoo.com/search?p=tax+return&fr=yfp", h,
               "https://search.yahoo.com/search?p=tax+return&fr=yfp", "tax return");
    expect_one("https://search.naver.com/search.naver?where=nexearch&query=%EB%8F%85%EA%B0%90", h,
               "https://search.naver.com/search.naver?where=nexearch&query=%EB%8F%85%EA%B0%90",
               "독감");
    expect_one("https://www.sogou.com/web?query=a", h, "https://www.sogou.com/web?query=a", "a");
    expect_one("https://www.so.com/s?q=b", h, "https://www.so.com/s?q=b", "b");
    expect_one("https://search.brave.com/search?q=c&source=web", h,
               "https://search.brave.com/search?q=c&source=web", "c");
    expect_one("https://www.startpage.com/do/dsearch?query=d", h,
               "https://www.startpage.com/do/dsearch?query=d", "d");
    expect_one("https://www.qwant.com/?q=e&t=web", h, "https://www.qwant.com/?q=e&t=web", "e");
    expect_one("https://www.ecosia.org/search?q=f", h, "https://www.ecosia.org/search?q=f", "f");
    expect_one("https://www.ask.com/web?q=g", h, "https://www.ask.com/web?q=g", "g");
    expect_one("https://search.seznam.cz/?q=h", h, "https://search.seznam.cz/?q=h", "h");
    expect_one("https://www.bing.com/search?q=i", h, "https://www.bing.com/search?q=i", "i");
    /* an engine's parameter name only counts on that engine: wd on bing */
    expect_one("https://www.bing.com/images?wd=j", h, "https://www.bing.com/images?wd=j", "");
    /* the first non-blank one in query order */
    expect_one("https://www.baidu.com/s?wd=&word=k&wd=l", h,
               "https://www.baidu.com/s?wd=&word=k&wd=l", "k");
}

Test(browsing, raw_utf8_in_url)
{
    expect_one("{\"url\":\"https://www.baidu.com/s?wd=乙肝\"}", "sa.api.intl.miui.com",
               "https://www.baidu.com/s?wd=乙肝", "乙肝");
    /* a byte that is not UTF-8 ends the URL */
    expect_one("https://www.baidu.com/s?wd=ab\xff" "cd", "x.example", "https://www.baidu.com/s?wd=ab",
               "ab");
    expect_one("https://www.baidu.com/s?wd=ab\xe4\xb9", "x.example", "https://www.baidu.com/s?wd=ab",
               "ab");
}

Test(browsing, generic_search_path_on_unknown_host)
{
    const char *h = "collector.example";
    expect_one("https://shop.unknown-site.net/catalog/Search?page=2&keywords=red+shoes", h,
               "https://shop.unknown-site.net/catalog/Search?page=2&keywords=red+shoes", "red shoes");
    expect_one("https://wiki.example.org/w/index.php?search=cats&title=Special:Search", h,
               "https://wiki.example.org/w/index.php?search=cats&title=Special:Search", "");
    expect_one("https://wiki.example.org/search/?term=dogs", h,
               "https://wiki.example.org/search/?term=dogs", "dogs");
    /* q on a path that does not say search: not a search */
    expect_one("https://shop.unknown-site.net/items?q=x", h,
               "https://shop.unknown-site.net/items?q=x", "");
    /* "search" in the host or query does not count */
    expect_one("https://search.unknown.net/a?q=x&search=y", h,
               "https://search.unknown.net/a?q=x&search=y", "");
}

Test(browsing, non_search_and_empty_terms)
{
    const char *h = "collector.example";
    expect_one("https://www.nytimes.com/2020/01/01/health/article.html", h,
               "https://www.nytimes.com/2020/01/01/health/article.html", "");
    expect_one("https://www.google.com/search?q=&oq=", h, "https://www.google.com/search?q=&oq=",
               "");
    expect_one("https://www.google.com/search?q=+%20", h, "https://www.google.com/search?q=+%20",
               "");
    expect_one("https://www.google.com/search?q", h, "https://www.google.com/search?q", "");
    expect_one("https://duckduckgo.com/", h, "https://duckduckgo.com/", "");
    expect_one("https://duckduckgo.com", h, "https://duckduckgo.com", "");
}

Test(browsing, scheme_and_host_rules)
{
    const char *h = "collector.example";
    expect_none("xhttp://a.com/ myhttps://b.com/ ftp://c.com/ http:/d.com http:\\/e.com", h);
    expect_none("https:// https://\" https://@/x https://:80/ https://[]/ http://...", h);
    expect_none("https:", h);
    expect_none("https://", h);
    expect_none("//a.com/x ://b.com", h);
    expect_one("HTTPS://DuckDuckGo.com/?q=a", h, "HTTPS://DuckDuckGo.com/?q=a", "a");
    expect_one("HtTp://Example.NET", h, "HtTp://Example.NET", "");
    expect_one("=https://a.com", h, "https://a.com", "");
    expect_one("https://user:pw@www.Bing.com:8443/search?q=x", h,
               "https://user:pw@www.Bing.com:8443/search?q=x", "x");
    /* userinfo naming the first party does not make it first party */
    expect_one("https://collector.example@evil.com/", h, "https://collector.example@evil.com/", "");
    expect_none("https://evil.com@collector.example/", h);
}

Test(browsing, nested_url_inside_first_party_url)
{
    struct hits hs;
    scan("https://www.example.com/r?u=https://duckduckgo.com/?q=a&x=https://www.example.com/",
         "api.example.com", &hs);
    cr_assert_eq(hs.n, 1);
    cr_assert_str_eq(hs.h[0].url, "https://duckduckgo.com/?q=a&x=https://www.example.com/");
    cr_assert_str_eq(hs.h[0].search, "a");
    /* a reported URL swallows what is nested in it */
    scan("https://a.net/r?u=https://duckduckgo.com/?q=a", "api.example.com", &hs);
    cr_assert_eq(hs.n, 1);
    cr_assert_str_eq(hs.h[0].url, "https://a.net/r?u=https://duckduckgo.com/?q=a");
}

Test(browsing, empty_request_domain_reports_everything)
{
    const char *t = "https://a.com/ https://b.com/";
    struct hits hs = { 0 };
    uint8_t scratch[256];
    hs.scratch = scratch;
    hs.scratch_cap = sizeof scratch;
    lt_browsing_scan(B, lt_span_cstr(t), lt_span_make(NULL, 0), scratch, sizeof scratch, on_hit,
                     &hs);
    cr_assert_eq(hs.n, 2);
    /* empty data */
    hs.n = 0;
    lt_browsing_scan(B, lt_span_make(NULL, 0), lt_span_cstr("a.com"), scratch, sizeof scratch,
                     on_hit, &hs);
    cr_assert_eq(hs.n, 0);
}

/* Every scratch size from 0 up: no overrun (exact heap blocks under ASan);
   a reported URL is a prefix of the full one, cut only when flagged, and
   a search term is whole or absent. */
Test(browsing, small_scratch_truncates_or_skips)
{
    const char *t = "x https:\\/\\/www.duckduckgo.com\\/?q=hiv+test+clinic+near+me&t=h_ y";
    const char *full = "https://www.duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_";
    const size_t fn = strlen(full);
    size_t n_reported = 0;
    for (size_t cap = 0; cap <= fn + 40; cap++) {
        struct hits hs;
        scan_n(t, strlen(t), "sa.api.intl.miui.com", cap, &hs);
        cr_assert_leq(hs.n, 1);
        if (cap < strlen("https://www.duckduckgo.com/")) {
            /* the host is not complete inside the cut */
            cr_assert_eq(hs.n, 0, "cap %zu", cap);
            continue;
        }
        cr_assert_eq(hs.n, 1, "cap %zu", cap);
        n_reported++;
        const struct hit *h = &hs.h[0];
        cr_assert_eq(h->from, 2);
        cr_assert_eq(h->to, strlen(t) - 2, "cap %zu", cap);
        cr_assert_eq(strncmp(h->url, full, strlen(h->url)), 0, "cap %zu", cap);
        cr_assert_eq(h->truncated, cap < fn, "cap %zu", cap);
        cr_assert_eq(strlen(h->url), cap < fn ? cap : fn);
        if (cap >= fn + strlen("hiv test clinic near me"))
            cr_assert_str_eq(h->search, "hiv test clinic near me", "cap %zu", cap);
        else
            cr_assert_str_eq(h->search, "", "cap %zu", cap);
    }
    cr_assert_gt(n_reported, 0);
}

/* Random text of non-URL characters with random URLs set in it: exactly
   those URLs come back, in order, where they were put. */
Test(browsing, random_texts_find_exactly_the_planted_urls)
{
    static const char filler[] = " \"'{}<>\t\n|^`:/\\,.;";
    static const char *const doms[] = { "duckduckgo.com", "www.google.co.uk", "a.b.example.org",
                                        "10.1.2.3", "shop.unknown.net", "x.miui.com" };
    static const char body_chars[] = "abcXYZ019-._~%/?#[]@!$&()*+,;=:";
    struct tb_rng r = tb_rng_seed(0x5eed);
    for (int it = 0; it < 300; it++) {
        struct tb_buf t = { 0 };
        struct {
            size_t from, to;
            bool esc;
        } want[8];
        size_t nw = 0;
        const size_t n_urls = tb_rng_below(&r, 6);
        for (size_t k = 0; k < n_urls; k++) {
            const size_t nf = 1 + tb_rng_below(&r, 20);
            for (size_t j = 0; j < nf; j++)
                tb_buf_u8(&t, (uint8_t)filler[tb_rng_below(&r, sizeof filler - 1)]);
            /* no scheme character right before the URL */
            tb_buf_u8(&t, ' ');
            const char *d = doms[tb_rng_below(&r, 6)];
            const bool esc = tb_rng_below(&r, 2);
            const size_t from = t.len;
            tb_buf_printf(&t, "%s%s%s", tb_rng_below(&r, 2) ? "https" : "HTTP",
                          esc ? ":\\/\\/" : "://", d);
            const size_t nb = tb_rng_below(&r, 30);
            tb_buf_puts(&t, esc ? "\\/" : "/");
            for (size_t j = 0; j < nb; j++)
                tb_buf_u8(&t, (uint8_t)body_chars[tb_rng_below(&r, sizeof body_chars - 1)]);
            /* the end is not trailing punctuation */
            tb_buf_u8(&t, 'z');
            if (strcmp(d, "x.miui.com") != 0) {
                want[nw].from = from;
                want[nw].to = t.len;
                want[nw++].esc = esc;
            }
            tb_buf_u8(&t, ' ');
        }
        struct hits hs;
        scan_n((const char *)t.p, t.len, "sa.api.intl.miui.com", 1024, &hs);
        cr_assert_eq(hs.n, nw, "case %d, seed 0x5eed: %zu hits, want %zu", it, hs.n, nw);
        for (size_t k = 0; k < nw; k++) {
            cr_assert_eq(hs.h[k].from, want[k].from, "case %d url %zu", it, k);
            cr_assert_eq(hs.h[k].to, want[k].to, "case %d url %zu", it, k);
            if (!want[k].esc)
                cr_assert_eq(memcmp(hs.h[k].url, t.p + want[k].from, want[k].to - want[k].from),
                             0, "case %d url %zu", it, k);
        }
        tb_buf_release(&t);
    }
}

/* Random bytes (biased to URL pieces): the callback's invariants hold. */
Test(browsing, random_bytes_never_break_invariants)
{
    static const char *const toks[] = { "https://", "http:\\/\\/", "\\/", "\\u0026", "?q=", "&",
                                        "%E4", "search", ".com", "\"", "\xe4\xb9\x99", "@", ":",
                                        "[", "]", "\\", "." };
    struct tb_rng r = tb_rng_seed(0xb0b);
    for (int it = 0; it < 2000; it++) {
        struct tb_buf t = { 0 };
        const size_t n = tb_rng_below(&r, 40);
        for (size_t j = 0; j < n; j++) {
            if (tb_rng_below(&r, 3) == 0)
                tb_buf_u8(&t, (uint8_t)tb_rng_next(&r));
            else
                tb_buf_puts(&t, toks[tb_rng_below(&r, sizeof toks / sizeof toks[0])]);
        }
        struct hits hs;
        scan_n((const char *)t.p, t.len, "x.example", tb_rng_below(&r, 64), &hs);
        for (size_t k = 0; k < hs.n; k++) {
            cr_assert_leq(hs.h[k].to, t.len, "case %d", it);
            if (k)
                cr_assert_geq(hs.h[k].from, hs.h[k - 1].to, "case %d", it);
        }
        tb_buf_release(&t);
    }
}
