/* SPDX-License-Identifier: MIT */
#include "scan_run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/base/hash.h"
#include "core/conf/assign.h"
#include "core/io/outfile.h"
#include "core/match/browsing.h"
#include "core/match/matcher.h"
#include "core/match/shapes.h"
#include "core/out/tsv.h"
#include "core/out/zframe.h"
#include "journal.h"
#include "pipeline.h"
#include "resume.h"

/* Progress on stderr (SPEC --progress): a bar redrawn in place on a
   terminal, else one line every few seconds (the pipeline's timer). */
struct progress {
    enum lt_progress_mode mode;   /* BAR, LOG or NONE after resolving auto */
    double last;                  /* when the last update was drawn */
    uint64_t total_bytes;         /* sum of the input sizes */
    uint64_t done_bytes;          /* read so far, files in flight too */
    uint64_t committed_bytes;     /* of the files written */
    size_t done_files;
};

struct run_ctx {
    struct lt_scan *s;
    struct progress prog;
    struct lt_scan_device *dev;    /* the current file's device */
    struct lt_scan_file *file;     /* the current file */
    struct lt_outfile *requests;   /* NULL without --requests */
    const char *requests_msg;
    enum lt_err write_err;
    struct lt_journal *journal;
    struct lt_buf empty_frame;     /* a zstd frame of no records */
};

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void on_warn(void *ud, const char *msg)
{
    struct run_ctx *c = ud;
    if (c->s->opts->verbosity >= 0)
        fprintf(stderr, "leaktrawl: warning: %s\n", msg);
}

static void on_request(void *ud, const uint8_t *row, size_t len)
{
    struct run_ctx *c = ud;
    if (!c->requests || c->write_err != LT_OK)
        return;
    c->write_err = lt_outfile_write(c->requests, row, len);
}

/* Kinds are few: a linear search. */
enum lt_err lt_kind_count_add(struct lt_kind_counts *c, const char *kind,
                              uint64_t n)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].kind, kind)) {
            c->v[i].n += n;
            return LT_OK;
        }
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        struct lt_kind_count *nv = realloc(c->v, ncap * sizeof *nv);
        if (!nv)
            return LT_E_NOMEM;
        c->v = nv;
        c->cap = ncap;
    }
    c->v[c->n].kind = strdup(kind);
    if (!c->v[c->n].kind)
        return LT_E_NOMEM;
    c->v[c->n++].n = n;
    return LT_OK;
}

static void free_kinds(struct lt_kind_counts *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].kind);
    free(c->v);
    memset(c, 0, sizeof *c);
}

static struct lt_scan_device *device_of(struct lt_scan *s, const char *id)
{
    for (size_t d = 0; d < s->n_devices; d++)
        if (!strcmp(s->devices[d].id, id))
            return &s->devices[d];
    return NULL;
}

#define APPS_MAX 1024 /* apps listed per device */

/* dev's entry for app, made on first sight; NULL past the cap or on
   allocation failure (the summary then omits it: not worth a failed run). */
static struct lt_app_seen *app_of(struct lt_scan_device *dev, const char *app)
{
    for (size_t i = 0; i < dev->n_apps; i++)
        if (!strcmp(dev->apps[i].app, app))
            return &dev->apps[i];
    if (dev->n_apps == APPS_MAX)
        return NULL;
    if (dev->n_apps == dev->apps_cap) {
        size_t ncap = dev->apps_cap ? dev->apps_cap * 2 : 8;
        struct lt_app_seen *nv = realloc(dev->apps, ncap * sizeof *nv);
        if (!nv)
            return NULL;
        dev->apps = nv;
        dev->apps_cap = ncap;
    }
    struct lt_app_seen *a = &dev->apps[dev->n_apps];
    memset(a, 0, sizeof *a);
    if (!(a->app = strdup(app)))
        return NULL;
    dev->n_apps++;
    return a;
}

/* A frame of dev's records (framed by the worker): appended to its file. */
static void on_frame(void *ud, const char *device, const uint8_t *data, size_t len)
{
    struct run_ctx *c = ud;
    struct lt_scan_device *dev = device_of(c->s, device);
    if (c->write_err != LT_OK || !dev)
        return; /* !dev cannot happen: every device of a file is listed */
    dev->flushed = true;
    c->write_err = lt_append_file(dev->path, data, len, c->s->msg, sizeof c->s->msg);
}

