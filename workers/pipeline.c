/* SPDX-License-Identifier: MIT */
#include "pipeline_int.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/alloc.h"

/* ---- pieces ---- */

static void piece_free(struct piece *pc)
{
    if (!pc)
        return;
    lt_chunk_release(&pc->c);
    free(pc);
}

void pw_init(struct piece_writer *w, struct run *r, struct slot *s)
{
    w->r = r;
    w->s = s;
    w->cur = NULL;
    w->err = LT_OK;
}

void pw_flush(struct piece_writer *w)
{
    struct piece *pc = w->cur;
    if (!pc)
        return;
    w->cur = NULL;
    struct run *r = w->r;
    struct slot *s = w->s;
    uv_mutex_lock(&r->mu);
    if (s->tail)
        s->tail->next = pc;
    else
        s->head = pc;
    s->tail = pc;
    s->queued += pc->c.items.len;
    uv_async_send(&r->wake);
    /* a file ahead of the one being written waits for its turn rather
       than queue without bound */
    while (s->queued >= QUEUED_MAX && !s->at_head && !atomic_load(&r->stop))
        uv_cond_wait(&r->cv, &r->mu);
    uv_mutex_unlock(&r->mu);
}

/* The piece to append to; a full one is handed on first. */
static struct lt_chunk *pw_chunk(struct piece_writer *w)
{
    if (w->cur && w->cur->c.items.len >= PIECE_BYTES)
        pw_flush(w);
    if (!w->cur) {
        w->cur = calloc(1, sizeof *w->cur);
        if (!w->cur) {
            w->err = LT_E_NOMEM;
            return NULL;
        }
        lt_chunk_init(&w->cur->c);
    }
    return &w->cur->c;
}

/* Items keep their replay order; the frame tag is not used again. A piece
   item that cannot be added (out of memory) fails the file: nothing of it
   is committed. */
static void pw_added(void *ud, enum lt_err e)
{
    struct piece_writer *w = ud;
    if (e != LT_OK && w->err == LT_OK)
        w->err = e;
}

static void pw_request(void *ud, const uint8_t *row, size_t len)
{
    struct lt_chunk *c = pw_chunk(ud);
    if (c)
        pw_added(ud, lt_chunk_request(c, 0, row, len));
}

static void pw_warn(void *ud, const char *msg)
{
    struct lt_chunk *c = pw_chunk(ud);
    if (c)
        pw_added(ud, lt_chunk_warn(c, 0, msg));
}

static void pw_flow(void *ud, const struct lt_flow_summary *fs)
{
    struct lt_chunk *c = pw_chunk(ud);
    if (c)
        pw_added(ud, lt_chunk_flow(c, 0, fs));
}

static void pw_frame(void *ud, const char *device, const uint8_t *data, size_t len)
{
    struct lt_chunk *c = pw_chunk(ud);
    if (c)
        pw_added(ud, lt_chunk_zframe(c, device, data, len));
}

static void pw_count(void *ud, const char *device, const char *app,
                     const char *kind, uint64_t n)
{
    struct lt_chunk *c = pw_chunk(ud);
    if (c)
        pw_added(ud, lt_chunk_count(c, device, app, kind, n));
}

/* Records never reach a piece as lines: devframes frames them first. */
const struct lt_pipe_hooks pw_hooks_template = { NULL, pw_request, pw_warn,
                                                 NULL, pw_flow, pw_frame,
                                                 pw_count };

/* ---- workers ---- */

struct worker {
    struct run *r;
    struct pool *pool;
    uv_thread_t th;
    struct lt_pipe *pipe;
    struct piece_writer w;
    struct piece_writer wr;        /* split: the reader's warnings (the
                                      merges use w from other threads) */
    struct lt_devframes df;        /* records framed here, not by the writer */
    struct lt_prefetch *prefetch;  /* compressed input decompressed ahead */
};

/* Jobs handed out by the main thread, taken by idle workers. */
struct pool {
    struct run r;
    struct worker *w;
    uint32_t n_workers;
    struct slot **jobs;            /* ring of slots to run */
    size_t jobs_cap, jobs_head, jobs_n;
    bool quit;
    struct slot **inflight;        /* ring: files from `head` on, in order */
    size_t inflight_cap, first, n_inflight;
    size_t next;                   /* next file to hand out */
    bool split_busy;               /* a split file holds every worker */
    const struct lt_pipeline_sink *sink;
    size_t committed;
    enum lt_err fatal;
    char *msg;
    size_t msg_cap;
    uv_signal_t sigint, sigterm;
    uv_timer_t timer;
    int signo;
};

