/* SPDX-License-Identifier: MIT */
/*
 * leaks.h - one message in, its leak records out (pipe layer: http/pieces
 * → dec/unwrap → match → out/record).
 *
 * Every decoded piece of the message goes through every detector: the
 * identifiers of every device of the manifest (detector "identifier") and
 * URLs and searches of other sites (detector "browsing"; not in the
 * Referer and Origin headers, which browsers send by design) and personal
 * data recognised by shape and validated (detector "pattern"; a value the
 * identifier detector reported in the same message is not reported again).
 * An
 * identifier match becomes a record (SPEC §4):
 * `device` is the device whose capture this is; `key` is the manifest key
 * when the identifier is that device's own, and "<key>@<device id>" when it
 * belongs to another device of the manifest (a shared account, a phone
 * that relays another's data). Records of a message are written in
 * position order; the same (kind, value, chain) is written once per
 * message; a latitude or longitude only when the same device's other
 * coordinate appears in the same message.
 */
#ifndef LT_PIPE_LEAKS_H
#define LT_PIPE_LEAKS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../base/limits.h"
#include "../base/stats.h"
#include "../conf/manifest.h"
#include "../dec/unwrap.h"
#include "../http/http1.h"
#include "../match/browsing.h"
#include "../match/matcher.h"
#include "../match/shapes.h"
#include "../out/record.h"

/* Where and when a message was seen. Borrowed for the call. */
struct lt_msg_ctx {
    const char *capture;       /* the file's display name (relative path) */
    uint64_t frame;            /* 1-based packet that completed the message
                                  (HAR: the 1-based entry) */
    int64_t ts_ns;             /* its capture time */
    bool has_flow;             /* false for HAR: no addresses or ports */
    struct lt_span app;        /* the sending app, when the capture says */
    uint8_t ip_version;        /* 4 or 6 */
    const uint8_t *src_ip;     /* sender of the message (16 bytes) */
    const uint8_t *dst_ip;
    uint16_t src_port, dst_port;
};

/* One finished record line (with its newline), borrowed for the call. */
typedef void (*lt_leak_cb)(void *ud, const char *kind, const uint8_t *line,
                           size_t len);

struct lt_leak_cand;  /* a record waiting for the end of its message */

/* The detectors of a run, shared read-only by all threads. NULL: off. */
struct lt_detectors {
    const struct lt_manifest *mf;     /* identifiers' devices (may be empty) */
    const struct lt_matcher *mt;      /* detector "identifier" */
    const struct lt_browsing *browsing; /* detector "browsing" */
    const struct lt_shapes *shapes;     /* detector "pattern" */
};

struct lt_leaks {
    struct lt_detectors det;
    const struct lt_manifest *mf;     /* det.mf, or an empty manifest */
    const struct lt_matcher *mt;      /* det.mt */
    struct lt_match_scratch *ms;      /* owned */
    struct lt_shapes_scratch *ss;     /* owned */
    uint8_t *url_scratch;             /* owned: unescaped URLs, search terms */
    char req_domain[256];             /* registrable domain of the host */
    struct lt_span req_domain_span;
    enum lt_values_mode values;
    struct lt_unwrap unwrap;          /* owned */
    struct lt_buf lines;              /* the message's candidate lines */
    struct lt_leak_cand *cands;       /* owned, max_cands entries */
    uint32_t n_cands, max_cands;
    uint64_t *seen;                   /* owned dedup table (hashes) */
    uint32_t *seen_used;              /* owned: its filled slots, to clear */
    uint32_t seen_mask, n_seen;
    struct lt_buf url;                /* the message's full URL */
    struct lt_buf keybuf;             /* "<key>@<device>" */
    /* the message being scanned */
    const struct lt_msg_ctx *ctx;
    const struct lt_http_request *req;
    const char *device;
    int device_idx;                   /* in the manifest, or -1 */
    struct lt_span host;
    const struct lt_piece *piece;
    struct lt_stats *st;
};

/* LT_OK or LT_E_NOMEM. det's pointees, lim, st borrowed for the object's
   life (det itself is copied). */
enum lt_err lt_leaks_init(struct lt_leaks *lk, const struct lt_detectors *det,
                          const struct lt_limits *lim, struct lt_stats *st,
                          enum lt_values_mode values);
void lt_leaks_release(struct lt_leaks *lk);

/* Decode and scan one HTTP request of device (the capture's device id);
   cb gets each record line. */
void lt_leaks_http(struct lt_leaks *lk, const struct lt_msg_ctx *ctx,
                   const struct lt_http_request *req, const char *device,
                   lt_leak_cb cb, void *ud);

#endif