/* n records of kind for dev in the current file. */
static void on_count(void *ud, const char *device, const char *app,
                     const char *kind, uint64_t n)
{
    struct run_ctx *c = ud;
    struct lt_scan_device *dev = device_of(c->s, device);
    if (c->write_err != LT_OK || !dev)
        return;
    if (lt_kind_count_add(&dev->leaks, kind, n) != LT_OK ||
        lt_kind_count_add(&dev->file_leaks, kind, n) != LT_OK ||
        lt_kind_count_add(&c->s->leaks, kind, n) != LT_OK) {
        snprintf(c->s->msg, sizeof c->s->msg, "out of memory counting leaks");
        c->write_err = LT_E_NOMEM;
        return;
    }
    c->file->leaks += n;
    struct lt_app_seen *a = app[0] ? app_of(dev, app) : NULL;
    if (a)
        lt_kind_count_add(&a->leaks, kind, n);
}

/* dev's destination for host: its index, the "(other)" entry past the
   cap, or n_dests when new. A hash index: a capture has many flows. */
static size_t dest_find(const struct lt_scan_device *dev, const char *host)
{
    if (dev->dest_mask) {
        uint64_t h = lt_fnv1a(LT_FNV_SEED, host, strlen(host));
        for (size_t k = h & dev->dest_mask;; k = (k + 1) & dev->dest_mask) {
            uint32_t v = dev->dest_slots[k];
            if (!v)
                break;
            if (!strcmp(dev->dests[v - 1].host, host))
                return v - 1;
        }
    }
    if (dev->n_dests >= LT_DESTS_MAX)
        return dev->n_dests - 1; /* "(other)" */
    return dev->n_dests;
}

/* Index dests[i] (the hash table stays at most half full). */
static enum lt_err dest_index(struct lt_scan_device *dev, size_t i)
{
    size_t cap = dev->dest_mask + 1;
    if (!dev->dest_mask || (i + 1) * 2 > cap) {
        size_t ncap = dev->dest_mask ? cap * 2 : 64;
        uint32_t *slots = calloc(ncap, sizeof *slots);
        if (!slots)
            return LT_E_NOMEM;
        free(dev->dest_slots);
        dev->dest_slots = slots;
        dev->dest_mask = ncap - 1;
        for (size_t k = 0; k < i; k++)
            dest_index(dev, k);
    }
    uint64_t h = lt_fnv1a(LT_FNV_SEED, dev->dests[i].host, strlen(dev->dests[i].host));
    size_t k = h & dev->dest_mask;
    while (dev->dest_slots[k])
        k = (k + 1) & dev->dest_mask;
    dev->dest_slots[k] = (uint32_t)i + 1;
    return LT_OK;
}

/* Add a finished flow to its device's destinations. */
static void on_flow(void *ud, const struct lt_flow_summary *fs)
{
    struct run_ctx *c = ud;
    struct lt_scan_device *dev = device_of(c->s, fs->device);
    if (!dev)
        return;
    char addr[48];
    lt_record_ip(fs->ip_version, fs->addr, addr);
    const char *host = fs->host[0] ? fs->host : addr;
    size_t i = dest_find(dev, host);
    if (i == dev->n_dests) {
        if (dev->n_dests == dev->dests_cap) {
            size_t ncap = dev->dests_cap ? dev->dests_cap * 2 : 16;
            struct lt_dest *nv = realloc(dev->dests, ncap * sizeof *nv);
            if (!nv)
                return; /* summary detail only: not worth failing the run */
            dev->dests = nv;
            dev->dests_cap = ncap;
        }
        struct lt_dest *d = &dev->dests[dev->n_dests];
        memset(d, 0, sizeof *d);
        d->host = strdup(dev->n_dests + 1 >= LT_DESTS_MAX ? "(other)" : host);
        if (!d->host || dest_index(dev, dev->n_dests) != LT_OK) {
            free(d->host);
            return;
        }
        dev->n_dests++;
    }
    struct lt_app_seen *a = fs->app[0] ? app_of(dev, fs->app) : NULL;
    if (a)
        a->flows++;
    struct lt_dest *d = &dev->dests[i];
    d->flows++;
    d->bytes_sent += fs->bytes_sent;
    d->leaks += fs->leaks;
    d->clear |= fs->clear;
    d->tls |= fs->tls;
    for (uint32_t k = 0; k < d->n_addrs; k++)
        if (!strcmp(d->addrs[k], addr))
            return;
    if (d->n_addrs < LT_DEST_ADDRS)
        snprintf(d->addrs[d->n_addrs++], sizeof d->addrs[0], "%s", addr);
}

