/* SPDX-License-Identifier: MIT */
#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/alloc.h"
#include "core/base/buf.h"
#include "core/base/hash.h"

#define DEV_SUFFIX ".jsonl.zst"
#define READ_CHUNK ((size_t)64 << 10)

/* Entries keep no result: it is read back from the file when the summary
   asks, so a run of millions of inputs holds ~100 bytes per input. */
struct entry {
    struct lt_journal_entry pub; /* first: handed out as &pub */
    uint64_t line_off;           /* its line in the journal */
    size_t line_len;             /* without the '\n' */
};

struct device {
    char *name;                  /* owned: "dev.jsonl.zst" */
    uint64_t len;
};

/* Open addressing over an array whose elements own their key strings:
   a slot holds the key and index + 1 (0: empty); load stays <= 1/2. */
struct slot {
    const char *key;
    size_t idx1;
};
struct index {
    struct slot *v;
    size_t cap, n;
};

struct lt_journal {
    int fd;
    unsigned flags;
    char *out_dir;
    char *path;
    uint64_t len;                /* bytes of whole lines: where the next goes */
    struct entry *ents;
    size_t n_ents, ents_cap;
    struct index ent_ix;
    struct device *devs;
    size_t n_devs, devs_cap;
    struct index dev_ix;
    struct lt_buf line;          /* the line being written */
};

/* ---- index ---------------------------------------------------------- */

static size_t slot_of(const char *key, size_t cap)
{
    return (size_t)lt_mix64(lt_fnv1a(LT_FNV_SEED, key, strlen(key))) & (cap - 1);
}

/* idx1 of key, or 0. */
static size_t ix_find(const struct index *ix, const char *key)
{
    if (!ix->cap)
        return 0;
    for (size_t i = slot_of(key, ix->cap);; i = (i + 1) & (ix->cap - 1)) {
        if (!ix->v[i].idx1)
            return 0;
        if (!strcmp(ix->v[i].key, key))
            return ix->v[i].idx1;
    }
}

static void ix_place(struct slot *v, size_t cap, const char *key, size_t idx1)
{
    size_t i = slot_of(key, cap);
    while (v[i].idx1)
        i = (i + 1) & (cap - 1);
    v[i].key = key;
    v[i].idx1 = idx1;
}

/* Room for k more keys without failing. */
static enum lt_err ix_reserve(struct index *ix, size_t k)
{
    size_t cap = ix->cap ? ix->cap : 64;
    while ((ix->n + k) * 2 > cap)
        cap *= 2;
    if (cap == ix->cap)
        return LT_OK;
    struct slot *v = lt_calloc(cap, sizeof *v);
    if (!v)
        return LT_E_NOMEM;
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->v[i].idx1)
            ix_place(v, cap, ix->v[i].key, ix->v[i].idx1);
    lt_free(ix->v);
    ix->v = v;
    ix->cap = cap;
    return LT_OK;
}

/* Room for k more elements of size sz in *arr. */
static enum lt_err arr_reserve(void **arr, size_t *cap, size_t n, size_t k, size_t sz)
{
    if (n + k <= *cap)
        return LT_OK;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < n + k)
        ncap *= 2;
    void *p = lt_realloc(*arr, ncap * sz);
    if (!p)
        return LT_E_NOMEM;
    *arr = p;
    *cap = ncap;
    return LT_OK;
}

/* ---- applying one line ---------------------------------------------- */

/* One input line, parsed or about to be written. */
struct line {
    const char *key;
    uint64_t size;
    int64_t mtime_ns;
    uint8_t fp[32];
    const char *const *names;
    const uint64_t *lens;
    size_t n;
};

/* The strings and room the in-memory update of one line needs, allocated
   before the line is written, so the update cannot fail after it. */
struct pending {
    char *key;    /* a new key's copy, or NULL */
    char **names; /* [n]: a new device name's copy, or NULL */
    size_t n;
};

