/* SPDX-License-Identifier: MIT */
/*
 * http1.h - streaming parser of HTTP/1.x requests in one direction of a TCP
 * stream (http layer; uses base/ and dec/decompress.h).
 *
 * Recognised by content on any port: a direction whose first bytes are not
 * a request line is hunted for a request line for a bounded number of bytes
 * (at line starts, and at the start of every fed chunk), then given up.
 * Request lines are read the way tshark reads them: "METHOD SP ... SP
 * HTTP/<digit>[0-9.]*", the target being the bytes between the first and
 * the second SP (see struct lt_http_request); HTTP/0.9 "GET /path" lines
 * are requests where a request is expected. Parses the request line,
 * headers (caps: line length, count, total size; lines that are not
 * fields are skipped), the body by Content-Length or chunked coding
 * (broken framing is reported, see LT_HTTP_BODY_MALFORMED), pipelined
 * requests, and undoes
 * Content-Encoding gzip / x-gzip / deflate / br / zstd with caps on output
 * size and ratio. After CONNECT or an Upgrade request the direction is a
 * tunnel unless the next bytes are again a request line (a refused CONNECT
 * is retried on the same connection). Response directions are skipped: they
 * never start with a request line.
 *
 * Does not: parse responses, decode payload fields (later layers do).
 */
#ifndef LT_HTTP_HTTP1_H
#define LT_HTTP_HTTP1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../base/limits.h"
#include "../base/span.h"
#include "../base/stats.h"
#include "../dec/decompress.h"

struct lt_http_header {
    struct lt_span name, value;   /* value without surrounding blanks */
};

enum lt_http_req_flags {
    LT_HTTP_BODY_CUT = 1u << 0,      /* body longer than max_body: kept a prefix */
    LT_HTTP_BODY_DECODED = 1u << 1,  /* Content-Encoding undone */
    LT_HTTP_BODY_UNDECODED = 1u << 2,/* Content-Encoding failed: body is raw */
    LT_HTTP_BODY_PARTIAL = 1u << 3,  /* a gap or end of stream cut the body */
    /* The head is fine but the body framing is not (also counted in
       malformed_requests): an invalid Content-Length or Transfer-Encoding
       (body empty, then the parser hunts for the next request line), or
       conflicting Content-Length values (the last one frames the body, as
       tshark does), or a chunked body that breaks off (body = the data
       de-chunked so far, then hunting). */
    LT_HTTP_BODY_MALFORMED = 1u << 4,
};

/*
 * One complete request. Every span is borrowed for the callback only.
 * Request line, tshark-style: method = the bytes before the first SP;
 * target = the bytes between the first SP and the next SP or the line end
 * ("GET /a b HTTP/1.1" -> "/a", "POST  /  HTTP/1.0" -> "", "GET HTTP/1.1"
 * -> "HTTP/1.1"); version = the last SP-separated token, "HTTP/" digit
 * [0-9.]*, empty for HTTP/0.9. line = the whole request line without its
 * line end.
 */
struct lt_http_request {
    struct lt_span method, target, version;  /* request line */
    struct lt_span host;                     /* Host value; empty if absent */
    const struct lt_http_header *headers;
    uint32_t n_headers;
    struct lt_span body;     /* de-chunked and decoded when possible */
    struct lt_span raw_body_encoding; /* Content-Encoding value, if any */
    uint32_t flags;          /* enum lt_http_req_flags */
    struct lt_span line;     /* the request line, without CR LF */
};

typedef void (*lt_http_request_cb)(void *ud, const struct lt_http_request *req);

/* Per-thread scratch shared by all parsers of that thread. */
struct lt_http_ctx {
    const struct lt_limits *lim;  /* borrowed */
    struct lt_stats *st;          /* borrowed */
    struct lt_decomp *decomp;     /* owned */
    struct lt_buf body;           /* de-chunked body, reused */
    struct lt_buf decoded;        /* decompressed body, reused */
    struct lt_buf decoded2;       /* second buffer for stacked codings */
    struct lt_http_header *hdrs;  /* owned, lim->max_headers entries */
};

/* LT_OK or LT_E_NOMEM (then nothing to release). */
enum lt_err lt_http_ctx_init(struct lt_http_ctx *c, const struct lt_limits *lim,
                             struct lt_stats *st);
void lt_http_ctx_release(struct lt_http_ctx *c);

struct lt_http_parser; /* per direction, opaque */

/* NULL when out of memory. */
struct lt_http_parser *lt_http_parser_new(struct lt_http_ctx *c);
void lt_http_parser_free(struct lt_http_parser *hp); /* NULL does nothing */

/*
 * lt_http_feed() - the next n stream bytes of this direction. Calls cb for
 * every request completed by them, in order, before returning. p is
 * borrowed for the call. Bad input costs the request it is in (counted in
 * malformed_requests / header_cap) and the parser hunts for the next request
 * line. Cheap when the direction was given up. cb must not feed another
 * parser of the same ctx (they share ctx->hdrs and the body buffers).
 *
 * Body decoding: dst_cap = min(max_decoded, max_ratio * input + 4096) per
 * coding; a cap hit keeps the decoded prefix (DECODED, decoded_cap or
 * ratio_cap). A body that is CUT or PARTIAL may end mid-stream: a
 * truncated stream then still gives its decoded prefix. Other failures
 * leave the raw body (UNDECODED, decode_errors). Unknown codings, or more
 * than 4, leave the body raw with no flag.
 */
void lt_http_feed(struct lt_http_parser *hp, const uint8_t *p, size_t n,
                  lt_http_request_cb cb, void *ud);

/* len stream bytes are missing. A body with a known length stays in step
   (the request is emitted with LT_HTTP_BODY_PARTIAL); elsewhere the current
   request is dropped and the parser hunts for the next request line. */
void lt_http_gap(struct lt_http_parser *hp, uint64_t len,
                 lt_http_request_cb cb, void *ud);

/* End of stream: a request whose headers are complete but body is not is
   emitted with LT_HTTP_BODY_PARTIAL. */
void lt_http_finish(struct lt_http_parser *hp, lt_http_request_cb cb, void *ud);

/* true once the direction is known not to carry (more) HTTP requests.
   A direction given up after hunting through non-HTTP bytes still looks
   at the start of its next 64 fed chunks (64 KiB at most): false until
   then. */
bool lt_http_is_done(const struct lt_http_parser *hp);

#endif
