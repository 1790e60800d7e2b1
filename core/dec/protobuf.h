/* SPDX-License-Identifier: MIT */
/*
 * protobuf.h - walk every leaf of a protobuf message without its schema
 * (dec layer; base/). Protocol Buffers encoding:
 * https://protobuf.dev/programming-guides/encoding/.
 *
 * Without a .proto, a length-delimited field (wire type 2) may be a string,
 * raw bytes or a nested message; it is descended into when its bytes are a
 * plausible message themselves (lt_pb_plausible) and otherwise emitted as
 * a bytes leaf. Groups (wire types 3/4, deprecated) and varints longer than
 * their minimal encoding (no encoder writes them) are taken for "not
 * protobuf". Packed repeated scalars are not unpacked: they come out as a
 * bytes leaf (or, by accident of shape, as a sub-message). Never allocates;
 * nesting uses an explicit stack, never recursion.
 */
#ifndef LT_DEC_PROTOBUF_H
#define LT_DEC_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/span.h"

/* Hard cap on nesting (the walker's stack is a local array of this size). */
#define LT_PB_DEPTH_MAX 64
/* Highest field number a plausible message may use (the wire format allows
   2^29 - 1; real schemas stay far below, random bytes do not). */
#define LT_PB_PLAUSIBLE_FIELD_MAX (1u << 16)

/*
 * lt_pb_plausible() - true when src[0..n) is a well-formed message (every
 * key a valid field number 1..2^29-1 with wire type 0, 1, 2 or 5, every
 * varint minimal and at most 10 bytes, every length within bounds, the last
 * field ending exactly at n) of plausible shape: at least two fields, or
 * one length-delimited field; field numbers at most
 * LT_PB_PLAUSIBLE_FIELD_MAX; and the bytes are not printable text (valid
 * UTF-8 without control bytes other than tab, CR, LF: such bytes are read
 * as a string even when they happen to parse). n == 0 is false. Only the
 * top level is checked. Pure; usually rejects text within a few bytes.
 */
bool lt_pb_plausible(const uint8_t *src, size_t n);

enum lt_pb_kind {
    LT_PB_VARINT,   /* wire type 0 */
    LT_PB_FIXED64,  /* wire type 1 */
    LT_PB_BYTES,    /* wire type 2, not descended into */
    LT_PB_FIXED32,  /* wire type 5 */
};

struct lt_pb_leaf {
    enum lt_pb_kind kind;
    struct lt_span path;   /* field numbers from the top, joined by '.':
                              "1.19" is field 19 of the message in field 1;
                              every element of a repeated field has the
                              same path */
    struct lt_span field;  /* the last number of path (a span inside it) */
    uint64_t num;          /* VARINT: the value (unsigned: an int32 -1 is
                              18446744073709551615; no zigzag decoding);
                              FIXED32/64: the little-endian bits; BYTES: 0 */
    struct lt_span value;  /* VARINT: decimal text of num; FIXED32/64: the
                              4 or 8 raw bytes; BYTES: the payload (may be
                              empty) */
    bool deep;             /* BYTES only: a plausible message left undescended
                              because of max_depth or the scratch size */
};

/* Return false to stop the walk. */
typedef bool (*lt_pb_cb)(void *ud, const struct lt_pb_leaf *leaf);

struct lt_pb_scratch {
    uint8_t *buf;        /* caller memory for the path; at least 10 bytes,
                            (max_depth + 1) * 10 hold any path */
    size_t cap;
    uint32_t max_depth;  /* sub-messages nested deeper than this (the top
                            message is depth 0) are emitted as BYTES leaves
                            with deep set; values above LT_PB_DEPTH_MAX
                            count as LT_PB_DEPTH_MAX */
};

/*
 * lt_pb_walk() - validate src[0..n) as a well-formed message (as in
 * lt_pb_plausible, but any shape: one varint field is fine, and no text
 * test at the top; n == 0 is an empty message: LT_OK without callbacks),
 * then call cb for every leaf in wire order, descending into each
 * length-delimited payload that lt_pb_plausible() accepts, up to max_depth.
 * The spans in *leaf are valid during the call only (path: in the scratch;
 * value: in src, or the walker's stack for varint text).
 * Returns LT_OK (also when cb stopped the walk); LT_E_MALFORMED (not a
 * message: no callback was made); LT_E_LIMIT (a well-formed message but
 * cap < 10: no callback was made). A path that would not fit the scratch
 * ends descent there, like max_depth. cb may be NULL: validation only.
 * Cost: O(n * depth) (each payload is checked once per enclosing level).
 */
enum lt_err lt_pb_walk(const uint8_t *src, size_t n,
                       const struct lt_pb_scratch *s, lt_pb_cb cb, void *ud);

#endif
