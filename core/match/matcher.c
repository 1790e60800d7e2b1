/* SPDX-License-Identifier: MIT */
/*
 * matcher.c - the literal database of matcher.h (match layer; base/,
 * conf/manifest.h, Vectorscan).
 *
 * Build: variants.c hands every literal of every identifier to add_literal();
 * a hash table maps the literal's text to its id (first seen, first id), so
 * a text shared by two devices, or by two variants, is one Vectorscan
 * literal with several patterns. Patterns are collected as (literal,
 * pattern) entries, then grouped by literal with a counting sort, so each
 * literal owns the contiguous range [first, first + count) in creation
 * order (device order, then manifest order). Texts and interned strings
 * (keys, kinds, variant names) live in a chunk arena owned by the matcher.
 * A text keeps the boundary class it was first generated with.
 *
 * Digests (a HEX literal of 32/40/64/128 bytes, a B64 literal of
 * 22/27/43/86: about nine literals in ten) are not compiled into
 * Vectorscan: they go to a second open-addressing table (text -> id,
 * capacity a power of two >= 2x entries), probed at scan time.
 *
 * Scan: hs_scan() reports the end of each occurrence (no SOM: the start
 * is end - len); the callback checks the whole-token rule against the
 * caller's buffer and forwards. Vectorscan reports in end-offset order.
 * Digest hits come from a lazy token scanner (struct dscan): byte-class
 * searches (tokscan.h: scalar, or AVX2 bitmasks where the CPU has it) find
 * maximal runs of 22+ base64-alphabet bytes, and inside runs of 32+ bytes
 * maximal runs of hex digits; a run of a digest length (or that
 * length + 2 after "%XY", where a percent escape separates) is looked up.
 * It yields hits in end order, and each Vectorscan report first drains
 * the digest hits that end at or before it, so the merged stream stays in
 * end order with O(1) memory (a queue of 2 hits; no per-buffer array).
 */
#include <hs/hs.h>
#include <stdio.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hash.h"
#include "matcher_int.h"
#include "tokscan.h"

/* ---- arena -------------------------------------------------------------- */

struct chunk {
    struct chunk *next;
    size_t used, cap;
    uint8_t data[];
};

#define CHUNK_BYTES ((size_t)1 << 20)

static void *arena_copy(struct chunk **head, const void *p, size_t n, bool nul)
{
    size_t need = n + (nul ? 1 : 0);
    struct chunk *c = *head;
    if (!c || c->cap - c->used < need) {
        size_t cap = need > CHUNK_BYTES / 4 ? need : CHUNK_BYTES;
        c = lt_malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        if (need > CHUNK_BYTES / 4 && *head) {
            /* a big one goes behind the current chunk, which stays open */
            c->next = (*head)->next;
            (*head)->next = c;
        } else {
            c->next = *head;
            *head = c;
        }
    }
    uint8_t *d = c->data + c->used;
    if (n)
        memcpy(d, p, n);
    if (nul)
        d[n] = 0;
    c->used += need;
    return d;
}

static void arena_free(struct chunk *c)
{
    while (c) {
        struct chunk *next = c->next;
        lt_free(c);
        c = next;
    }
}

/* ---- hash table of ids -------------------------------------------------- */

/* Open addressing; a slot is (hash32 << 32) | (id + 1), 0 when empty. */
struct tab {
    uint64_t *slot;
    size_t mask, n;
};

typedef bool (*tab_eq_fn)(const void *ctx, uint32_t id, const void *p, size_t n);

/* The slot holding the id whose text is p[0..n), or the empty slot where
   it goes. */
static uint64_t *tab_find(const struct tab *t, uint32_t h, const void *p, size_t n,
                          tab_eq_fn eq, const void *ctx)
{
    size_t i = h & t->mask;
    for (;;) {
        uint64_t s = t->slot[i];
        if (s == 0 || ((uint32_t)(s >> 32) == h && eq(ctx, (uint32_t)s - 1, p, n)))
            return &t->slot[i];
        i = (i + 1) & t->mask;
    }
}

