/* SPDX-License-Identifier: MIT */
#include "devframes.h"

#include <stdlib.h>
#include <string.h>

struct devframes_dev {
    const char *device;              /* outlives the run: compared by address
                                        first, then by value */
    struct lt_buf pending;
};

struct devframes_count {
    const char *device;
    char *app, *kind;                /* owned */
    uint64_t n;
};

enum lt_err lt_devframes_init(struct lt_devframes *df, const struct lt_pipe_hooks *out)
{
    memset(df, 0, sizeof *df);
    df->out = *out;
    lt_buf_init(&df->frame, (size_t)LT_DEVFRAME_BYTES * 2 + (1u << 20));
    df->z = lt_zframe_new(3);
    return df->z ? LT_OK : LT_E_NOMEM;
}

static void clear_counts(struct lt_devframes *df)
{
    for (size_t i = 0; i < df->n_counts; i++) {
        free(df->counts[i].app);
        free(df->counts[i].kind);
    }
    df->n_counts = 0;
}

void lt_devframes_release(struct lt_devframes *df)
{
    for (size_t i = 0; i < df->n_devs; i++)
        lt_buf_release(&df->devs[i].pending);
    free(df->devs);
    clear_counts(df);
    free(df->counts);
    lt_buf_release(&df->frame);
    lt_zframe_free(df->z);
    memset(df, 0, sizeof *df);
}

static bool same(const char *a, const char *b)
{
    return a == b || !strcmp(a, b);
}

static struct devframes_dev *dev_of(struct lt_devframes *df, const char *device)
{
    for (size_t i = 0; i < df->n_devs; i++)
        if (same(df->devs[i].device, device))
            return &df->devs[i];
    if (df->n_devs == df->cap_devs) {
        size_t cap = df->cap_devs ? df->cap_devs * 2 : 4;
        struct devframes_dev *v = realloc(df->devs, cap * sizeof *v);
        if (!v)
            return NULL;
        df->devs = v;
        df->cap_devs = cap;
    }
    struct devframes_dev *d = &df->devs[df->n_devs++];
    d->device = device;
    lt_buf_init(&d->pending, (size_t)LT_DEVFRAME_BYTES * 2 + (1u << 20));
    return d;
}

static void fail(struct lt_devframes *df, enum lt_err e)
{
    if (df->err == LT_OK)
        df->err = e;
}

/* d's records so far as one frame, handed on. */
static void flush(struct lt_devframes *df, struct devframes_dev *d)
{
    lt_buf_reset(&df->frame);
    enum lt_err e = lt_zframe_compress(df->z, d->pending.p, d->pending.len, &df->frame);
    if (e != LT_OK) {
        fail(df, e);
        return;
    }
    lt_buf_reset(&d->pending);
    if (df->out.frame)
        df->out.frame(df->out.ud, d->device, df->frame.p, df->frame.len);
}

static void count(struct lt_devframes *df, const char *device, const char *app,
                  const char *kind)
{
    /* kinds and apps are few per file; the last one usually repeats */
    for (size_t i = df->n_counts; i-- > 0;) {
        struct devframes_count *c = &df->counts[i];
        if (same(c->device, device) && !strcmp(c->kind, kind) && !strcmp(c->app, app)) {
            c->n++;
            return;
        }
    }
    if (df->n_counts == df->cap_counts) {
        size_t cap = df->cap_counts ? df->cap_counts * 2 : 16;
        struct devframes_count *v = realloc(df->counts, cap * sizeof *v);
        if (!v) {
            fail(df, LT_E_NOMEM);
            return;
        }
        df->counts = v;
        df->cap_counts = cap;
    }
    struct devframes_count *c = &df->counts[df->n_counts];
    c->device = device;
    c->app = strdup(app);
    c->kind = strdup(kind);
    c->n = 1;
    if (!c->app || !c->kind) {
        free(c->app);
        free(c->kind);
        fail(df, LT_E_NOMEM);
        return;
    }
    df->n_counts++;
}

static void on_leak(void *ud, const char *device, const char *app,
                    const char *kind, const uint8_t *line, size_t len)
{
    struct lt_devframes *df = ud;
    struct devframes_dev *d = dev_of(df, device);
    if (!d || lt_buf_append(&d->pending, line, len) != LT_OK) {
        fail(df, LT_E_NOMEM);
        return;
    }
    count(df, device, app, kind);
    if (d->pending.len >= LT_DEVFRAME_BYTES)
        flush(df, d);
}

static void on_request(void *ud, const uint8_t *row, size_t len)
{
    struct lt_devframes *df = ud;
    if (df->out.request)
        df->out.request(df->out.ud, row, len);
}

static void on_warn(void *ud, const char *msg)
{
    struct lt_devframes *df = ud;
    if (df->out.warn)
        df->out.warn(df->out.ud, msg);
}

static void on_flow(void *ud, const struct lt_flow_summary *fs)
{
    struct lt_devframes *df = ud;
    if (df->out.flow)
        df->out.flow(df->out.ud, fs);
}

struct lt_pipe_hooks lt_devframes_hooks(struct lt_devframes *df)
{
    return (struct lt_pipe_hooks){ df, on_request, on_warn, on_leak, on_flow,
                                   NULL, NULL };
}

enum lt_err lt_devframes_finish(struct lt_devframes *df, const char *own)
{
    if (own && !dev_of(df, own))
        fail(df, LT_E_NOMEM);
    for (size_t i = 0; i < df->n_devs; i++) {
        struct devframes_dev *d = &df->devs[i];
        if (d->pending.len || (own && same(d->device, own)))
            flush(df, d);
    }
    for (size_t i = 0; i < df->n_counts; i++) {
        const struct devframes_count *c = &df->counts[i];
        if (df->out.count)
            df->out.count(df->out.ud, c->device, c->app, c->kind, c->n);
    }
    clear_counts(df);
    /* the next file may feed other devices: hold no buffer for them */
    for (size_t i = 0; i < df->n_devs; i++)
        lt_buf_release(&df->devs[i].pending);
    df->n_devs = 0;
    enum lt_err e = df->err;
    df->err = LT_OK;
    return e;
}
