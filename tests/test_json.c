/* SPDX-License-Identifier: MIT */
/*
 * test_json.c - lt_json_walk: paths, keys, unescaping, numbers, errors,
 * depth and scratch caps (never a callback for a failed document), random
 * documents against the generator's own event list; lt_json_plausible and
 * the tracker-formats.md §1 decoding chain.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dec/base64.h"
#include "core/dec/decompress.h"
#include "core/dec/form.h"
#include "core/dec/json.h"
#include "core/dec/percent.h"
#include "tb_buf.h"

/* One event as text: kind, then length-prefixed path, key, value. */
static void ev_add(struct tb_buf *b, char kind, const void *path, size_t plen,
                   const void *key, size_t klen, const void *val, size_t vlen)
{
    tb_buf_printf(b, "%c %zu:", kind, plen);
    tb_buf_put(b, path, plen);
    tb_buf_printf(b, " %zu:", klen);
    tb_buf_put(b, key, klen);
    tb_buf_printf(b, " %zu:", vlen);
    tb_buf_put(b, val, vlen);
    tb_buf_u8(b, '\n');
}

struct rec {
    struct tb_buf ev;
    const uint8_t *src, *buf;
    size_t src_len, cap;
    int n_calls, stop_after;
};

static bool in(const struct rec *r, struct lt_span s)
{
    if (s.len == 0)
        return true;
    return (s.p >= r->src && s.p + s.len <= r->src + r->src_len) ||
           (s.p >= r->buf && s.p + s.len <= r->buf + r->cap);
}

static bool on_value(void *ud, const struct lt_json_value *v)
{
    struct rec *r = ud;
    cr_assert(in(r, v->path) && in(r, v->key) && in(r, v->value));
    cr_assert(v->path.len >= 1 && v->path.p[0] == '$');
    ev_add(&r->ev, v->kind == LT_JSON_STRING ? 'S' : 'N', v->path.p, v->path.len,
           v->key.p, v->key.len, v->value.p, v->value.len);
    r->n_calls++;
    return r->stop_after == 0 || r->n_calls < r->stop_after;
}

/* Walk s with a scratch of cap bytes; the transcript goes to r->ev. */
static enum lt_err walk(const void *s, size_t n, size_t cap, uint32_t depth,
                        struct rec *r)
{
    memset(r, 0, sizeof *r);
    uint8_t *buf = malloc(cap ? cap : 1);
    r->src = s;
    r->src_len = n;
    r->buf = buf;
    r->cap = cap;
    struct lt_json_scratch sc = { buf, cap, depth };
    enum lt_err e = lt_json_walk(s, n, &sc, on_value, r);
    free(buf);
    tb_buf_u8(&r->ev, 0);
    return e;
}

static enum lt_err walk_str(const char *s, struct rec *r)
{
    return walk(s, strlen(s), 4096, 64, r);
}

/* want: groups of kind ("S"/"N"), path, key, value; NULL ends the list */
static void expect(const char *doc, const char *const *want)
{
    struct tb_buf w = { 0 };
    for (size_t i = 0; want[i]; i += 4)
        ev_add(&w, want[i][0], want[i + 1], strlen(want[i + 1]), want[i + 2],
               strlen(want[i + 2]), want[i + 3], strlen(want[i + 3]));
    tb_buf_u8(&w, 0);
    struct rec r;
    cr_assert_eq(walk_str(doc, &r), LT_OK, "%s", doc);
    cr_assert(tb_buf_eq(&r.ev, &w), "%s\ngot\n%s\nwant\n%s", doc, r.ev.p, w.p);
    tb_buf_release(&r.ev);
    tb_buf_release(&w);
}
#define EV(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_EV ((const char *const[]){ NULL })

static void expect_err(const char *doc, enum lt_err want)
{
    struct rec r;
    cr_assert_eq(walk_str(doc, &r), want, "'%s'", doc);
    cr_assert_eq(r.n_calls, 0, "'%s'", doc);
    tb_buf_release(&r.ev);
}

