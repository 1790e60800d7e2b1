/* SPDX-License-Identifier: MIT */
/*
 * test_protobuf.c - schema-less protobuf walker: leaves and paths, nesting,
 * strings that parse, malformed input (every cut, groups, overlong
 * varints), depth and scratch caps, random bytes rarely taken.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/dec/protobuf.h"
#include "tb_buf.h"
#include "tb_encode.h"

/* ---- the test's own encoder ------------------------------------------ */

static void pb_msg(struct tb_buf *o, uint32_t field, const struct tb_buf *m)
{
    tb_pb_bytes(o, field, m->p, m->len);
}
static void pb_fixed(struct tb_buf *o, uint32_t field, uint64_t v, int bytes)
{
    tb_pb_varint(o, (uint64_t)field << 3 | (bytes == 8 ? 1 : 5));
    for (int i = 0; i < bytes; i++)
        tb_buf_u8(o, (uint8_t)(v >> (8 * i)));
}

/* ---- walking into a log ---------------------------------------------- */

struct lg {
    struct tb_buf log;   /* "kind path value\n" per leaf */
    const uint8_t *src, *buf;
    size_t n, cap;
    int n_leaves, stop_after;
};

static bool inside(const struct lg *g, struct lt_span s)
{
    return s.len == 0 || (s.p >= g->src && s.p + s.len <= g->src + g->n) ||
           (s.p >= g->buf && s.p + s.len <= g->buf + g->cap);
}

static bool on_leaf(void *ud, const struct lt_pb_leaf *l)
{
    struct lg *g = ud;
    static const char *kinds[] = { "v", "f64", "b", "f32" };
    g->n_leaves++;
    cr_assert(l->path.p == g->buf && l->path.len <= g->cap);
    cr_assert(l->field.p + l->field.len == l->path.p + l->path.len);
    if (l->kind != LT_PB_VARINT)
        cr_assert(inside(g, l->value));
    tb_buf_printf(&g->log, "%s%s ", kinds[l->kind], l->deep ? "!" : "");
    tb_buf_put(&g->log, l->path.p, l->path.len);
    tb_buf_puts(&g->log, " ");
    if (l->kind == LT_PB_FIXED32 || l->kind == LT_PB_FIXED64) {
        tb_buf_printf(&g->log, "%llu", (unsigned long long)l->num);
    } else {
        for (size_t i = 0; i < l->value.len; i++) {
            uint8_t c = l->value.p[i];
            if (c >= 0x20 && c < 0x7f)
                tb_buf_u8(&g->log, c);
            else
                tb_buf_printf(&g->log, "\\x%02x", c);
        }
    }
    tb_buf_puts(&g->log, "\n");
    return g->stop_after == 0 || g->n_leaves < g->stop_after;
}

static enum lt_err walk_cap(struct lg *g, const uint8_t *p, size_t n,
                            size_t cap, uint32_t depth)
{
    static uint8_t buf[4096];
    memset(g, 0, sizeof *g);
    g->src = p;
    g->n = n;
    g->buf = buf;
    g->cap = cap;
    struct lt_pb_scratch s = { buf, cap, depth };
    enum lt_err e = lt_pb_walk(p, n, &s, on_leaf, g);
    tb_buf_u8(&g->log, 0);
    g->log.len--;
    return e;
}

static enum lt_err walk(struct lg *g, const struct tb_buf *m)
{
    return walk_cap(g, m->p, m->len, 4096, 32);
}

#define LOG(g) ((const char *)(g).log.p)

/* ---- tests ----------------------------------------------------------- */

Test(protobuf, flat_message_every_wire_type)
{
    struct tb_buf m = { 0 };
    tb_pb_int(&m, 1, 150);
    pb_fixed(&m, 2, 0x0102030405060708ull, 8);
    tb_pb_str(&m, 3, "hello");
    pb_fixed(&m, 4, 0xdeadbeef, 4);
    tb_pb_int(&m, 5, UINT64_MAX);
    tb_pb_int(&m, 6, (uint64_t)(int64_t)-420);
    tb_pb_int(&m, 536870911, 0); /* the highest field number */
    struct lg g;
    cr_assert_eq(walk(&g, &m), LT_OK);
    cr_expect_str_eq(LOG(g),
                     "v 1 150\n"
                     "f64 2 72623859790382856\n"
                     "b 3 hello\n"
                     "f32 4 3735928559\n"
                     "v 5 18446744073709551615\n"
                     "v 6 18446744073709551196\n"
                     "v 536870911 0\n");
    tb_buf_release(&g.log);
    tb_buf_release(&m);
}

