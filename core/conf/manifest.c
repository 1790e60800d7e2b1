/* SPDX-License-Identifier: MIT */
/*
 * manifest.c - load and validate the device manifest (conf layer). See
 * manifest.h and SPEC §3.
 *
 * jansson parses; it keeps no source positions for values, so a validation
 * error is placed by walking the (already valid) text again along the path
 * of member/element indices that led to the bad value. That works because
 * duplicate keys are rejected and jansson iterates object members in
 * insertion order (2.8 and later), so "member k of this object" is the same
 * in the tree and in the text.
 */
#include "manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/hash.h"
#include "glob.h"

#define MAX_STEPS 8

struct ctx {
    const char *text;
    size_t len;
    const char *name;
    char *msg;
    size_t msg_cap;
    lt_warn_fn warn;
    void *ud;
    size_t steps[MAX_STEPS]; /* member/element indices from the top value */
    size_t n_steps;
};


/* Copy s into out for a message, control bytes shown as '?' (keys and ids
   come from the file and go to a terminal). */
static const char *clean(char *out, size_t cap, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[i] = '\0';
    return out;
}

static void set_msg(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_msg(struct ctx *c, const char *fmt, ...)
{
    if (!c->msg || c->msg_cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, c->msg_cap, fmt, ap);
    va_end(ap);
}

static void warn_unknown(struct ctx *c, const char *field, const char *where, const char *id)
{
    if (!c->warn)
        return;
    char w[1024], f[200], i[200], name[400];
    clean(f, sizeof f, field);
    clean(name, sizeof name, c->name);
    if (id)
        snprintf(w, sizeof w, "manifest '%s': unknown field '%s' in %s'%s'", name, f, where,
                 clean(i, sizeof i, id));
    else
        snprintf(w, sizeof w, "manifest '%s': unknown field '%s'", name, f);
    c->warn(c->ud, w);
}

/* ---- finding a value in the text ------------------------------------- */

static size_t skip_ws(const char *t, size_t n, size_t i)
{
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    return i;
}

static size_t skip_string(const char *t, size_t n, size_t i)
{
    for (i++; i < n && t[i] != '"'; i++)
        if (t[i] == '\\')
            i++;
    return i < n ? i + 1 : n;
}

static bool is_delim(char ch)
{
    return ch == ',' || ch == ']' || ch == '}' || ch == ':' || ch == ' ' || ch == '\t' ||
           ch == '\n' || ch == '\r';
}

static size_t skip_value(const char *t, size_t n, size_t i)
{
    if (i >= n)
        return n;
    if (t[i] == '"')
        return skip_string(t, n, i);
    if (t[i] != '{' && t[i] != '[') {
        while (i < n && !is_delim(t[i]))
            i++;
        return i;
    }
    size_t depth = 0;
    while (i < n) {
        char ch = t[i];
        if (ch == '"') {
            i = skip_string(t, n, i);
            continue;
        }
        if (ch == '{' || ch == '[') {
            depth++;
        } else if (ch == '}' || ch == ']') {
            if (--depth == 0)
                return i + 1;
        }
        i++;
    }
    return n;
}

/* Byte offset of the value at the end of c->steps. */
static size_t locate(const struct ctx *c)
{
    const char *t = c->text;
    const size_t n = c->len;
    size_t i = skip_ws(t, n, 0);
    for (size_t s = 0; s < c->n_steps && s < MAX_STEPS && i < n; s++) {
        const bool is_obj = t[i] == '{';
        i = skip_ws(t, n, i + 1);
        for (size_t k = 0; i < n; k++) {
            if (is_obj) {
                i = skip_ws(t, n, skip_string(t, n, i));
                i = skip_ws(t, n, i + 1); /* ':' */
            }
            if (k == c->steps[s])
                break;
            i = skip_ws(t, n, skip_value(t, n, i));
            i = skip_ws(t, n, i + 1); /* ',' */
        }
    }
    return i < n ? i : n;
}

static void line_col(const char *t, size_t off, int *line, int *col)
{
    int l = 1, cl = 1;
    for (size_t i = 0; i < off; i++) {
        if (t[i] == '\n') {
            l++;
            cl = 1;
        } else if (((unsigned char)t[i] & 0xc0) != 0x80) {
            cl++;
        }
    }
    *line = l;
    *col = cl;
}

/* Validation error at the value c->steps leads to. */
static enum lt_err bad(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static enum lt_err bad(struct ctx *c, const char *fmt, ...)
{
    if (!c->msg || c->msg_cap == 0)
        return LT_E_MALFORMED;
    int line, col;
    line_col(c->text, locate(c), &line, &col);
    char what[512], name[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    set_msg(c, "manifest '%s' line %d column %d: %s", clean(name, sizeof name, c->name), line, col,
            what);
    return LT_E_MALFORMED;
}

static void push(struct ctx *c, size_t idx)
{
    /* The manifest schema is at most 5 levels deep; deeper values are
       never inspected. */
    if (c->n_steps < MAX_STEPS)
        c->steps[c->n_steps] = idx;
    c->n_steps++;
}

static void pop(struct ctx *c)
{
    c->n_steps--;
}

/* ---- numbers as text ------------------------------------------------- */

/* Decimal text of the number at c->steps: an integer literal as written
   (so 20-digit ICCIDs survive), anything else from its double value. */
static void number_text(struct ctx *c, double v, char *out, size_t cap)
{
    size_t off = locate(c), end = off;
    while (end < c->len && (c->text[end] == '-' || (c->text[end] >= '0' && c->text[end] <= '9')))
        end++;
    bool is_int = end > off && (end == c->len || is_delim(c->text[end])) &&
                  !(end - off == 1 && c->text[off] == '-');
    if (is_int && end - off < cap) {
        memcpy(out, c->text + off, end - off);
        out[end - off] = '\0';
        return;
    }
    if (v > -1e17 && v < 1e17 && v == (double)(long long)v) {
        snprintf(out, cap, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* ---- validation ------------------------------------------------------- */

static enum lt_err nomem(struct ctx *c)
{
    set_msg(c, "manifest '%s': out of memory", c->name);
    return LT_E_NOMEM;
}

/* v must be a list of strings: copy them to *out (allocated). */
static enum lt_err string_list(struct ctx *c, json_t *v, const char *field, const char *id,
                               char ***out, size_t *n_out)
{
    char ci[200];
    if (!json_is_array(v))
        return bad(c, "'%s' of device '%s' is not a list of strings", field, clean(ci, sizeof ci, id));
    size_t n = json_array_size(v);
    if (n == 0)
        return LT_OK;
    *out = lt_calloc(n, sizeof **out);
    if (!*out)
        return nomem(c);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_string(e)) {
            push(c, i);
            enum lt_err err = bad(c, "'%s' of device '%s': item %zu is not a string", field,
                                  clean(ci, sizeof ci, id), i + 1);
            pop(c);
            return err;
        }
        if (!((*out)[i] = lt_strdup(json_string_value(e))))
            return nomem(c);
        (*n_out)++;
    }
    return LT_OK;
}

static enum lt_err location(struct ctx *c, json_t *v, const char *id, struct lt_ident *li)
{
    char ci[200];
    clean(ci, sizeof ci, id);
    if (!json_is_object(v))
        return bad(c, "'location' of device '%s' is not an object {\"lat\": ..., \"lon\": ...}", ci);
    bool has_lat = false, has_lon = false;
    size_t k = 0;
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x) {
        bool is_lat = strcmp(key, "lat") == 0, is_lon = strcmp(key, "lon") == 0;
        if (!is_lat && !is_lon) {
            warn_unknown(c, key, "location of device ", id);
            k++;
            continue;
        }
        push(c, k++);
        double lim = is_lat ? 90.0 : 180.0;
        enum lt_err err = LT_OK;
        if (!json_is_number(x))
            err = bad(c, "'%s' of the location of device '%s' is not a number", key, ci);
        else if (!(json_number_value(x) >= -lim && json_number_value(x) <= lim))
            err = bad(c, "'%s' of the location of device '%s' is out of range [-%g, %g]", key, ci,
                      lim, lim);
        pop(c);
        if (err)
            return err;
        if (is_lat) {
            li->lat = json_number_value(x);
            has_lat = true;
        } else {
            li->lon = json_number_value(x);
            has_lon = true;
        }
    }
    if (!has_lat || !has_lon)
        return bad(c, "the location of device '%s' has no '%s'", ci, has_lat ? "lon" : "lat");
    li->is_location = true;
    return LT_OK;
}

/* One identifier value (string or number) at c->steps into *out. */
static enum lt_err ident_value(struct ctx *c, json_t *e, const char *key, const char *id,
                               char **out)
{
    char ck[200], ci[200];
    if (json_is_string(e)) {
        /* An empty value would "match" everywhere: refuse it. */
        if (json_string_length(e) == 0)
            return bad(c, "identifier '%s' of device '%s' is an empty string",
                       clean(ck, sizeof ck, key), clean(ci, sizeof ci, id));
        *out = lt_strdup(json_string_value(e));
    } else if (json_is_number(e)) {
        char num[64];
        number_text(c, json_number_value(e), num, sizeof num);
        *out = lt_strdup(num);
    } else {
        return bad(c, "identifier '%s' of device '%s' is not a string, a number or a list of them",
                   clean(ck, sizeof ck, key), clean(ci, sizeof ci, id));
    }
    return *out ? LT_OK : nomem(c);
}

static enum lt_err identifiers(struct ctx *c, json_t *v, struct lt_device *d)
{
    char ci[200];
    if (!json_is_object(v))
        return bad(c, "'identifiers' of device '%s' is not an object", clean(ci, sizeof ci, d->id));
    size_t n = json_object_size(v);
    if (n == 0)
        return LT_OK;
    d->idents = lt_calloc(n, sizeof *d->idents);
    if (!d->idents)
        return nomem(c);
    size_t k = 0;
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x) {
        push(c, k++);
        struct lt_ident *li = &d->idents[d->n_idents++];
        enum lt_err err = LT_OK;
        if (!(li->key = lt_strdup(key))) {
            err = nomem(c);
        } else if (strcmp(key, "location") == 0) {
            err = location(c, x, d->id, li);
        } else if (json_is_array(x)) {
            size_t m = json_array_size(x);
            if (m && !(li->values = lt_calloc(m, sizeof *li->values)))
                err = nomem(c);
            for (size_t i = 0; i < m && !err; i++) {
                push(c, i);
                json_t *e = json_array_get(x, i);
                if (json_is_array(e) || json_is_object(e))
                    err = bad(c, "identifier '%s' of device '%s': item %zu is not a string or a number",
                              key, clean(ci, sizeof ci, d->id), i + 1);
                else if (!(err = ident_value(c, e, key, d->id, &li->values[i])))
                    li->n_values++;
                pop(c);
            }
        } else {
            if (!(li->values = lt_calloc(1, sizeof *li->values)))
                err = nomem(c);
            else if (!(err = ident_value(c, x, key, d->id, &li->values[0])))
                li->n_values = 1;
        }
        pop(c);
        if (err)
            return err;
    }
    return LT_OK;
}

/* Open-addressing set of device ids, to find duplicates in O(n). */
struct idset {
    const char **slot;
    size_t mask;
};

static const char *idset_add(struct idset *s, const char *id)
{
    size_t h = (size_t)lt_fnv1a(LT_FNV_SEED, id, strlen(id));
    for (size_t i = h & s->mask;; i = (i + 1) & s->mask) {
        if (!s->slot[i]) {
            s->slot[i] = id;
            return NULL;
        }
        if (strcmp(s->slot[i], id) == 0)
            return s->slot[i];
    }
}

static enum lt_err device(struct ctx *c, json_t *v, size_t idx, struct lt_device *d,
                          struct idset *ids)
{
    char ci[200];
    if (!json_is_object(v))
        return bad(c, "device %zu is not an object", idx + 1);
    /* The id first: the other messages name it. */
    size_t k = 0, id_k = 0;
    const char *key;
    json_t *x, *id = NULL;
    json_object_foreach(v, key, x) {
        if (strcmp(key, "id") == 0) {
            id = x;
            id_k = k;
        }
        k++;
    }
    if (!id)
        return bad(c, "device %zu has no 'id'", idx + 1);
    push(c, id_k);
    enum lt_err err = LT_OK;
    if (!json_is_string(id) || json_string_length(id) == 0)
        err = bad(c, "the 'id' of device %zu is not a non-empty string", idx + 1);
    else if (!(d->id = lt_strdup(json_string_value(id))))
        err = nomem(c);
    else if (idset_add(ids, d->id))
        err = bad(c, "duplicate device id '%s'", clean(ci, sizeof ci, d->id));
    pop(c);
    if (err)
        return err;

    k = 0;
    json_object_foreach(v, key, x) {
        push(c, k++);
        if (strcmp(key, "captures") == 0)
            err = string_list(c, x, "captures", d->id, &d->captures, &d->n_captures);
        else if (strcmp(key, "addresses") == 0)
            err = string_list(c, x, "addresses", d->id, &d->addresses, &d->n_addresses);
        else if (strcmp(key, "identifiers") == 0)
            err = identifiers(c, x, d);
        else if (strcmp(key, "id") != 0)
            warn_unknown(c, key, "device ", d->id);
        pop(c);
        if (err)
            return err;
    }
    return LT_OK;
}

static enum lt_err manifest(struct ctx *c, json_t *root, struct lt_manifest *m)
{
    if (!json_is_object(root))
        return bad(c, "the top level is not an object");
    json_t *devs = NULL, *x;
    size_t k = 0, devs_k = 0;
    const char *key;
    json_object_foreach(root, key, x) {
        if (strcmp(key, "devices") == 0) {
            devs = x;
            devs_k = k;
        } else {
            warn_unknown(c, key, NULL, NULL);
        }
        k++;
    }
    if (!devs)
        return bad(c, "no 'devices' list");
    push(c, devs_k);
    enum lt_err err = LT_OK;
    size_t n = json_array_size(devs);
    struct idset ids = { NULL, 0 };
    if (!json_is_array(devs)) {
        err = bad(c, "'devices' is not a list");
    } else if (n) {
        size_t slots = 16;
        while (slots < 2 * n)
            slots *= 2;
        ids.slot = lt_calloc(slots, sizeof *ids.slot);
        ids.mask = slots - 1;
        m->devices = lt_calloc(n, sizeof *m->devices);
        if (!ids.slot || !m->devices)
            err = nomem(c);
    }
    for (size_t i = 0; i < n && !err; i++) {
        push(c, i);
        err = device(c, json_array_get(devs, i), i, &m->devices[m->n_devices++], &ids);
        pop(c);
    }
    pop(c);
    lt_free(ids.slot);
    return err;
}

enum lt_err lt_manifest_load_mem(struct lt_manifest *m, const char *text, size_t len,
                                 const char *name, char *msg, size_t msg_cap, lt_warn_fn warn,
                                 void *ud)
{
    struct ctx c = { .text = text, .len = len, .name = name, .msg = msg, .msg_cap = msg_cap,
                     .warn = warn, .ud = ud };
    memset(m, 0, sizeof *m);
    if (msg && msg_cap)
        msg[0] = '\0';
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &je);
    if (!root) {
        char cn[400];
        set_msg(&c, "manifest '%s' line %d column %d: %s", clean(cn, sizeof cn, name),
                je.line < 1 ? 1 : je.line, je.column < 1 ? 1 : je.column, je.text);
        return LT_E_MALFORMED;
    }
    enum lt_err err = manifest(&c, root, m);
    json_decref(root);
    if (err)
        lt_manifest_release(m);
    return err;
}

enum lt_err lt_manifest_load(struct lt_manifest *m, const char *path, char *msg, size_t msg_cap,
                             lt_warn_fn warn, void *ud)
{
    struct ctx c = { .name = path, .msg = msg, .msg_cap = msg_cap };
    char cn[400];
    memset(m, 0, sizeof *m);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_msg(&c, "cannot read manifest '%s': %s", clean(cn, sizeof cn, path), strerror(errno));
        return LT_E_IO;
    }
    struct lt_buf b;
    lt_buf_init(&b, LT_MANIFEST_MAX_BYTES);
    enum lt_err err = LT_OK;
    for (;;) {
        char chunk[65536];
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            set_msg(&c, "cannot read manifest '%s': %s", clean(cn, sizeof cn, path), strerror(errno));
            err = LT_E_IO;
            break;
        }
        if (got == 0)
            break;
        err = lt_buf_append(&b, chunk, (size_t)got);
        if (err == LT_E_LIMIT)
            set_msg(&c, "manifest '%s': larger than %u MiB", clean(cn, sizeof cn, path),
                    LT_MANIFEST_MAX_BYTES >> 20);
        else if (err)
            set_msg(&c, "manifest '%s': out of memory", clean(cn, sizeof cn, path));
        if (err)
            break;
    }
    close(fd);
    if (!err)
        err = lt_manifest_load_mem(m, b.p ? (const char *)b.p : "", b.len, path, msg, msg_cap,
                                   warn, ud);
    lt_buf_release(&b);
    return err;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        lt_free(v[i]);
    lt_free(v);
}

void lt_manifest_release(struct lt_manifest *m)
{
    for (size_t i = 0; i < m->n_devices; i++) {
        struct lt_device *d = &m->devices[i];
        lt_free(d->id);
        free_strs(d->captures, d->n_captures);
        free_strs(d->addresses, d->n_addresses);
        for (size_t j = 0; j < d->n_idents; j++) {
            lt_free(d->idents[j].key);
            free_strs(d->idents[j].values, d->idents[j].n_values);
        }
        lt_free(d->idents);
    }
    lt_free(m->devices);
    m->devices = NULL;
    m->n_devices = 0;
}

int lt_manifest_claim(const struct lt_manifest *m, const char *rel_path)
{
    for (size_t i = 0; i < m->n_devices; i++)
        for (size_t j = 0; j < m->devices[i].n_captures; j++)
            if (lt_glob_match(m->devices[i].captures[j], rel_path))
                return i > (size_t)INT32_MAX ? -1 : (int)i;
    return -1;
}
