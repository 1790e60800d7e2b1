/* SPDX-License-Identifier: MIT */
/*
 * walk.h - expand the INPUT arguments of `leaktrawl scan` into the list of
 * files to read (io layer; base/). SPEC §2: directories are walked
 * recursively in byte-wise sorted order, hidden entries skipped.
 * Only lists: opening and sniffing is input.h's job.
 */
#ifndef LT_IO_WALK_H
#define LT_IO_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/* One file to read. Strings are owned by the list. */
struct lt_input_file {
    char *path;    /* path to open: the INPUT (trailing '/' removed) joined with rel */
    char *rel;     /* path relative to its INPUT root, '/'-separated; for a file
                      named directly (or an INPUT that cannot be read): its base name */
    uint32_t root; /* index of the INPUT it came from */
    bool named;    /* named directly on the command line (not found in a walk) */
    uint64_t size; /* from stat (0 with error set, or for a pipe) */
    int64_t mtime_ns; /* from stat: modification time (0 with error set) */
    char *error;   /* NULL, or why it cannot be read ("No such file or
                      directory"): the run reports it, it does not stop */
};

struct lt_input_list {
    struct lt_input_file *files;
    size_t n;
};

/*
 * lt_walk_inputs() - expand inputs[0..n_inputs) into out (which it
 * initialises), in input order; within one directory INPUT the files are
 * sorted by rel, byte-wise (strcmp).
 *   - an INPUT that is not a directory is one entry, named = true, rel = its
 *     base name; symlinks are followed; a FIFO or character device (process
 *     substitution, /dev/stdin) is listed too, the reader decides;
 *   - a directory (or a symlink to one) is walked: entries whose name starts
 *     with '.' are skipped, regular files listed, symlinks to regular files
 *     followed (path and rel keep the link's name), symlinks to directories
 *     not followed (so no loops), other file types skipped;
 *   - a missing or unreadable INPUT is one entry with error set; so is a
 *     subdirectory that cannot be opened (rel is the directory's) and a
 *     dangling symlink inside a walk.
 * Returns LT_OK or LT_E_NOMEM (out is then empty).
 * Touches the file system; no other state. Release with
 * lt_input_list_release().
 */
enum lt_err lt_walk_inputs(const char *const *inputs, size_t n_inputs, struct lt_input_list *out);

/* Free everything l owns and leave it empty. */
void lt_input_list_release(struct lt_input_list *l);

#endif