Test(json, paths_and_keys)
{
    expect("{\"a\":{\"b\":[1,{\"c d\":\"x\",\"it's\":\"y\",\"back\\\\slash\":2}]},"
           "\"$lib\":\"Android\",\"\":3,\"9x\":4,\"a-b\":5,\"_\":6}",
           EV("N", "$.a.b[0]", "b", "1",
              "S", "$.a.b[1]['c d']", "c d", "x",
              "S", "$.a.b[1]['it\\'s']", "it's", "y",
              "N", "$.a.b[1]['back\\\\slash']", "back\\slash", "2",
              "S", "$.$lib", "$lib", "Android",
              "N", "$['']", "", "3",
              "N", "$['9x']", "9x", "4",
              "N", "$.a-b", "a-b", "5",
              "N", "$._", "_", "6"));
    /* the key of a value in an array is the enclosing member's key */
    expect("{\"events\":[{},{},{\"name\":\"e\"}],\"ids\":[1,2,3,[4]]}",
           EV("S", "$.events[2].name", "name", "e",
              "N", "$.ids[0]", "ids", "1",
              "N", "$.ids[1]", "ids", "2",
              "N", "$.ids[2]", "ids", "3",
              "N", "$.ids[3][0]", "ids", "4"));
    expect("[1,[\"a\"],{\"k\":[true,null,\"v\"]}]",
           EV("N", "$[0]", "", "1", "S", "$[1][0]", "", "a", "S", "$[2].k[2]", "k", "v"));
    /* an inner object's key ends with it: back to the outer member's key */
    expect("{\"o\":[{\"i\":1},2]}", EV("N", "$.o[0].i", "i", "1", "N", "$.o[1]", "o", "2"));
    /* escaped keys are unescaped, then written into the path */
    expect("{\"\\u0061\\\"\":{\"x\\/y\":[0]}}", EV("N", "$['a\"']['x/y'][0]", "x/y", "0"));
    /* duplicate keys are allowed */
    expect("{\"a\":1,\"a\":2}", EV("N", "$.a", "a", "1", "N", "$.a", "a", "2"));
    /* top-level scalars; literals are validated but not reported */
    expect("\"x\"", EV("S", "$", "", "x"));
    expect(" 42 ", EV("N", "$", "", "42"));
    expect("true", NO_EV);
    expect("[[],{},[{}]]", NO_EV);
    expect("{ \"a\" : [ 1 , 2 ] }\r\n\t", EV("N", "$.a[0]", "a", "1", "N", "$.a[1]", "a", "2"));
}

Test(json, string_unescaping)
{
    expect("[\"\\/\\\"\\\\\\b\\f\\n\\r\\t\"]", EV("S", "$[0]", "", "/\"\\\b\f\n\r\t"));
    expect("[\"\\u00e9\\u4E59\\ud83d\\ude00\"]",
           EV("S", "$[0]", "", "\xc3\xa9\xe4\xb9\x99\xf0\x9f\x98\x80"));
    /* lone surrogates become U+FFFD */
    expect("[\"\\ud800x\"]", EV("S", "$[0]", "", "\xef\xbf\xbdx"));
    expect("[\"\\udc00\"]", EV("S", "$[0]", "", "\xef\xbf\xbd"));
    expect("[\"\\ud800\\ud800\"]", EV("S", "$[0]", "", "\xef\xbf\xbd\xef\xbf\xbd"));
    expect("[\"\\ud800\\u0041\"]", EV("S", "$[0]", "", "\xef\xbf\xbd" "A"));
    expect("[\"\\udbff\\udfff\"]", EV("S", "$[0]", "", "\xf4\x8f\xbf\xbf"));
    expect("[\"\\uDBFF\"]", EV("S", "$[0]", "", "\xef\xbf\xbd"));
    /* invalid UTF-8 passes through */
    expect("[\"\xff\xfe\xc3\"]", EV("S", "$[0]", "", "\xff\xfe\xc3"));
    /* Android org.json style */
    expect("{\"url\":\"https:\\/\\/duckduckgo.com\\/?q=x\"}",
           EV("S", "$.url", "url", "https://duckduckgo.com/?q=x"));
}

Test(json, u0000_value)
{
    struct rec r;
    cr_assert_eq(walk_str("[\"a\\u0000b\"]", &r), LT_OK);
    cr_assert_eq(r.n_calls, 1);
    cr_assert_eq(memcmp(r.ev.p, "S 4:$[0] 0: 3:a\0b\n", 19), 0);
    tb_buf_release(&r.ev);
}