Test(protobuf, nested_three_levels_and_repeated_fields)
{
    struct tb_buf l3 = { 0 }, l2 = { 0 }, l1 = { 0 }, top = { 0 };
    tb_pb_str(&l3, 7, "deep-value");
    tb_pb_int(&l3, 8, 3);
    tb_pb_int(&l2, 1, 1);
    pb_msg(&l2, 3, &l3);
    pb_msg(&l2, 3, &l3); /* repeated: same path */
    tb_pb_str(&l2, 4, "mid");
    pb_msg(&l1, 2, &l2);
    tb_pb_str(&l1, 19, "38400000-8cf0-11bd-b23e-10b96e40000d");
    pb_msg(&top, 1, &l1);
    pb_msg(&top, 1, &l1);
    struct lg g;
    cr_assert_eq(walk(&g, &top), LT_OK);
    const char *one =
        "v 1.2.1 1\n"
        "b 1.2.3.7 deep-value\n"
        "v 1.2.3.8 3\n"
        "b 1.2.3.7 deep-value\n"
        "v 1.2.3.8 3\n"
        "b 1.2.4 mid\n"
        "b 1.19 38400000-8cf0-11bd-b23e-10b96e40000d\n";
    char want[1024];
    snprintf(want, sizeof want, "%s%s", one, one);
    cr_expect_str_eq(LOG(g), want);
    tb_buf_release(&g.log);
    tb_buf_release(&l3);
    tb_buf_release(&l2);
    tb_buf_release(&l1);
    tb_buf_release(&top);
}

Test(protobuf, printable_strings_stay_strings_even_when_they_parse)
{
    /* "en-us" is field 12 fixed32 "n-us"; "\n$<uuid>" is field 1 with a
       36-byte string: both parse, both are text */
    struct tb_buf inner = { 0 }, m = { 0 };
    tb_pb_str(&inner, 1, "38400000-8cf0-11bd-b23e-10b96e40000d");
    cr_assert(!lt_pb_plausible(inner.p, inner.len));
    tb_pb_str(&m, 11, "en-us");
    pb_msg(&m, 2, &inner);
    tb_pb_str(&m, 3, "");
    struct lg g;
    cr_assert_eq(walk(&g, &m), LT_OK);
    cr_expect_str_eq(LOG(g), "b 11 en-us\n"
                             "b 2 \\x0a$38400000-8cf0-11bd-b23e-10b96e40000d\n"
                             "b 3 \n");
    tb_buf_release(&g.log);
    tb_buf_release(&inner);
    tb_buf_release(&m);
}

Test(protobuf, binary_payload_that_is_no_message_is_bytes)
{
    static const uint8_t sha[8] = { 0x9f, 0x86, 0xd0, 0x81, 0x88, 0x4c, 0x7d, 0x65 };
    struct tb_buf one = { 0 }, m = { 0 };
    tb_pb_int(&one, 1, 5); /* a lone varint field: too little to be sure */
    tb_pb_bytes(&m, 1, sha, sizeof sha);
    pb_msg(&m, 2, &one);
    struct lg g;
    cr_assert_eq(walk(&g, &m), LT_OK);
    cr_expect_str_eq(LOG(g), "b 1 \\x9f\\x86\\xd0\\x81\\x88L}e\n"
                             "b 2 \\x08\\x05\n");
    tb_buf_release(&g.log);
    tb_buf_release(&one);
    tb_buf_release(&m);
}

