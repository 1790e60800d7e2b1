/* SPDX-License-Identifier: MIT */
/*
 * json.c - validate a JSON document, then walk its scalars with paths
 * (dec layer).
 *
 * Two passes of one iterative parser. The first validates (RFC 8259) and
 * does all scratch accounting without callbacks; only if the whole
 * document is valid and fits is the second pass run with callbacks, so a
 * failed trial (not JSON, too deep, scratch too small) calls nothing.
 * Recording events in the first pass would save the second parse, but
 * needs scratch proportional to the number of scalars; re-parsing a
 * validated document costs about as much as validating it.
 *
 * Nesting is an explicit stack of levels (a local array of at most
 * LT_JSON_MAX_DEPTH entries), never recursion. Each level keeps the path
 * length of its container (popping truncates the path), the member key or
 * inherited key, and how much of the scratch's back end was used when it
 * was entered.
 *
 * Scratch layout: [ path | unescaped string value ...free... | keys ]. The
 * path grows and shrinks at the front. A string value with escapes is
 * unescaped right after the path. A key with escapes is unescaped and kept
 * at the back (a stack: one live key per object level); keys and values
 * without escapes are spans into the input and use no scratch.
 *
 * Leniency: invalid UTF-8 inside strings passes through as bytes (real
 * payloads have it); lone surrogate escapes become U+FFFD; duplicate keys
 * are allowed. Control bytes inside strings and everything else RFC 8259
 * forbids (leading zeros, `+1`, `.5`, trailing commas, comments, NaN) are
 * LT_E_MALFORMED.
 */
#include "json.h"

#include <string.h>

#include "json_lex.h"

/* Hard cap on max_depth: the level stack is a local array. */
#define LT_JSON_MAX_DEPTH 1024
/* Documents larger than this are LT_E_LIMIT: lengths below stay in 32 bits
   (a path is at most ~6 bytes per input byte). */
#define LT_JSON_MAX_DOC ((size_t)UINT32_MAX / 8)

struct level {
    const uint8_t *key_p; /* the current member key (objects) or the key
                             inherited from the enclosing member (arrays) */
    uint32_t key_len;
    uint32_t path_len;  /* path of the container itself */
    uint32_t back_mark; /* scratch back usage when the container began */
    uint32_t idx;       /* arrays: index of the current element */
    bool is_obj;
};

struct jp {
    const uint8_t *p;
    size_t n, i;
    uint8_t *buf;
    size_t cap;
    size_t path_len, back;
    bool over;     /* something did not fit the scratch (pass 1) */
    bool is_emit;  /* pass 2: write string values, call cb */
    bool is_stop;  /* cb returned false */
    lt_json_cb cb;
    void *ud;
};

bool lt_json_plausible(const uint8_t *src, size_t n, bool allow_scalar)
{
    size_t a = 0, b = n;
    while (a < n && (src[a] == ' ' || src[a] == '\t' || src[a] == '\n' ||
                     src[a] == '\r'))
        a++;
    while (b > a && (src[b - 1] == ' ' || src[b - 1] == '\t' ||
                     src[b - 1] == '\n' || src[b - 1] == '\r'))
        b--;
    if (b - a < 2)
        return false;
    switch (src[a]) {
    case '{': return src[b - 1] == '}';
    case '[': return src[b - 1] == ']';
    case '"': return allow_scalar && src[b - 1] == '"';
    }
    return false;
}

static void skip_ws(struct jp *j)
{
    j->i = lt_json_lex_ws(j->p, j->n, j->i);
}

/*
 * Parse the string whose opening quote is at j->i; leave j->i past the
 * closing quote. Without escapes *res is the span in the input. With
 * escapes the unescaped bytes go to out[0..out_cap) when do_write (else
 * only their length is counted) and *res spans them; when they do not fit,
 * j->over is set and *res is empty. false: not a valid JSON string.
 */
