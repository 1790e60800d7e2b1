/* SPDX-License-Identifier: MIT */
/*
 * pipe.h - one input file through every layer, in one thread (pipe layer:
 * the only layer that sees all others: io → fmt → flow → http).
 *
 * A pipe owns one thread's reusable state: the input window, the capture
 * reader and one shard (flowshard.h) for the flow side. Files go through it one
 * after the other; each file's flows are flushed at its end (flows never
 * span files). Every LT_TICK_PACKETS packets the flows' clock ticks and
 * what the shard emitted is replayed, sorted by frame, into the hooks
 * (chunk.h); a file read with a split hands its packets to other shards
 * instead, and the caller replays their chunks.
 *
 * Not here: threads (workers/), option parsing and exit codes (cmd/).
 */
#ifndef LT_PIPE_PIPE_H
#define LT_PIPE_PIPE_H

#include <stdatomic.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/limits.h"
#include "../base/stats.h"
#include "../conf/addrmap.h"
#include "../fmt/capture.h"
#include "../http/http1.h"
#include "../io/input.h"
#include "chunk.h"
#include "leaks.h"
#include "flowshard.h"

/* The split of a file across shards that run elsewhere (workers/): the
   reader hands over every packet with its flow's hash (the same for both
   directions, lt_flow_hash), and ticks. The split sends all packets of a
   flow to one shard, and packets that may name addresses
   (lt_flowshard_pkt_names) to the others too, as shadows. Borrowed for
   the call. */
struct lt_pipe_split {
    void *ud;
    void (*packet)(void *ud, uint64_t flow_hash, const struct lt_flowshard_pkt *pkt);
    /* Every shard: advance the clock; the items emitted since the last
       tick form one chunk. */
    void (*tick)(void *ud, int64_t now);
};

enum lt_file_status { LT_FILE_OK, LT_FILE_ERROR, LT_FILE_SKIPPED };

/* Name for summary.json: "ok", "error", "skipped". */
const char *lt_file_status_name(enum lt_file_status s);

struct lt_file_result {
    enum lt_file_status status;
    enum lt_capfmt fmt;
    enum lt_compression comp;
    uint64_t bytes_read;      /* bytes read from disk */
    uint64_t bytes_decoded;   /* bytes after input decompression */
    uint64_t n_warnings;      /* bad-input events counted, file kept going */
    char error[512];          /* why the file stopped early (status error or
                                 skipped), else the first warning, else "" */
    struct lt_stats st;
};

struct lt_pipe; /* opaque */

/* NULL when out of memory. cfg and hooks are copied (not what they point
   to: that is borrowed). */
struct lt_pipe *lt_pipe_new(const struct lt_pipe_cfg *cfg,
                            const struct lt_pipe_hooks *hooks);
void lt_pipe_free(struct lt_pipe *p); /* NULL does nothing */

/* Where the pipe's bytes come from, when not straight from lt_input_read
   on the file it opened: a source may decompress ahead on another thread
   (workers/prefetch.h). Calls come from the pipe's thread. */
struct lt_pipe_source {
    void *ud;
    /* in is open (borrowed until end). */
    void (*begin)(void *ud, struct lt_input *in);
    /* lt_input_read's contract; *raw: bytes of the file read so far. */
    enum lt_err (*read)(void *ud, uint8_t *dst, size_t cap, size_t *got,
                        uint64_t *raw);
    /* Before in is closed: stop reading it. */
    void (*end)(void *ud);
};

/* Use src (copied; NULL: lt_input_read) from the next file on. */
void lt_pipe_set_source(struct lt_pipe *p, const struct lt_pipe_source *src);

/* Replace the hooks given to lt_pipe_new (between files). */
void lt_pipe_set_hooks(struct lt_pipe *p, const struct lt_pipe_hooks *hooks);

/* Let another thread watch and stop the pipe: *bytes_read grows with the
   bytes read from disk as the file goes (for progress); when *stop turns
   non-zero the current file ends at its next read, as an error
   "interrupted". Either may be NULL. */
void lt_pipe_watch(struct lt_pipe *p, const atomic_int *stop,
                   atomic_uint_fast64_t *bytes_read);

#define LT_TICK_PACKETS 8192u           /* packets between two ticks */
#define LT_TICK_BYTES (16u << 20)       /* or captured bytes, if sooner */

/*
 * lt_pipe_run_file() - read path (shown as name in messages and records),
 * a capture or HAR file of device, to its end. A HAR document is held in
 * memory whole: larger than lim->max_har, it is an error of that file. skip_unknown: a file of no known format is LT_FILE_SKIPPED
 * (found in a directory walk) instead of LT_FILE_ERROR (named by the user).
 * Bad input never stops the run: it is counted and described in *res.
 * Returns LT_OK, or an ENV-class error (LT_E_NOMEM) that cmd/ may treat as
 * fatal; *res is filled in every case.
 */
enum lt_err lt_pipe_run_file(struct lt_pipe *p, const char *path,
                             const char *name, const char *device,
                             int skip_unknown, struct lt_file_result *res);

/*
 * lt_pipe_run_file_split() - the same, with the flows of a pcap or pcapng
 * file handed to split's shards (a HAR file still runs here). The caller
 * adds the shards' counters to res->st and replays their last chunks
 * (after its own lt_flowshard_finish) when this returns.
 */
enum lt_err lt_pipe_run_file_split(struct lt_pipe *p, const char *path,
                                   const char *name, const char *device,
                                   int skip_unknown, struct lt_file_result *res,
                                   const struct lt_pipe_split *split);

#endif