Test(protobuf, plausible_shape)
{
    static const uint8_t one_varint[] = { 0x08, 0x05 };
    static const uint8_t two_varints[] = { 0x08, 0x05, 0x10, 0x01 };
    static const uint8_t one_len[] = { 0x0a, 0x02, 0x01, 0x02 };
    static const uint8_t empty_len[] = { 0x0a, 0x00 };
    static const uint8_t field0[] = { 0x00, 0x05, 0x08, 0x01 };
    /* field 65537 (> 2^16) and field 65536 */
    static const uint8_t big[] = { 0x88, 0x80, 0x20, 0x01, 0x08, 0x01 };
    static const uint8_t ok_big[] = { 0x80, 0x80, 0x20, 0x01, 0x08, 0x01 };
    cr_expect(!lt_pb_plausible(one_varint, 0));
    cr_expect(!lt_pb_plausible(one_varint, sizeof one_varint));
    cr_expect(lt_pb_plausible(two_varints, sizeof two_varints));
    cr_expect(lt_pb_plausible(one_len, sizeof one_len));
    cr_expect(lt_pb_plausible(empty_len, sizeof empty_len));
    cr_expect(!lt_pb_plausible(field0, sizeof field0));
    cr_expect(!lt_pb_plausible(big, sizeof big));
    cr_expect(lt_pb_plausible(ok_big, sizeof ok_big));
    /* text: JSON, base64, a form: rejected */
    const char *texts[] = { "{\"a\":1}", "eyJhIjoxfQ==", "a=1&b=2", "hello world" };
    for (size_t i = 0; i < 4; i++)
        cr_expect(!lt_pb_plausible((const uint8_t *)texts[i], strlen(texts[i])), "%s", texts[i]);
    /* the walker takes any well-formed shape */
    struct lg g;
    cr_expect_eq(walk_cap(&g, one_varint, sizeof one_varint, 64, 4), LT_OK);
    cr_expect_str_eq(LOG(g), "v 1 5\n");
    tb_buf_release(&g.log);
    cr_expect_eq(walk_cap(&g, big, sizeof big, 64, 4), LT_OK);
    cr_expect_str_eq(LOG(g), "v 65537 1\nv 1 1\n");
    tb_buf_release(&g.log);
    cr_expect_eq(walk_cap(&g, one_varint, 0, 64, 4), LT_OK);
    cr_expect_eq(g.n_leaves, 0);
    tb_buf_release(&g.log);
}

