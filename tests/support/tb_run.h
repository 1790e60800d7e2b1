/* SPDX-License-Identifier: MIT */
/*
 * tb_run.h - run the built leaktrawl binary from a test, the way a user
 * or a batch system does: with a signal at a given moment, or a file-size
 * limit standing in for a full disk; and read what it wrote.
 */
#ifndef TB_RUN_H
#define TB_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "tb_buf.h"

struct tb_run_opts {
    const char *const *env;  /* "NAME=value" additions, NULL-terminated, or NULL */
    const char *err_path;    /* stderr goes there (NULL: /dev/null) */
    double signal_after_s;   /* > 0: send `signal` after that many seconds */
    int signal;
    long fsize_limit;        /* > 0: RLIMIT_FSIZE in bytes (SIGXFSZ ignored) */
    long cpu_limit_s;        /* > 0: RLIMIT_CPU (a hang ends as SIGXCPU) */
};

/* Path of the leaktrawl binary (LT_BINARY_DIR/cmd/leaktrawl). */
const char *tb_leaktrawl(void);

/* Run leaktrawl with args (NULL-terminated, without argv[0]). Returns the
   exit code, or 128 + the signal that ended it (as a shell reports). */
int tb_run(const struct tb_run_opts *o, const char *const *args);

/* Seconds the last tb_run() took, and its peak resident set (KiB). */
double tb_run_last_seconds(void);
long tb_run_last_rss_kb(void);

/* Whole file as a NUL-terminated string, or NULL. Free with free(). */
char *tb_slurp(const char *path);

/* Decompress a whole zstd file (a sequence of frames) into out. false
   when it is not a sequence of whole frames (or cannot be read). */
bool tb_unzstd_file(const char *path, struct tb_buf *out);

#endif
