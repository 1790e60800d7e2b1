/* SPDX-License-Identifier: MIT */
#include "merge.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

#include "core/io/outfile.h"

/* ---- summary.json --------------------------------------------------- */

/* dst += src for every number, recursively through objects; other values
   keep dst's (the first shard's). */
static void add_numbers(json_t *dst, json_t *src)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        json_t *d = json_object_get(dst, k);
        if (!d)
            json_object_set(dst, k, v);
        else if (json_is_integer(d) && json_is_integer(v))
            json_object_set_new(dst, k, json_integer(json_integer_value(d) +
                                                     json_integer_value(v)));
        else if (json_is_object(d) && json_is_object(v))
            add_numbers(d, v);
        else if (json_is_boolean(d) && json_is_boolean(v))
            json_object_set_new(dst, k, json_boolean(json_is_true(d) || json_is_true(v)));
    }
}

/* Join src's entries into dst's array, entries with equal key merged. */
static void join_by(json_t *dst_arr, json_t *src_arr, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(src_arr, i, e) {
        const char *id = json_string_value(json_object_get(e, key));
        size_t j;
        json_t *d, *found = NULL;
        json_array_foreach(dst_arr, j, d)
            if (id && json_string_value(json_object_get(d, key)) &&
                !strcmp(id, json_string_value(json_object_get(d, key))))
                found = d;
        if (!found) {
            json_array_append(dst_arr, e);
            continue;
        }
        json_t *fd = json_object_get(found, "destinations");
        json_t *ed = json_object_get(e, "destinations");
        json_t *fa = json_object_get(found, "apps");
        json_t *ea = json_object_get(e, "apps");
        json_t *faddr = json_object_get(found, "addresses");
        json_t *eaddr = json_object_get(e, "addresses");
        if (json_is_array(fd) && json_is_array(ed))
            join_by(fd, ed, "host");
        if (json_is_array(fa) && json_is_array(ea))
            join_by(fa, ea, "app");
        if (json_is_array(faddr) && json_is_array(eaddr)) {
            size_t k;
            json_t *a;
            json_array_foreach(eaddr, k, a) {
                size_t m;
                json_t *b;
                int have = 0;
                json_array_foreach(faddr, m, b) have |= json_equal(a, b);
                if (!have && json_array_size(faddr) < 8)
                    json_array_append(faddr, a);
            }
        }
        add_numbers(found, e);
    }
}

static int by_path(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "path"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "path"));
    return strcmp(x ? x : "", y ? y : "");
}

static enum lt_err merge_summaries(const char *out, const char *const *shards,
                                   size_t n, char *msg, size_t cap)
{
    json_t *merged = NULL, *files = json_array(), *devices = json_array();
    json_t *from = json_array();
    enum lt_err e = LT_OK;
    for (size_t i = 0; i < n && e == LT_OK; i++) {
        char path[4200];
        json_error_t err;
        snprintf(path, sizeof path, "%s/summary.json", shards[i]);
        json_t *s = json_load_file(path, 0, &err);
        if (!s || !json_is_object(s)) {
            snprintf(msg, cap, "cannot read '%s': %s", path, s ? "not an object" : err.text);
            json_decref(s);
            e = LT_E_MALFORMED;
            break;
        }
        json_array_append_new(from, json_string(shards[i]));
        json_array_extend(files, json_object_get(s, "files"));
        join_by(devices, json_object_get(s, "devices"), "id");
        if (!merged) {
            merged = json_deep_copy(s);
        } else {
            add_numbers(json_object_get(merged, "totals"), json_object_get(s, "totals"));
            json_t *el = json_object_get(s, "elapsed_s");
            if (json_real_value(el) > json_real_value(json_object_get(merged, "elapsed_s")))
                json_object_set(merged, "elapsed_s", el);
            const char *st = json_string_value(json_object_get(s, "started"));
            const char *mst = json_string_value(json_object_get(merged, "started"));
            if (st && mst && strcmp(st, mst) < 0)
                json_object_set_new(merged, "started", json_string(st));
        }
        json_decref(s);
    }
    if (e == LT_OK && merged) {
        size_t nf = json_array_size(files);
        json_t **v = malloc((nf ? nf : 1) * sizeof *v);
        for (size_t i = 0; v && i < nf; i++)
            v[i] = json_array_get(files, i);
        if (v)
            qsort(v, nf, sizeof *v, by_path);
        json_t *sorted = json_array();
        for (size_t i = 0; v && i < nf; i++)
            json_array_append(sorted, v[i]);
        free(v);
        json_object_set_new(merged, "files", sorted);
        json_object_set(merged, "devices", devices);
        json_object_set(merged, "merged_from", from);
        char *text = json_dumps(merged, JSON_INDENT(1) | JSON_ENSURE_ASCII);
        char path[4200];
        snprintf(path, sizeof path, "%s/summary.json", out);
        struct lt_outfile o;
        e = text ? lt_outfile_open(&o, path, 1) : LT_E_NOMEM;
        if (e == LT_OK && (e = lt_outfile_write(&o, text, strlen(text))) == LT_OK &&
            (e = lt_outfile_write(&o, "\n", 1)) == LT_OK)
            e = lt_outfile_commit(&o);
        else if (text)
            lt_outfile_abort(&o);
        if (e == LT_E_IO)
            snprintf(msg, cap, "%s", o.msg);
        free(text);
    }
    json_decref(merged);
    json_decref(files);
    json_decref(devices);
    json_decref(from);
    return e;
}

/* ---- device files --------------------------------------------------- */

struct frame {
    const unsigned char *p;
    size_t len;
    char *capture;        /* of its first record; NULL for an empty frame */
    size_t seq;           /* order of arrival: keeps the sort stable */
};

