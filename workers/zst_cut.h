/* SPDX-License-Identifier: MIT */
/*
 * zst_cut.h - cut a torn last zstd frame off a device file (workers layer;
 * core/base). A process killed while appending a frame leaves a prefix of
 * it; cutting it gives back a sequence of whole frames (SPEC §6) for device
 * files the journal does not cover (no --resume journal, or none yet).
 * Walks frame and block headers only (RFC 8878 §3.1), reading a few bytes
 * per block, so a large file costs no decompression. Does not verify
 * content or checksums: a prefix is what a killed writer leaves.
 */
#ifndef LT_WORKERS_ZST_CUT_H
#define LT_WORKERS_ZST_CUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

/*
 * lt_zst_cut_torn() - truncate path after its last whole frame (zstd or
 * skippable); *new_len is its length afterwards (its size when nothing was
 * cut, 0 for an empty file). Returns LT_OK; LT_E_MALFORMED when bytes that
 * are not a frame (bad magic, reserved bits or block type) come before
 * the end: the file is left as it was, since that is damage, not a torn
 * tail; LT_E_IO (open/read/truncate); msg says which. Safe from any thread
 * on distinct files.
 */
enum lt_err lt_zst_cut_torn(const char *path, uint64_t *new_len,
                            char *msg, size_t msg_cap);

#endif