/* A device of the run, with its output file. */
static enum lt_err add_device(struct lt_scan *s, const char *id)
{
    for (size_t d = 0; d < s->n_devices; d++)
        if (!strcmp(s->devices[d].id, id))
            return LT_OK;
    struct lt_scan_device *dev = &s->devices[s->n_devices++];
    char safe[1024];
    lt_device_safe_name(id, safe, sizeof safe);
    size_t plen = strlen(s->opts->out_dir) + strlen(safe) + 16;
    dev->id = strdup(id);
    dev->path = malloc(plen);
    if (!dev->id || !dev->path)
        return LT_E_NOMEM;
    snprintf(dev->path, plen, "%s/%s.jsonl.zst", s->opts->out_dir, safe);
    /* created if missing, kept as the journal left it otherwise (a fresh
       run's journal removed the old ones) */
    return lt_append_file(dev->path, "", 0, s->msg, sizeof s->msg);
}

/* The devices of the run, in order of first appearance, each with a fresh
   (empty) output file: the devices of the files, then the manifest's
   devices that own addresses (their flows can turn up in any capture). */
static enum lt_err open_devices(struct lt_scan *s)
{
    size_t n_mf = s->manifest ? s->manifest->n_devices : 0;
    s->devices = calloc(s->n_files + n_mf + 1, sizeof *s->devices);
    if (!s->devices)
        return LT_E_NOMEM;
    for (size_t i = 0; i < s->n_files; i++)
        LT_TRY(add_device(s, s->files[i].device));
    for (size_t d = 0; d < n_mf && s->n_files; d++)
        if (s->manifest->devices[d].n_addresses)
            LT_TRY(add_device(s, s->manifest->devices[d].id));
    return LT_OK;
}

void lt_scan_release(struct lt_scan *s)
{
    for (size_t d = 0; d < s->n_devices; d++) {
        free(s->devices[d].id);
        free(s->devices[d].path);
        free_kinds(&s->devices[d].leaks);
        free_kinds(&s->devices[d].file_leaks);
        for (size_t k = 0; k < s->devices[d].n_dests; k++)
            free(s->devices[d].dests[k].host);
        free(s->devices[d].dests);
        free(s->devices[d].dest_slots);
        for (size_t k = 0; k < s->devices[d].n_apps; k++) {
            free(s->devices[d].apps[k].app);
            free_kinds(&s->devices[d].apps[k].leaks);
        }
        free(s->devices[d].apps);
    }
    free(s->devices);
    s->devices = NULL;
    s->n_devices = 0;
    free_kinds(&s->leaks);
}

static void progress_init(struct progress *p, const struct lt_scan *s)
{
    memset(p, 0, sizeof *p);
    p->mode = s->opts->progress;
    p->last = now_s(); /* the first line comes after one period */
    if (s->opts->verbosity < 0)
        p->mode = LT_PROGRESS_NONE;
    if (p->mode == LT_PROGRESS_AUTO)
        p->mode = isatty(STDERR_FILENO) ? LT_PROGRESS_BAR : LT_PROGRESS_LOG;
    for (size_t i = 0; i < s->n_files; i++)
        p->total_bytes += s->files[i].in->size;
}