static bool parse_string(struct jp *j, uint8_t *out, size_t out_cap,
                         bool do_write, struct lt_span *res)
{
    size_t len;
    bool esc;
    const size_t end = lt_json_lex_string(j->p, j->n, j->i,
                                          do_write ? out : NULL, out_cap,
                                          &len, &esc);
    if (!end)
        return false;
    if (!esc) {
        *res = lt_span_make(j->p + j->i + 1, len);
    } else if (len > out_cap) {
        j->over = true;
        *res = lt_span_make(out, 0);
    } else {
        *res = lt_span_make(out, len);
    }
    j->i = end;
    return true;
}

static bool is_ident(const uint8_t *k, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        const uint8_t c = k[i];
        const bool is_alpha = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
                              c == '_' || c == '$';
        if (!is_alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '-')))
            return false;
    }
    return true;
}

/* Does [path_len, path_len + k) fit below the back region? */
static bool path_room(const struct jp *j, size_t k)
{
    return j->path_len + k + j->back <= j->cap;
}

static void path_key(struct jp *j, const uint8_t *k, size_t len)
{
    if (is_ident(k, len)) {
        if (path_room(j, 1 + len)) {
            j->buf[j->path_len] = '.';
            memcpy(j->buf + j->path_len + 1, k, len);
        } else {
            j->over = true;
        }
        j->path_len += 1 + len;
        return;
    }
    size_t seg = 4 + len;
    for (size_t i = 0; i < len; i++)
        seg += k[i] == '\'' || k[i] == '\\';
    if (!path_room(j, seg)) {
        j->over = true;
        j->path_len += seg;
        return;
    }
    uint8_t *w = j->buf + j->path_len;
    *w++ = '[';
    *w++ = '\'';
    for (size_t i = 0; i < len; i++) {
        if (k[i] == '\'' || k[i] == '\\')
            *w++ = '\\';
        *w++ = k[i];
    }
    *w++ = '\'';
    *w++ = ']';
    j->path_len += seg;
}

static void path_index(struct jp *j, uint32_t idx)
{
    uint8_t d[12];
    size_t nd = 0;
    do {
        d[nd++] = (uint8_t)('0' + idx % 10);
        idx /= 10;
    } while (idx);
    if (path_room(j, nd + 2)) {
        uint8_t *w = j->buf + j->path_len;
        *w++ = '[';
        for (size_t k = nd; k > 0; k--)
            *w++ = d[k - 1];
        *w = ']';
    } else {
        j->over = true;
    }
    j->path_len += nd + 2;
}

static void emit(struct jp *j, enum lt_json_kind kind, const struct level *top,
                 struct lt_span value)
{
    if (!j->is_emit)
        return;
    struct lt_json_value v;
    v.kind = kind;
    v.path = lt_span_make(j->buf, j->path_len);
    v.key = top ? lt_span_make(top->key_p, top->key_len) : lt_span_make(j->p, 0);
    v.value = value;
    if (!j->cb(j->ud, &v))
        j->is_stop = true;
}

