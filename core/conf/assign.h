/* SPDX-License-Identifier: MIT */
/*
 * assign.h - which device a capture file belongs to when no manifest entry
 * claims it, device ids as file names, and which shard of a run processes
 * a file (conf layer; base/). SPEC §2 (--shard, Slurm), §3, §4.
 * Pure functions, safe from any thread.
 */
#ifndef LT_CONF_ASSIGN_H
#define LT_CONF_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/*
 * lt_device_from_path() - SPEC §3: the device of a file no manifest entry
 * claims: its first directory under the INPUT root ("dev1/a/b.pcap" ->
 * "dev1"), or for a file directly in the root its name up to the first dot
 * ("phone.2020-05.pcap" -> "phone"). Hidden files never get here (the walk
 * skips them); an empty result (".x", "/x") becomes "_".
 * Writes a NUL-terminated string of at most out_cap - 1 bytes (truncated
 * when longer); out_cap == 0 writes nothing.
 */
void lt_device_from_path(const char *rel_path, char *out, size_t out_cap);

/*
 * lt_device_safe_name() - SPEC §4: a device id as a file name: every byte
 * outside [A-Za-z0-9._-] becomes '_'; "", "." and ".." become "_", "_" and
 * "__". Same output rules as lt_device_from_path() (truncated to
 * out_cap - 1 bytes: callers use a buffer large enough for their ids).
 */
void lt_device_safe_name(const char *id, char *out, size_t out_cap);

/* Shard index of count (0 <= index < count). {0, 1} is the whole run. */
struct lt_shard {
    uint32_t index, count;
};

/*
 * lt_shard_parse() - parse "I/N": decimal digits only (no sign, space or
 * other junk), 0 <= I < N <= UINT32_MAX. LT_OK, or LT_E_MALFORMED with msg
 * ("invalid shard 'S': ...", msg may be NULL/0); *out is set only on LT_OK.
 */
enum lt_err lt_shard_parse(const char *s, struct lt_shard *out, char *msg, size_t msg_cap);

/*
 * lt_shard_from_env() - SPEC §2: inside a Slurm job array (both
 * SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT set and non-empty),
 * I = (ID - MIN) / STEP (SLURM_ARRAY_TASK_MIN defaults to 0,
 * SLURM_ARRAY_TASK_STEP to 1) and N = COUNT, *found = true.
 * Not in an array: *found = false, *out = {0, 1}, LT_OK.
 * LT_E_MALFORMED with msg when a variable is not a decimal number, STEP or
 * COUNT is 0, ID < MIN, ID - MIN is not a multiple of STEP or I >= N
 * (*found = true then, *out = {0, 1}).
 * get is getenv-like (tests pass their own); its strings are borrowed.
 */
enum lt_err lt_shard_from_env(struct lt_shard *out, bool *found,
                              const char *(*get)(const char *name), char *msg, size_t msg_cap);

/* Stable across runs and machines: 64-bit FNV-1a (base/hash.h) of rel_path
   (the path relative to its INPUT root) modulo count equals index.
   A count of 0 is treated as 1. */
bool lt_shard_owns(const struct lt_shard *s, const char *rel_path);

#endif
