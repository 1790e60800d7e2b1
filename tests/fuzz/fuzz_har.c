/* SPDX-License-Identifier: MIT */
/*
 * fuzz_har.c - lt_har_parse on arbitrary bytes.
 * Input: p[0..1] scratch cap (little endian); the rest is the document.
 * Invariants: every span of an entry lies in the input, the scratch or a
 * literal; index grows; a failed parse made no callback and set a "har: "
 * message; and against jansson (documents without duplicate keys): a HAR
 * jansson reads parses, and with a scratch of 6n+64 bytes every element
 * of log.entries is either emitted or counted as skipped exactly when it
 * is not an object with a request object holding a string url.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/http/har.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
    const uint8_t *src, *sc;
    size_t n, cap;
    uint64_t n_calls, last_index;
};

static void check(const struct ctx *c, struct lt_span s)
{
    if (s.len == 0)
        return;
    if (s.p >= c->src && s.p + s.len <= c->src + c->n)
        return;
    if (s.p >= c->sc && s.p + s.len <= c->sc + c->cap)
        return;
    if (lt_span_eq(s, lt_span_cstr("HTTP/1.1")) ||
        lt_span_eq(s, lt_span_cstr("Cookie")) ||
        lt_span_eq(s, lt_span_cstr("Content-Type")) ||
        lt_span_eq(s, lt_span_cstr("/")))
        return;
    abort();
}

static void on_entry(void *ud, const struct lt_har_entry *e)
{
    struct ctx *c = ud;
    const struct lt_http_request *r = &e->req;
    if (e->index <= c->last_index)
        abort();
    c->last_index = e->index;
    c->n_calls++;
    check(c, e->url);
    check(c, r->method);
    check(c, r->target);
    check(c, r->version);
    check(c, r->host);
    check(c, r->body);
    if (r->target.len == 0 || r->version.len == 0)
        abort();
    for (uint32_t i = 0; i < r->n_headers; i++) {
        check(c, r->headers[i].name);
        check(c, r->headers[i].value);
        if (r->headers[i].name.len == 0 || r->headers[i].name.p[0] == ':')
            abort();
    }
}

static enum lt_err parse(const uint8_t *p, size_t n, size_t cap,
                         uint64_t *n_calls, uint64_t *skipped)
{
    uint8_t *sc = malloc(cap ? cap : 1);
    struct ctx c = { p, sc, n, cap, 0, 0 };
    char msg[80];
    enum lt_err e = lt_har_parse(p, n, sc, cap, on_entry, &c, skipped, msg,
                                 sizeof msg);
    if (e != LT_OK && e != LT_E_MALFORMED && e != LT_E_LIMIT)
        abort();
    if (e != LT_OK && (c.n_calls || *skipped || strncmp(msg, "har: ", 5)))
        abort();
    free(sc);
    *n_calls = c.n_calls;
    return e;
}

/* What lt_har_parse must do with an entry, by jansson. */
static int usable(json_t *ent)
{
    json_t *req = json_is_object(ent) ? json_object_get(ent, "request") : NULL;
    return json_is_object(req) && json_is_string(json_object_get(req, "url"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const size_t cap = (size_t)data[0] | (size_t)data[1] << 8;
    data += 2;
    size -= 2;
    uint64_t calls, skipped;
    parse(data, size, cap, &calls, &skipped);

    /* differential (jansson reads up to a raw NUL; it rejects a BOM) */
    if (size == 0 || memchr(data, 0, size) || data[0] == 0xef)
        return 0;
    json_error_t err;
    json_t *j = json_loadb((const char *)data, size,
                           JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &err);
    if (!j)
        return 0;
    json_t *log = json_is_object(j) ? json_object_get(j, "log") : NULL;
    json_t *ents = json_is_object(log) ? json_object_get(log, "entries") : NULL;
    enum lt_err e = parse(data, size, 6 * size + 64, &calls, &skipped);
    if (!json_is_array(ents)) {
        if (e != LT_E_MALFORMED && e != LT_E_LIMIT)
            abort();
    } else if (e != LT_E_LIMIT) {
        uint64_t want_calls = 0, want_skipped = 0;
        for (size_t i = 0; i < json_array_size(ents); i++) {
            if (usable(json_array_get(ents, i)))
                want_calls++;
            else
                want_skipped++;
        }
        if (e != LT_OK || calls != want_calls || skipped != want_skipped)
            abort();
    }
    json_decref(j);
    return 0;
}