Test(json, numbers)
{
    static const char *ok[] = { "0", "-0", "1e400", "1.5E-3", "-12.25e+10", "123",
                                "0.0", "-0.5e0", "9007199254740993", "1E5" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char doc[64];
        snprintf(doc, sizeof doc, "[%s]", ok[i]);
        expect(doc, EV("N", "$[0]", "", ok[i]));
        expect(ok[i], EV("N", "$", "", ok[i]));
    }
    static const char *bad[] = { "01", "-", "+1", ".5", "1.", "1e", "1e+", "--1",
                                 "0x1", "NaN", "Infinity", "-01", "1.e5", "-a",
                                 "00", "1ee5", "1e5.0", "- 1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char doc[64];
        snprintf(doc, sizeof doc, "[%s]", bad[i]);
        expect_err(doc, LT_E_MALFORMED);
        expect_err(bad[i], LT_E_MALFORMED);
    }
}

Test(json, malformed_documents)
{
    static const char *bad[] = {
        "", " ", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1 2]",
        "{} x", "{}{}", "[1]]", "[[1]", "{\"a\":1", "[\"a\nb\"]", "[\"\\x\"]",
        "[\"\\u12\"]", "[\"\\u12G4\"]", "[\"abc]", "[tru]", "[nul]", "[True]",
        "[1,/*c*/2]", "{,}", "[,1]", "{\"a\"}", "{\"a\":}", "[\"\\ud800\\u12\"]",
        "\"abc", "\"\\", ":", "}", "[\"a\"\"b\"]", "[\"\t\"]", "{\"a\":1 \"b\":2}",
        "\xef\xbb\xbf[1]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_err(bad[i], LT_E_MALFORMED);
}

static const char sample[] =
    "{\"_track_id\":-1388720512,\"time\":1588500000123,\"type\":\"track\","
    "\"lib\":{\"$lib\":\"Android\",\"$lib_detail\":\"a##b\"},\"ids\":[1,2.5e3,[true,null]],"
    "\"properties\":{\"$wifi\":false,\"url\":\"https:\\/\\/duckduckgo.com\\/?q=\\u4E59\\ud83d\\ude00\","
    "\"e\\\"k\":\"\"}}";

Test(json, truncated_at_every_cut_never_calls_back)
{
    const size_t n = strlen(sample);
    struct rec r;
    cr_assert_eq(walk(sample, n, 4096, 16, &r), LT_OK);
    cr_assert_eq(r.n_calls, 9);
    tb_buf_release(&r.ev);
    for (size_t cut = 0; cut < n; cut++) {
        cr_assert_eq(walk(sample, cut, 4096, 16, &r), LT_E_MALFORMED, "cut %zu", cut);
        cr_assert_eq(r.n_calls, 0, "cut %zu", cut);
        tb_buf_release(&r.ev);
    }
    /* a bad byte at any position: either still valid (same count of
       events is not required) or no callback at all */
    for (size_t pos = 0; pos < n; pos++) {
        char *d = malloc(n);
        memcpy(d, sample, n);
        d[pos] = '\x01';
        cr_assert_eq(walk(d, n, 4096, 16, &r), LT_E_MALFORMED, "pos %zu", pos);
        cr_assert_eq(r.n_calls, 0, "pos %zu", pos);
        tb_buf_release(&r.ev);
        free(d);
    }
}

