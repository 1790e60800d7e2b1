/* SPDX-License-Identifier: MIT */
/*
 * har.h - HAR 1.2 archives (browsers, mitmproxy, PCAPdroid) as HTTP
 * requests (http layer; base/, dec/ for JSON and base64).
 * The document is held in memory (capped by the caller); entries come out
 * in order with their request URL, method, headers (cookies included as
 * Cookie headers), and postData text (base64-decoded when its encoding
 * says so).
 */
#ifndef LT_HTTP_HAR_H
#define LT_HTTP_HAR_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "http1.h"

struct lt_har_entry {
    uint64_t index;              /* 1-based entry number (the record's frame) */
    int64_t ts_ns;               /* startedDateTime, UTC; 0 if unparsable */
    struct lt_span url;          /* request.url as given */
    struct lt_http_request req;  /* method, target (path and query of url),
                                    host (Host header, else the URL's host),
                                    headers, body (postData) */
};

typedef void (*lt_har_cb)(void *ud, const struct lt_har_entry *e);

/*
 * lt_har_parse() - walk every entry of the HAR document p[0..n). Spans in
 * the entry are valid during the callback only. scratch (caller memory,
 * scratch_cap bytes) holds decoded strings; an entry that does not fit is
 * skipped and counted in *n_skipped. Returns LT_OK; LT_E_MALFORMED (not
 * HAR: msg says where, e.g. "no log.entries array"); LT_E_LIMIT.
 * The whole document is validated first: on any error no callback was
 * made. *n_skipped is set (not added to) to the number of log.entries
 * elements not emitted: not objects, no request object or string url, or
 * too large for the scratch. The spans point into p, into scratch, or to
 * static literals ("HTTP/1.1" when httpVersion is missing, "Cookie" and
 * "Content-Type" for headers made from cookies[] and postData.mimeType,
 * "/" for a URL without a path); see har.c for the field mapping. cb,
 * n_skipped and msg may be NULL. LT_E_LIMIT: JSON nested deeper than 1024
 * levels. Two passes over p, no allocation, under 1 KiB of stack.
 */
enum lt_err lt_har_parse(const uint8_t *p, size_t n, uint8_t *scratch,
                         size_t scratch_cap, lt_har_cb cb, void *ud,
                         uint64_t *n_skipped, char *msg, size_t msg_cap);

#endif
