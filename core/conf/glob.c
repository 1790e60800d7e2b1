/* SPDX-License-Identifier: MIT */
/*
 * glob.c - path globs for the manifest (conf layer). See glob.h.
 *
 * Matching is done at two levels, each with the classic greedy algorithm
 * for a single kind of star: remember the last star seen and, on a mismatch,
 * let that star absorb one more unit and retry what follows it. An earlier
 * star never needs to be revisited, because whatever it could absorb the
 * later star can absorb too; so each level is O(pattern units * text units).
 *
 *   segment level: units are '/'-separated segments, the star is a `**`
 *                  segment, and "one unit matches" is the character level;
 *   character level: units are characters (a literal, an escape, `?` or a
 *                  class), the star is `*` (runs of `*` are one star).
 *
 * Segments are found on the fly with pointer arithmetic; nothing is
 * allocated and nothing recurses.
 */
#include "glob.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A segment [p, p + n); next is where the following segment starts, or NULL
   when this is the last one. */
struct seg {
    const char *p;
    size_t n;
    const char *next;
};

/* The segment of a path starting at s: up to the next '/'. */
static struct seg path_seg(const char *s)
{
    const char *slash = strchr(s, '/');
    struct seg g = { s, slash ? (size_t)(slash - s) : strlen(s), slash ? slash + 1 : NULL };
    return g;
}

/* The segment of a pattern starting at s. An escape is two bytes, except
   "\/" which is a separator (every '/' separates segments, see glob.h): the
   backslash then belongs to neither segment. */
static struct seg pattern_seg(const char *s)
{
    size_t i = 0;
    for (;;) {
        if (s[i] == '\0') {
            struct seg g = { s, i, NULL };
            return g;
        }
        if (s[i] == '/') {
            struct seg g = { s, i, s + i + 1 };
            return g;
        }
        if (s[i] == '\\' && s[i + 1] == '/') {
            struct seg g = { s, i, s + i + 2 };
            return g;
        }
        i += (s[i] == '\\' && s[i + 1] != '\0') ? 2 : 1;
    }
}

static bool is_starstar(struct seg g)
{
    return g.n == 2 && g.p[0] == '*' && g.p[1] == '*';
}

/* Bytes of the character starting at s[0] (n > 0 bytes left): a whole UTF-8
   sequence when the bytes form one, else one byte. */
static size_t char_len(const unsigned char *s, size_t n)
{
    size_t want = s[0] < 0xc2 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : s[0] < 0xf5 ? 4 : 1;
    for (size_t i = 1; i < want; i++)
        if (i >= n || (s[i] & 0xc0) != 0x80)
            return 1;
    return want;
}

/*
 * Match one pattern unit at p[0..pn) (not a `*`) against text t[0..tn).
 * On a match returns true with *p_used and *t_used set; *p_used is also set
 * on a mismatch so the caller can step over the unit.
 */
static bool unit_match(const unsigned char *p, size_t pn, const unsigned char *t, size_t tn,
                       size_t *p_used, size_t *t_used)
{
    if (p[0] == '?') {
        *p_used = 1;
        if (tn == 0)
            return false;
        *t_used = char_len(t, tn);
        return true;
    }
    if (p[0] == '[') {
        /* Find the closing bracket first: an unclosed '[' is a literal. */
        size_t i = 1;
        bool neg = false;
        if (i < pn && (p[i] == '!' || p[i] == '^')) {
            neg = true;
            i++;
        }
        size_t first = i;
        size_t close = 0;
        for (size_t j = first; j < pn; j++) {
            if (p[j] == '\\' && j + 1 < pn) {
                j++;
                continue;
            }
            if (p[j] == ']' && j > first) {
                close = j;
                break;
            }
        }
        if (close) {
            *p_used = close + 1;
            if (tn == 0)
                return false;
            bool in = false;
            for (size_t j = first; j < close;) {
                unsigned char lo = p[j];
                if (lo == '\\' && j + 1 < close)
                    lo = p[++j];
                j++;
                unsigned char hi = lo;
                if (j + 1 < close && p[j] == '-') {
                    j++;
                    hi = p[j];
                    if (hi == '\\' && j + 1 < close)
                        hi = p[++j];
                    j++;
                }
                if (t[0] >= lo && t[0] <= hi)
                    in = true;
            }
            *t_used = 1;
            return in != neg;
        }
        /* fall through: literal '[' */
    }
    size_t i = 0;
    if (p[0] == '\\' && pn > 1)
        i = 1;
    *p_used = i + 1;
    *t_used = 1;
    return tn > 0 && t[0] == p[i];
}

/* Character level: does segment pattern p match segment text t? */
static bool seg_match(struct seg pg, struct seg tg)
{
    const unsigned char *p = (const unsigned char *)pg.p;
    const unsigned char *t = (const unsigned char *)tg.p;
    const size_t pn = pg.n, tn = tg.n;
    size_t pi = 0, ti = 0;
    size_t star_p = SIZE_MAX, star_t = 0; /* pattern index after the last star;
                                             text index it restarts from */
    for (;;) {
        if (pi < pn && p[pi] == '*') {
            while (pi < pn && p[pi] == '*')
                pi++;
            star_p = pi;
            star_t = ti;
            continue;
        }
        if (pi == pn && ti == tn)
            return true;
        if (pi < pn) {
            size_t p_used = 0, t_used = 0;
            if (unit_match(p + pi, pn - pi, t + ti, tn - ti, &p_used, &t_used)) {
                pi += p_used;
                ti += t_used;
                continue;
            }
        }
        /* Mismatch (or pattern exhausted with text left): the last star
           takes one more byte, if there is one to take. */
        if (star_p == SIZE_MAX || star_t >= tn)
            return false;
        star_t++;
        pi = star_p;
        ti = star_t;
    }
}

bool lt_glob_match(const char *pattern, const char *path)
{
    /* Positions are segment starts; NULL means "all consumed". */
    const char *pp = pattern, *tp = path;
    const char *star_p = NULL, *star_t = NULL;
    bool have_star = false;
    for (;;) {
        if (pp) {
            struct seg pg = pattern_seg(pp);
            if (is_starstar(pg)) {
                pp = pg.next;
                star_p = pp;
                star_t = tp;
                have_star = true;
                continue;
            }
            if (tp) {
                struct seg tg = path_seg(tp);
                if (seg_match(pg, tg)) {
                    pp = pg.next;
                    tp = tg.next;
                    continue;
                }
            }
        } else if (!tp) {
            return true;
        }
        /* Mismatch: the last `**` takes one more segment. */
        if (!have_star || !star_t)
            return false;
        star_t = path_seg(star_t).next;
        pp = star_p;
        tp = star_t;
    }
}