Test(json, depth_cap, .timeout = 20)
{
    const size_t deep = 100000;
    struct tb_buf b = { 0 };
    for (size_t i = 0; i < deep; i++)
        tb_buf_u8(&b, '[');
    tb_buf_u8(&b, '1');
    for (size_t i = 0; i < deep; i++)
        tb_buf_u8(&b, ']');
    struct rec r;
    cr_assert_eq(walk(b.p, b.len, 1 << 20, 1024, &r), LT_E_LIMIT);
    cr_assert_eq(r.n_calls, 0);
    tb_buf_release(&r.ev);
    cr_assert_eq(walk(b.p, deep, 1 << 20, 1024, &r), LT_E_LIMIT); /* only '[' */
    tb_buf_release(&r.ev);
    tb_buf_release(&b);

    for (size_t i = 0; i < deep; i++)
        tb_buf_puts(&b, "{\"a\":");
    cr_assert_eq(walk(b.p, b.len, 1 << 20, 4000, &r), LT_E_LIMIT);
    cr_assert_eq(r.n_calls, 0);
    tb_buf_release(&r.ev);
    tb_buf_release(&b);

    /* exactly max_depth is fine, one more is not; max_depth > 1024 is 1024 */
    const size_t d[] = { 0, 1, 2, 7, 1023, 1024, 1025 };
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++) {
        for (size_t i = 0; i < d[k]; i++)
            tb_buf_u8(&b, '[');
        tb_buf_u8(&b, '7');
        for (size_t i = 0; i < d[k]; i++)
            tb_buf_u8(&b, ']');
        const uint32_t md = d[k] > 1024 ? 5000 : (uint32_t)d[k];
        cr_assert_eq(walk(b.p, b.len, 1 << 16, md, &r), d[k] > 1024 ? LT_E_LIMIT : LT_OK,
                     "depth %zu", d[k]);
        cr_assert_eq(r.n_calls, d[k] > 1024 ? 0 : 1);
        tb_buf_release(&r.ev);
        if (d[k] > 0) {
            cr_assert_eq(walk(b.p, b.len, 1 << 16, (uint32_t)d[k] - 1, &r), LT_E_LIMIT);
            cr_assert_eq(r.n_calls, 0);
            tb_buf_release(&r.ev);
        }
        tb_buf_release(&b);
    }
}

Test(json, scratch_cap)
{
    struct rec r;
    /* a 1 MB string with escapes needs scratch; without escapes it does not */
    struct tb_buf b = { 0 };
    tb_buf_puts(&b, "{\"k\":\"");
    for (int i = 0; i < 200000; i++)
        tb_buf_puts(&b, "ab\\n ");
    tb_buf_puts(&b, "\",\"z\":1}");
    cr_assert_eq(walk(b.p, b.len, 1024, 8, &r), LT_E_LIMIT);
    cr_assert_eq(r.n_calls, 0);
    tb_buf_release(&r.ev);
    cr_assert_eq(walk(b.p, b.len, 800002, 8, &r), LT_E_LIMIT);
    tb_buf_release(&r.ev);
    cr_assert_eq(walk(b.p, b.len, 800003, 8, &r), LT_OK); /* "$.k" + value */
    cr_assert_eq(r.n_calls, 2);
    tb_buf_release(&r.ev);
    /* invalid AND too large: malformed wins */
    b.len -= 2;
    cr_assert_eq(walk(b.p, b.len, 1024, 8, &r), LT_E_MALFORMED);
    tb_buf_release(&r.ev);
    tb_buf_release(&b);

    const char *plain = "{\"k\":\"a long string without escapes, kept in the input\"}";
    cr_assert_eq(walk(plain, strlen(plain), 3, 8, &r), LT_OK);
    cr_assert_eq(r.n_calls, 1);
    tb_buf_release(&r.ev);
    cr_assert_eq(walk(plain, strlen(plain), 2, 8, &r), LT_E_LIMIT); /* "$.k" */
    tb_buf_release(&r.ev);
    cr_assert_eq(walk("1", 1, 0, 8, &r), LT_E_LIMIT); /* not even "$" */
    tb_buf_release(&r.ev);
    struct lt_json_scratch none = { NULL, 0, 8 };
    cr_assert_eq(lt_json_walk((const uint8_t *)"[1]", 3, &none, on_value, &r), LT_E_LIMIT);

    /* escaped keys live at the back of the scratch while nested values use
       the front: the exact size needed is accepted, one less is not */
    const char *doc = "{\"\\u006b\\u0031\":{\"\\u006b\\u0032\":[\"\\u0076\"]}}";
    /* path "$.k1.k2[0]" (10) + keys "k1","k2" (4) + value "v" (1) */
    cr_assert_eq(walk(doc, strlen(doc), 15, 8, &r), LT_OK);
    cr_assert_str_eq((const char *)r.ev.p, "S 10:$.k1.k2[0] 2:k2 1:v\n");
    tb_buf_release(&r.ev);
    cr_assert_eq(walk(doc, strlen(doc), 14, 8, &r), LT_E_LIMIT);
    cr_assert_eq(r.n_calls, 0);
    tb_buf_release(&r.ev);
}