static void progress_update(struct progress *p, const struct lt_scan *s,
                            bool final)
{
    double t = now_s();
    double every = p->mode == LT_PROGRESS_BAR ? 0.2 : 5.0;
    if (p->mode == LT_PROGRESS_NONE || (!final && t - p->last < every))
        return;
    if (p->mode == LT_PROGRESS_LOG && final)
        return; /* the run summary follows */
    p->last = t;
    double secs = t - s->started > 1e-3 ? t - s->started : 1e-3;
    double rate = p->done_bytes / secs;
    double frac = p->total_bytes ? (double)p->done_bytes / p->total_bytes : 1.0;
    double eta = rate > 0 ? (p->total_bytes - p->done_bytes) / rate : 0;
    if (p->mode == LT_PROGRESS_LOG) {
        fprintf(stderr, "leaktrawl: %zu/%zu files, %.2f/%.2f GB, %.0f MB/s, "
                        "eta %.0f s\n", p->done_files, s->n_files,
                p->done_bytes / 1e9, p->total_bytes / 1e9, rate / 1e6, eta);
        return;
    }
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu files %.2f/%.2f GB %.0f MB/s eta %d:%02d%s",
            bar, p->done_files, s->n_files, p->done_bytes / 1e9,
            p->total_bytes / 1e9, rate / 1e6, (int)eta / 60, (int)eta % 60,
            final ? "\n" : "");
}

/* ---- the pipeline's sink: the writer, on the main thread ---- */

static void on_file_begin(void *ud, size_t i)
{
    struct run_ctx *c = ud;
    c->file = &c->s->files[i];
    c->dev = device_of(c->s, c->file->device);
}

/* The input is complete and its frames are in the device files: say so
   in the journal, with the files it grew. */
static enum lt_err journal_commit(struct run_ctx *c, struct lt_scan_file *f)
{
    struct lt_scan *s = c->s;
    char fp[LT_JOURNAL_FP_HEX];
    if (lt_journal_fingerprint(f->in->path, f->in->size, fp, s->msg,
                               sizeof s->msg) != LT_OK) {
        s->msg[0] = '\0';
        return LT_OK; /* a pipe, or gone: never resumable, not fatal */
    }
    json_t *result = lt_resume_result_json(s, f);
    const char **names = malloc((s->n_devices + 1) * sizeof *names);
    if (!result || !names) {
        json_decref(result);
        free(names);
        return LT_E_NOMEM;
    }
    size_t n = 0;
    for (size_t d = 0; d < s->n_devices; d++)
        if (s->devices[d].flushed) {
            const char *slash = strrchr(s->devices[d].path, '/');
            names[n++] = slash ? slash + 1 : s->devices[d].path;
        }
    enum lt_err e = lt_journal_commit(c->journal, f->in->path, f->in->size,
                                      f->in->mtime_ns, fp, result, names, NULL, n,
                                      s->msg, sizeof s->msg);
    free(names);
    json_decref(result);
    return e;
}

static enum lt_err on_file_done(void *ud, size_t i, struct lt_file_result *res)
{
    struct run_ctx *c = ud;
    struct lt_scan *s = c->s;
    struct lt_scan_file *f = &s->files[i];
    c->file = f;
    c->dev = device_of(s, f->device);
    c->prog.done_files = i + 1;
    c->prog.committed_bytes += f->in->size;
    if (f->resumed) { /* its frames are in the device files already */
        json_t *r = NULL;
        const struct lt_journal_entry *je = lt_journal_find(c->journal, f->in->path);
        enum lt_err e = je ? lt_journal_result(c->journal, je, &r, s->msg, sizeof s->msg)
                           : LT_E_MALFORMED;
        if (e == LT_OK)
            e = lt_resume_result_load(s, f, r);
        json_decref(r);
        if (e != LT_OK && !s->msg[0])
            snprintf(s->msg, sizeof s->msg, "journal entry of '%s' cannot be "
                     "read back; run without --resume", f->in->rel);
        lt_stats_add(&s->totals, &f->res.st);
        return e;
    }
    if (f->in->error) {
        f->res.status = LT_FILE_ERROR;
        snprintf(f->res.error, sizeof f->res.error, "cannot read '%s': %s",
                 f->in->rel, f->in->error);
        on_warn(c, f->res.error);
        /* no worker framed it: its device still gets its (empty) frame,
           as for every file, so the device file is a zstd stream */
        on_frame(c, f->device, c->empty_frame.p, c->empty_frame.len);
    } else {
        f->res = *res;
        lt_stats_add(&s->totals, &f->res.st);
    }
    if (c->write_err != LT_OK && !s->msg[0] && c->requests)
        snprintf(s->msg, sizeof s->msg, "%s", c->requests_msg);
    if (c->write_err == LT_OK && c->journal)
        c->write_err = journal_commit(c, f);
    for (size_t d = 0; d < s->n_devices; d++) {
        s->devices[d].flushed = false;
        free_kinds(&s->devices[d].file_leaks);
    }
    return c->write_err;
}

