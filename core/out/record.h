/* SPDX-License-Identifier: MIT */
/*
 * record.h - one leak record as a JSON line (SPEC §4) (out layer; base/,
 * OpenSSL libcrypto for --values hash). Field order is fixed: ts, device,
 * capture, frame, src_ip, src_port, dest_ip, dest_port, proto, app, host,
 * method, url, kind, detector, key, variant, chain, value. Fields without a
 * value are left out (flow fields for HAR, app when unknown), except key,
 * which is null when there is none. A NULL kind, detector, variant or proto
 * (or a flow address with ip_version not 4 or 6) is written as null.
 */
#ifndef LT_OUT_RECORD_H
#define LT_OUT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/chain.h"
#include "../base/span.h"

enum lt_values_mode { LT_VALUES_PLAIN, LT_VALUES_HASH, LT_VALUES_OMIT };

struct lt_record {
    int64_t ts_ns;               /* written as UTC with microseconds */
    struct lt_span device;
    struct lt_span capture;
    uint64_t frame;
    bool has_flow;               /* src/dest/proto present */
    uint8_t ip_version;          /* 4 or 6 */
    const uint8_t *src_ip, *dest_ip;   /* 4 or 16 bytes */
    uint16_t src_port, dest_port;
    const char *proto;           /* "tcp", "udp" */
    struct lt_span app;          /* empty: left out */
    struct lt_span host, method, url;  /* method/url empty: left out */
    const char *kind;            /* "android_id", "custom:nickname", ... */
    const char *detector;        /* "identifier", "pattern", "browsing" */
    struct lt_span key;          /* p == NULL: null */
    const char *variant;
    const struct lt_step *chain;
    size_t chain_len;
    struct lt_span value;
};

/*
 * lt_record_write() - append r as one JSON object and a newline to b.
 * values: PLAIN writes value as found, HASH as "sha256:<hex>" of its bytes,
 * OMIT leaves the field out. LT_OK or the buffer's error (b keeps what it
 * had before the call). Allocates nothing but b's growth, except that HASH
 * mode lets OpenSSL allocate a digest context per call (LT_E_NOMEM if
 * that fails). r's borrowed spans are only read during the call.
 */
enum lt_err lt_record_write(struct lt_buf *b, const struct lt_record *r,
                            enum lt_values_mode values);

/* An address as text (IPv6 per RFC 5952) into out (>= 46 bytes); returns
   its length. version is 4 or 6. */
size_t lt_record_ip(unsigned version, const uint8_t *addr, char *out);

/* "2020-05-03T10:00:00.123456Z" into out (>= 28 bytes, NUL-terminated):
   UTC, proleptic Gregorian, microseconds truncated toward the past (-1 ns is
   1969-12-31T23:59:59.999999Z); any int64 (years 1677..2262). */
void lt_record_ts(int64_t ts_ns, char *out);

#endif