static void pending_release(struct pending *p)
{
    lt_free(p->key);
    for (size_t i = 0; i < p->n && p->names; i++)
        lt_free(p->names[i]);
    lt_free(p->names);
    memset(p, 0, sizeof *p);
}

static enum lt_err prepare(struct lt_journal *j, const struct line *l,
                           struct pending *p)
{
    memset(p, 0, sizeof *p);
    size_t n_new = 0;
    if (l->n) {
        p->names = lt_calloc(l->n, sizeof *p->names);
        if (!p->names)
            return LT_E_NOMEM;
        p->n = l->n;
    }
    for (size_t i = 0; i < l->n; i++) {
        if (ix_find(&j->dev_ix, l->names[i]))
            continue;
        if (!(p->names[i] = lt_strdup(l->names[i])))
            goto nomem;
        n_new++;
    }
    if (!ix_find(&j->ent_ix, l->key) && !(p->key = lt_strdup(l->key)))
        goto nomem;
    if (arr_reserve((void **)&j->ents, &j->ents_cap, j->n_ents, 1, sizeof *j->ents) ||
        ix_reserve(&j->ent_ix, 1) ||
        arr_reserve((void **)&j->devs, &j->devs_cap, j->n_devs, n_new,
                    sizeof *j->devs) ||
        ix_reserve(&j->dev_ix, n_new))
        goto nomem;
    return LT_OK;
nomem:
    pending_release(p);
    return LT_E_NOMEM;
}

/* Record l, written at off (len bytes without '\n'); consumes p. */
static void apply(struct lt_journal *j, const struct line *l, struct pending *p,
                  uint64_t off, size_t len)
{
    size_t i1 = ix_find(&j->ent_ix, l->key);
    if (!i1) {
        j->ents[j->n_ents].pub.key = p->key;
        ix_place(j->ent_ix.v, j->ent_ix.cap, p->key, ++j->n_ents);
        j->ent_ix.n++;
        p->key = NULL;
        i1 = j->n_ents;
    }
    struct entry *e = &j->ents[i1 - 1];
    e->pub.size = l->size;
    e->pub.mtime_ns = l->mtime_ns;
    memcpy(e->pub.fp, l->fp, sizeof e->pub.fp);
    e->line_off = off;
    e->line_len = len;
    for (size_t i = 0; i < l->n; i++) {
        size_t d1 = ix_find(&j->dev_ix, l->names[i]);
        if (!d1) { /* a name listed twice in one line was copied twice */
            j->devs[j->n_devs].name = p->names[i];
            ix_place(j->dev_ix.v, j->dev_ix.cap, p->names[i], ++j->n_devs);
            j->dev_ix.n++;
            p->names[i] = NULL;
            d1 = j->n_devs;
        }
        j->devs[d1 - 1].len = l->lens[i];
    }
    pending_release(p);
}

/* ---- encoding ------------------------------------------------------- */

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode 2*n hex digits of s into out[0..n); false if s is not exactly that. */
static bool unhex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hex_val(s[2 * i]), lo = hi < 0 ? -1 : hex_val(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return s[2 * n] == '\0';
}

static void put_hex(char *dst, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = digits[p[i] >> 4];
        dst[2 * i + 1] = digits[p[i] & 15];
    }
    dst[2 * n] = '\0';
}