/* --resume: the inputs an earlier run completed are not read again; an
   input that changed since is fatal (its old records are in the device
   files). */
static enum lt_err mark_resumed(struct lt_scan *s, struct lt_journal *j,
                                struct lt_pipeline_file *pf)
{
    for (size_t i = 0; i < s->n_files; i++) {
        struct lt_scan_file *f = &s->files[i];
        if (f->in->error || !lt_journal_find(j, f->in->path))
            continue;
        char fp[LT_JOURNAL_FP_HEX];
        if (lt_journal_fingerprint(f->in->path, f->in->size, fp, s->msg,
                                   sizeof s->msg) != LT_OK ||
            !lt_journal_done(j, f->in->path, f->in->size, f->in->mtime_ns, fp)) {
            snprintf(s->msg, sizeof s->msg, "'%s' changed since the run that "
                     "'%s' continues; run without --resume", f->in->path,
                     s->opts->out_dir);
            return LT_E_IO;
        }
        f->resumed = true;
        pf[i].run = false;
    }
    return LT_OK;
}

/* The journal for this run: continued with --resume (device files cut
   back to what it committed), else started afresh (device files of an
   earlier run removed). A summary.json of an earlier run goes first: a
   run that does not finish leaves none. */
static enum lt_err open_journal(struct lt_scan *s, struct lt_journal **j)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", s->opts->out_dir);
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(s->msg, sizeof s->msg, "cannot remove '%s': %s", path,
                 strerror(errno));
        return LT_E_IO;
    }
    char *options = lt_resume_options(s->opts);
    if (!options)
        return LT_E_NOMEM;
    enum lt_err e = lt_journal_open(j, s->opts->out_dir, options,
                                    s->opts->resume ? LT_JOURNAL_RESUME : 0,
                                    s->msg, sizeof s->msg);
    free(options);
    if (e == LT_OK && s->msg[0] && s->opts->verbosity >= 0)
        fprintf(stderr, "leaktrawl: %s\n", s->msg); /* a note */
    s->msg[0] = '\0';
    if (e == LT_OK && (e = lt_journal_restore_devices(*j, s->msg, sizeof s->msg)) != LT_OK) {
        lt_journal_close(*j);
        *j = NULL;
    }
    return e;
}

static void on_progress(void *ud, uint64_t bytes, size_t files, bool final)
{
    struct run_ctx *c = ud;
    (void)files;
    c->prog.done_bytes = bytes > c->prog.committed_bytes ? bytes
                                                         : c->prog.committed_bytes;
    progress_update(&c->prog, c->s, final);
}

/* Files at least this large run split across flows (with -j 2 or more):
   a file that is a large part of the run's work, which whole-file
   parallelism cannot spread (an eighth of a thread's share, at least 64
   MiB: splitting costs copies). LEAKTRAWL_SPLIT_BYTES overrides (tests
   force splits on small files). */
static uint64_t split_bytes(const struct lt_scan *s)
{
    const char *v = getenv("LEAKTRAWL_SPLIT_BYTES");
    if (v && *v)
        return strtoull(v, NULL, 10);
    uint64_t total = 0;
    for (size_t i = 0; i < s->n_files; i++)
        total += s->files[i].in->size;
    uint64_t share = total / ((uint64_t)(s->opts->threads ? s->opts->threads : 1) * 8);
    return share > (64ull << 20) ? share : (64ull << 20);
}

enum lt_err lt_scan_run(struct lt_scan *s)
{
    const struct lt_scan_opts *o = s->opts;
    struct lt_outfile requests;
    struct run_ctx c = { .s = s, .write_err = LT_OK };
    struct lt_matcher *mt = NULL;
    struct lt_browsing *browsing = NULL;
    struct lt_shapes *shapes = NULL;
    struct lt_addr_map addrs = { NULL, 0 };
    struct lt_pipeline_file *pf = NULL;
    enum lt_err e = LT_OK;