static bool is_split(const struct pool *pl, size_t i)
{
    const struct lt_pipeline_cfg *cfg = pl->r.cfg;
    return cfg->threads >= 2 && pl->r.files[i].run &&
           pl->r.files[i].size >= cfg->split_bytes;
}

static void run_job(struct worker *wk, struct slot *s)
{
    struct run *r = wk->r;
    const struct lt_pipeline_file *f = &r->files[s->idx];
    enum lt_err e;
    pw_init(&wk->w, r, s);
    pw_init(&wk->wr, r, s);
    struct lt_pipe_hooks to_pieces = pw_hooks_template;
    to_pieces.ud = &wk->w;
    wk->df.out = to_pieces;
    struct lt_pipe_hooks hooks = lt_devframes_hooks(&wk->df);
    if (is_split(wk->pool, s->idx)) {
        struct lt_pipe_hooks reader = pw_hooks_template;
        reader.ud = &wk->wr;
        lt_pipe_set_hooks(wk->pipe, &reader);
        e = split_run_file(r, wk->pipe, s, &hooks);
        pw_flush(&wk->wr);
    } else {
        lt_pipe_set_hooks(wk->pipe, &hooks);
        e = lt_pipe_run_file(wk->pipe, f->path, f->name, f->device,
                             f->skip_unknown, &s->res);
    }
    enum lt_err fe = lt_devframes_finish(&wk->df, f->device);
    if (e == LT_OK)
        e = fe;
    pw_flush(&wk->w);
    uv_mutex_lock(&r->mu);
    s->interrupted = atomic_load(&r->stop) != 0;
    s->err = e != LT_OK ? e : wk->w.err != LT_OK ? wk->w.err : wk->wr.err;
    s->done = true;
    /* sent under the lock: the writer cannot see the last file done, end
       the loop and close this handle before the send is over */
    uv_async_send(&r->wake);
    uv_mutex_unlock(&r->mu);
}

static void worker_main(void *arg)
{
    struct worker *wk = arg;
    struct pool *pl = wk->pool;
    for (;;) {
        uv_mutex_lock(&pl->r.mu);
        while (!pl->quit && pl->jobs_n == 0)
            uv_cond_wait(&pl->r.cv, &pl->r.mu);
        if (pl->jobs_n == 0) {
            uv_mutex_unlock(&pl->r.mu);
            return;
        }
        struct slot *s = pl->jobs[pl->jobs_head];
        pl->jobs_head = (pl->jobs_head + 1) % pl->jobs_cap;
        pl->jobs_n--;
        uv_mutex_unlock(&pl->r.mu);
        run_job(wk, s);
    }
}

/* ---- the writer (main thread) ---- */

/* Hand out files while fewer than threads + 2 are in flight; a split
   file waits for every earlier file to be written, and holds the pool.
   Called with the lock held. */
static void hand_out(struct pool *pl)
{
    const struct lt_pipeline_cfg *cfg = pl->r.cfg;
    while (pl->next < pl->r.n_files && !atomic_load(&pl->r.stop) &&
           !pl->split_busy && pl->n_inflight < cfg->threads + 2 &&
           pl->fatal == LT_OK) {
        size_t i = pl->next;
        if (is_split(pl, i) && pl->n_inflight > 0)
            return;
        struct slot *s = calloc(1, sizeof *s);
        if (!s) {
            pl->fatal = LT_E_NOMEM;
            snprintf(pl->msg, pl->msg_cap, "out of memory for a file's results");
            return;
        }
        s->idx = i;
        pl->inflight[(pl->first + pl->n_inflight) % pl->inflight_cap] = s;
        pl->n_inflight++;
        pl->next++;
        if (!pl->r.files[i].run) {
            s->done = true; /* nothing to read: committed in its turn */
            continue;
        }
        if (is_split(pl, i))
            pl->split_busy = true;
        pl->jobs[(pl->jobs_head + pl->jobs_n) % pl->jobs_cap] = s;
        pl->jobs_n++;
        uv_cond_broadcast(&pl->r.cv);
    }
}

/* Every file is written. */
static bool finished(const struct pool *pl)
{
    return pl->n_inflight == 0 && pl->next == pl->r.n_files;
}

/* No job waits and every file in flight is done (written or not). */
static bool idle(const struct pool *pl)
{
    if (pl->jobs_n)
        return false;
    for (size_t k = 0; k < pl->n_inflight; k++)
        if (!pl->inflight[(pl->first + k) % pl->inflight_cap]->done)
            return false;
    return true;
}

