/* SPDX-License-Identifier: MIT */
/*
 * merge.h - join the outputs of several shards (`leaktrawl merge`, SPEC §2)
 * (workers layer). Device files: the zstd frames of every shard, ordered by
 * the capture path of their records, so a merged device file holds its
 * records in the order one unsharded run writes them. summary.json: files
 * listed together (sorted by path), counters summed, devices joined by id.
 */
#ifndef LT_WORKERS_MERGE_H
#define LT_WORKERS_MERGE_H

#include <stddef.h>

#include "core/base/err.h"

/* Merge shard output directories into out (created). LT_OK; LT_E_IO or
   LT_E_MALFORMED (a shard's summary.json or device file is unreadable)
   with msg; LT_E_NOMEM. Memory: one device file of every shard at a time. */
enum lt_err lt_merge(const char *out, const char *const *shards, size_t n,
                     char *msg, size_t msg_cap);

#endif
