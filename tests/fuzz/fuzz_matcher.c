/* SPDX-License-Identifier: MIT */
/*
 * fuzz_matcher.c - lt_matcher_scan() over arbitrary bytes, with a matcher
 * built once from a fixed manifest (lt_manifest_load_mem, no file).
 * Byte 0 picks the scan: even = lt_matcher_scan(), odd = windows of
 * 1 + byte 1 bytes (so window seams are exercised); the rest is the text.
 * Every match must lie in the buffer, equal its literal's bytes, satisfy
 * the whole-token rule (checked by an independent implementation below)
 * and come in end order; for inputs up to 1 KiB the set of matches must
 * equal a brute-force search.
 * The brute force looks only at the literals ending in the byte at hand
 * and is left out of coverage (ORACLE): its loops are the check, not code
 * under test, and instrumented they took 80% of the time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf/manifest.h"
#include "core/match/matcher.h"
#include "core/match/matcher_int.h"

static const char manifest_json[] =
    "{\"devices\":["
    "{\"id\":\"a\",\"identifiers\":{"
    "\"android_id\":\"a1b2c3d4e5f60718\","
    "\"adid\":\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\","
    "\"imei\":[\"356938035643809\",\"356938035643817\"],"
    "\"mac\":\"02:1a:11:f0:c3:5d\",\"email\":\"alice.martin@example.org\","
    "\"phone\":\"+33612345678\",\"location\":{\"lat\":48.85661,\"lon\":-2.35222},"
    "\"nickname\":\"alicem\"}},"
    "{\"id\":\"b\",\"identifiers\":{"
    "\"imei\":\"356938035643809\",\"bssid\":\"aa-bb-cc-dd-ee-ff\",\"ssid\":\"Home WiFi\","
    "\"phone\":\"+1 202 555 0123\",\"iccid\":\"8933150319012345678\","
    "\"location\":{\"lat\":-33.8688,\"lon\":151.2093}}}]}";

static struct lt_manifest manifest;
static struct lt_matcher *mt;
static struct lt_match_scratch *scratch;

#if defined(__clang__)
#define ORACLE __attribute__((no_sanitize("coverage"), noinline))
#else
#define ORACLE
#endif

/* The literals, and the ids of those ending in each byte value in id order. */
static const struct lt_literal **lits;
static uint32_t *by_last[256];
static uint32_t n_by_last[256];

static void setup(void)
{
    char msg[256];
    if (lt_manifest_load_mem(&manifest, manifest_json, sizeof manifest_json - 1, "fuzz", msg,
                             sizeof msg, NULL, NULL) != LT_OK ||
        lt_matcher_build(&manifest, &mt, msg, sizeof msg) != LT_OK ||
        !(scratch = lt_match_scratch_new(mt)))
        abort();
    const uint32_t n = lt_matcher_n_literals(mt);
    if (!(lits = malloc(n * sizeof *lits)))
        abort();
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < n; i++) {
            const struct lt_literal *l = lits[i] = lt_matcher_literal(mt, i);
            if (l->len == 0)
                abort();
            uint8_t c = l->text[l->len - 1];
            if (pass)
                by_last[c][n_by_last[c]] = i;
            n_by_last[c]++;
        }
        for (int c = 0; pass == 0 && c < 256; c++) {
            if (!(by_last[c] = malloc((n_by_last[c] + 1) * sizeof **by_last)))
                abort();
            n_by_last[c] = 0;
        }
    }
}

/* ---- the whole-token rule, written again ---------------------------------- */

ORACLE static bool ref_in_class(uint8_t bound, uint8_t c)
{
    bool digit = c >= '0' && c <= '9';
    bool hexl = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (bound == LT_BOUND_DIGIT)
        return digit;
    if (bound == LT_BOUND_HEX)
        return digit || hexl;
    if (bound == LT_BOUND_B64)
        return digit || alpha || c == '+' || c == '/' || c == '_' || c == '-';
    return digit || alpha;
}

