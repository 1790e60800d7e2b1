/* SPDX-License-Identifier: MIT */
/*
 * journal.h - the resume journal OUT/journal.jsonl behind `scan --resume`
 * (SPEC §6; workers layer: core/base, jansson, libcrypto). It records each
 * completed input (key, size, mtime, content fingerprint, the caller's
 * summary entry) and the length of the device files after it, so a resumed
 * run cuts the device files back to the last committed input, skips what
 * is done and ends with the records an uninterrupted run writes.
 *
 * Protocol for the scan loop, in this order:
 *   lt_journal_open()             before any device file is touched
 *   lt_journal_restore_devices()  device files = what the journal committed
 *                                 (with a fresh journal: none)
 *   per input: lt_journal_done()? skip : process, append its frames, then
 *   lt_journal_commit()
 *
 * Crash model: a commit is one write() of one line on an O_APPEND fd after
 * the input's frames were appended. A process killed at any moment (SIGKILL
 * too: the page cache survives it) leaves whole lines plus at most one torn
 * line, which the next open ignores and cuts off; frames appended after the
 * last commit are cut by lt_journal_restore_devices(). Surviving a machine
 * crash needs LT_JOURNAL_SYNC (device files, then the line, fdatasync'ed).
 *
 * File format, one JSON object per line:
 *   {"journal":1,"options":"<options fingerprint>"}                  line 1
 *   {"path":"<key>","size":N,"mtime_ns":N,"fp":"<64 hex>",
 *    "result":{...},"devices":{"<device file name>":<length>,...}}   per input
 * "path_hex" replaces "path" for a key that is not UTF-8. "devices" lists
 * the files the input changed; the others keep their earlier length. A key
 * committed again replaces its earlier entry.
 *
 * Not thread-safe: one thread (the device-file writer) owns a journal.
 * Doesn't decide policy: what a changed input means is the caller's call.
 */
#ifndef LT_WORKERS_JOURNAL_H
#define LT_WORKERS_JOURNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

#define LT_JOURNAL_NAME "journal.jsonl"    /* in OUT */
#define LT_JOURNAL_FP_HEX 65               /* 64 hex digits and a NUL */
#define LT_JOURNAL_LINE_MAX ((size_t)1 << 20) /* bytes per line, '\n' included */

enum lt_journal_flags {
    LT_JOURNAL_RESUME = 1u << 0, /* continue the journal in OUT (`true` works) */
    LT_JOURNAL_SYNC = 1u << 1,   /* fdatasync at each commit (machine crashes) */
};

struct lt_journal; /* opaque */

/* A committed input. Strings are owned by the journal. */
struct lt_journal_entry {
    const char *key;
    uint64_t size;
    int64_t mtime_ns;
    uint8_t fp[32];              /* the fingerprint, binary */
};

/*
 * lt_journal_fingerprint() - content fingerprint of the input at path, as
 * 64 lowercase hex digits in out_hex: SHA-256 over size (as given: the
 * caller's stat) and the first and last MiB (the whole file up to 2 MiB).
 * Why not a hash of everything: inputs reach terabytes and resume must be
 * cheap; with size and mtime it catches a replaced or re-recorded capture,
 * not an edit in the middle of the same length with the mtime put back.
 * LT_OK; LT_E_IO (cannot read, or shorter than size: changed under us) or
 * LT_E_UNSUPPORTED (a pipe or device: never resumable), both with msg.
 * Safe from any thread.
 */
enum lt_err lt_journal_fingerprint(const char *path, uint64_t size,
                                   char out_hex[LT_JOURNAL_FP_HEX],
                                   char *msg, size_t msg_cap);