/* Make room for one more entry (load <= 1/2). */
static enum lt_err tab_grow(struct tab *t)
{
    if (t->slot && (t->n + 1) * 2 <= t->mask + 1)
        return LT_OK;
    size_t cap = t->slot ? (t->mask + 1) * 2 : 1024;
    uint64_t *ns = lt_calloc(cap, sizeof *ns);
    if (!ns)
        return LT_E_NOMEM;
    for (size_t i = 0; t->slot && i <= t->mask; i++) {
        uint64_t s = t->slot[i];
        if (!s)
            continue;
        size_t j = (uint32_t)(s >> 32) & (cap - 1);
        while (ns[j])
            j = (j + 1) & (cap - 1);
        ns[j] = s;
    }
    lt_free(t->slot);
    t->slot = ns;
    t->mask = cap - 1;
    return LT_OK;
}

static uint32_t text_hash(const void *p, size_t n)
{
    return (uint32_t)lt_mix64(lt_fnv1a(LT_FNV_SEED, p, n));
}

/* ---- the matcher ---------------------------------------------------------- */

struct entry {
    uint32_t lit;
    struct lt_pattern pat;
};

struct lt_matcher {
    struct lt_literal *lits;
    uint64_t *dig;      /* digest table: (hash32 << 32) | (id + 1), 0 empty */
    size_t dig_mask;
    uint32_t n_dig;     /* literals in it (not in Vectorscan) */
    uint32_t n_lits;
    struct lt_pattern *pats;
    uint32_t n_pats;
    uint32_t n_skipped;
    uint32_t max_len;   /* longest literal in Vectorscan */
    struct chunk *arena;
    hs_database_t *db;
    hs_scratch_t *proto; /* cloned by lt_match_scratch_new(), never scanned with */
};

struct lt_match_scratch {
    hs_scratch_t *hs; /* NULL when the matcher has no database */
};

/* Build-time state. */
struct builder {
    struct lt_matcher *mt;
    size_t lits_cap;
    struct tab lit_tab;
    struct entry *ents;
    size_t n_ents, ents_cap;
    const char **strs; /* interned strings, by id */
    size_t n_strs, strs_cap;
    struct tab str_tab;
    /* the identifier being generated */
    uint32_t device;
    const char *key, *kind;
};

static bool lit_eq(const void *ctx, uint32_t id, const void *p, size_t n)
{
    const struct lt_literal *l = &((const struct builder *)ctx)->mt->lits[id];
    return l->len == n && memcmp(l->text, p, n) == 0;
}

static bool str_eq(const void *ctx, uint32_t id, const void *p, size_t n)
{
    const char *s = ((const struct builder *)ctx)->strs[id];
    return strncmp(s, p, n) == 0 && s[n] == 0;
}

static enum lt_err grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return LT_OK;
    size_t nc = *cap ? *cap * 2 : 256;
    while (nc < need)
        nc *= 2;
    if (nc > ((size_t)-1) / elem)
        return LT_E_NOMEM;
    void *p = lt_realloc(*arr, nc * elem);
    if (!p)
        return LT_E_NOMEM;
    *arr = p;
    *cap = nc;
    return LT_OK;
}

/* The matcher's copy of s (one per distinct string), or NULL. */
static const char *intern(struct builder *b, const char *s)
{
    size_t n = strlen(s);
    uint32_t h = text_hash(s, n);
    if (tab_grow(&b->str_tab) != LT_OK)
        return NULL;
    uint64_t *slot = tab_find(&b->str_tab, h, s, n, str_eq, b);
    if (*slot)
        return b->strs[(uint32_t)*slot - 1];
    if (grow((void **)&b->strs, &b->strs_cap, b->n_strs + 1, sizeof *b->strs) != LT_OK)
        return NULL;
    char *c = arena_copy(&b->mt->arena, s, n, true);
    if (!c)
        return NULL;
    b->strs[b->n_strs] = c;
    *slot = (uint64_t)h << 32 | (uint32_t)(b->n_strs + 1);
    b->str_tab.n++;
    b->n_strs++;
    return c;
}