/* One pass over the document; see the file comment. */
static enum lt_err run(struct jp *j, struct level *lv, size_t max_depth)
{
    const uint8_t *p = j->p;
    const size_t n = j->n;
    size_t depth = 0;
    struct level *top = NULL;
    struct lt_span sv;
    j->i = 0;
    j->back = 0;
    j->path_len = 1;
    if (j->cap >= 1)
        j->buf[0] = '$';
    else
        j->over = true;

value:
    skip_ws(j);
    if (j->i >= n)
        return LT_E_MALFORMED;
    switch (p[j->i]) {
    case '{':
    case '[': {
        if (depth >= max_depth)
            return LT_E_LIMIT;
        struct level *l = &lv[depth++];
        l->is_obj = p[j->i] == '{';
        l->key_p = top ? top->key_p : p;
        l->key_len = top ? top->key_len : 0;
        l->path_len = (uint32_t)j->path_len;
        l->back_mark = (uint32_t)j->back;
        l->idx = 0;
        top = l;
        j->i++;
        skip_ws(j);
        if (j->i < n && p[j->i] == (l->is_obj ? '}' : ']')) {
            j->i++;
            goto pop;
        }
        if (l->is_obj)
            goto member;
        path_index(j, 0);
        goto value;
    }
    case '"': {
        const size_t room = j->path_len + j->back <= j->cap
                                ? j->cap - j->back - j->path_len : 0;
        if (!parse_string(j, j->buf + (room ? j->path_len : 0), room,
                          j->is_emit, &sv))
            return LT_E_MALFORMED;
        emit(j, LT_JSON_STRING, top, sv);
        goto after;
    }
    case 't':
    case 'f':
    case 'n': {
        const size_t end = lt_json_lex_literal(p, n, j->i);
        if (!end)
            return LT_E_MALFORMED;
        j->i = end;
        goto after;
    }
    default: {
        const size_t start = j->i, end = lt_json_lex_number(p, n, start);
        if (!end)
            return LT_E_MALFORMED;
        j->i = end;
        emit(j, LT_JSON_NUMBER, top, lt_span_make(p + start, end - start));
        goto after;
    }
    }

member:
    /* j->i is at the member's key (whitespace skipped) */
    if (j->i >= n || p[j->i] != '"')
        return LT_E_MALFORMED;
    {
        struct lt_span k;
        j->back = top->back_mark;
        j->path_len = top->path_len;
        const size_t room = j->path_len + j->back <= j->cap
                                ? j->cap - j->back - j->path_len : 0;
        uint8_t *tmp = j->buf + (room ? j->path_len : 0);
        const bool was_over = j->over;
        if (!parse_string(j, tmp, room, true, &k))
            return LT_E_MALFORMED;
        if (j->over && !was_over) {
            k = lt_span_make(p, 0); /* did not fit; pass 1 ends in LIMIT */
        } else if (k.p == tmp && k.len > 0) {
            /* unescaped into the free middle: move it to the back */
            j->back += k.len;
            uint8_t *dst = j->buf + j->cap - j->back;
            memmove(dst, tmp, k.len);
            k.p = dst;
        }
        top->key_p = k.p;
        top->key_len = (uint32_t)k.len;
        path_key(j, k.p, k.len);
    }
    j->i = lt_json_lex_expect(p, n, j->i, ':');
    if (!j->i)
        return LT_E_MALFORMED;
    goto value;

after:
    if (j->is_stop)
        return LT_OK;
    skip_ws(j);
    if (depth == 0)
        return j->i == n ? LT_OK : LT_E_MALFORMED;
    if (j->i >= n)
        return LT_E_MALFORMED;
    if (p[j->i] == ',') {
        j->i++;
        skip_ws(j);
        if (top->is_obj)
            goto member;
        j->path_len = top->path_len;
        path_index(j, ++top->idx);
        goto value;
    }
    if (p[j->i] != (top->is_obj ? '}' : ']'))
        return LT_E_MALFORMED;
    j->i++;

pop:
    j->path_len = top->path_len;
    j->back = top->back_mark;
    depth--;
    top = depth ? &lv[depth - 1] : NULL;
    goto after;
}

enum lt_err lt_json_walk(const uint8_t *src, size_t n,
                         const struct lt_json_scratch *s, lt_json_cb cb,
                         void *ud)
{
    if (n > LT_JSON_MAX_DOC)
        return LT_E_LIMIT;
    struct level lv[LT_JSON_MAX_DEPTH];
    uint8_t dummy;
    struct jp j = { 0 };
    j.p = src;
    j.n = n;
    j.buf = s->buf ? s->buf : &dummy;
    j.cap = s->buf ? s->cap : 0;
    if (j.cap > UINT32_MAX)
        j.cap = UINT32_MAX;
    const size_t max_depth =
        s->max_depth < LT_JSON_MAX_DEPTH ? s->max_depth : LT_JSON_MAX_DEPTH;
    enum lt_err e = run(&j, lv, max_depth);
    if (e != LT_OK)
        return e;
    if (j.over)
        return LT_E_LIMIT;
    if (!cb)
        return LT_OK;
    j.is_emit = true;
    j.cb = cb;
    j.ud = ud;
    return run(&j, lv, max_depth);
}
