/* SPDX-License-Identifier: MIT */
/*
 * zframe.h - compress finished JSON lines into independent zstd frames
 * (out layer; base/). A device file is a sequence of frames, each holding
 * whole lines, so files of several shards concatenate and a torn last frame
 * can be cut off. One context per thread, reused.
 */
#ifndef LT_OUT_ZFRAME_H
#define LT_OUT_ZFRAME_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"

struct lt_zframe; /* opaque */

/* level: zstd level (3 is the default). NULL when out of memory. */
struct lt_zframe *lt_zframe_new(int level);
void lt_zframe_free(struct lt_zframe *z);

/* Compress src[0..n) as one whole frame appended to dst (n may be 0: an
   empty frame). The frame records its content size and a checksum. dst
   must be able to grow by ZSTD_compressBound(n) under its cap. LT_OK,
   LT_E_LIMIT/LT_E_NOMEM (dst's cap, or zstd out of memory), LT_E_MALFORMED
   (zstd failed otherwise); on error dst keeps its length. */
enum lt_err lt_zframe_compress(struct lt_zframe *z, const void *src, size_t n,
                               struct lt_buf *dst);

#endif