static enum lt_err add_literal(void *ud, const uint8_t *text, size_t len, uint8_t bound,
                               const char *variant, uint8_t coord)
{
    struct builder *b = ud;
    struct lt_matcher *mt = b->mt;
    if (len < LT__MATCH_MIN_LEN) {
        mt->n_skipped++;
        return LT_OK;
    }
    /* Vectorscan takes unsigned ids and counts; the manifest is capped at
       64 MiB, far below this */
    if (len > UINT32_MAX || mt->n_lits == UINT32_MAX || b->n_ents >= UINT32_MAX)
        return LT_E_NOMEM;
    const char *vname = intern(b, variant);
    if (!vname)
        return LT_E_NOMEM;
    uint32_t h = text_hash(text, len);
    LT_TRY(tab_grow(&b->lit_tab));
    uint64_t *slot = tab_find(&b->lit_tab, h, text, len, lit_eq, b);
    uint32_t id;
    if (*slot) {
        id = (uint32_t)*slot - 1;
    } else {
        LT_TRY(grow((void **)&mt->lits, &b->lits_cap, (size_t)mt->n_lits + 1, sizeof *mt->lits));
        uint8_t *t = arena_copy(&mt->arena, text, len, false);
        if (!t)
            return LT_E_NOMEM;
        id = mt->n_lits++;
        mt->lits[id] = (struct lt_literal){ t, (uint32_t)len, bound, 0, 0 };
        *slot = (uint64_t)h << 32 | (id + 1);
        b->lit_tab.n++;
    }
    LT_TRY(grow((void **)&b->ents, &b->ents_cap, b->n_ents + 1, sizeof *b->ents));
    b->ents[b->n_ents++] = (struct entry){
        id, { b->device, b->key, b->kind, vname, coord },
    };
    return LT_OK;
}

static bool same_pattern(const struct lt_pattern *x, const struct lt_pattern *y)
{
    /* strings are interned: pointers compare */
    return x->device == y->device && x->key == y->key && x->variant == y->variant &&
           x->coord == y->coord;
}

/* Entries to per-literal pattern ranges (counting sort, stable), dropping
   a pattern equal to one already on its literal (a value listed twice). */
static enum lt_err group_patterns(struct builder *b)
{
    struct lt_matcher *mt = b->mt;
    if (b->n_ents == 0)
        return LT_OK;
    mt->pats = lt_malloc(b->n_ents * sizeof *mt->pats);
    if (!mt->pats)
        return LT_E_NOMEM;
    for (size_t i = 0; i < b->n_ents; i++)
        mt->lits[b->ents[i].lit].count++;
    uint32_t at = 0;
    for (uint32_t i = 0; i < mt->n_lits; i++) {
        mt->lits[i].first = at;
        at += mt->lits[i].count;
        mt->lits[i].count = 0;
    }
    for (size_t i = 0; i < b->n_ents; i++) {
        struct lt_literal *l = &mt->lits[b->ents[i].lit];
        const struct lt_pattern *np = &b->ents[i].pat;
        /* a device's patterns are adjacent: look back over its own only */
        bool dup = false;
        for (uint32_t k = l->count; k-- > 0;) {
            const struct lt_pattern *q = &mt->pats[l->first + k];
            if (q->device != np->device)
                break;
            if (same_pattern(q, np)) {
                dup = true;
                break;
            }
        }
        if (!dup)
            mt->pats[l->first + l->count++] = *np;
    }
    /* close the gaps left by duplicates */
    uint32_t w = 0;
    for (uint32_t i = 0; i < mt->n_lits; i++) {
        struct lt_literal *l = &mt->lits[i];
        memmove(&mt->pats[w], &mt->pats[l->first], l->count * sizeof *mt->pats);
        l->first = w;
        w += l->count;
    }
    mt->n_pats = w;
    return LT_OK;
}

static bool hex_len(size_t n) { return n == 32 || n == 40 || n == 64 || n == 128; }
static bool b64_len(size_t n) { return n == 22 || n == 27 || n == 43 || n == 86; }

/* A digest literal: found by the token scan, not by Vectorscan. */
static bool is_digest(const struct lt_literal *l)
{
    uint8_t cl;
    if (l->bound == LT_BOUND_HEX && hex_len(l->len))
        cl = LT__TOK_HEX;
    else if (l->bound == LT_BOUND_B64 && b64_len(l->len))
        cl = LT__TOK_B64;
    else
        return false;
    for (uint32_t i = 0; i < l->len; i++)
        if (!(lt__tok_class[l->text[i]] & cl))
            return false;
    return true;
}

/* Hash of a digest text (n >= 22): its length and first 16 bytes, fixed
   seed; the same at build and at scan. The keys are digests, uniform in
   those bytes, so the table's probe chains do not depend on them; a scanned
   token that shares a key's first 16 bytes costs one more memcmp. */
static uint32_t dig_hash(const uint8_t *p, size_t n)
{
    uint64_t w0, w1;
    memcpy(&w0, p, 8);
    memcpy(&w1, p + 8, 8);
    return (uint32_t)lt_mix64(w0 ^ (w1 * 0x9e3779b97f4a7c15ull) ^ LT_FNV_SEED ^ n);
}