Test(json, callback_can_stop_and_cb_may_be_null)
{
    struct rec r;
    memset(&r, 0, sizeof r);
    r.stop_after = 2;
    uint8_t buf[256];
    r.buf = buf;
    r.cap = sizeof buf;
    r.src = (const uint8_t *)"[1,2,3,4]";
    r.src_len = 9;
    struct lt_json_scratch sc = { buf, sizeof buf, 8 };
    cr_assert_eq(lt_json_walk(r.src, 9, &sc, on_value, &r), LT_OK);
    cr_assert_eq(r.n_calls, 2);
    tb_buf_release(&r.ev);
    cr_assert_eq(lt_json_walk(r.src, 9, &sc, NULL, NULL), LT_OK);
    cr_assert_eq(lt_json_walk(r.src, 8, &sc, NULL, NULL), LT_E_MALFORMED);
}

Test(json, plausible)
{
    const char *yes[] = { "{}", " [1] \n", "{\"a\":1}", "[{\"e\":\"x\"}]\r\n" };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        cr_assert(lt_json_plausible((const uint8_t *)yes[i], strlen(yes[i]), false), "%s", yes[i]);
    cr_assert(lt_json_plausible((const uint8_t *)"\"abc\"", 5, true));
    const char *no[] = { "", " ", "{", "}", "\"abc\"", "[1", "abc", "1588500000123",
                         "{\"a\":1}x", "a=1&b=2", "eyJhIjoxfQ==", "\"" };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        cr_assert_not(lt_json_plausible((const uint8_t *)no[i], strlen(no[i]), false), "%s", no[i]);
    cr_assert_not(lt_json_plausible((const uint8_t *)"\"", 1, true));
    cr_assert_not(lt_json_plausible((const uint8_t *)"123", 3, true));
}

/* --- random documents with the events the generator expects --- */

struct gen {
    struct tb_rng rng;
    struct tb_buf text, ev;
    char path[16384];
    size_t plen;
    uint8_t key[64];
    size_t klen;
};

static void ws(struct gen *g)
{
    static const char *w[] = { "", "", "", " ", "\n", "\r\n\t " };
    tb_buf_puts(&g->text, w[tb_rng_below(&g->rng, 6)]);
}

/* Append the JSON encoding of code point cp (random choice of raw or
   escaped) to the text, and its UTF-8 to out. */