    s->started = now_s();
    memset(&s->totals, 0, sizeof s->totals);
    if (o->requests_path) {
        e = lt_outfile_open(&requests, o->requests_path, 1);
        if (e == LT_OK)
            e = lt_outfile_write(&requests, LT_TSV_REQUESTS_HEADER,
                                 strlen(LT_TSV_REQUESTS_HEADER));
        if (e != LT_OK) {
            snprintf(s->msg, sizeof s->msg, "%s", requests.msg);
            lt_outfile_abort(&requests);
            goto out;
        }
        c.requests = &requests;
        c.requests_msg = requests.msg;
    }
    if (s->manifest) {
        e = lt_matcher_build(s->manifest, &mt, s->msg, sizeof s->msg);
        if (e != LT_OK)
            goto out;
        s->n_literals = lt_matcher_n_literals(mt);
    }
    if ((e = open_journal(s, &c.journal)) != LT_OK)
        goto out;
    if ((e = open_devices(s)) != LT_OK) {
        if (!s->msg[0])
            snprintf(s->msg, sizeof s->msg, "out of memory listing the devices");
        goto out;
    }

    progress_init(&c.prog, s);
    browsing = lt_browsing_new();
    if (!browsing) {
        snprintf(s->msg, sizeof s->msg, "out of memory setting up the detectors");
        e = LT_E_NOMEM;
        goto out;
    }
    if ((e = lt_shapes_new(&shapes, s->msg, sizeof s->msg)) != LT_OK)
        goto out;
    if (s->manifest &&
        (e = lt_addr_map_build(s->manifest, &addrs, on_warn, &c)) != LT_OK) {
        snprintf(s->msg, sizeof s->msg, "out of memory reading the addresses");
        goto out;
    }
    pf = calloc(s->n_files ? s->n_files : 1, sizeof *pf);
    struct lt_zframe *z = lt_zframe_new(3);
    lt_buf_init(&c.empty_frame, 4096);
    enum lt_err ze = z ? lt_zframe_compress(z, "", 0, &c.empty_frame) : LT_E_NOMEM;
    lt_zframe_free(z);
    if (!pf || ze != LT_OK) {
        snprintf(s->msg, sizeof s->msg, "out of memory setting up the pipeline");
        e = LT_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < s->n_files; i++) {
        const struct lt_scan_file *f = &s->files[i];
        pf[i] = (struct lt_pipeline_file){ f->in->path, f->in->rel, f->device,
                                           f->in->size, !f->in->named,
                                           !f->in->error };
    }
    if (o->resume && (e = mark_resumed(s, c.journal, pf)) != LT_OK)
        goto out;
    struct lt_pipe_cfg cfg = { &o->lim, { s->manifest, mt, browsing, shapes },
                               &addrs, o->values, o->requests_path != NULL };
    struct lt_pipeline_cfg pcfg = { &cfg, o->threads, split_bytes(s) };
    struct lt_pipeline_sink sink = {
        &c, { &c, on_request, on_warn, NULL, on_flow, on_frame, on_count },
        on_file_begin, on_file_done, on_progress,
        c.prog.mode == LT_PROGRESS_BAR ? 0.2 : c.prog.mode == LT_PROGRESS_LOG ? 5.0 : 0,
    };
    e = lt_pipeline_run(&pcfg, pf, s->n_files, &sink, &s->signo, s->msg,
                        sizeof s->msg);
    if (e == LT_E_INTERRUPTED) {
        snprintf(s->msg, sizeof s->msg, "interrupted by %s: %zu of %zu files "
                 "complete", s->signo == SIGINT ? "SIGINT" : "SIGTERM",
                 c.prog.done_files, s->n_files);
        for (size_t i = c.prog.done_files; i < s->n_files; i++) {
            s->files[i].res.status = LT_FILE_SKIPPED;
            snprintf(s->files[i].res.error, sizeof s->files[i].res.error,
                     "not complete: the run was interrupted (--resume reads it)");
        }
    }
out:
    lt_buf_release(&c.empty_frame);
    lt_journal_close(c.journal);
    free(pf);
    lt_matcher_free(mt);
    lt_browsing_free(browsing);
    lt_shapes_free(shapes);
    lt_addr_map_release(&addrs);
    if (c.requests) {
        if (e == LT_OK) {
            e = lt_outfile_commit(&requests);
            if (e != LT_OK)
                snprintf(s->msg, sizeof s->msg, "%s", requests.msg);
        } else {
            lt_outfile_abort(&requests);
        }
    }
    s->elapsed = now_s() - s->started;
    return e;
}
