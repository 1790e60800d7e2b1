/* SPDX-License-Identifier: MIT */
/*
 * pipe.h - one input file through every layer, single-threaded (pipe layer:
 * the only layer that sees all others: io → fmt → flow → http).
 *
 * A pipe owns one thread's reusable state: the input window, the flow table,
 * the HTTP scratch. Files go through it one after the other; each file's
 * flows are flushed at its end (flows never span files). The caller gets
 * every completed HTTP request through a hook, with where and when it was
 * seen, and a per-file result with counters.
 *
 * Not here: threads (workers/), option parsing and exit codes (cmd/).
 */
#ifndef LT_PIPE_PIPE_H
#define LT_PIPE_PIPE_H

#include <stdint.h>

#include "../base/err.h"
#include "../base/limits.h"
#include "../base/stats.h"
#include "../conf/addrmap.h"
#include "../fmt/capture.h"
#include "../http/http1.h"
#include "../io/input.h"
#include "leaks.h"

/* A finished flow, as summary.json's destinations count it. Borrowed. */
struct lt_flow_summary {
    const char *device;        /* whose flow (see the leak hook) */
    const char *app;           /* the sending app, or "" */
    const char *host;          /* HTTP Host, else TLS server name, else the
                                  DNS name of the address, else "" */
    uint8_t ip_version;
    const uint8_t *addr;       /* the destination (the server side) */
    uint64_t bytes_sent;       /* stream bytes from the client */
    bool clear;                /* plaintext HTTP requests were seen */
    bool tls;                  /* a TLS ClientHello was seen */
    uint32_t leaks;            /* records written for its messages */
};

struct lt_pipe_hooks {
    void *ud;
    /* One complete HTTP request. */
    void (*request)(void *ud, const struct lt_msg_ctx *ctx,
                    const struct lt_http_request *req);
    /* A message about bad input, already naming the file and offset, e.g.
       "pcapng: block length 13 is not a multiple of 4 at offset 4096 in
       'dev42/a.pcapng'". At most a few per file; the rest are counted. */
    void (*warn)(void *ud, const char *msg);
    /* One leak record line (newline included) of the current file, for
       device (the file's device, or the one the manifest's addresses give
       the flow in a shared capture); app: the sending app or "". */
    void (*leak)(void *ud, const char *device, const char *app,
                 const char *kind, const uint8_t *line, size_t len);
    /* A TCP flow of the current file ended (may be NULL). */
    void (*flow)(void *ud, const struct lt_flow_summary *fs);
};

/* What every file of a run shares. All borrowed for the pipe's life. */
struct lt_pipe_cfg {
    const struct lt_limits *lim;
    struct lt_detectors det;             /* each NULL when off */
    const struct lt_addr_map *addrs;     /* NULL: no shared captures */
    enum lt_values_mode values;
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

#endif