static void gen_char(struct gen *g, uint32_t cp, struct tb_buf *out)
{
    uint8_t u[4];
    size_t k;
    if (cp < 0x80) { u[0] = (uint8_t)cp; k = 1; }
    else if (cp < 0x800) { u[0] = (uint8_t)(0xc0 | cp >> 6); u[1] = (uint8_t)(0x80 | (cp & 63)); k = 2; }
    else if (cp < 0x10000) { u[0] = (uint8_t)(0xe0 | cp >> 12); u[1] = (uint8_t)(0x80 | (cp >> 6 & 63)); u[2] = (uint8_t)(0x80 | (cp & 63)); k = 3; }
    else { u[0] = (uint8_t)(0xf0 | cp >> 18); u[1] = (uint8_t)(0x80 | (cp >> 12 & 63)); u[2] = (uint8_t)(0x80 | (cp >> 6 & 63)); u[3] = (uint8_t)(0x80 | (cp & 63)); k = 4; }
    tb_buf_put(out, u, k);
    const bool must = cp < 0x20 || cp == '"' || cp == '\\';
    const unsigned how = (unsigned)tb_rng_below(&g->rng, 4);
    if (!must && how < 2) {
        tb_buf_put(&g->text, u, k);
        return;
    }
    const char *s = NULL;
    switch (cp) {
    case '"': s = "\\\""; break;
    case '\\': s = "\\\\"; break;
    case '/': s = "\\/"; break;
    case '\n': s = "\\n"; break;
    case '\t': s = "\\t"; break;
    case '\b': s = "\\b"; break;
    case '\f': s = "\\f"; break;
    case '\r': s = "\\r"; break;
    }
    if (s && how == 2) {
        tb_buf_puts(&g->text, s);
    } else if (cp >= 0x10000) {
        const uint32_t v = cp - 0x10000;
        tb_buf_printf(&g->text, how & 1 ? "\\u%04x\\u%04X" : "\\u%04X\\u%04x",
                      0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
    } else {
        tb_buf_printf(&g->text, how & 1 ? "\\u%04x" : "\\u%04X", cp);
    }
}

static void gen_string(struct gen *g, struct tb_buf *out, size_t max_len)
{
    static const uint32_t cps[] = { 'a', 'Z', '0', ' ', '"', '\\', '/', '\n', 1, 0x1f,
                                    0xe9, 0x4e59, 0xffff, 0x1f600, 0x10ffff, '\'', '$' };
    tb_buf_u8(&g->text, '"');
    const size_t n = (size_t)tb_rng_below(&g->rng, max_len + 1);
    for (size_t i = 0; i < n; i++) {
        const uint64_t r = tb_rng_below(&g->rng, 40);
        if (r == 0) { /* lone surrogate */
            if (tb_rng_below(&g->rng, 2)) {
                tb_buf_puts(&g->text, "\\udc01");
                tb_buf_puts(out, "\xef\xbf\xbd");
            } else { /* a high one followed by no escape cannot pair */
                tb_buf_puts(&g->text, "\\uD9abx");
                tb_buf_puts(out, "\xef\xbf\xbdx");
            }
        } else if (r == 1) { /* invalid UTF-8 byte */
            tb_buf_u8(&g->text, 0xfe);
            tb_buf_u8(out, 0xfe);
        } else {
            gen_char(g, r < 20 ? cps[r % 17] : (uint32_t)('a' + r), out);
        }
    }
    tb_buf_u8(&g->text, '"');
}

static void gen_number(struct gen *g, struct tb_buf *out)
{
    const size_t start = g->text.len;
    if (tb_rng_below(&g->rng, 3) == 0)
        tb_buf_u8(&g->text, '-');
    if (tb_rng_below(&g->rng, 4) == 0)
        tb_buf_u8(&g->text, '0');
    else
        tb_buf_printf(&g->text, "%llu", (unsigned long long)(tb_rng_next(&g->rng) % 100000000 + 1));
    if (tb_rng_below(&g->rng, 3) == 0)
        tb_buf_printf(&g->text, ".%u", (unsigned)tb_rng_below(&g->rng, 1000));
    if (tb_rng_below(&g->rng, 4) == 0)
        tb_buf_printf(&g->text, "%s%s%u", tb_rng_below(&g->rng, 2) ? "e" : "E",
                      (const char *[]){ "", "+", "-" }[tb_rng_below(&g->rng, 3)],
                      (unsigned)tb_rng_below(&g->rng, 500));
    tb_buf_put(out, g->text.p + start, g->text.len - start);
}

static bool ident(const uint8_t *k, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        const uint8_t c = k[i];
        const bool a = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
        if (!a && (i == 0 || !((c >= '0' && c <= '9') || c == '-')))
            return false;
    }
    return true;
}

