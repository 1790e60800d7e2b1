/* SPDX-License-Identifier: MIT */
/* test_glob.c - lt_glob_match(): every construct, and agreement with a naive
   recursive reference on random patterns. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf/glob.h"
#include "tb_buf.h"

#define YES(p, s) cr_expect(lt_glob_match(p, s), "'%s' should match '%s'", p, s)
#define NO(p, s) cr_expect(!lt_glob_match(p, s), "'%s' should not match '%s'", p, s)

Test(glob, literals)
{
    YES("a.pcap", "a.pcap");
    YES("dev/a.pcap", "dev/a.pcap");
    YES("", "");
    NO("a.pcap", "a.pcapng");
    NO("a.pcapng", "a.pcap");
    NO("dev/a.pcap", "dev/b.pcap");
    NO("a", "");
    NO("", "a");
    NO("dev", "dev/a");
    NO("Dev", "dev"); /* case-sensitive */
}

Test(glob, star_stays_in_a_segment)
{
    YES("*", "a.pcap");
    YES("*", "");
    YES("*.pcap", "x.pcap");
    YES("*.pcap", ".pcap");
    YES("a*b", "ab");
    YES("a*b", "aXYZb");
    YES("a*b*c", "abbbcbc");
    YES("dev/*.pcap", "dev/s1.pcap");
    YES("shared-router/2020-05-*.pcapng", "shared-router/2020-05-03.pcapng");
    YES("*/*", "a/b");
    YES("a**b", "aXb"); /* not a whole segment: just a star */
    YES("***", "abc");
    NO("*", "a/b");
    NO("*.pcap", "dev/x.pcap");
    NO("a*b", "a/b");
    NO("a**b", "a/b");
    NO("*/*", "a/b/c");
    NO("dev/*.pcap", "dev/sub/s1.pcap");
    NO("*.pcap", "x.pcap.gz");
}

Test(glob, question_mark)
{
    YES("?", "a");
    YES("a?c", "abc");
    YES("???", "abc");
    YES("?\xc3\xa9", "x\xc3\xa9");
    YES("?", "\xc3\xa9");         /* one UTF-8 character */
    YES("?", "\xe2\x82\xac");     /* three bytes */
    YES("??", "\xff\xfe");        /* invalid bytes count one each */
    NO("??", "\xc3\xa9");
    NO("?", "");
    NO("?", "ab");
    NO("a?c", "a/c");
    NO("?", "/");
}

Test(glob, classes)
{
    YES("[abc]", "b");
    YES("[a-z]x", "qx");
    YES("[a-cx-z]", "y");
    YES("[!a-c]", "d");
    YES("[^a-c]", "d");
    YES("[]]", "]");
    YES("[!]]", "a");
    YES("[a-]", "-");
    YES("[-a]", "-");
    YES("[\\]]", "]");
    YES("[\\-]", "-");
    YES("[0-9][0-9]", "42");
    YES("x[", "x[");         /* unclosed: literal */
    YES("[ab", "[ab");
    YES("[]", "[]");         /* "[]" opens a class whose first member is ']': unclosed */
    YES("*[.]pcap", "a.pcap");
    NO("[abc]", "d");
    NO("[!a-c]", "b");
    NO("[^a-c]", "a");
    NO("[a-c]", "");
    NO("[]]", "a");
    NO("[z-a]", "m");        /* reversed range: empty */
    NO("[!a]", "/");
    NO("a[/]b", "a/b");      /* '/' separates even inside brackets */
    NO("[0-9][0-9]", "4");
}

Test(glob, escapes)
{
    YES("\\*", "*");
    YES("\\?", "?");
    YES("\\[a]", "[a]");
    YES("a\\\\b", "a\\b");
    YES("a\\b", "ab");
    YES("a\\/b", "a/b");     /* an escaped '/' still separates */
    YES("a\\", "a\\");       /* trailing backslash: literal */
    NO("\\*", "a");
    NO("\\?", "a");
    NO("\\[a]", "a");
}

