/* SPDX-License-Identifier: MIT */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/alloc.h"

#define OUT_BUF (1u << 20)

static enum lt_err fail(struct lt_outfile *o, const char *what, const char *path)
{
    snprintf(o->msg, sizeof o->msg, "cannot %s '%s': %s", what, path,
             strerror(errno));
    return LT_E_IO;
}

enum lt_err lt_outfile_open(struct lt_outfile *o, const char *path, int atomic)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (strlen(path) + 16 >= sizeof o->path) {
        snprintf(o->msg, sizeof o->msg, "output path too long: '%.200s...'", path);
        return LT_E_IO;
    }
    snprintf(o->path, sizeof o->path, "%s", path);
    if (atomic)
        snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
    const char *open_path = atomic ? o->tmp : o->path;
    o->fd = open(open_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o->fd < 0)
        return fail(o, "create", open_path);
    o->buf = lt_malloc(OUT_BUF);
    if (!o->buf) {
        lt_outfile_abort(o);
        return LT_E_NOMEM;
    }
    o->cap = OUT_BUF;
    return LT_OK;
}

static enum lt_err flush(struct lt_outfile *o)
{
    size_t off = 0;
    while (off < o->len) {
        ssize_t w = write(o->fd, o->buf + off, o->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return fail(o, "write", o->tmp[0] ? o->tmp : o->path);
        }
        off += (size_t)w;
    }
    o->len = 0;
    return LT_OK;
}

enum lt_err lt_outfile_write(struct lt_outfile *o, const void *p, size_t n)
{
    const unsigned char *src = p;
    while (n > 0) {
        if (o->len == o->cap)
            LT_TRY(flush(o));
        size_t k = o->cap - o->len < n ? o->cap - o->len : n;
        memcpy(o->buf + o->len, src, k);
        o->len += k;
        src += k;
        n -= k;
    }
    return LT_OK;
}

enum lt_err lt_outfile_commit(struct lt_outfile *o)
{
    enum lt_err e = flush(o);
    if (e == LT_OK && close(o->fd) != 0)
        e = fail(o, "close", o->tmp[0] ? o->tmp : o->path);
    o->fd = -1;
    if (e == LT_OK && o->tmp[0] && rename(o->tmp, o->path) != 0)
        e = fail(o, "rename into", o->path);
    if (e != LT_OK && o->tmp[0])
        unlink(o->tmp);
    lt_free(o->buf);
    o->buf = NULL;
    return e;
}

void lt_outfile_abort(struct lt_outfile *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->tmp[0])
        unlink(o->tmp);
    lt_free(o->buf);
    o->buf = NULL;
}

enum lt_err lt_append_file(const char *path, const void *p, size_t n,
                           char *msg, size_t msg_cap)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(msg, msg_cap, "cannot open '%s': %s", path, strerror(errno));
        return LT_E_IO;
    }
    /* a failed append is cut back off: the file stays whole frames */
    const off_t was = lseek(fd, 0, SEEK_END);
    const unsigned char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            snprintf(msg, msg_cap, "cannot write '%s': %s", path, strerror(errno));
            if (was >= 0 && ftruncate(fd, was) != 0) { /* best effort */ }
            close(fd);
            return LT_E_IO;
        }
        b += w;
        n -= (size_t)w;
    }
    if (close(fd) != 0) {
        snprintf(msg, msg_cap, "cannot write '%s': %s", path, strerror(errno));
        return LT_E_IO;
    }
    return LT_OK;
}

enum lt_err lt_mkdir_p(const char *dir, char *msg, size_t msg_cap)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        snprintf(msg, msg_cap, "path too long: '%.200s...'", dir);
        return LT_E_IO;
    }
    for (char *s = path + 1;; s++) {
        char c = *s;
        if (c != '/' && c != '\0')
            continue;
        *s = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            snprintf(msg, msg_cap, "cannot create directory '%s': %s", path,
                     strerror(errno));
            return LT_E_IO;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(msg, msg_cap, "'%s' is not a directory", dir);
        return LT_E_IO;
    }
    if (access(dir, W_OK) != 0) {
        snprintf(msg, msg_cap, "cannot write to directory '%s': %s", dir,
                 strerror(errno));
        return LT_E_IO;
    }
    return LT_OK;
}