/*
 * lt_journal_open() - open OUT/journal.jsonl (out_dir must exist). Without
 * LT_JOURNAL_RESUME the journal starts afresh (earlier content dropped).
 * With it, the journal is loaded: a torn or unparsable last line is ignored
 * and cut off; no journal (or only a torn header) starts afresh with a note
 * in msg. options_fp (borrowed; any string) names the options the records
 * depend on; a resumed journal must have been written with the same one.
 * An exclusive flock keeps a second run off the same OUT.
 * Returns LT_OK (msg is "" or a note), or with msg:
 *   LT_E_IO          cannot open/read/write/lock the journal (path named)
 *   LT_E_MALFORMED   a line before the last is broken (line number named)
 *   LT_E_UNSUPPORTED written with other options or by another version
 *   LT_E_NOMEM
 * *jp is set on LT_OK only; lt_journal_close() it.
 */
enum lt_err lt_journal_open(struct lt_journal **jp, const char *out_dir,
                            const char *options_fp, unsigned flags,
                            char *msg, size_t msg_cap);

/* Close and free j (NULL does nothing). Closing is not a commit point:
   every commit is already on disk. */
void lt_journal_close(struct lt_journal *j);

/*
 * lt_journal_restore_devices() - make every device file (*.jsonl.zst) in
 * OUT what the journal committed: longer files are truncated to their
 * committed length, files it never committed are removed, a committed empty
 * file that is missing is created. Nothing is changed if a file is shorter
 * than committed or missing (written without LT_JOURNAL_SYNC before a
 * machine crash): LT_E_IO names the file and says to run without --resume.
 * Also LT_E_IO (cannot list/stat/truncate, msg) or LT_E_NOMEM.
 */
enum lt_err lt_journal_restore_devices(struct lt_journal *j, char *msg,
                                       size_t msg_cap);

/* The committed entry for key, whatever its size or content, or NULL: to
   tell a changed input from a new one. Valid until the next commit. */
const struct lt_journal_entry *lt_journal_find(const struct lt_journal *j,
                                               const char *key);

/* The committed entry for key if size, mtime_ns and fp_hex (64 hex digits)
   all match it, else NULL: the input is done. Valid until the next commit. */
const struct lt_journal_entry *lt_journal_done(const struct lt_journal *j,
                                               const char *key, uint64_t size,
                                               int64_t mtime_ns,
                                               const char *fp_hex);

/* Committed length of OUT/<name> (a device file name, "dev.jsonl.zst");
   0 when never committed. */
uint64_t lt_journal_device_len(const struct lt_journal *j, const char *name);

/*
 * lt_journal_commit() - record that the input key (size, mtime_ns, fp_hex)
 * is complete: its frames are in the device files dev_names[0..n_devs)
 * (file names in OUT), which are now dev_lens[i] bytes long (dev_lens NULL:
 * their sizes are read with stat). result (borrowed, a JSON object: the
 * input's summary entry and counts) comes back from lt_journal_result().
 * Call after the frames were appended. On error nothing is committed and
 * the journal holds no partial line. Returns LT_OK, or with msg:
 *   LT_E_IO          write/stat/sync failed (ENOSPC, EACCES...; path named)
 *   LT_E_LIMIT       the line would pass LT_JOURNAL_LINE_MAX
 *   LT_E_MALFORMED   bad arguments (fp_hex not 64 hex digits, result not an
 *                    object, a device name not "<x>.jsonl.zst" in OUT)
 *   LT_E_NOMEM
 */
enum lt_err lt_journal_commit(struct lt_journal *j, const char *key,
                              uint64_t size, int64_t mtime_ns,
                              const char *fp_hex, json_t *result,
                              const char *const *dev_names,
                              const uint64_t *dev_lens, size_t n_devs,
                              char *msg, size_t msg_cap);

/* Committed inputs, in order of first commit: entry i for i < count, valid
   until the next commit. */
size_t lt_journal_count(const struct lt_journal *j);
const struct lt_journal_entry *lt_journal_entry_at(const struct lt_journal *j,
                                                   size_t i);

/* The result object committed with e (read back from the file: results are
   not held in memory). *result is a new reference. LT_OK, LT_E_IO or
   LT_E_MALFORMED (the journal changed under us), LT_E_NOMEM; msg. */
enum lt_err lt_journal_result(const struct lt_journal *j,
                              const struct lt_journal_entry *e,
                              json_t **result, char *msg, size_t msg_cap);

#endif