Test(glob, double_star_segments)
{
    /* at the end */
    YES("dev/**", "dev/a");
    YES("dev/**", "dev/a/b/c.pcap");
    YES("dev/**", "dev");
    NO("dev/**", "devx/a");
    NO("dev/**", "other/dev/a");
    /* at the start */
    YES("**/x.pcap", "x.pcap");
    YES("**/x.pcap", "a/x.pcap");
    YES("**/x.pcap", "a/b/c/x.pcap");
    NO("**/x.pcap", "a/y.pcap");
    NO("**/x.pcap", "a/x.pcap/b");
    /* in the middle */
    YES("a/**/b", "a/b");
    YES("a/**/b", "a/x/b");
    YES("a/**/b", "a/x/y/z/b");
    YES("a/**/b/**/c", "a/1/b/2/3/c");
    YES("a/**/b/**/c", "a/b/c");
    NO("a/**/b", "a/x/y/c");
    NO("a/**/b", "x/a/b");
    NO("a/**/b/**/c", "a/c/b");
    /* alone, repeated, combined with segment patterns */
    YES("**", "a");
    YES("**", "a/b/c");
    YES("**/**", "a/b");
    YES("**/**/x", "x");
    YES("**/*.pcap", "dev/2020/05/s.pcap");
    YES("*/**/s?.pcap", "dev/2020/s1.pcap");
    NO("**/*.pcap", "dev/s.pcapng");
    NO("*/**/s?.pcap", "s1.pcap");
}

/* ---- pathological patterns finish fast -------------------------------- */