Test(protobuf, malformed_encodings)
{
    static const struct { const char *what; uint8_t b[16]; size_t n; } bad[] = {
        { "field 0", { 0x00, 0x01 }, 2 },
        { "group start", { 0x0b, 0x0c }, 2 },
        { "group end", { 0x0c }, 1 },
        { "wire type 6", { 0x0e, 0x01 }, 2 },
        { "wire type 7", { 0x0f, 0x01 }, 2 },
        { "field 2^29", { 0x80, 0x80, 0x80, 0x80, 0x10, 0x01 }, 6 },
        { "overlong key", { 0x88, 0x00, 0x01 }, 3 },
        { "overlong value", { 0x08, 0x81, 0x00 }, 3 },
        { "overlong length", { 0x0a, 0x81, 0x00, 0x41 }, 4 },
        { "11-byte varint", { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                              0xff, 0xff, 0xff, 0x01 }, 12 },
        { "10th byte > 1", { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                             0xff, 0xff, 0x02 }, 11 },
        { "fixed64 short", { 0x09, 1, 2, 3, 4, 5, 6, 7 }, 8 },
        { "fixed32 short", { 0x0d, 1, 2, 3 }, 4 },
        { "length overruns", { 0x0a, 0x05, 'a', 'b' }, 4 },
        { "key cut", { 0x08, 0x01, 0x88 }, 3 },
        { "value cut", { 0x08 }, 1 },
        { "junk after", { 0x08, 0x01, 0x0f }, 3 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct lg g;
        cr_expect_eq(walk_cap(&g, bad[i].b, bad[i].n, 64, 8), LT_E_MALFORMED, "%s", bad[i].what);
        cr_expect_eq(g.n_leaves, 0, "%s", bad[i].what);
        cr_expect(!lt_pb_plausible(bad[i].b, bad[i].n), "%s", bad[i].what);
        struct lt_pb_scratch s = { NULL, 0, 0 };
        cr_expect_eq(lt_pb_walk(bad[i].b, bad[i].n, &s, NULL, NULL), LT_E_MALFORMED);
        tb_buf_release(&g.log);
    }
    /* the largest 10-byte varint is fine */
    static const uint8_t max[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0x01 };
    struct lg g;
    cr_expect_eq(walk_cap(&g, max, sizeof max, 64, 8), LT_OK);
    cr_expect_str_eq(LOG(g), "v 1 18446744073709551615\n");
    tb_buf_release(&g.log);
}

Test(protobuf, every_truncation_is_malformed_and_silent)
{
    struct tb_buf l3 = { 0 }, l2 = { 0 }, l1 = { 0 }, top = { 0 };
    tb_pb_str(&l3, 1, "x");
    tb_pb_int(&l3, 2, 300);
    pb_fixed(&l3, 3, 7, 8);
    pb_msg(&l2, 5, &l3);
    pb_fixed(&l2, 6, 9, 4);
    tb_pb_int(&l2, 7, UINT64_MAX);
    pb_msg(&l1, 300, &l2);
    tb_pb_str(&l1, 2, "tail");
    pb_msg(&top, 1, &l1); /* one top-level field: every cut breaks it */
    for (size_t cut = 1; cut < top.len; cut++) {
        struct lg g;
        cr_expect_eq(walk_cap(&g, top.p, cut, 4096, 32), LT_E_MALFORMED, "cut %zu", cut);
        cr_expect_eq(g.n_leaves, 0, "cut %zu", cut);
        cr_expect(!lt_pb_plausible(top.p, cut), "cut %zu", cut);
        tb_buf_release(&g.log);
    }
    struct lg g;
    cr_assert_eq(walk(&g, &top), LT_OK);
    cr_expect_str_eq(LOG(g), "b 1.300.5.1 x\nv 1.300.5.2 300\nf64 1.300.5.3 7\n"
                             "f32 1.300.6 9\nv 1.300.7 18446744073709551615\n"
                             "b 1.2 tail\n");
    tb_buf_release(&g.log);
    tb_buf_release(&l3);
    tb_buf_release(&l2);
    tb_buf_release(&l1);
    tb_buf_release(&top);
}

/* 100 levels: each message is { 1: <inner>, 2: depth } around a leaf. */
static void deep_message(struct tb_buf *out, int levels)
{
    struct tb_buf cur = { 0 };
    tb_pb_str(&cur, 3, "core");
    tb_pb_int(&cur, 2, 0);
    for (int i = 1; i < levels; i++) {
        struct tb_buf next = { 0 };
        pb_msg(&next, 1, &cur);
        tb_pb_int(&next, 2, (uint64_t)i);
        tb_buf_release(&cur);
        cur = next;
    }
    *out = cur;
}

Test(protobuf, deep_nesting_is_capped)
{
    struct tb_buf m;
    deep_message(&m, 100);
    struct lg g;
    cr_assert_eq(walk_cap(&g, m.p, m.len, 4096, 32), LT_OK);
    /* depth 32 is reached and its field 1 (a message) is left whole */
    const char *log = LOG(g);
    char path[256] = "1";
    for (int i = 1; i < 33; i++)
        strcat(path, ".1");
    char want[300];
    snprintf(want, sizeof want, "b! %s ", path);
    cr_expect(strstr(log, want) != NULL, "%s", log);
    cr_expect_eq(g.n_leaves, 33 + 1); /* 33 depth varints, 1 deep leaf */
    cr_expect(strstr(log, ".3 core\n") == NULL);
    tb_buf_release(&g.log);

    /* above LT_PB_DEPTH_MAX counts as LT_PB_DEPTH_MAX */
    cr_assert_eq(walk_cap(&g, m.p, m.len, 4096, 1000), LT_OK);
    cr_expect_eq(g.n_leaves, LT_PB_DEPTH_MAX + 1 + 1);
    tb_buf_release(&g.log);

    /* enough depth: the core string comes out at 99 levels of "1." */
    tb_buf_release(&m);
    deep_message(&m, 20);
    cr_assert_eq(walk_cap(&g, m.p, m.len, 4096, 32), LT_OK);
    cr_expect(strstr(LOG(g), "b 1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.3 core\n") != NULL, "%s", LOG(g));
    cr_expect_eq(g.n_leaves, 21);
    tb_buf_release(&g.log);

    /* max_depth 0: the top level only */
    cr_assert_eq(walk_cap(&g, m.p, m.len, 4096, 0), LT_OK);
    cr_expect_eq(g.n_leaves, 2);
    cr_expect_eq(strncmp(LOG(g), "b! 1 ", 5), 0, "%s", LOG(g));
    tb_buf_release(&g.log);
    tb_buf_release(&m);
}

Test(protobuf, small_scratch_limits_descent_or_refuses)
{
    struct tb_buf m;
    deep_message(&m, 10);
    struct lg g;
    /* 10 bytes hold a top-level path and nothing deeper */
    cr_assert_eq(walk_cap(&g, m.p, m.len, 10, 32), LT_OK);
    cr_expect_eq(strncmp(LOG(g), "b! 1 ", 5), 0, "%s", LOG(g));
    cr_expect_eq(g.n_leaves, 2);
    tb_buf_release(&g.log);
    /* 14 bytes: descends while the path and one more component fit */
    cr_assert_eq(walk_cap(&g, m.p, m.len, 14, 32), LT_OK);
    cr_expect(strstr(LOG(g), "b! 1.1.1 ") != NULL, "%s", LOG(g));
    tb_buf_release(&g.log);
    cr_expect_eq(walk_cap(&g, m.p, m.len, 9, 32), LT_E_LIMIT);
    cr_expect_eq(g.n_leaves, 0);
    tb_buf_release(&g.log);
    tb_buf_release(&m);
}

Test(protobuf, callback_stops_walk)
{
    struct tb_buf m = { 0 };
    for (int i = 1; i <= 10; i++)
        tb_pb_int(&m, (uint32_t)i, (uint64_t)i);
    static uint8_t buf[64];
    struct lg g;
    memset(&g, 0, sizeof g);
    g.buf = buf;
    g.cap = sizeof buf;
    g.src = m.p;
    g.n = m.len;
    g.stop_after = 3;
    struct lt_pb_scratch s = { buf, sizeof buf, 8 };
    cr_expect_eq(lt_pb_walk(m.p, m.len, &s, on_leaf, &g), LT_OK);
    cr_expect_eq(g.n_leaves, 3);
    tb_buf_release(&g.log);
    tb_buf_release(&m);
}

/* Random trees: strings printable, messages carry a varint 1..8 (a control
   below 0x20, so never text); the walk must give back exactly the leaves
   the generator wrote. */
static void gen_msg(struct tb_rng *r, struct tb_buf *out, struct tb_buf *want,
                    char *path, size_t path_len, int depth)
{
    int n_fields = 1 + (int)tb_rng_below(r, 5);
    uint32_t tag = 1 + (uint32_t)tb_rng_below(r, 30);
    int n = snprintf(path + path_len, 16, "%s%u", path_len ? "." : "", tag);
    tb_buf_printf(want, "v %.*s %u\n", (int)path_len + n, path, 1 + tag % 8);
    tb_pb_int(out, tag, 1 + tag % 8);
    for (int i = 0; i < n_fields; i++) {
        uint32_t f = 1 + (uint32_t)tb_rng_below(r, tb_rng_below(r, 4) ? 40 : LT_PB_PLAUSIBLE_FIELD_MAX);
        n = snprintf(path + path_len, 16, "%s%u", path_len ? "." : "", f);
        const int pl = (int)path_len + n;
        switch (tb_rng_below(r, depth < 5 ? 4 : 3)) {
        case 0: {
            uint64_t v = tb_rng_next(r) >> tb_rng_below(r, 64);
            tb_pb_int(out, f, v);
            tb_buf_printf(want, "v %.*s %llu\n", pl, path, (unsigned long long)v);
            break;
        }
        case 1: {
            uint64_t v = tb_rng_next(r);
            int w = tb_rng_below(r, 2) ? 8 : 4;
            if (w == 4)
                v &= 0xffffffffu;
            pb_fixed(out, f, v, w);
            tb_buf_printf(want, "f%d %.*s %llu\n", w * 8, pl, path, (unsigned long long)v);
            break;
        }
        case 2: {
            char s[200];
            size_t len = tb_rng_below(r, 4) ? tb_rng_below(r, 20) : tb_rng_below(r, 199);
            for (size_t k = 0; k < len; k++)
                s[k] = (char)(0x20 + tb_rng_below(r, 95));
            s[len] = 0;
            tb_pb_bytes(out, f, s, len);
            tb_buf_printf(want, "b %.*s ", pl, path);
            tb_buf_put(want, s, len);
            tb_buf_puts(want, "\n");
            break;
        }
        default: {
            struct tb_buf sub = { 0 };
            gen_msg(r, &sub, want, path, (size_t)pl, depth + 1);
            pb_msg(out, f, &sub);
            tb_buf_release(&sub);
        }
        }
    }
}

Test(protobuf, random_trees_walk_back)
{
    struct tb_rng r = tb_rng_seed(0x5eed);
    for (int i = 0; i < 500; i++) {
        struct tb_buf m = { 0 }, want = { 0 };
        char path[512];
        gen_msg(&r, &m, &want, path, 0, 0);
        tb_buf_u8(&want, 0);
        struct lg g;
        cr_assert_eq(walk(&g, &m), LT_OK, "case %d, seed 0x5eed", i);
        cr_assert_str_eq(LOG(g), (const char *)want.p, "case %d, seed 0x5eed:\n%s\nwant:\n%s", i, LOG(g), (const char *)want.p);
        cr_assert(lt_pb_plausible(m.p, m.len), "case %d", i);
        tb_buf_release(&g.log);
        tb_buf_release(&m);
        tb_buf_release(&want);
    }
}

Test(protobuf, byte_flips_never_break_the_contract)
{
    struct tb_rng r = tb_rng_seed(0xf11b);
    for (int i = 0; i < 2000; i++) {
        struct tb_buf m = { 0 }, want = { 0 };
        char path[512];
        gen_msg(&r, &m, &want, path, 0, 0);
        for (int k = 0; k < 3; k++)
            m.p[tb_rng_below(&r, m.len)] ^= (uint8_t)(1 + tb_rng_below(&r, 255));
        struct lg g;
        enum lt_err e = walk_cap(&g, m.p, m.len, 64, 4);
        cr_assert(e == LT_OK || e == LT_E_MALFORMED, "case %d", i);
        if (e != LT_OK)
            cr_assert_eq(g.n_leaves, 0, "case %d", i);
        tb_buf_release(&g.log);
        tb_buf_release(&m);
        tb_buf_release(&want);
    }
}

/* Counts text leaves (non-empty printable bytes) of a walk. */
static bool count_text(void *ud, const struct lt_pb_leaf *l)
{
    size_t *n = ud;
    if (l->kind != LT_PB_BYTES || !l->value.len)
        return true;
    for (size_t i = 0; i < l->value.len; i++)
        if (l->value.p[i] < 0x20 || l->value.p[i] >= 0x7f)
            return true;
    (*n)++;
    return true;
}

Test(protobuf, random_binary_is_rarely_a_message)
{
    struct tb_rng r = tb_rng_seed(0xb1a5);
    uint8_t buf[640];
    static uint8_t path[4096];
    struct lt_pb_scratch s = { path, sizeof path, 32 };
    const int n_cases = 20000;
    int taken = 0, with_text = 0;
    for (int i = 0; i < n_cases; i++) {
        size_t n = 16 + tb_rng_below(&r, 625);
        for (size_t k = 0; k < n; k++)
            buf[k] = (uint8_t)tb_rng_next(&r);
        if (!lt_pb_plausible(buf, n))
            continue;
        taken++;
        size_t n_text = 0;
        cr_assert_eq(lt_pb_walk(buf, n, &s, count_text, &n_text), LT_OK);
        with_text += n_text > 0;
    }
    cr_log_info("random binary: %d of %d plausible, %d with text leaves", taken,
                n_cases, with_text);
    cr_expect_lt(with_text * 100, n_cases, "%d of %d", with_text, n_cases);
    cr_expect_lt(taken * 100, n_cases, "%d of %d", taken, n_cases);
}