static void gen_value(struct gen *g, int depth)
{
    ws(g);
    const unsigned kind = (unsigned)tb_rng_below(&g->rng, depth > 5 ? 4 : 7);
    struct tb_buf v = { 0 };
    if (kind == 0 || kind == 1) {
        gen_string(g, &v, 12);
        ev_add(&g->ev, 'S', g->path, g->plen, g->key, g->klen, v.p, v.len);
    } else if (kind == 2) {
        gen_number(g, &v);
        ev_add(&g->ev, 'N', g->path, g->plen, g->key, g->klen, v.p, v.len);
    } else if (kind == 3) {
        tb_buf_puts(&g->text, (const char *[]){ "true", "false", "null" }[tb_rng_below(&g->rng, 3)]);
    } else if (kind <= 4) {
        const size_t n = (size_t)tb_rng_below(&g->rng, 5), plen = g->plen;
        tb_buf_u8(&g->text, '[');
        ws(g);
        for (size_t i = 0; i < n; i++) {
            if (i)
                tb_buf_u8(&g->text, ',');
            g->plen = plen + (size_t)snprintf(g->path + plen, sizeof g->path - plen, "[%zu]", i);
            gen_value(g, depth + 1);
            ws(g);
        }
        tb_buf_u8(&g->text, ']');
        g->plen = plen;
    } else {
        const size_t n = (size_t)tb_rng_below(&g->rng, 5), plen = g->plen, klen = g->klen;
        uint8_t key[64];
        memcpy(key, g->key, klen);
        tb_buf_u8(&g->text, '{');
        ws(g);
        for (size_t i = 0; i < n; i++) {
            if (i)
                tb_buf_u8(&g->text, ',');
            ws(g);
            struct tb_buf k = { 0 };
            if (tb_rng_below(&g->rng, 2))
                tb_buf_printf(&k, "%s", (const char *[]){ "a", "$lib", "distinct_id", "a-b", "_x9", "9x", "c d", "it's", "" }[tb_rng_below(&g->rng, 9)]);
            if (k.len)
                tb_buf_put(&g->text, "\"", 1), tb_buf_put(&g->text, k.p, k.len), tb_buf_put(&g->text, "\"", 1);
            else
                gen_string(g, &k, 6);
            g->klen = k.len < sizeof g->key ? k.len : 0;
            if (g->klen)
                memcpy(g->key, k.p, g->klen);
            char *w = g->path + plen;
            if (ident(k.p, k.len)) {
                *w++ = '.';
                memcpy(w, k.p, k.len);
                w += k.len;
            } else {
                *w++ = '[';
                *w++ = '\'';
                for (size_t j = 0; j < k.len; j++) { /* k.len 0: no loop */
                    if (k.p[j] == '\'' || k.p[j] == '\\')
                        *w++ = '\\';
                    *w++ = (char)k.p[j];
                }
                *w++ = '\'';
                *w++ = ']';
            }
            g->plen = (size_t)(w - g->path);
            tb_buf_release(&k);
            ws(g);
            tb_buf_u8(&g->text, ':');
            gen_value(g, depth + 1);
            ws(g);
        }
        tb_buf_u8(&g->text, '}');
        g->plen = plen;
        g->klen = klen;
        memcpy(g->key, key, klen);
    }
    tb_buf_release(&v);
}

Test(json, random_documents_match_generator)
{
    struct gen *g = calloc(1, sizeof *g);
    g->rng = tb_rng_seed(0x15a);
    for (int i = 0; i < 3000; i++) {
        g->text.len = g->ev.len = 0;
        g->path[0] = '$';
        g->plen = 1;
        g->klen = 0;
        gen_value(g, 0);
        ws(g);
        tb_buf_u8(&g->ev, 0);
        struct rec r;
        cr_assert_eq(walk(g->text.p, g->text.len, 1 << 16, 64, &r), LT_OK,
                     "case %d seed 0x15a: %.*s", i, (int)g->text.len, g->text.p);
        cr_assert(tb_buf_eq(&r.ev, &g->ev), "case %d: %.*s\ngot\n%s\nwant\n%s", i,
                  (int)g->text.len, g->text.p, r.ev.p, g->ev.p);
        tb_buf_release(&r.ev);
        /* a random small scratch: the same events or LT_E_LIMIT and none */
        const size_t cap = (size_t)tb_rng_below(&g->rng, 64);
        enum lt_err e = walk(g->text.p, g->text.len, cap, 64, &r);
        cr_assert(e == LT_OK || e == LT_E_LIMIT, "case %d", i);
        if (e == LT_OK)
            cr_assert(tb_buf_eq(&r.ev, &g->ev), "case %d cap %zu", i, cap);
        else
            cr_assert_eq(r.n_calls, 0, "case %d cap %zu", i, cap);
        tb_buf_release(&r.ev);
        /* every cut of a small document fails without a callback, unless
           the prefix is itself a document (a top-level number) */
        if (g->text.len < 200) {
            for (size_t cut = 0; cut < g->text.len; cut++) {
                e = walk(g->text.p, cut, 1 << 16, 64, &r);
                cr_assert(e == LT_OK || r.n_calls == 0, "case %d cut %zu", i, cut);
                tb_buf_release(&r.ev);
            }
        }
    }
    tb_buf_release(&g->text);
    tb_buf_release(&g->ev);
    free(g);
}

