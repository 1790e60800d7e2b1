/* SPDX-License-Identifier: MIT */
/*
 * scan_run.h - run `scan` over a list of files (workers layer: uses core/).
 * The files run on the pipeline's threads (pipeline.h); this file is its
 * writer: device files, --requests, the counts summary.json reports.
 */
#ifndef LT_WORKERS_SCAN_RUN_H
#define LT_WORKERS_SCAN_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/base/buf.h"
#include "core/base/limits.h"
#include "core/conf/manifest.h"
#include "core/io/walk.h"
#include "core/out/record.h"
#include "core/pipe/pipe.h"

enum lt_progress_mode { LT_PROGRESS_AUTO, LT_PROGRESS_BAR, LT_PROGRESS_LOG,
                        LT_PROGRESS_NONE };

/* What the user asked for (cmd/ fills it; echoed in summary.json). */
struct lt_scan_opts {
    const char *out_dir;
    const char *manifest_path;      /* NULL: none */
    const char *requests_path;      /* NULL: no --requests */
    const char *const *inputs;
    uint32_t n_inputs;
    uint32_t threads;
    uint32_t shard_index, shard_count;
    enum lt_values_mode values;
    enum lt_progress_mode progress;
    bool resume;
    int verbosity;                  /* -1 quiet, 0 normal, 1 verbose */
    struct lt_limits lim;
};

/* Leaks of one kind ("android_id", "custom:nickname"). */
struct lt_kind_count {
    char *kind;                      /* owned */
    uint64_t n;
};

struct lt_kind_counts {
    struct lt_kind_count *v;         /* owned */
    size_t n, cap;
};

/* One file of the run. */
struct lt_scan_file {
    const struct lt_input_file *in;  /* borrowed from the walk */
    char *device;                    /* owned device id */
    struct lt_file_result res;
    uint64_t leaks;                  /* records written for it */
    bool resumed;                    /* done by an earlier run (--resume) */
};

/* Where a device's flows went (summary.json devices[].destinations). */
#define LT_DEST_ADDRS 8              /* addresses listed per destination */
#define LT_DESTS_MAX 4096            /* destinations listed per device; the
                                        rest are summed under "(other)" */
struct lt_dest {
    char *host;                      /* owned; "(other)" past the cap */
    char addrs[LT_DEST_ADDRS][48];   /* text; the first ones seen */
    uint32_t n_addrs;
    uint64_t flows, bytes_sent, leaks;
    bool clear, tls;
};

/* An app seen on a device (PCAPdroid / AntMonitor metadata). */
struct lt_app_seen {
    char *app;                       /* owned: package or app name */
    uint64_t flows;
    struct lt_kind_counts leaks;
};

/* One device of the run, with its output file. */
struct lt_scan_device {
    char *id;                        /* owned */
    char *path;                      /* owned: OUT/<safe id>.jsonl.zst */
    struct lt_kind_counts leaks;
    struct lt_kind_counts file_leaks; /* the current file's, for the journal */
    struct lt_dest *dests;           /* owned, in order of first flow */
    size_t n_dests, dests_cap;
    uint32_t *dest_slots;            /* hash index: dests index + 1, 0 empty */
    size_t dest_mask;                /* slots - 1; 0 before the first */
    bool flushed;                    /* the current file appended a frame */
    struct lt_app_seen *apps;        /* owned, in order of first sight */
    size_t n_apps, apps_cap;
};

struct lt_scan {
    const struct lt_scan_opts *opts;
    const struct lt_manifest *manifest;  /* borrowed; may be empty */
    struct lt_scan_file *files;      /* in the order records are written */
    size_t n_files;
    double started;                  /* Unix time, seconds */
    double elapsed;                  /* seconds */
    struct lt_stats totals;
    struct lt_scan_device *devices;  /* owned, by first appearance */
    size_t n_devices;
    struct lt_kind_counts leaks;     /* all devices */
    uint64_t n_literals;             /* identifier variants matched */
    int signo;                       /* SIGINT/SIGTERM that stopped the run */
    char msg[4600];                  /* fatal error, for cmd/ */
};

/*
 * lt_scan_run() - process every file of s, writing --requests if asked.
 * Per-file results land in s->files[i].res and s->totals. Returns LT_OK
 * (even if files had errors); LT_E_INTERRUPTED after SIGINT/SIGTERM
 * (s->signo; the files before the first incomplete one are written); or
 * LT_E_IO / LT_E_NOMEM for a fatal problem. s->msg describes the last two.
 */
enum lt_err lt_scan_run(struct lt_scan *s);

/* Add n leaks of kind to c. LT_OK or LT_E_NOMEM. */
enum lt_err lt_kind_count_add(struct lt_kind_counts *c, const char *kind,
                              uint64_t n);

/* Write OUT/summary.json atomically. LT_OK or LT_E_IO with s->msg. */
enum lt_err lt_scan_write_summary(struct lt_scan *s);

/* Free what lt_scan_run allocated in s (devices, counts). */
void lt_scan_release(struct lt_scan *s);

#endif
