/* SPDX-License-Identifier: MIT */
#include "scan_run.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/base/buf.h"
#include "core/io/outfile.h"
#include "core/out/tsv.h"

/* Progress on stderr (SPEC --progress): a bar redrawn in place on a
   terminal, else one line every few seconds. Updated between files.
   TODO(workers): update inside large files once the pipeline is threaded. */
struct progress {
    enum lt_progress_mode mode;   /* BAR, LOG or NONE after resolving auto */
    double last;                  /* when the last update was drawn */
    uint64_t total_bytes;         /* sum of the input sizes */
    uint64_t done_bytes;
    size_t done_files;
};

struct run_ctx {
    struct lt_scan *s;
    struct progress prog;
    struct lt_outfile *requests;   /* NULL without --requests */
    struct lt_buf row;
    enum lt_err write_err;
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

static void on_request(void *ud, const struct lt_msg_ctx *ctx,
                       const struct lt_http_request *req)
{
    struct run_ctx *c = ud;
    if (!c->requests || c->write_err != LT_OK)
        return;
    lt_buf_reset(&c->row);
    if (lt_tsv_request_row(&c->row, ctx->capture, ctx->frame, req->host,
                           req->method, req->target) != LT_OK)
        return; /* a row over the cap is left out, not fatal */
    c->write_err = lt_outfile_write(c->requests, c->row.p, c->row.len);
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

enum lt_err lt_scan_run(struct lt_scan *s)
{
    const struct lt_scan_opts *o = s->opts;
    struct lt_outfile requests;
    struct run_ctx c = { .s = s, .write_err = LT_OK };
    enum lt_err e = LT_OK;

    s->started = now_s();
    memset(&s->totals, 0, sizeof s->totals);
    lt_buf_init(&c.row, 1u << 24);
    if (o->requests_path) {
        e = lt_outfile_open(&requests, o->requests_path, 1);
        if (e == LT_OK)
            e = lt_outfile_write(&requests, LT_TSV_REQUESTS_HEADER,
                                 strlen(LT_TSV_REQUESTS_HEADER));
        if (e != LT_OK) {
            snprintf(s->msg, sizeof s->msg, "%s", requests.msg);
            lt_outfile_abort(&requests);
            return e;
        }
        c.requests = &requests;
    }

    progress_init(&c.prog, s);
    struct lt_pipe_hooks hooks = { &c, on_request, on_warn };
    struct lt_pipe *p = lt_pipe_new(&o->lim, &hooks);
    if (!p) {
        snprintf(s->msg, sizeof s->msg, "out of memory setting up the pipeline");
        e = LT_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < s->n_files && e == LT_OK; i++) {
        struct lt_scan_file *f = &s->files[i];
        if (f->in->error) {
            f->res.status = LT_FILE_ERROR;
            snprintf(f->res.error, sizeof f->res.error, "cannot read '%s': %s",
                     f->in->rel, f->in->error);
            on_warn(&c, f->res.error);
            continue;
        }
        e = lt_pipe_run_file(p, f->in->path, f->in->rel, !f->in->named, &f->res);
        lt_stats_add(&s->totals, &f->res.st);
        c.prog.done_files = i + 1;
        c.prog.done_bytes += f->in->size;
        progress_update(&c.prog, s, false);
        if (e != LT_OK)
            snprintf(s->msg, sizeof s->msg, "%s while reading '%s'",
                     lt_err_str(e), f->in->rel);
        else if (c.write_err != LT_OK) {
            e = c.write_err;
            snprintf(s->msg, sizeof s->msg, "%s", requests.msg);
        }
    }
    lt_pipe_free(p);
    progress_update(&c.prog, s, true);
out:
    if (c.requests) {
        if (e == LT_OK) {
            e = lt_outfile_commit(&requests);
            if (e != LT_OK)
                snprintf(s->msg, sizeof s->msg, "%s", requests.msg);
        } else {
            lt_outfile_abort(&requests);
        }
    }
    lt_buf_release(&c.row);
    s->elapsed = now_s() - s->started;
    return e;
}