static void close_handles(struct pool *pl);

/* Replay what the first file in flight has ready; commit it when done;
   go on with the next. */
static void write_ready(struct pool *pl)
{
    struct run *r = &pl->r;
    uv_mutex_lock(&r->mu);
    hand_out(pl);
    while (pl->n_inflight && pl->fatal == LT_OK) {
        struct slot *s = pl->inflight[pl->first];
        struct piece *pcs = s->head;
        bool done = s->done;
        s->head = s->tail = NULL;
        s->queued = 0;
        s->at_head = true;
        uv_cond_broadcast(&r->cv); /* a worker waiting for room goes on */
        uv_mutex_unlock(&r->mu);
        if (!s->begun && pl->sink->file_begin)
            pl->sink->file_begin(pl->sink->ud, s->idx);
        s->begun = true;
        while (pcs) {
            struct piece *next = pcs->next;
            struct lt_chunk *c = &pcs->c;
            lt_chunk_replay_in_order(c, &pl->sink->hooks);
            piece_free(pcs);
            pcs = next;
        }
        uv_mutex_lock(&r->mu);
        if (!done || s->head)
            break; /* more to come */
        if (s->err != LT_OK || s->interrupted) {
            if (s->err != LT_OK && s->err != LT_E_INTERRUPTED && !pl->fatal) {
                pl->fatal = s->err;
                snprintf(pl->msg, pl->msg_cap, "%s while reading '%s'",
                         lt_err_str(s->err), r->files[s->idx].name);
            }
            break; /* not complete: not committed, nor anything after */
        }
        if (is_split(pl, s->idx))
            pl->split_busy = false;
        pl->first = (pl->first + 1) % pl->inflight_cap;
        pl->n_inflight--;
        uv_mutex_unlock(&r->mu);
        enum lt_err e = pl->sink->file_done(pl->sink->ud, s->idx, &s->res);
        free(s);
        uv_mutex_lock(&r->mu);
        pl->committed++;
        if (e != LT_OK && pl->fatal == LT_OK)
            pl->fatal = e;
        hand_out(pl);
    }
    /* after a signal or a fatal error nothing more is committed: the
       workers stop at their next read, and the loop ends once they idle */
    bool over = pl->fatal != LT_OK || atomic_load(&r->stop);
    if (over)
        atomic_store(&r->stop, 1);
    bool all_done = over ? idle(pl) : finished(pl);
    uv_mutex_unlock(&r->mu);
    if (all_done)
        close_handles(pl);
}

static void on_wake(uv_async_t *a)
{
    write_ready(a->data);
}

static void on_signal(uv_signal_t *h, int signo)
{
    struct pool *pl = h->data;
    if (!pl->signo)
        pl->signo = signo;
    atomic_store(&pl->r.stop, 1);
    write_ready(pl);
}

static void on_timer(uv_timer_t *t)
{
    struct pool *pl = t->data;
    if (pl->sink->progress)
        pl->sink->progress(pl->sink->ud, atomic_load(&pl->r.bytes_read),
                           pl->committed, false);
}

static void close_handles(struct pool *pl)
{
    if (uv_is_closing((uv_handle_t *)&pl->r.wake))
        return;
    uv_close((uv_handle_t *)&pl->r.wake, NULL);
    uv_close((uv_handle_t *)&pl->sigint, NULL);
    uv_close((uv_handle_t *)&pl->sigterm, NULL);
    uv_close((uv_handle_t *)&pl->timer, NULL);
}

