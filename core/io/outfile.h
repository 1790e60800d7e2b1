/* SPDX-License-Identifier: MIT */
/*
 * outfile.h - buffered output files (io layer; base/). Written to a
 * temporary name beside the target and renamed into place at commit, so a
 * reader never sees a half-written summary.json; or appended in place.
 * Every write error is reported with the path (a full disk is fatal for the
 * run, and cmd/ says so).
 */
#ifndef LT_IO_OUTFILE_H
#define LT_IO_OUTFILE_H

#include <stddef.h>

#include "../base/err.h"

struct lt_outfile {
    int fd;
    char path[4096];     /* final name */
    char tmp[4096];      /* temporary name; "" when writing in place */
    unsigned char *buf;  /* owned write buffer */
    size_t len, cap;
    char msg[4400];      /* last error: "cannot write 'PATH': strerror" */
};

/* Create path (atomic: via a temporary name, renamed at commit; else
   truncate path and write in place). LT_OK, LT_E_IO (msg), LT_E_NOMEM. */
enum lt_err lt_outfile_open(struct lt_outfile *o, const char *path, int atomic);
/* Append n bytes (buffered). LT_OK or LT_E_IO. */
enum lt_err lt_outfile_write(struct lt_outfile *o, const void *p, size_t n);
/* Flush, fsync-free close and, for atomic files, rename into place. */
enum lt_err lt_outfile_commit(struct lt_outfile *o);
/* Close without committing: an atomic file's temporary is removed. */
void lt_outfile_abort(struct lt_outfile *o);

/* Append p[0..n) to path (created if missing) and close it: for device
   files, which get one frame per input file. LT_OK or LT_E_IO with msg. */
enum lt_err lt_append_file(const char *path, const void *p, size_t n,
                           char *msg, size_t msg_cap);

/* mkdir -p dir. LT_OK or LT_E_IO with msg (msg_cap bytes). */
enum lt_err lt_mkdir_p(const char *dir, char *msg, size_t msg_cap);

#endif