Test(glob, pathological_patterns_finish, .timeout = 20)
{
    char path[4096], pat[512];
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    for (int i = 0; i < 100; i++)
        memcpy(pat + 2 * i, "*a", 2);
    strcpy(pat + 200, "*b");
    NO(pat, path);
    strcpy(pat, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
    NO(pat, path);
    path[sizeof path - 2] = 'b';
    YES(pat, path);

    /* the segment level: many "a" segments, many `**` */
    struct tb_buf segs = { 0 }, dp = { 0 };
    for (int i = 0; i < 1500; i++)
        tb_buf_puts(&segs, i ? "/a" : "a");
    tb_buf_u8(&segs, 0);
    for (int i = 0; i < 60; i++)
        tb_buf_puts(&dp, "**/a/");
    tb_buf_puts(&dp, "b");
    tb_buf_u8(&dp, 0);
    NO((const char *)dp.p, (const char *)segs.p);
    tb_buf_release(&segs);
    tb_buf_release(&dp);

    /* many stars and `**` against many segments of many characters */
    struct tb_buf p2 = { 0 }, s2 = { 0 };
    for (int i = 0; i < 200; i++)
        tb_buf_puts(&s2, "aaaaaaaaaaaaaaaaaaaa/");
    tb_buf_puts(&s2, "aaaaaaaaaaaaaaaaaaaa");
    tb_buf_u8(&s2, 0);
    for (int i = 0; i < 20; i++)
        tb_buf_puts(&p2, "**/*a*a*a*a*a*/");
    tb_buf_puts(&p2, "*a*a*a*b");
    tb_buf_u8(&p2, 0);
    NO((const char *)p2.p, (const char *)s2.p);
    tb_buf_release(&p2);
    tb_buf_release(&s2);
}

/* ---- naive recursive reference ----------------------------------------
   Written independently of glob.c: split both strings into segments, then
   try every way each `**` and `*` could match. Exponential, so only for
   short strings. ASCII only (the UTF-8 `?` is tested above). */

struct ref_segs {
    char s[32][64];
    int n;
};

static void ref_split_pattern(const char *p, struct ref_segs *out)
{
    int len = 0;
    out->n = 1;
    for (size_t i = 0; p[i]; i++) {
        if (p[i] == '\\' && p[i + 1] == '/') {
            i++;
            goto sep;
        }
        if (p[i] == '/')
            goto sep;
        if (p[i] == '\\' && p[i + 1]) {
            out->s[out->n - 1][len++] = p[i++];
        }
        out->s[out->n - 1][len++] = p[i];
        continue;
    sep:
        out->s[out->n - 1][len] = 0;
        out->n++;
        len = 0;
    }
    out->s[out->n - 1][len] = 0;
}

static void ref_split_path(const char *p, struct ref_segs *out)
{
    int len = 0;
    out->n = 1;
    for (size_t i = 0; p[i]; i++) {
        if (p[i] == '/') {
            out->s[out->n - 1][len] = 0;
            out->n++;
            len = 0;
        } else {
            out->s[out->n - 1][len++] = p[i];
        }
    }
    out->s[out->n - 1][len] = 0;
}

/* Class at p ("[..."): returns its length including ']' or 0 if unclosed;
   *hit says whether c is in it. */
static size_t ref_class(const char *p, char c, bool *hit)
{
    size_t i = 1;
    bool neg = p[i] == '!' || p[i] == '^';
    if (neg)
        i++;
    /* collect members as (lo, hi) pairs */
    unsigned char lo[64], hi[64];
    int n = 0;
    bool first = true;
    while (p[i]) {
        if (p[i] == ']' && !first) {
            bool in = false;
            for (int k = 0; k < n; k++)
                if ((unsigned char)c >= lo[k] && (unsigned char)c <= hi[k])
                    in = true;
            *hit = in != neg;
            return i + 1;
        }
        first = false;
        unsigned char a = (unsigned char)p[i];
        if (a == '\\' && p[i + 1])
            a = (unsigned char)p[++i];
        i++;
        unsigned char b = a;
        if (p[i] == '-' && p[i + 1] && p[i + 1] != ']') {
            i++;
            b = (unsigned char)p[i];
            if (b == '\\' && p[i + 1] && p[i + 1] != ']')
                b = (unsigned char)p[++i];
            else if (b == '\\' && p[i + 1] == ']') {
                /* "\]" inside: escaped bracket as range end */
                b = (unsigned char)p[++i];
            }
            i++;
        }
        lo[n] = a;
        hi[n] = b;
        n++;
    }
    return 0;
}

static bool ref_chars(const char *p, const char *t)
{
    if (!*p)
        return !*t;
    if (*p == '*') {
        for (size_t k = 0;; k++) {
            if (ref_chars(p + 1, t + k))
                return true;
            if (!t[k])
                return false;
        }
    }
    if (!*t)
        return false;
    if (*p == '?')
        return ref_chars(p + 1, t + 1);
    if (*p == '[') {
        bool hit;
        size_t n = ref_class(p, *t, &hit);
        if (n)
            return hit && ref_chars(p + n, t + 1);
    }
    if (*p == '\\' && p[1])
        p++;
    return *p == *t && ref_chars(p + 1, t + 1);
}

static bool ref_segs_match(const struct ref_segs *ps, int pi, const struct ref_segs *ts, int ti)
{
    if (pi == ps->n)
        return ti == ts->n;
    if (strcmp(ps->s[pi], "**") == 0) {
        for (int k = ti; k <= ts->n; k++)
            if (ref_segs_match(ps, pi + 1, ts, k))
                return true;
        return false;
    }
    return ti < ts->n && ref_chars(ps->s[pi], ts->s[ti]) && ref_segs_match(ps, pi + 1, ts, ti + 1);
}

static bool ref_match(const char *p, const char *t)
{
    struct ref_segs ps, ts;
    ref_split_pattern(p, &ps);
    ref_split_path(t, &ts);
    return ref_segs_match(&ps, 0, &ts, 0);
}

Test(glob, reference_agrees_on_fixed_cases)
{
    /* the reference itself must be right where we know the answer */
    cr_assert(ref_match("a/**/b", "a/b"));
    cr_assert(ref_match("[!a-c]", "d"));
    cr_assert(!ref_match("[!a-c]", "b"));
    cr_assert(ref_match("[]]", "]"));
    cr_assert(ref_match("*.pcap", "x.pcap"));
    cr_assert(!ref_match("*", "a/b"));
}

Test(glob, matches_naive_reference_on_random_cases)
{
    static const char pat_alpha[] = "ab/*?[]!-\\^";
    static const char path_alpha[] = "ab/-]![";
    struct tb_rng rng = tb_rng_seed(0x610b);
    int n_yes = 0;
    for (int i = 0; i < 200000; i++) {
        char p[16], t[16];
        size_t pn = tb_rng_below(&rng, 11), tn = tb_rng_below(&rng, 11);
        for (size_t k = 0; k < pn; k++) {
            /* bias towards `**` segments and literals */
            uint64_t r = tb_rng_below(&rng, 20);
            p[k] = r < 2 ? '*' : r < 8 ? "ab/"[r % 3] : pat_alpha[tb_rng_below(&rng, sizeof pat_alpha - 1)];
        }
        p[pn] = 0;
        for (size_t k = 0; k < tn; k++) {
            uint64_t r = tb_rng_below(&rng, 10);
            t[k] = r < 7 ? "ab/"[r % 3] : path_alpha[tb_rng_below(&rng, sizeof path_alpha - 1)];
        }
        t[tn] = 0;
        bool want = ref_match(p, t), got = lt_glob_match(p, t);
        cr_assert_eq(got, want, "case %d (seed 0x610b): pattern '%s' path '%s': got %d want %d", i,
                     p, t, got, want);
        n_yes += want;
    }
    cr_assert_gt(n_yes, 2000, "too few matching cases (%d) to be a useful test", n_yes);
}
