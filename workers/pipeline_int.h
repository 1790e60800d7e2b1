/* SPDX-License-Identifier: MIT */
/*
 * pipeline_int.h - what pipeline.c and split.c share: a file's slot, the
 * pieces that carry its results to the writer, and the run's lock.
 */
#ifndef LT_WORKERS_PIPELINE_INT_H
#define LT_WORKERS_PIPELINE_INT_H

#include <stdatomic.h>
#include <uv.h>

#include "devframes.h"
#include "pipeline.h"
#include "prefetch.h"

#define PIECE_BYTES (1u << 20)     /* items per piece before it is handed on */
#define QUEUED_MAX (64u << 20)     /* piece bytes a file ahead may queue */

struct piece {
    struct piece *next;
    struct lt_chunk c;             /* items in replay order */
};

struct run;

/* One file in flight. */
struct slot {
    size_t idx;                    /* in the run's files */
    struct piece *head, *tail;     /* waiting for the writer */
    size_t queued;                 /* their bytes */
    bool done;                     /* res is final */
    bool at_head;                  /* the writer is on it: never waits */
    bool begun;                    /* the sink's file_begin was called */
    bool interrupted;              /* stopped before its end */
    enum lt_err err;               /* a fatal (ENV) error of the worker */
    struct lt_file_result res;
};

struct run {
    const struct lt_pipeline_cfg *cfg;
    const struct lt_pipeline_file *files;
    size_t n_files;
    uv_mutex_t mu;                 /* slots, pieces, job hand-out */
    uv_cond_t cv;                  /* a slot's queue shrank, or a job came */
    uv_async_t wake;               /* pieces or a finished file to write */
    atomic_int stop;               /* SIGINT/SIGTERM seen */
    atomic_uint_fast64_t bytes_read;
};

/* Pieces of one producer for one slot: hooks that append items, and push
   each full piece to the writer. */
struct piece_writer {
    struct run *r;
    struct slot *s;
    struct piece *cur;
    enum lt_err err;               /* out of memory for a piece */
};

void pw_init(struct piece_writer *w, struct run *r, struct slot *s);
/* Hand over the current piece (if any). */
void pw_flush(struct piece_writer *w);
/* Hooks whose ud is a struct piece_writer. */
extern const struct lt_pipe_hooks pw_hooks_template;

/* Run the file of slot s split across cfg->threads shards, reading in
   this thread with p, whose hooks still take the reader's warnings
   (split.c). Fills s->res; the merged items go to out, in order. */
enum lt_err split_run_file(struct run *r, struct lt_pipe *p, struct slot *s,
                           const struct lt_pipe_hooks *out);

#endif