/* The digest table (load <= 1/2) and the Vectorscan max_len. */
static enum lt_err build_digests(struct lt_matcher *mt)
{
    for (uint32_t i = 0; i < mt->n_lits; i++) {
        if (is_digest(&mt->lits[i]))
            mt->n_dig++;
        else if (mt->lits[i].len > mt->max_len)
            mt->max_len = mt->lits[i].len;
    }
    if (mt->n_dig == 0)
        return LT_OK;
    size_t cap = 16;
    while (cap < (size_t)mt->n_dig * 2)
        cap *= 2;
    mt->dig = lt_calloc(cap, sizeof *mt->dig);
    if (!mt->dig)
        return LT_E_NOMEM;
    mt->dig_mask = cap - 1;
    for (uint32_t i = 0; i < mt->n_lits; i++) {
        const struct lt_literal *l = &mt->lits[i];
        if (!is_digest(l))
            continue;
        uint32_t h = dig_hash(l->text, l->len);
        size_t j = h & mt->dig_mask;
        while (mt->dig[j]) /* texts are distinct: no equal key to meet */
            j = (j + 1) & mt->dig_mask;
        mt->dig[j] = (uint64_t)h << 32 | (i + 1);
    }
    return LT_OK;
}

/* The id of the digest literal p[0..n), or UINT32_MAX. */
static uint32_t dig_lookup(const struct lt_matcher *mt, const uint8_t *p, size_t n)
{
    uint32_t h = dig_hash(p, n);
    for (size_t j = h & mt->dig_mask;; j = (j + 1) & mt->dig_mask) {
        uint64_t s = mt->dig[j];
        if (!s)
            return UINT32_MAX;
        const struct lt_literal *l = &mt->lits[(uint32_t)s - 1];
        if ((uint32_t)(s >> 32) == h && l->len == n && memcmp(l->text, p, n) == 0)
            return (uint32_t)s - 1;
    }
}

static enum lt_err compile_db(struct lt_matcher *mt, char *msg, size_t msg_cap)
{
    if (mt->n_lits - mt->n_dig == 0)
        return LT_OK;
    const char **exprs = lt_malloc(mt->n_lits * sizeof *exprs);
    size_t *lens = lt_malloc(mt->n_lits * sizeof *lens);
    unsigned *ids = lt_malloc(mt->n_lits * sizeof *ids);
    enum lt_err e = LT_OK;
    if (!exprs || !lens || !ids) {
        if (msg && msg_cap)
            snprintf(msg, msg_cap, "matcher: out of memory");
        e = LT_E_NOMEM;
        goto out;
    }
    unsigned k = 0;
    for (uint32_t i = 0; i < mt->n_lits; i++) {
        if (is_digest(&mt->lits[i]))
            continue;
        exprs[k] = (const char *)mt->lits[i].text;
        lens[k] = mt->lits[i].len;
        ids[k++] = i;
    }
    hs_compile_error_t *cerr = NULL;
    if (hs_compile_lit_multi(exprs, NULL, ids, lens, k, HS_MODE_BLOCK, NULL, &mt->db,
                             &cerr) != HS_SUCCESS) {
        if (msg && msg_cap)
            snprintf(msg, msg_cap, "matcher: vectorscan refused %u literals: %s", k,
                     cerr && cerr->message ? cerr->message : "?");
        hs_free_compile_error(cerr);
        mt->db = NULL;
        e = LT_E_MALFORMED;
        goto out;
    }
    hs_error_t he = hs_alloc_scratch(mt->db, &mt->proto);
    if (he != HS_SUCCESS) {
        if (msg && msg_cap)
            snprintf(msg, msg_cap, "matcher: vectorscan scratch allocation failed (%d)", (int)he);
        e = he == HS_NOMEM ? LT_E_NOMEM : LT_E_MALFORMED;
    }
out:
    lt_free(exprs);
    lt_free(lens);
    lt_free(ids);
    return e;
}