static bool has_ev(const struct rec *r, char kind, const char *path,
                   const char *key, const char *val)
{
    struct tb_buf w = { 0 };
    ev_add(&w, kind, path, strlen(path), key, strlen(key), val, strlen(val));
    tb_buf_u8(&w, 0);
    bool found = strstr((const char *)r->ev.p, (const char *)w.p) != NULL;
    if (!found)
        cr_log_error("missing %s in\n%s", (const char *)w.p, (const char *)r->ev.p);
    tb_buf_release(&w);
    return found;
}

/* tracker-formats.md §1: form -> percent -> base64 -> gzip -> JSON */
Test(json, tracker_seed_case_chain)
{
    static const char body[] =
        "crc=375758495&gzip=1&data_list=H4sIAAAAAAAAAJWSXWvbMBSG%2F0qRy26SKrZjN8ZQRm4GvdnFCtugGUKRju2z2JYnHduE0v8%2ByVlpN9hgAiP06HzoPa8fn5ggK9VJoGblTbItil0a50m6ZoQdsDLJiyKPw0rSrYfnwUO2pLA10%2BgIe0VLNpPJMVVbnUFe3ca7pPABLR5Z%2BcSul53te22ND10vQExgHZreX2Q85lnAchje4CTlCc9u6peEDqgxoZMyGl6gBpLYLrDj8tKBH62ZHVh%2Flu2ZUDn%2BsI%2Bi5dlR9LDn3%2BUko6go2POawQQ9%2BfwZjmKQNYgJYfbVB2sGsITg%2FkuCcb%2BHGfdWURxQJ%2FuxkopGC9bDryhNh8uF1xWkfALd4dVHQ3BV%2FHssTlmAXsyoqfFuxUX8ChvAuvHK0m0W6IwVspLsCP7QA83GnsQvQ7%2Fcf7gP5ZS0FpdHfTZaVqZfxqxhQgV%2FNfkanajQOhJanllZydb5FqMNShqiwZWHzWGjR3UKX224d%2Bqwef%2FjrsFpReBopVrsUa16kHbVwTu6a4Sva6ECexnRa5l5nnltTN3CpUxwUFTt6Brxxx%2Bb5be7528%2FAc4qebniAgAA";
    cr_assert(lt_form_plausible((const uint8_t *)body, strlen(body), LT_FORM_AMP, false));
    struct lt_form_iter it;
    struct lt_span k, v, dl = { 0 };
    lt_form_iter_init(&it, (const uint8_t *)body, strlen(body), LT_FORM_AMP);
    while (lt_form_next(&it, &k, &v))
        if (lt_span_eq(k, lt_span_cstr("data_list")))
            dl = v;
    cr_assert(dl.len > 0);
    cr_assert(lt_pct_plausible(dl.p, dl.len));
    uint8_t b64[1024], gz[1024], json[4096];
    size_t n_b64, n_gz, n_json;
    cr_assert_eq(lt_pct_decode(b64, sizeof b64, dl.p, dl.len, true, &n_b64), LT_OK);
    bool is_url;
    cr_assert(lt_b64_plausible(b64, n_b64, 8, &is_url));
    cr_assert_eq(lt_b64_decode(gz, sizeof gz, b64, n_b64, is_url, &n_gz), LT_OK);
    struct lt_decomp *d = lt_decomp_new();
    cr_assert_eq(lt_decompress(d, LT_CODEC_GZIP, json, sizeof json, gz, n_gz, &n_json), LT_OK);
    lt_decomp_free(d);
    cr_assert(lt_json_plausible(json, n_json, false));
    struct rec r;
    cr_assert_eq(walk(json, n_json, 4096, 64, &r), LT_OK);
    cr_assert(has_ev(&r, 'S', "$[0].properties.$device_id", "$device_id", "a1b2c3d4e5f60718"));
    cr_assert(has_ev(&r, 'S', "$[0].properties.url", "url",
                     "https://duckduckgo.com/?q=hiv+test+clinic+near+me&t=h_"));
    cr_assert(has_ev(&r, 'S', "$[0].lib.$lib_detail", "$lib_detail",
                     "com.android.browser.analytics.SA##track##SA.java##88"));
    cr_assert(has_ev(&r, 'N', "$[0]._track_id", "_track_id", "-1388720512"));
    tb_buf_release(&r.ev);
}
