/* SPDX-License-Identifier: MIT */
/*
 * pipeline.h - run files on threads and hand their results back in order
 * (workers layer, on libuv).
 *
 * Stages: worker threads read files (input decompression, capture
 * parsing) and run their flows (core/pipe); a file at least split_bytes
 * large is read by one thread while its flows run on `threads` shards,
 * one of them in the reading thread (split.c). Records are framed and
 * compressed per device on the workers (devframes.h). Results travel as
 * pieces (ordered items, chunk.h) to the main thread, the writer, which
 * replays them into the sink file by file in the run's order: so output
 * bytes do not depend on the threads.
 * Memory is bounded by the files in flight (threads + 2) and a cap on the
 * pieces queued behind the file being written (a worker ahead waits).
 *
 * The main thread's libuv loop also owns SIGINT/SIGTERM (stop reading,
 * let the sink commit the files already complete) and the progress timer.
 */
#ifndef LT_WORKERS_PIPELINE_H
#define LT_WORKERS_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pipe/pipe.h"

/* What the pipeline runs. */
struct lt_pipeline_file {
    const char *path;          /* to open */
    const char *name;          /* as records show it */
    const char *device;
    uint64_t size;             /* bytes on disk, for progress and splitting */
    bool skip_unknown;         /* found in a walk: unknown formats skipped */
    bool run;                  /* false: nothing to read (the sink decided) */
};

struct lt_pipeline_sink {
    void *ud;
    struct lt_pipe_hooks hooks;  /* items of the file being committed */
    /* Before file i's items are replayed. */
    void (*file_begin)(void *ud, size_t i);
    /* File i is complete (res filled; for a file not run, res is zeroed):
       commit it. A non-OK return stops the run (fatal). */
    enum lt_err (*file_done)(void *ud, size_t i, struct lt_file_result *res);
    /* Every so often on the main thread: bytes read so far, files done. */
    void (*progress)(void *ud, uint64_t bytes, size_t files, bool final);
    double progress_every;       /* seconds; 0: never */
};

struct lt_pipeline_cfg {
    const struct lt_pipe_cfg *pipe;
    uint32_t threads;            /* 1: everything on the calling thread */
    uint64_t split_bytes;        /* files at least this large: split */
};

/*
 * lt_pipeline_run() - run files[0..n) through sink. Returns LT_OK;
 * LT_E_INTERRUPTED after SIGINT/SIGTERM (*signo set; files committed up to
 * the first not complete); LT_E_NOMEM; or file_done's error. msg gets a
 * description of a fatal error.
 */
enum lt_err lt_pipeline_run(const struct lt_pipeline_cfg *cfg,
                            const struct lt_pipeline_file *files, size_t n,
                            const struct lt_pipeline_sink *sink, int *signo,
                            char *msg, size_t msg_cap);

#endif