/* memcmp() == 0 without libFuzzer's memcmp hook, which would cost more
   than the search itself */
ORACLE static bool ref_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

ORACLE static bool ref_is_hex(uint8_t c) { return ref_in_class(LT_BOUND_HEX, c); }

ORACLE static bool ref_bound_ok(uint8_t bound, const uint8_t *p, size_t n, size_t from, size_t to)
{
    bool before_ok = true, after_ok = true;
    if (from >= 1) {
        uint8_t c = p[from - 1];
        before_ok = !ref_in_class(bound, c) && !(bound == LT_BOUND_DIGIT && c == '.');
        if (from >= 3 && p[from - 3] == '%' && ref_is_hex(p[from - 2]) && ref_is_hex(c))
            before_ok = true;
    }
    if (to < n) {
        uint8_t c = p[to];
        after_ok = !ref_in_class(bound, c);
        if (bound == LT_BOUND_DIGIT && c == '.' && to + 1 < n && p[to + 1] >= '0' &&
            p[to + 1] <= '9')
            after_ok = false;
    }
    return before_ok && after_ok;
}

/* ---- checks ----------------------------------------------------------- */

struct hit {
    uint32_t lit;
    size_t from, to;
};

struct state {
    const uint8_t *p;
    size_t n;
    struct hit *hits;
    size_t n_hits, cap;
    size_t last_to;
};

static void on_match(void *ud, uint32_t id, size_t from, size_t to)
{
    struct state *st = ud;
    const struct lt_literal *l = lt_matcher_literal(mt, id);
    if (!l || from >= to || to > st->n || to - from != l->len ||
        memcmp(st->p + from, l->text, l->len) != 0 ||
        !ref_bound_ok(l->bound, st->p, st->n, from, to) || to < st->last_to)
        abort();
    st->last_to = to;
    if (st->n_hits == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 64;
        st->hits = realloc(st->hits, st->cap * sizeof *st->hits);
        if (!st->hits)
            abort();
    }
    st->hits[st->n_hits++] = (struct hit){ id, from, to };
}

ORACLE static int cmp_hit(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->to != y->to)
        return x->to < y->to ? -1 : 1;
    return (x->lit > y->lit) - (x->lit < y->lit);
}

/* Every whole-token occurrence, by brute force, compared with st's hits. */
ORACLE static void brute_check(struct state *st)
{
    if (st->n_hits) /* qsort(NULL, 0, ...) is undefined */
        qsort(st->hits, st->n_hits, sizeof *st->hits, cmp_hit);
    size_t k = 0;
    for (size_t to = 1; to <= st->n; to++) {
        const uint8_t c = st->p[to - 1];
        for (uint32_t j = 0; j < n_by_last[c]; j++) {
            const uint32_t i = by_last[c][j];
            const struct lt_literal *l = lits[i];
            if (l->len > to || !ref_equal(st->p + to - l->len, l->text, l->len) ||
                !ref_bound_ok(l->bound, st->p, st->n, to - l->len, to))
                continue;
            if (k >= st->n_hits || st->hits[k].lit != i || st->hits[k].to != to)
                abort(); /* missed by the scan */
            k++;
        }
    }
    if (k != st->n_hits)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!mt)
        setup();
    if (size < 2)
        return 0;
    bool windowed = data[0] & 1;
    size_t win = 1 + data[1];
    struct state st = { data + 2, size - 2, NULL, 0, 0, 0 };
    enum lt_err e = windowed
                        ? lt__matcher_scan_window(mt, scratch, st.p, st.n, win, on_match, &st)
                        : lt_matcher_scan(mt, scratch, st.p, st.n, on_match, &st);
    if (e != LT_OK)
        abort();
    if (st.n <= 1024)
        brute_check(&st);
    free(st.hits);
    return 0;
}
