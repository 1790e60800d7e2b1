/* SPDX-License-Identifier: MIT */
/*
 * decompress.h - one-shot decompression of in-memory buffers with a hard
 * output cap: gzip, zlib, raw deflate (libdeflate, zlib for partial output),
 * brotli, zstd (dec layer; base/). Used for HTTP Content-Encoding now and for
 * payload fields later. Contexts are made once per thread and reused.
 */
#ifndef LT_DEC_DECOMPRESS_H
#define LT_DEC_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

enum lt_codec { LT_CODEC_GZIP, LT_CODEC_ZLIB, LT_CODEC_DEFLATE, LT_CODEC_BR,
                LT_CODEC_ZSTD };

/* Chain step name: "gzip", "zlib", "deflate", "br", "zstd". */
const char *lt_codec_name(enum lt_codec c);

struct lt_decomp; /* per-thread decoder contexts, opaque */

/* NULL when out of memory. */
struct lt_decomp *lt_decomp_new(void);
void lt_decomp_free(struct lt_decomp *d); /* NULL does nothing */

/*
 * lt_decompress() - decode src[0..src_len) as codec c into dst[0..dst_cap).
 * *written is set on every return. Concatenated gzip members and zstd
 * frames are all decoded. Returns:
 *   LT_OK          the whole input decoded, *written bytes
 *   LT_E_LIMIT     output reached dst_cap: dst holds the first dst_cap bytes
 *   LT_E_TRUNCATED the input stops early: *written bytes decoded before
 *   LT_E_MALFORMED corrupt input: *written bytes decoded before the error
 *   LT_E_NOMEM
 * Never writes past dst_cap, whatever the input.
 */
enum lt_err lt_decompress(struct lt_decomp *d, enum lt_codec c, uint8_t *dst,
                          size_t dst_cap, const uint8_t *src, size_t src_len,
                          size_t *written);

#endif