static enum lt_err build_all(struct builder *b, const struct lt_manifest *m)
{
    struct lt__match_sink sink = { add_literal, b };
    for (size_t d = 0; d < m->n_devices; d++) {
        const struct lt_device *dev = &m->devices[d];
        b->device = (uint32_t)d;
        for (size_t j = 0; j < dev->n_idents; j++) {
            const struct lt_ident *id = &dev->idents[j];
            char kbuf[256];
            const char *known = lt__match_known_kind(id->key);
            b->key = intern(b, id->key);
            if (known) {
                b->kind = intern(b, known);
            } else if (strlen(id->key) + 8 < sizeof kbuf) {
                snprintf(kbuf, sizeof kbuf, "custom:%s", id->key);
                b->kind = intern(b, kbuf);
            } else {
                char *kb = lt_malloc(strlen(id->key) + 8);
                if (!kb)
                    return LT_E_NOMEM;
                memcpy(kb, "custom:", 7);
                strcpy(kb + 7, id->key);
                b->kind = intern(b, kb);
                lt_free(kb);
            }
            if (!b->key || !b->kind)
                return LT_E_NOMEM;
            if (id->is_location) {
                LT_TRY(lt__match_gen_location(id->lat, id->lon, &sink));
                continue;
            }
            for (size_t k = 0; k < id->n_values; k++)
                if (id->values[k])
                    LT_TRY(lt__match_gen_value(id->key, id->values[k], &sink));
        }
    }
    return LT_OK;
}

enum lt_err lt_matcher_build(const struct lt_manifest *m, struct lt_matcher **out, char *msg,
                             size_t msg_cap)
{
    *out = NULL;
    if (msg && msg_cap)
        msg[0] = 0;
    struct builder b = { .mt = lt_calloc(1, sizeof *b.mt) };
    if (!b.mt) {
        if (msg && msg_cap)
            snprintf(msg, msg_cap, "matcher: out of memory");
        return LT_E_NOMEM;
    }
    enum lt_err e = build_all(&b, m);
    if (e == LT_OK)
        e = group_patterns(&b);
    lt_free(b.ents);
    lt_free(b.lit_tab.slot);
    lt_free(b.str_tab.slot);
    lt_free((void *)b.strs);
    if (e == LT_E_UNSUPPORTED) {
        if (msg && msg_cap)
            snprintf(msg, msg_cap, "matcher: libcrypto refused a digest (md5, sha1, sha256 or sha512)");
        e = LT_E_MALFORMED;
    } else if (e != LT_OK && msg && msg_cap) {
        snprintf(msg, msg_cap, "matcher: out of memory");
    }
    if (e == LT_OK && build_digests(b.mt) != LT_OK) {
        if (msg && msg_cap)
            snprintf(msg, msg_cap, "matcher: out of memory");
        e = LT_E_NOMEM;
    }
    if (e == LT_OK)
        e = compile_db(b.mt, msg, msg_cap);
    if (e != LT_OK) {
        lt_matcher_free(b.mt);
        return e;
    }
    /* the literal array was grown by doubling: give back the slack */
    if (b.mt->n_lits && b.lits_cap > b.mt->n_lits) {
        void *p = lt_realloc(b.mt->lits, b.mt->n_lits * sizeof *b.mt->lits);
        if (p)
            b.mt->lits = p;
    }
    *out = b.mt;
    return LT_OK;
}

void lt_matcher_free(struct lt_matcher *mt)
{
    if (!mt)
        return;
    hs_free_scratch(mt->proto);
    hs_free_database(mt->db);
    arena_free(mt->arena);
    lt_free(mt->dig);
    lt_free(mt->lits);
    lt_free(mt->pats);
    lt_free(mt);
}

uint32_t lt_matcher_n_literals(const struct lt_matcher *mt) { return mt->n_lits; }

uint32_t lt_matcher_n_patterns(const struct lt_matcher *mt) { return mt->n_pats; }

uint32_t lt_matcher_n_skipped(const struct lt_matcher *mt) { return mt->n_skipped; }

uint32_t lt_matcher_n_hashed(const struct lt_matcher *mt) { return mt->n_dig; }

size_t lt_matcher_hash_bytes(const struct lt_matcher *mt)
{
    return mt->dig ? (mt->dig_mask + 1) * sizeof *mt->dig : 0;
}

size_t lt_matcher_db_bytes(const struct lt_matcher *mt)
{
    size_t n = 0;
    if (mt->db && hs_database_size(mt->db, &n) != HS_SUCCESS)
        n = 0;
    return n;
}

const struct lt_literal *lt_matcher_literal(const struct lt_matcher *mt, uint32_t id)
{
    return id < mt->n_lits ? &mt->lits[id] : NULL;
}