static int by_capture(const void *a, const void *b)
{
    const struct frame *x = a, *y = b;
    int c = strcmp(x->capture ? x->capture : "", y->capture ? y->capture : "");
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The "capture" of the first record in a decompressed frame. */
static char *first_capture(const char *text, size_t n)
{
    const char *nl = memchr(text, '\n', n);
    if (!nl)
        return NULL;
    json_t *r = json_loadb(text, (size_t)(nl - text), 0, NULL);
    const char *c = json_string_value(json_object_get(r, "capture"));
    char *dup = c ? strdup(c) : NULL;
    json_decref(r);
    return dup;
}

static enum lt_err slurp(const char *path, unsigned char **out, size_t *n)
{
    FILE *f = fopen(path, "rb");
    *out = NULL;
    *n = 0;
    if (!f)
        return LT_OK; /* a shard without this device: nothing to add */
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !(*out = malloc(sb.st_size ? (size_t)sb.st_size : 1))) {
        fclose(f);
        return LT_E_NOMEM;
    }
    *n = fread(*out, 1, (size_t)sb.st_size, f);
    fclose(f);
    return *n == (size_t)sb.st_size ? LT_OK : LT_E_IO;
}

static enum lt_err merge_device(const char *out, const char *name,
                                const char *const *shards, size_t n, char *msg,
                                size_t cap)
{
    unsigned char **bufs = calloc(n, sizeof *bufs);
    struct frame *fr = NULL;
    size_t n_fr = 0, fr_cap = 0;
    enum lt_err e = bufs ? LT_OK : LT_E_NOMEM;
    for (size_t i = 0; i < n && e == LT_OK; i++) {
        char path[4200];
        size_t len, off = 0;
        snprintf(path, sizeof path, "%s/%s", shards[i], name);
        if ((e = slurp(path, &bufs[i], &len)) != LT_OK) {
            snprintf(msg, cap, "cannot read '%s'", path);
            break;
        }
        while (off < len) {
            size_t flen = ZSTD_findFrameCompressedSize(bufs[i] + off, len - off);
            if (ZSTD_isError(flen)) {
                /* a torn last frame (a killed run): the frames before it stand */
                break;
            }
            if (n_fr == fr_cap) {
                fr_cap = fr_cap ? fr_cap * 2 : 64;
                struct frame *nf = realloc(fr, fr_cap * sizeof *fr);
                if (!nf) {
                    e = LT_E_NOMEM;
                    break;
                }
                fr = nf;
            }
            struct frame *f = &fr[n_fr];
            f->p = bufs[i] + off;
            f->len = flen;
            f->seq = n_fr;
            f->capture = NULL;
            unsigned long long size = ZSTD_getFrameContentSize(f->p, flen);
            if (size != ZSTD_CONTENTSIZE_ERROR && size != ZSTD_CONTENTSIZE_UNKNOWN && size) {
                char *text = malloc((size_t)size);
                if (text && !ZSTD_isError(ZSTD_decompress(text, (size_t)size, f->p, flen)))
                    f->capture = first_capture(text, (size_t)size);
                free(text);
            }
            n_fr++;
            off += flen;
        }
    }
    if (e == LT_OK) {
        qsort(fr, n_fr, sizeof *fr, by_capture);
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", out, name);
        struct lt_outfile o;
        e = lt_outfile_open(&o, path, 1);
        int wrote_empty = 0;
        for (size_t i = 0; i < n_fr && e == LT_OK; i++) {
            /* empty frames say nothing: one keeps the file a zstd stream */
            if (!fr[i].capture && wrote_empty++)
                continue;
            e = lt_outfile_write(&o, fr[i].p, fr[i].len);
        }
        if (e == LT_OK)
            e = lt_outfile_commit(&o);
        else
            lt_outfile_abort(&o);
        if (e == LT_E_IO)
            snprintf(msg, cap, "%s", o.msg);
    }
    for (size_t i = 0; i < n_fr; i++)
        free(fr[i].capture);
    free(fr);
    for (size_t i = 0; bufs && i < n; i++)
        free(bufs[i]);
    free(bufs);
    return e;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcmp(s + n - k, suffix);
}

enum lt_err lt_merge(const char *out, const char *const *shards, size_t n,
                     char *msg, size_t msg_cap)
{
    LT_TRY(lt_mkdir_p(out, msg, msg_cap));
    /* every device file name any shard has, each merged once */
    char **names = NULL;
    size_t n_names = 0;
    enum lt_err e = LT_OK;
    for (size_t i = 0; i < n && e == LT_OK; i++) {
        DIR *d = opendir(shards[i]);
        if (!d) {
            snprintf(msg, msg_cap, "cannot read shard directory '%s'", shards[i]);
            e = LT_E_IO;
            break;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!ends_with(de->d_name, ".jsonl.zst"))
                continue;
            size_t k = 0;
            while (k < n_names && strcmp(names[k], de->d_name))
                k++;
            if (k < n_names)
                continue;
            char **nn = realloc(names, (n_names + 1) * sizeof *names);
            if (!nn || !(nn[n_names] = strdup(de->d_name))) {
                names = nn ? nn : names;
                e = LT_E_NOMEM;
                break;
            }
            names = nn;
            n_names++;
        }
        closedir(d);
    }
    for (size_t k = 0; k < n_names && e == LT_OK; k++)
        e = merge_device(out, names[k], shards, n, msg, msg_cap);
    for (size_t k = 0; k < n_names; k++)
        free(names[k]);
    free(names);
    if (e == LT_OK)
        e = merge_summaries(out, shards, n, msg, msg_cap);
    return e;
}
