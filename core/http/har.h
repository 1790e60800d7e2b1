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
 */
enum lt_err lt_har_parse(const uint8_t *p, size_t n, uint8_t *scratch,
                         size_t scratch_cap, lt_har_cb cb, void *ud,
                         uint64_t *n_skipped, char *msg, size_t msg_cap);

#endif