enum lt_err lt_pipeline_run(const struct lt_pipeline_cfg *cfg,
                            const struct lt_pipeline_file *files, size_t n,
                            const struct lt_pipeline_sink *sink, int *signo,
                            char *msg, size_t msg_cap)
{
    struct pool pl;
    memset(&pl, 0, sizeof pl);
    struct lt_pipeline_cfg c = *cfg;
    if (c.threads == 0)
        c.threads = 1;
    pl.r.cfg = &c;
    pl.r.files = files;
    pl.r.n_files = n;
    pl.sink = sink;
    pl.msg = msg;
    pl.msg_cap = msg_cap;
    pl.n_workers = c.threads;
    pl.jobs_cap = pl.inflight_cap = c.threads + 3;
    pl.jobs = calloc(pl.jobs_cap, sizeof *pl.jobs);
    pl.inflight = calloc(pl.inflight_cap, sizeof *pl.inflight);
    pl.w = calloc(pl.n_workers, sizeof *pl.w);
    *signo = 0;
    if (!pl.jobs || !pl.inflight || !pl.w) {
        free(pl.jobs);
        free(pl.inflight);
        free(pl.w);
        snprintf(msg, msg_cap, "out of memory setting up the pipeline");
        return LT_E_NOMEM;
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    uv_mutex_init(&pl.r.mu);
    uv_cond_init(&pl.r.cv);
    uv_async_init(&loop, &pl.r.wake, on_wake);
    pl.r.wake.data = &pl;
    uv_signal_init(&loop, &pl.sigint);
    uv_signal_init(&loop, &pl.sigterm);
    pl.sigint.data = pl.sigterm.data = &pl;
    uv_signal_start(&pl.sigint, on_signal, SIGINT);
    uv_signal_start(&pl.sigterm, on_signal, SIGTERM);
    uv_timer_init(&loop, &pl.timer);
    pl.timer.data = &pl;
    if (sink->progress && sink->progress_every > 0) {
        uint64_t ms = (uint64_t)(sink->progress_every * 1000);
        uv_timer_start(&pl.timer, on_timer, ms, ms);
    }

    /* the flow cap is the run's: each worker's table holds its share (a
       split file's shards share it likewise, split.c) */
    struct lt_limits wlim = *c.pipe->lim;
    wlim.max_flows = wlim.max_flows / c.threads ? wlim.max_flows / c.threads : 1;
    struct lt_pipe_cfg wcfg = *c.pipe;
    wcfg.lim = &wlim;
    enum lt_err e = LT_OK;
    uint32_t started = 0;
    for (; started < pl.n_workers; started++) {
        struct worker *wk = &pl.w[started];
        wk->r = &pl.r;
        wk->pool = &pl;
        wk->pipe = lt_pipe_new(&wcfg, &pw_hooks_template);
        wk->prefetch = lt_prefetch_new();
        if (!wk->pipe || !wk->prefetch ||
            lt_devframes_init(&wk->df, &pw_hooks_template) != LT_OK) {
            lt_pipe_free(wk->pipe);
            lt_prefetch_free(wk->prefetch);
            lt_devframes_release(&wk->df);
            e = LT_E_NOMEM;
            snprintf(msg, msg_cap, "out of memory setting up the pipeline");
            break;
        }
        lt_pipe_watch(wk->pipe, &pl.r.stop, &pl.r.bytes_read);
        struct lt_pipe_source src = lt_prefetch_source(wk->prefetch);
        lt_pipe_set_source(wk->pipe, &src);
        if (uv_thread_create(&wk->th, worker_main, wk) != 0) {
            lt_pipe_free(wk->pipe);
            lt_prefetch_free(wk->prefetch);
            lt_devframes_release(&wk->df);
            e = LT_E_NOMEM;
            snprintf(msg, msg_cap, "cannot start a worker thread");
            break;
        }
    }
    if (e != LT_OK) {
        pl.fatal = e;
        atomic_store(&pl.r.stop, 1);
    }
    write_ready(&pl); /* hands out the first files */
    uv_run(&loop, UV_RUN_DEFAULT);

    uv_mutex_lock(&pl.r.mu);
    pl.quit = true;
    uv_cond_broadcast(&pl.r.cv);
    uv_mutex_unlock(&pl.r.mu);
    for (uint32_t i = 0; i < started; i++) {
        uv_thread_join(&pl.w[i].th);
        lt_pipe_free(pl.w[i].pipe);
        lt_prefetch_free(pl.w[i].prefetch);
        lt_devframes_release(&pl.w[i].df);
    }
    for (size_t k = 0; k < pl.n_inflight; k++) {
        struct slot *s = pl.inflight[(pl.first + k) % pl.inflight_cap];
        while (s->head) {
            struct piece *next = s->head->next;
            piece_free(s->head);
            s->head = next;
        }
        free(s);
    }
    if (sink->progress)
        sink->progress(sink->ud, atomic_load(&pl.r.bytes_read), pl.committed, true);
    uv_loop_close(&loop);
    uv_cond_destroy(&pl.r.cv);
    uv_mutex_destroy(&pl.r.mu);
    free(pl.jobs);
    free(pl.inflight);
    free(pl.w);
    *signo = pl.signo;
    if (pl.fatal != LT_OK)
        return pl.fatal;
    return pl.signo ? LT_E_INTERRUPTED : LT_OK;
}