const struct lt_pattern *lt_matcher_pattern(const struct lt_matcher *mt, uint32_t idx)
{
    return idx < mt->n_pats ? &mt->pats[idx] : NULL;
}

struct lt_match_scratch *lt_match_scratch_new(const struct lt_matcher *mt)
{
    if (!mt)
        return NULL;
    struct lt_match_scratch *s = lt_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (mt->proto && hs_clone_scratch(mt->proto, &s->hs) != HS_SUCCESS) {
        lt_free(s);
        return NULL;
    }
    return s;
}

void lt_match_scratch_free(struct lt_match_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    lt_free(s);
}

/* ---- scanning ----------------------------------------------------------- */

/* The digest token scanner: yields the digest hits of p[0..n) in order of
   end offset, lazily (see the top of this file). */
struct dhit {
    uint32_t lit;
    size_t from, to;
};

struct dscan {
    const struct lt_matcher *mt;
    const uint8_t *p;
    size_t n;
    size_t pos;    /* where to look for the next base64 run (p[pos - 1] is not in it) */
    size_t bs, be; /* the current base64 run, when in_run */
    size_t hpos;   /* where to look for its next hex run */
    bool in_run;
    bool all_hex;  /* the current run is all hex digits */
    struct lt__tok_scan ts; /* the byte-class searches over p[0..n) */
    unsigned qh, qn;
    struct dhit q[2]; /* ring: hits of one token, same end */
};

/* Queue the hit of the token p[from..to) of class cl, if it is a digest
   literal of that class and passes the whole-token rule. */
static void ds_try(struct dscan *d, size_t from, size_t to, uint8_t bound)
{
    uint32_t id = dig_lookup(d->mt, d->p + from, to - from);
    if (id == UINT32_MAX)
        return;
    const struct lt_literal *l = &d->mt->lits[id];
    if (l->bound != bound || !lt__match_bound_ok(l->bound, d->p, d->n, from, to))
        return;
    d->q[(d->qh + d->qn++) % 2] = (struct dhit){ id, from, to };
}

/* The candidates of the maximal run p[s..e): the run, and the run less
   the two hex digits of a percent escape ("%3D" before the digest). */
static void ds_token(struct dscan *d, size_t s, size_t e, uint8_t bound)
{
    bool (*ok_len)(size_t) = bound == LT_BOUND_HEX ? hex_len : b64_len;
    if (s > 0 && d->p[s - 1] == '%' && e - s >= 2 && (lt__tok_class[d->p[s]] & LT__TOK_HEX) &&
        (lt__tok_class[d->p[s + 1]] & LT__TOK_HEX) && ok_len(e - s - 2))
        ds_try(d, s + 2, e, bound);
    if (ok_len(e - s))
        ds_try(d, s, e, bound);
}

/* Refill the empty queue; false when p is exhausted. Compiled once per
   token scan implementation (avx2 constant), so that each loop is as
   tight as it would be alone. */
#define TOK(f, ...) (avx2 ? lt__tok_##f##_avx2(__VA_ARGS__) : lt__tok_##f##_scalar(__VA_ARGS__))
static inline __attribute__((always_inline)) bool ds_refill_with(struct dscan *d,
                                                                 const bool avx2)
{
    size_t n = d->n;
    struct lt__tok_scan *ts = &d->ts;
    while (d->qn == 0) {
        if (!d->in_run) {
            /* the next base64 run of 22+ bytes (p[pos - 1] is never of
               the class), where it ends, and whether it is hex through
               and through (a hex digest alone: no hex runs to look for
               inside) */
            const size_t i = TOK(find_run, ts, d->pos);
            if (i == n) {
                d->pos = n;
                return false;
            }
            const size_t e = TOK(run_end, ts, i, &d->all_hex);
            d->bs = d->hpos = i;
            d->be = e;
            d->in_run = true;
        }
        /* hex runs inside the base64 run end at or before it; its own
           hit (at its end) comes after theirs */
        size_t i = d->hpos, e = d->be;
        if (e - d->bs < 32) {
            i = e;
        } else if (d->all_hex && i == d->bs) {
            ds_token(d, i, e, LT_BOUND_HEX);
            i = e;
        }
        while (i < e && d->qn == 0) {
            i = TOK(find, ts, i, e, LT__TOK_HEX, true);
            const size_t j = TOK(find, ts, i, e, LT__TOK_HEX, false);
            if (j - i >= 32)
                ds_token(d, i, j, LT_BOUND_HEX);
            i = j;
        }
        d->hpos = i;
        if (d->qn == 0) {
            ds_token(d, d->bs, e, LT_BOUND_B64);
            d->in_run = false;
            d->pos = e < n ? e + 1 : n; /* p[e] is not of the class */
        }
    }
    return true;
}