/* A device file name: one path component, never "." or "..". */
static bool is_file_name(const char *s)
{
    return s[0] && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

struct dump {
    struct lt_buf *b;
    enum lt_err e;
};

static int dump_to_buf(const char *p, size_t n, void *ud)
{
    struct dump *d = ud;
    d->e = lt_buf_append(d->b, p, n);
    return d->e == LT_OK ? 0 : -1;
}

/* j->line = o as one compact line with its '\n'. LT_E_LIMIT past the cap. */
static enum lt_err encode(struct lt_journal *j, const json_t *o)
{
    struct dump d = { &j->line, LT_OK };
    lt_buf_reset(&j->line);
    if (json_dump_callback(o, dump_to_buf, &d, JSON_COMPACT) != 0)
        return d.e != LT_OK ? d.e : LT_E_NOMEM;
    return lt_buf_append(&j->line, "\n", 1);
}

/* ---- opening and loading -------------------------------------------- */

static enum lt_err io_fail(char *msg, size_t cap, const char *what, const char *path)
{
    snprintf(msg, cap, "cannot %s '%s': %s", what, path, strerror(errno));
    return LT_E_IO;
}

/* Write j->line at the end; on failure the journal is cut back to j->len,
   so no partial line stays behind to break the next load. */
static enum lt_err append_line(struct lt_journal *j, char *msg, size_t cap)
{
    const uint8_t *p = j->line.p;
    size_t left = j->line.len;
    int err = 0;
    while (left > 0 && !err) {
        ssize_t w = write(j->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            err = w < 0 ? errno : ENOSPC;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (!err && (j->flags & LT_JOURNAL_SYNC) && fdatasync(j->fd) != 0)
        err = errno;
    if (!err) {
        j->len += j->line.len;
        return LT_OK;
    }
    if (ftruncate(j->fd, (off_t)j->len) != 0) {
        /* then the torn line is cut when the journal is next opened */
    }
    errno = err;
    return io_fail(msg, cap, "write", j->path);
}

static enum lt_err write_header(struct lt_journal *j, const char *options_fp,
                                char *msg, size_t cap)
{
    json_t *h = json_pack("{s:i,s:s}", "journal", 1, "options", options_fp);
    if (!h) {
        snprintf(msg, cap, "journal: options fingerprint is not UTF-8");
        return LT_E_MALFORMED;
    }
    enum lt_err e = encode(j, h);
    json_decref(h);
    if (e != LT_OK) {
        snprintf(msg, cap, "journal: options fingerprint too long");
        return e;
    }
    if (ftruncate(j->fd, 0) != 0)
        return io_fail(msg, cap, "truncate", j->path);
    j->len = 0;
    return append_line(j, msg, cap);
}

/* Line 1. LT_OK; LT_E_MALFORMED (*why: not a header: torn, if last);
   LT_E_UNSUPPORTED with msg (a valid header of another run). */
static enum lt_err check_header(const struct lt_journal *j, json_t *o,
                                const char *options_fp, const char **why,
                                char *msg, size_t cap)
{
    json_t *v = json_object_get(o, "journal");
    const char *opts = json_string_value(json_object_get(o, "options"));
    if (!json_is_integer(v) || !opts) {
        *why = "not a journal header";
        return LT_E_MALFORMED;
    }
    if (json_integer_value(v) != 1) {
        snprintf(msg, cap,
                 "journal '%s' has format %lld, which this version of leaktrawl "
                 "does not read; remove OUT or run without --resume",
                 j->path, (long long)json_integer_value(v));
        return LT_E_UNSUPPORTED;
    }
    if (strcmp(opts, options_fp)) {
        snprintf(msg, cap,
                 "the run recorded in '%s' used other options; resume with the "
                 "same options, or remove OUT or run without --resume", j->path);
        return LT_E_UNSUPPORTED;
    }
    return LT_OK;
}

/* An input line into l, pointing into o; *key_buf owns a "path_hex" key.
   LT_OK, LT_E_MALFORMED (*why) or LT_E_NOMEM. */
static enum lt_err parse_entry(json_t *o, struct line *l, char **key_buf,
                               const char **names, uint64_t *lens, const char **why)
{
    json_t *path = json_object_get(o, "path");
    json_t *path_hex = json_object_get(o, "path_hex");
    json_t *size = json_object_get(o, "size");
    json_t *mtime = json_object_get(o, "mtime_ns");
    const char *fp = json_string_value(json_object_get(o, "fp"));
    json_t *devs = json_object_get(o, "devices");
    *why = "an entry lacks a field or has one of the wrong type";
    if ((!json_is_string(path) && !json_is_string(path_hex)) ||
        !json_is_integer(size) || json_integer_value(size) < 0 ||
        !json_is_integer(mtime) || !fp || !unhex(fp, l->fp, 32) ||
        !json_is_object(json_object_get(o, "result")) || !json_is_object(devs))
        return LT_E_MALFORMED;
    if (json_is_string(path)) {
        l->key = json_string_value(path);
    } else {
        size_t n = json_string_length(path_hex);
        if (n % 2 || n == 0 || !(*key_buf = lt_malloc(n / 2 + 1)))
            return n % 2 || n == 0 ? LT_E_MALFORMED : LT_E_NOMEM;
        if (!unhex(json_string_value(path_hex), (uint8_t *)*key_buf, n / 2) ||
            memchr(*key_buf, '\0', n / 2))
            return LT_E_MALFORMED;
        (*key_buf)[n / 2] = '\0';
        l->key = *key_buf;
    }
    l->size = (uint64_t)json_integer_value(size);
    l->mtime_ns = json_integer_value(mtime);
    const char *name;
    json_t *v;
    size_t i = 0;
    json_object_foreach(devs, name, v) {
        if (!is_file_name(name) || !json_is_integer(v) || json_integer_value(v) < 0) {
            *why = "a device length is not a file name and a count";
            return LT_E_MALFORMED;
        }
        names[i] = name;
        lens[i++] = (uint64_t)json_integer_value(v);
    }
    l->names = names;
    l->lens = lens;
    l->n = i;
    return LT_OK;
}

/* Parse and apply line number line_no (p[0..n), no '\n') found at off.
   LT_OK; LT_E_MALFORMED with *why (the caller decides: torn or broken);
   LT_E_UNSUPPORTED (msg), LT_E_NOMEM. */
static enum lt_err load_line(struct lt_journal *j, const char *options_fp,
                             size_t line_no, const uint8_t *p, size_t n,
                             uint64_t off, const char **why, char *msg, size_t cap)
{
    json_error_t jerr;
    json_t *o = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(o)) {
        json_decref(o);
        /* jansson reports only some of its allocation failures (others
           read as syntax errors); a wrong guess costs a redone input */
        if (!o && json_error_code(&jerr) == json_error_out_of_memory)
            return LT_E_NOMEM;
        *why = "not a JSON object";
        return LT_E_MALFORMED;
    }
    enum lt_err e;
    if (line_no == 1) {
        e = check_header(j, o, options_fp, why, msg, cap);
        json_decref(o);
        return e;
    }
    size_t n_devs = json_object_size(json_object_get(o, "devices"));
    const char **names = lt_calloc(n_devs + 1, sizeof *names);
    uint64_t *lens = lt_calloc(n_devs + 1, sizeof *lens);
    char *key_buf = NULL;
    struct line l = { 0 };
    struct pending pend;
    e = names && lens ? parse_entry(o, &l, &key_buf, names, lens, why) : LT_E_NOMEM;
    if (e == LT_OK && (e = prepare(j, &l, &pend)) == LT_OK)
        apply(j, &l, &pend, off, n);
    lt_free(key_buf);
    lt_free(names);
    lt_free(lens);
    json_decref(o);
    return e;
}

/*
 * Load the journal: every whole line is applied in order. A line that
 * cannot be used is torn if it is the last (the process died inside its
 * write(), or the machine lost its tail): it is cut off and its input is
 * redone. Before another line it cannot be torn, since lines are appended
 * one at a time: the journal is damaged, and guessing would risk duplicate
 * or lost records, so the load fails. *has_header is false when not even
 * line 1 survived.
 */
static enum lt_err load(struct lt_journal *j, const char *options_fp,
                        bool *has_header, char *msg, size_t cap)
{
    enum lt_err e = LT_OK;
    uint8_t *chunk = lt_malloc(READ_CHUNK);
    struct lt_buf line;
    lt_buf_init(&line, LT_JOURNAL_LINE_MAX);
    uint64_t off = 0, good_end = 0;
    size_t line_no = 0, bad_no = 0;
    const char *bad_why = NULL;
    bool too_long = false;
    if (!chunk)
        return LT_E_NOMEM;
    for (;;) {
        ssize_t r = pread(j->fd, chunk, READ_CHUNK, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            e = io_fail(msg, cap, "read", j->path);
            goto out;
        }
        if (r == 0)
            break;
        for (size_t i = 0; i < (size_t)r;) {
            const uint8_t *nl = memchr(chunk + i, '\n', (size_t)r - i);
            size_t take = nl ? (size_t)(nl - (chunk + i)) : (size_t)r - i;
            if (!too_long) {
                enum lt_err a = lt_buf_append(&line, chunk + i, take);
                if (a == LT_E_NOMEM) {
                    e = a;
                    goto out;
                }
                too_long = a == LT_E_LIMIT;
            }
            i += take;
            if (!nl)
                break;
            i++;
            line_no++;
            if (bad_no)
                break; /* a line after a bad one: reported below */
            const char *why = "longer than the line cap";
            enum lt_err le = too_long ? LT_E_MALFORMED
                                      : load_line(j, options_fp, line_no, line.p,
                                                  line.len, good_end, &why, msg, cap);
            if (le == LT_E_MALFORMED) {
                bad_no = line_no;
                bad_why = why;
            } else if (le != LT_OK) {
                e = le;
                goto out;
            } else {
                good_end = off + i;
            }
            lt_buf_reset(&line);
            too_long = false;
        }
        if (bad_no && line_no > bad_no)
            break;
        off += (uint64_t)r;
    }
    /* a bad line followed by more (whole or torn) cannot be torn itself */
    if (bad_no && (line_no > bad_no || line.len || too_long)) {
        snprintf(msg, cap,
                 "journal '%s': line %zu is damaged (%s); remove OUT or run "
                 "without --resume", j->path, bad_no, bad_why);
        e = LT_E_MALFORMED;
        goto out;
    }
    *has_header = good_end > 0;
    struct stat st;
    if (fstat(j->fd, &st) != 0) {
        e = io_fail(msg, cap, "stat", j->path);
        goto out;
    }
    if ((uint64_t)st.st_size > good_end && ftruncate(j->fd, (off_t)good_end) != 0) {
        e = io_fail(msg, cap, "truncate", j->path);
        goto out;
    }
    j->len = good_end;
out:
    lt_free(chunk);
    lt_buf_release(&line);
    return e;
}

enum lt_err lt_journal_open(struct lt_journal **jp, const char *out_dir,
                            const char *options_fp, unsigned flags,
                            char *msg, size_t msg_cap)
{
    if (msg_cap)
        msg[0] = '\0';
    struct lt_journal *j = lt_calloc(1, sizeof *j);
    if (!j)
        return LT_E_NOMEM;
    j->fd = -1;
    j->flags = flags;
    lt_buf_init(&j->line, LT_JOURNAL_LINE_MAX);
    size_t plen = strlen(out_dir) + sizeof "/" LT_JOURNAL_NAME;
    j->out_dir = lt_strdup(out_dir);
    j->path = lt_malloc(plen);
    if (!j->out_dir || !j->path) {
        lt_journal_close(j);
        return LT_E_NOMEM;
    }
    snprintf(j->path, plen, "%s/%s", out_dir, LT_JOURNAL_NAME);

    enum lt_err e = LT_OK;
    j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (j->fd < 0) {
        e = io_fail(msg, msg_cap, "open", j->path);
        goto fail;
    }
    /* Two runs into one OUT would interleave their records. Filesystems
       without flock (some cluster mounts) just go unguarded. */
    if (flock(j->fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        snprintf(msg, msg_cap, "another leaktrawl run is writing '%s' (journal '%s' "
                 "is locked)", out_dir, j->path);
        e = LT_E_IO;
        goto fail;
    }
    bool has_header = false;
    if (flags & LT_JOURNAL_RESUME) {
        if ((e = load(j, options_fp, &has_header, msg, msg_cap)) != LT_OK)
            goto fail;
        if (!has_header)
            snprintf(msg, msg_cap, "nothing to resume in '%s' (no journal): starting "
                     "afresh", out_dir);
    }
    if (!has_header && (e = write_header(j, options_fp, msg, msg_cap)) != LT_OK)
        goto fail;
    *jp = j;
    return LT_OK;
fail:
    if (e == LT_E_NOMEM)
        snprintf(msg, msg_cap, "journal '%s': out of memory", j->path);
    lt_journal_close(j);
    return e;
}

void lt_journal_close(struct lt_journal *j)
{
    if (!j)
        return;
    if (j->fd >= 0)
        close(j->fd);
    for (size_t i = 0; i < j->n_ents; i++)
        lt_free((char *)j->ents[i].pub.key);
    for (size_t i = 0; i < j->n_devs; i++)
        lt_free(j->devs[i].name);
    lt_free(j->ents);
    lt_free(j->devs);
    lt_free(j->ent_ix.v);
    lt_free(j->dev_ix.v);
    lt_buf_release(&j->line);
    lt_free(j->out_dir);
    lt_free(j->path);
    lt_free(j);
}

/* ---- device files --------------------------------------------------- */

static bool is_device_file(const char *name)
{
    size_t n = strlen(name), k = sizeof DEV_SUFFIX - 1;
    return n > k && !strcmp(name + n - k, DEV_SUFFIX);
}

static enum lt_err dev_fail(const struct lt_journal *j, const char *what,
                            const char *name, char *msg, size_t cap)
{
    snprintf(msg, cap, "cannot %s '%s/%s': %s", what, j->out_dir, name,
             strerror(errno));
    return LT_E_IO;
}

/* Pass 1 of restore: every file can be brought back, or nothing is done. */
static enum lt_err check_devices(const struct lt_journal *j, DIR *dir,
                                 char *msg, size_t cap)
{
    int dfd = dirfd(dir);
    struct stat st;
    for (size_t i = 0; i < j->n_devs; i++) {
        const struct device *d = &j->devs[i];
        if (fstatat(dfd, d->name, &st, 0) != 0) {
            if (errno != ENOENT)
                return dev_fail(j, "stat", d->name, msg, cap);
            st.st_size = 0;
        }
        if ((uint64_t)st.st_size < d->len) {
            snprintf(msg, cap,
                     "device file '%s/%s' is %llu bytes, shorter than the %llu the "
                     "journal committed (lost in a system crash?); run without "
                     "--resume", j->out_dir, d->name,
                     (unsigned long long)st.st_size, (unsigned long long)d->len);
            return LT_E_IO;
        }
    }
    return LT_OK;
}

enum lt_err lt_journal_restore_devices(struct lt_journal *j, char *msg, size_t msg_cap)
{
    DIR *dir = opendir(j->out_dir);
    if (!dir) {
        snprintf(msg, msg_cap, "cannot list '%s': %s", j->out_dir, strerror(errno));
        return LT_E_IO;
    }
    int dfd = dirfd(dir);
    enum lt_err e = check_devices(j, dir, msg, msg_cap);
    for (struct dirent *de; e == LT_OK && (errno = 0, de = readdir(dir));) {
        if (!is_device_file(de->d_name))
            continue;
        struct stat st;
        if (fstatat(dfd, de->d_name, &st, 0) != 0) {
            e = dev_fail(j, "stat", de->d_name, msg, msg_cap);
            break;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        size_t d1 = ix_find(&j->dev_ix, de->d_name);
        if (!d1) {
            /* written after the last commit, or by an earlier run: an
               uninterrupted run would not have it yet */
            if (unlinkat(dfd, de->d_name, 0) != 0)
                e = dev_fail(j, "remove", de->d_name, msg, msg_cap);
            continue;
        }
        uint64_t len = j->devs[d1 - 1].len;
        if ((uint64_t)st.st_size == len)
            continue;
        int fd = openat(dfd, de->d_name, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ftruncate(fd, (off_t)len) != 0)
            e = dev_fail(j, "truncate", de->d_name, msg, msg_cap);
        if (fd >= 0)
            close(fd);
    }
    if (e == LT_OK && errno != 0)
        e = io_fail(msg, msg_cap, "list", j->out_dir);
    /* committed empty, and gone: an uninterrupted run has the empty file */
    for (size_t i = 0; e == LT_OK && i < j->n_devs; i++) {
        int fd = openat(dfd, j->devs[i].name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            e = dev_fail(j, "create", j->devs[i].name, msg, msg_cap);
        else
            close(fd);
    }
    closedir(dir);
    return e;
}

uint64_t lt_journal_device_len(const struct lt_journal *j, const char *name)
{
    size_t d1 = ix_find(&j->dev_ix, name);
    return d1 ? j->devs[d1 - 1].len : 0;
}

/* ---- entries -------------------------------------------------------- */

const struct lt_journal_entry *lt_journal_find(const struct lt_journal *j,
                                               const char *key)
{
    size_t i1 = ix_find(&j->ent_ix, key);
    return i1 ? &j->ents[i1 - 1].pub : NULL;
}

const struct lt_journal_entry *lt_journal_done(const struct lt_journal *j,
                                               const char *key, uint64_t size,
                                               int64_t mtime_ns, const char *fp_hex)
{
    const struct lt_journal_entry *e = lt_journal_find(j, key);
    uint8_t fp[32];
    if (!e || e->size != size || e->mtime_ns != mtime_ns || !fp_hex ||
        !unhex(fp_hex, fp, sizeof fp) || memcmp(fp, e->fp, sizeof fp))
        return NULL;
    return e;
}

size_t lt_journal_count(const struct lt_journal *j)
{
    return j->n_ents;
}

const struct lt_journal_entry *lt_journal_entry_at(const struct lt_journal *j,
                                                   size_t i)
{
    return i < j->n_ents ? &j->ents[i].pub : NULL;
}

enum lt_err lt_journal_result(const struct lt_journal *j,
                              const struct lt_journal_entry *e,
                              json_t **result, char *msg, size_t msg_cap)
{
    const struct entry *en = (const struct entry *)e;
    *result = NULL;
    char *p = lt_malloc(en->line_len + 1);
    if (!p)
        return LT_E_NOMEM;
    ssize_t r;
    do
        r = pread(j->fd, p, en->line_len, (off_t)en->line_off);
    while (r < 0 && errno == EINTR);
    enum lt_err err = LT_OK;
    if (r < 0) {
        err = io_fail(msg, msg_cap, "read", j->path);
    } else {
        json_t *o = (size_t)r == en->line_len ? json_loadb(p, en->line_len, 0, NULL)
                                              : NULL;
        json_t *res = json_object_get(o, "result");
        if (json_is_object(res))
            *result = json_incref(res);
        else
            snprintf(msg, msg_cap, "journal '%s' changed while in use", j->path);
        err = *result ? LT_OK : LT_E_MALFORMED;
        json_decref(o);
    }
    lt_free(p);
    return err;
}

/* ---- commit --------------------------------------------------------- */

/* The line for l and result into j->line. */
static enum lt_err build_line(struct lt_journal *j, const struct line *l,
                              const char *fp_hex, json_t *result,
                              char *msg, size_t cap)
{
    json_t *o = json_object(), *devs = json_object();
    json_t *key = json_string(l->key);
    bool ok = o && devs;
    if (key) {
        ok = ok && json_object_set_new(o, "path", key) == 0;
    } else { /* not UTF-8: a byte string, which JSON has not */
        size_t n = strlen(l->key);
        char *hex = lt_malloc(2 * n + 1);
        if (hex)
            put_hex(hex, (const uint8_t *)l->key, n);
        ok = ok && hex && json_object_set_new(o, "path_hex", json_string(hex)) == 0;
        lt_free(hex);
    }
    ok = ok && json_object_set_new(o, "size", json_integer((json_int_t)l->size)) == 0 &&
         json_object_set_new(o, "mtime_ns", json_integer(l->mtime_ns)) == 0 &&
         json_object_set_new(o, "fp", json_string(fp_hex)) == 0 &&
         json_object_set(o, "result", result) == 0;
    for (size_t i = 0; ok && i < l->n; i++)
        ok = json_object_set_new(devs, l->names[i],
                                 json_integer((json_int_t)l->lens[i])) == 0;
    ok = ok && json_object_set(o, "devices", devs) == 0;
    enum lt_err e = ok ? encode(j, o) : LT_E_NOMEM;
    if (e == LT_E_LIMIT)
        snprintf(msg, cap, "journal: the entry of '%s' is longer than %zu bytes",
                 l->key, LT_JOURNAL_LINE_MAX);
    else if (e != LT_OK)
        snprintf(msg, cap, "journal: out of memory");
    json_decref(devs);
    json_decref(o);
    return e;
}

/* With LT_JOURNAL_SYNC: the frames must be on disk before the line that
   commits them, or a system crash could leave a committed length unbacked. */
static enum lt_err sync_devices(const struct lt_journal *j, const struct line *l,
                                char *msg, size_t cap)
{
    for (size_t i = 0; i < l->n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", j->out_dir, l->names[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fdatasync(fd) != 0) {
            enum lt_err e = io_fail(msg, cap, "sync", path);
            if (fd >= 0)
                close(fd);
            return e;
        }
        close(fd);
    }
    return LT_OK;
}

enum lt_err lt_journal_commit(struct lt_journal *j, const char *key,
                              uint64_t size, int64_t mtime_ns,
                              const char *fp_hex, json_t *result,
                              const char *const *dev_names,
                              const uint64_t *dev_lens, size_t n_devs,
                              char *msg, size_t msg_cap)
{
    struct line l = { .key = key, .size = size, .mtime_ns = mtime_ns,
                      .names = dev_names, .n = n_devs };
    if (!key || !key[0] || !fp_hex || !unhex(fp_hex, l.fp, sizeof l.fp) ||
        !json_is_object(result) || size > INT64_MAX) {
        snprintf(msg, msg_cap, "journal: bad commit of '%s' (key, fingerprint, "
                 "size or result)", key ? key : "(null)");
        return LT_E_MALFORMED;
    }
    for (size_t i = 0; i < n_devs; i++) {
        if (!is_file_name(dev_names[i]) || !is_device_file(dev_names[i])) {
            snprintf(msg, msg_cap, "journal: '%s' is not a device file name",
                     dev_names[i]);
            return LT_E_MALFORMED;
        }
    }
    uint64_t *lens = NULL;
    if (!dev_lens && n_devs) {
        if (!(lens = lt_calloc(n_devs, sizeof *lens)))
            return LT_E_NOMEM;
        for (size_t i = 0; i < n_devs; i++) {
            struct stat st;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", j->out_dir, dev_names[i]);
            if (stat(path, &st) != 0) {
                lt_free(lens);
                return io_fail(msg, msg_cap, "stat", path);
            }
            lens[i] = (uint64_t)st.st_size;
        }
        dev_lens = lens;
    }
    l.lens = dev_lens;
    struct pending pend;
    enum lt_err e = build_line(j, &l, fp_hex, result, msg, msg_cap);
    if (e == LT_OK && (e = prepare(j, &l, &pend)) != LT_OK)
        snprintf(msg, msg_cap, "journal: out of memory");
    else if (e == LT_OK) {
        uint64_t off = j->len;
        if (j->flags & LT_JOURNAL_SYNC)
            e = sync_devices(j, &l, msg, msg_cap);
        if (e == LT_OK)
            e = append_line(j, msg, msg_cap);
        if (e == LT_OK)
            apply(j, &l, &pend, off, j->line.len - 1);
        else
            pending_release(&pend);
    }
    lt_free(lens);
    return e;
}
