/* SPDX-License-Identifier: MIT */
#include "prefetch.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

struct pf_buf {
    uint8_t *p;
    size_t len, off;              /* bytes in it; bytes handed out */
    uint64_t raw;                 /* the file's bytes read once it was full */
};

struct lt_prefetch {
    uv_mutex_t mu;
    uv_cond_t cv;
    uv_thread_t th;
    struct lt_input *in;
    bool threaded;                /* a thread reads the current file */
    bool ended, stop;
    enum lt_err end_err;          /* how the stream ended (LT_END or error) */
    struct pf_buf buf[LT_PREFETCH_BUFS];
    size_t head, n;               /* ring of filled buffers */
};

/* The decompressing thread: fill free buffers until the stream ends. */
static void producer(void *arg)
{
    struct lt_prefetch *pf = arg;
    for (;;) {
        uv_mutex_lock(&pf->mu);
        while (pf->n == LT_PREFETCH_BUFS && !pf->stop)
            uv_cond_wait(&pf->cv, &pf->mu);
        if (pf->stop) {
            uv_mutex_unlock(&pf->mu);
            return;
        }
        struct pf_buf *b = &pf->buf[(pf->head + pf->n) % LT_PREFETCH_BUFS];
        uv_mutex_unlock(&pf->mu);

        /* only this thread touches b (not yet published) and the input */
        b->len = b->off = 0;
        enum lt_err e = LT_OK;
        while (b->len < LT_PREFETCH_BYTES && e == LT_OK) {
            size_t got = 0;
            e = lt_input_read(pf->in, b->p + b->len, LT_PREFETCH_BYTES - b->len, &got);
            b->len += got;
        }
        b->raw = pf->in->raw_bytes;

        uv_mutex_lock(&pf->mu);
        if (b->len)
            pf->n++;
        if (e != LT_OK) {
            pf->ended = true;
            pf->end_err = e;
        }
        uv_cond_broadcast(&pf->cv);
        uv_mutex_unlock(&pf->mu);
        if (e != LT_OK)
            return;
    }
}

static void pf_begin(void *ud, struct lt_input *in)
{
    struct lt_prefetch *pf = ud;
    pf->in = in;
    pf->head = pf->n = 0;
    pf->ended = pf->stop = false;
    pf->end_err = LT_END;
    /* a thread per file pays off for compressed input and for files large
       enough that the read copy shows (a small file is read in one go) */
    pf->threaded = (in->comp != LT_COMP_NONE || in->file_size >= LT_PREFETCH_PLAIN_MIN) &&
                   uv_thread_create(&pf->th, producer, pf) == 0;
}

static enum lt_err pf_read(void *ud, uint8_t *dst, size_t cap, size_t *got,
                           uint64_t *raw)
{
    struct lt_prefetch *pf = ud;
    if (!pf->threaded) {
        enum lt_err e = lt_input_read(pf->in, dst, cap, got);
        *raw = pf->in->raw_bytes;
        return e;
    }
    uv_mutex_lock(&pf->mu);
    while (pf->n == 0 && !pf->ended)
        uv_cond_wait(&pf->cv, &pf->mu);
    if (pf->n == 0) { /* ended, all handed out */
        *got = 0;
        *raw = pf->in->raw_bytes;
        enum lt_err e = pf->end_err;
        pf->end_err = LT_END; /* an error is reported once, as the input does */
        uv_mutex_unlock(&pf->mu);
        return e;
    }
    struct pf_buf *b = &pf->buf[pf->head];
    uv_mutex_unlock(&pf->mu);

    size_t take = b->len - b->off < cap ? b->len - b->off : cap;
    memcpy(dst, b->p + b->off, take);
    b->off += take;
    *got = take;
    *raw = b->raw;
    if (b->off == b->len) {
        uv_mutex_lock(&pf->mu);
        pf->head = (pf->head + 1) % LT_PREFETCH_BUFS;
        pf->n--;
        uv_cond_broadcast(&pf->cv);
        uv_mutex_unlock(&pf->mu);
    }
    return LT_OK;
}

static void pf_end(void *ud)
{
    struct lt_prefetch *pf = ud;
    if (pf->threaded) {
        uv_mutex_lock(&pf->mu);
        pf->stop = true;
        uv_cond_broadcast(&pf->cv);
        uv_mutex_unlock(&pf->mu);
        uv_thread_join(&pf->th);
        pf->threaded = false;
    }
    pf->in = NULL;
}

struct lt_pipe_source lt_prefetch_source(struct lt_prefetch *pf)
{
    return (struct lt_pipe_source){ pf, pf_begin, pf_read, pf_end };
}

struct lt_prefetch *lt_prefetch_new(void)
{
    struct lt_prefetch *pf = calloc(1, sizeof *pf);
    if (!pf)
        return NULL;
    for (int i = 0; i < LT_PREFETCH_BUFS; i++)
        if (!(pf->buf[i].p = malloc(LT_PREFETCH_BYTES))) {
            for (int k = 0; k < i; k++)
                free(pf->buf[k].p);
            free(pf);
            return NULL;
        }
    uv_mutex_init(&pf->mu);
    uv_cond_init(&pf->cv);
    return pf;
}

void lt_prefetch_free(struct lt_prefetch *pf)
{
    if (!pf)
        return;
    for (int i = 0; i < LT_PREFETCH_BUFS; i++)
        free(pf->buf[i].p);
    uv_cond_destroy(&pf->cv);
    uv_mutex_destroy(&pf->mu);
    free(pf);
}
