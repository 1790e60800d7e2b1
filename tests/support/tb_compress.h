/* SPDX-License-Identifier: MIT */
/*
 * tb_compress.h - compress a buffer in memory for fixtures: gzip, zlib, raw
 * deflate (zlib), brotli, zstd, xz. Aborts on failure (fixtures only).
 */
#ifndef TB_COMPRESS_H
#define TB_COMPRESS_H

#include "tb_buf.h"

enum tb_codec { TB_GZIP, TB_ZLIB, TB_DEFLATE, TB_BROTLI, TB_ZSTD, TB_XZ };

/* Append the compressed form of src[0..n) to out. */
void tb_compress(enum tb_codec c, const void *src, size_t n, struct tb_buf *out);

/* Append n zero bytes compressed with c (gzip, zstd or brotli), streamed so
   a bomb of gigabytes needs no gigabyte buffer. */
void tb_compress_zeros(enum tb_codec c, size_t n, struct tb_buf *out);

#endif
