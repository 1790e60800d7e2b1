/* SPDX-License-Identifier: MIT */
/*
 * devframes.h - a file's leak records framed per device on the worker's
 * side (workers layer): records of each device are gathered, compressed
 * into whole zstd frames (a new one every LT_DEVFRAME_BYTES) and handed on
 * as frame items, with the file's counts by (device, app, kind) at its
 * end. The writer then only appends frames: compression runs on the
 * worker threads, in parallel.
 *
 * Frame boundaries depend on the record sequence of a device in a file
 * only, so they are the same whatever the threads.
 */
#ifndef LT_WORKERS_DEVFRAMES_H
#define LT_WORKERS_DEVFRAMES_H

#include "core/base/buf.h"
#include "core/out/zframe.h"
#include "core/pipe/chunk.h"

#define LT_DEVFRAME_BYTES (8u << 20) /* records per frame, before compression */

struct devframes_dev;   /* one device's records of the file */
struct devframes_count; /* records of one (device, app, kind) */

struct lt_devframes {
    struct lt_pipe_hooks out;        /* where frames, counts and the other
                                        items go (a piece writer) */
    struct lt_zframe *z;
    struct lt_buf frame;             /* compression output */
    struct devframes_dev *devs;
    size_t n_devs, cap_devs;
    struct devframes_count *counts;
    size_t n_counts, cap_counts;
    enum lt_err err;                 /* first failure (out of memory) */
};

/* LT_OK or LT_E_NOMEM. out is copied. */
enum lt_err lt_devframes_init(struct lt_devframes *df, const struct lt_pipe_hooks *out);
void lt_devframes_release(struct lt_devframes *df);

/* Hooks (ud = df) for the items of one file, in their order: records are
   framed, everything else goes straight on. */
struct lt_pipe_hooks lt_devframes_hooks(struct lt_devframes *df);

/* End of the file of device own: every device's last frame (own's even
   when empty: every device file of the run is a zstd stream), then the
   counts. Ready for the next file. Returns df->err (then reset). */
enum lt_err lt_devframes_finish(struct lt_devframes *df, const char *own);

#endif
