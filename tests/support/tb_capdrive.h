/* SPDX-License-Identifier: MIT */
/*
 * tb_capdrive.h - drive lt_capture_next() over an in-memory capture the way
 * pipe/ does (a window of at most max_record + 64 KiB, refilled in chunks)
 * and write what came out as a text transcript, so tests and fuzz targets
 * compare whole-buffer and chunked runs. Needs lt_fmt at link time (kept
 * apart from tb_capture.c, which needs nothing).
 */
#ifndef TB_CAPDRIVE_H
#define TB_CAPDRIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/fmt/capture.h"
#include "tb_buf.h"

#define TB_CAPDRIVE_SLACK (64u << 10) /* window = max_record + this */

/*
 * tb_capdrive() - read cap[0..n) as format fmt with limits lim and append
 * the transcript to out: per packet
 *   "pkt if=<ifindex> lt=<linktype> ts=<ts_ns> cap=<caplen> orig=<origlen>
 *    fnv=<hash of data> cmt=<comment>"
 * per PCAPdroid custom block (packet-less LT_OK)
 *   "custom ts=<ts_ns> len=<custom.len> fnv=<hash of custom>"
 * per error "err <code> <msg>", then "finish <code> [<msg>]" or "end".
 * rng NULL: one window holding everything (whole-buffer run); else each
 * LT_AGAIN appends one chunk of 1..max_chunk bytes (so the reader also sees
 * windows shorter than r.need). st (may be NULL) receives the counters.
 * Aborts (a test failure) when the reader breaks its contract: *used > n,
 * a packet outside the window, r.need over max_record + 64 KiB, or an
 * LT_AGAIN that consumed nothing while the window already held r.need.
 */
void tb_capdrive(const uint8_t *cap, size_t n, enum lt_capfmt fmt,
                 const struct lt_limits *lim, struct tb_rng *rng,
                 size_t max_chunk, struct tb_buf *out, struct lt_stats *st);

#endif
