/* SPDX-License-Identifier: MIT */
/*
 * walk.c - expand INPUT arguments into files (io layer). See walk.h.
 *
 * A directory level is read completely and closed before its
 * subdirectories are entered, so open fds stay at one whatever the depth;
 * depth itself is bounded by PATH_MAX (a longer path fails to open and
 * becomes an error entry). Each root's files are sorted by rel at the end:
 * sorting each directory's names is not enough, because "a-b" < "a/x"
 * byte-wise while "a" < "a-b".
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/alloc.h"

struct walker {
    struct lt_input_list *l;
    size_t cap;
    uint32_t root;
};


/* a + sep + b, or NULL. */
static char *join(const char *a, const char *sep, const char *b)
{
    size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
    char *d = lt_malloc(na + ns + nb + 1);
    if (d) {
        memcpy(d, a, na);
        memcpy(d + na, sep, ns);
        memcpy(d + na + ns, b, nb + 1);
    }
    return d;
}

static void file_release(struct lt_input_file *f)
{
    lt_free(f->path);
    lt_free(f->rel);
    lt_free(f->error);
}

/* Append an entry; path and rel are transferred (freed here on failure). */
/* sb: the file's stat (NULL when it failed: size and mtime 0). */
static enum lt_err add(struct walker *w, char *path, char *rel, bool named,
                       const struct stat *sb, const char *error)
{
    struct lt_input_list *l = w->l;
    uint64_t size = sb && S_ISREG(sb->st_mode) ? (uint64_t)sb->st_size : 0;
    int64_t mtime = sb ? (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec : 0;
    struct lt_input_file f = { path, rel, w->root, named, size, mtime, NULL };
    if (!path || !rel || (error && !(f.error = lt_strdup(error))))
        goto fail;
    if (l->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        struct lt_input_file *nf = lt_realloc(l->files, cap * sizeof *nf);
        if (!nf)
            goto fail;
        l->files = nf;
        w->cap = cap;
    }
    l->files[l->n++] = f;
    return LT_OK;
fail:
    file_release(&f);
    return LT_E_NOMEM;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_rel(const void *a, const void *b)
{
    return strcmp(((const struct lt_input_file *)a)->rel, ((const struct lt_input_file *)b)->rel);
}

/* The visible names in dir (allocated array of allocated strings). On an
   open or read error returns LT_OK with *err_no set and nothing listed. */
static enum lt_err list_dir(const char *dir, char ***names, size_t *n, int *err_no)
{
    *names = NULL;
    *n = 0;
    *err_no = 0;
    DIR *d = opendir(dir);
    if (!d) {
        *err_no = errno;
        return LT_OK;
    }
    size_t cap = 0;
    enum lt_err e = LT_OK;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            *err_no = errno;
            break;
        }
        if (de->d_name[0] == '.') /* hidden, ".", ".." */
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nn = lt_realloc(*names, cap * sizeof *nn);
            if (!nn) {
                e = LT_E_NOMEM;
                break;
            }
            *names = nn;
        }
        if (!((*names)[*n] = lt_strdup(de->d_name))) {
            e = LT_E_NOMEM;
            break;
        }
        (*n)++;
    }
    closedir(d);
    if (e || *err_no) {
        for (size_t i = 0; i < *n; i++)
            lt_free((*names)[i]);
        lt_free(*names);
        *names = NULL;
        *n = 0;
    }
    return e;
}

/* Walk directory path whose rel is rel ("" for the root; then errors are
   reported under root_rel). */
static enum lt_err walk_dir(struct walker *w, const char *path, const char *rel,
                            const char *root_rel)
{
    char **names;
    size_t n;
    int err_no;
    LT_TRY(list_dir(path, &names, &n, &err_no));
    if (err_no)
        return add(w, lt_strdup(path), lt_strdup(rel[0] ? rel : root_rel), rel[0] == '\0', 0,
                   strerror(err_no));
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    enum lt_err e = LT_OK;
    for (size_t i = 0; i < n && !e; i++) {
        char *cpath = join(path, strcmp(path, "/") == 0 ? "" : "/", names[i]);
        char *crel = rel[0] ? join(rel, "/", names[i]) : lt_strdup(names[i]);
        if (!cpath || !crel) {
            lt_free(cpath);
            lt_free(crel);
            e = LT_E_NOMEM;
            break;
        }
        struct stat sb;
        if (lstat(cpath, &sb) != 0) {
            /* Vanished since readdir: report it, it was there. */
            e = add(w, cpath, crel, false, NULL, strerror(errno));
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            e = walk_dir(w, cpath, crel, root_rel);
            lt_free(cpath);
            lt_free(crel);
            continue;
        }
        if (S_ISLNK(sb.st_mode)) {
            /* Follow links to files only: a linked directory is not entered,
               which also rules out loops. A dangling link is reported. */
            if (stat(cpath, &sb) != 0) {
                e = add(w, cpath, crel, false, NULL, strerror(errno));
                continue;
            }
        }
        if (S_ISREG(sb.st_mode)) {
            e = add(w, cpath, crel, false, &sb, NULL);
            continue;
        }
        lt_free(cpath); /* FIFO, socket, device, linked directory */
        lt_free(crel);
    }
    for (size_t i = 0; i < n; i++)
        lt_free(names[i]);
    lt_free(names);
    return e;
}

/* The input without trailing slashes ("/" stays "/"). */
static char *trim_slashes(const char *in)
{
    size_t n = strlen(in);
    while (n > 1 && in[n - 1] == '/')
        n--;
    char *d = lt_malloc(n + 1);
    if (d) {
        memcpy(d, in, n);
        d[n] = '\0';
    }
    return d;
}

static const char *base_name(const char *trimmed)
{
    const char *s = strrchr(trimmed, '/');
    return s && s[1] ? s + 1 : trimmed;
}

static enum lt_err walk_one(struct walker *w, const char *input)
{
    char *root = trim_slashes(input);
    if (!root)
        return LT_E_NOMEM;
    struct stat sb;
    const size_t first = w->l->n;
    if (stat(root, &sb) != 0) {
        const char *why = strerror(errno);
        return add(w, root, lt_strdup(base_name(root)), true, NULL, why);
    }
    if (!S_ISDIR(sb.st_mode)) {
        return add(w, root, lt_strdup(base_name(root)), true, &sb, NULL);
    }
    enum lt_err e = walk_dir(w, root, "", base_name(root));
    lt_free(root);
    if (!e && w->l->n - first > 1)
        qsort(w->l->files + first, w->l->n - first, sizeof *w->l->files, cmp_rel);
    return e;
}

enum lt_err lt_walk_inputs(const char *const *inputs, size_t n_inputs, struct lt_input_list *out)
{
    struct walker w = { out, 0, 0 };
    out->files = NULL;
    out->n = 0;
    for (size_t i = 0; i < n_inputs; i++) {
        w.root = (uint32_t)i;
        enum lt_err e = walk_one(&w, inputs[i]);
        if (e) {
            lt_input_list_release(out);
            return e;
        }
    }
    return LT_OK;
}

void lt_input_list_release(struct lt_input_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        file_release(&l->files[i]);
    lt_free(l->files);
    l->files = NULL;
    l->n = 0;
}
