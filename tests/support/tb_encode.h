/* SPDX-License-Identifier: MIT */
/*
 * tb_encode.h - reference encoders for fixtures, tests and the generator:
 * base64 (the decoder's counterpart) and protobuf wire format.
 */
#ifndef TB_ENCODE_H
#define TB_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tb_buf.h"

/* Base64 of src (RFC 4648 §4, or §5 when url), padded. wrap > 0: nl after
   every wrap characters and at the end (android.util.Base64 DEFAULT). */
void tb_b64(struct tb_buf *o, const void *src, size_t n, bool url, size_t wrap,
            const char *nl);

/* Protobuf wire format: a varint, and fields of wire type 0 and 2. */
void tb_pb_varint(struct tb_buf *o, uint64_t v);
void tb_pb_int(struct tb_buf *o, uint32_t field, uint64_t v);
void tb_pb_bytes(struct tb_buf *o, uint32_t field, const void *p, size_t n);
void tb_pb_str(struct tb_buf *o, uint32_t field, const char *s);

#endif
