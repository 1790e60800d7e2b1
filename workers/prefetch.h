/* SPDX-License-Identifier: MIT */
/*
 * prefetch.h - the input stage (workers layer): for a compressed or a
 * large file, a thread reads and decompresses ahead into a few buffers
 * while the pipe parses what came before, so reading (the kernel's copy
 * from the page cache is a quarter of the work on TLS-heavy captures),
 * decompression and parsing overlap. Small plain files are read in the
 * pipe's thread. A lt_pipe_source (core/pipe/pipe.h).
 */
#ifndef LT_WORKERS_PREFETCH_H
#define LT_WORKERS_PREFETCH_H

#include "core/pipe/pipe.h"

#define LT_PREFETCH_BUFS 4            /* buffers decompressed ahead */
#define LT_PREFETCH_BYTES (1u << 20)  /* bytes per buffer */
#define LT_PREFETCH_PLAIN_MIN (16u << 20) /* plain files read ahead from */

struct lt_prefetch; /* opaque */

/* NULL when out of memory. */
struct lt_prefetch *lt_prefetch_new(void);
void lt_prefetch_free(struct lt_prefetch *pf); /* NULL does nothing */

/* The source for lt_pipe_set_source(), reading through pf. */
struct lt_pipe_source lt_prefetch_source(struct lt_prefetch *pf);

#endif