#undef TOK

static bool ds_refill_scalar(struct dscan *d) { return ds_refill_with(d, false); }
static bool ds_refill_avx2(struct dscan *d) { return ds_refill_with(d, true); }

/* Report every digest hit ending at or before end. */
static void ds_drain(struct dscan *d, size_t end, lt_match_cb cb, void *ud)
{
    if (!d->mt->dig)
        return;
    for (;;) {
        if (d->qn == 0 && !(d->ts.impl == LT_TOK_AVX2 ? ds_refill_avx2(d) : ds_refill_scalar(d)))
            return;
        const struct dhit *h = &d->q[d->qh];
        if (h->to > end)
            return;
        cb(ud, h->lit, h->from, h->to);
        d->qh = (d->qh + 1) % 2;
        d->qn--;
    }
}

struct scan_ctx {
    const struct lt_matcher *mt;
    const uint8_t *p;
    size_t n;
    size_t base;    /* offset of the window in p */
    size_t min_end; /* ends at or before it were reported by the last window */
    lt_match_cb cb;
    void *ud;
    struct dscan *ds;
};

static int on_hs_match(unsigned id, unsigned long long from, unsigned long long to,
                       unsigned flags, void *ctx)
{
    (void)from, (void)flags;
    struct scan_ctx *c = ctx;
    size_t end = c->base + (size_t)to;
    if (end <= c->min_end || id >= c->mt->n_lits)
        return 0;
    const struct lt_literal *l = &c->mt->lits[id];
    size_t start = end - l->len;
    if (lt__match_bound_ok(l->bound, c->p, c->n, start, end)) {
        ds_drain(c->ds, end, c->cb, c->ud);
        c->cb(c->ud, id, start, end);
    }
    return 0;
}

enum lt_err lt__matcher_scan_impl(const struct lt_matcher *mt, struct lt_match_scratch *s,
                                  const uint8_t *p, size_t n, size_t win,
                                  enum lt_tok_impl impl, lt_match_cb cb, void *ud)
{
    if ((!mt->db && !mt->dig) || n == 0)
        return LT_OK;
    if (!s || (mt->db && !s->hs))
        return LT_E_MALFORMED;
    struct dscan ds = { .mt = mt, .p = p, .n = n };
    lt__tok_init(&ds.ts, impl, p, n);
    if (!mt->db) {
        ds_drain(&ds, n, cb, ud);
        return LT_OK;
    }
    if (win > UINT32_MAX)
        win = UINT32_MAX;
    if (win < mt->max_len)
        win = mt->max_len;
    /* windows overlap by max_len - 1 bytes, so every occurrence lies whole
       in one window; one seen by the previous window is skipped */
    struct scan_ctx c = { mt, p, n, 0, 0, cb, ud, &ds };
    for (;;) {
        size_t len = n - c.base < win ? n - c.base : win;
        hs_error_t he = hs_scan(mt->db, (const char *)p + c.base, (unsigned)len, 0, s->hs,
                                on_hs_match, &c);
        if (he != HS_SUCCESS)
            return he == HS_NOMEM ? LT_E_NOMEM : LT_E_MALFORMED;
        if (c.base + len >= n) {
            ds_drain(&ds, n, cb, ud);
            return LT_OK;
        }
        c.min_end = c.base + len;
        c.base = c.min_end - (mt->max_len - 1);
    }
}

enum lt_err lt__matcher_scan_window(const struct lt_matcher *mt, struct lt_match_scratch *s,
                                    const uint8_t *p, size_t n, size_t win, lt_match_cb cb,
                                    void *ud)
{
    return lt__matcher_scan_impl(mt, s, p, n, win, lt__tok_impl_best(), cb, ud);
}

enum lt_err lt_matcher_scan(const struct lt_matcher *mt, struct lt_match_scratch *s,
                            const uint8_t *p, size_t n, lt_match_cb cb, void *ud)
{
    return lt__matcher_scan_window(mt, s, p, n, (size_t)1 << 30, cb, ud);
}
