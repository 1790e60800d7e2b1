/* SPDX-License-Identifier: MIT */
/*
 * leakgen.h - tracker requests with planted leaks and their ground truth
 * (bench/tests fixture generator; uses tests/support tb_buf, tb_compress,
 * zlib and libcrypto).
 *
 * Each case is one complete HTTP/1.1 request, encoded the way a real SDK
 * encodes it (shared/notes/tracker-formats.md: Sensors Analytics Android,
 * MIUI spock, Umeng, Mixpanel, Firebase, Adjust, AppsFlyer, Facebook,
 * Segment, Amplitude, plus cookies, hashed query strings, paths, headers,
 * hex and multipart), holding some of a device's identifiers, and the
 * exact identifier records (SPEC §4: kind, key, variant, chain, value) a
 * correct detector must produce for it. Decoy cases hold near misses
 * (wrong Luhn digit, one MAC octet off, unknown UUIDs, an ID inside a
 * longer hex string) or nothing personal, and must produce no record.
 *
 * Chain conventions (those of the lead's decoder, dec/unwrap.h): a location
 * step first ("url" = the raw request path, "query:<name>" = an already
 * percent-decoded query value, "header:<lower-case name>", "cookie:<name>",
 * "body"), then "form:<name>" (also k=v##k=v), "json:<path>" ($ root,
 * .key for [A-Za-z_$][A-Za-z0-9_$-]*, else ['key'], [i]), "multipart:<name>",
 * "protobuf:<field.field>", "base64", "base64url", "hex", "percent", "gzip"
 * ... A Content-Encoding'd body gets its step right after "body".
 * Expectations are listed in message order (URL, headers, body; JSON in
 * document order). Only identifier records are listed: browsing URLs in the
 * same payloads (SPEC detector "browsing") are not.
 *
 * Deterministic: the same ids give the same bytes.
 */
#ifndef LT_BENCH_LEAKGEN_H
#define LT_BENCH_LEAKGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tb_buf.h"

/* One device's identifiers, normalised as the manifest holds them. */
struct lg_ids {
    const char *android_id;   /* 16 lower-case hex digits */
    const char *adid;         /* lower-case UUID with dashes */
    const char *imei;         /* 15 digits, valid Luhn check digit */
    const char *mac;          /* lower-case, ':'-separated */
    const char *email;        /* lower-case */
    const char *phone;        /* E.164 */
    double lat, lon;          /* at most 5 decimals, 4th decimal not 0 */
    const char *custom_key;   /* a manifest key without known meaning */
    const char *custom_value;
};

/* The two example devices: 0 "redmi-note8-01", 1 "pixel4-02"; NULL else. */
const struct lg_ids *lg_example_ids(int i);
const char *lg_example_device(int i);

#define LG_MAX_CHAIN 12
#define LG_MAX_EXPECTS 24
#define LG_MAX_OWNED 96

/* One record a correct detector writes. Strings are owned by the case. */
struct lg_expect {
    const char *kind;      /* "android_id", "location", "custom:<key>" */
    const char *key;       /* manifest key: "android_id", "location" */
    const char *variant;   /* "exact", "upper", "md5", "md5(sha1)", ... */
    const char *chain[LG_MAX_CHAIN];
    size_t chain_len;
    const char *value;     /* the bytes as found in the decoded piece */
};

struct lg_case {
    const char *name;      /* "sensors_android", "decoy_mac_near", ... */
    const char *sdk;       /* "sensors", "miui", ..., "decoy", "benign" */
    struct tb_buf request; /* the whole HTTP request, body included */
    const char *host;      /* its Host header */
    struct lg_expect expects[LG_MAX_EXPECTS];
    size_t n_expects;
    bool decoy;            /* must produce no record (n_expects == 0) */
    char *owned[LG_MAX_OWNED]; /* strings the expectations point into */
    size_t n_owned;
};

/*
 * lg_cases() - every case for the device with identifiers ids, in a fixed
 * order, into a new array *out of *n cases (free with lg_cases_free).
 * ids is only read during the call. Aborts on allocation failure.
 */
void lg_cases(const struct lg_ids *ids, struct lg_case **out, size_t *n);
void lg_cases_free(struct lg_case *cases, size_t n);

/* The case named name in cases[0..n), or NULL. */
const struct lg_case *lg_case_find(const struct lg_case *cases, size_t n,
                                   const char *name);

/* Helpers shared with the test (each independent of the detector). */
int32_t lg_java_hash(const char *s, size_t n);      /* String.hashCode() */
bool lg_luhn_ok(const char *digits);                /* 15-digit IMEI */
/* Lower-case hex digest of s: alg "md5", "sha1", "sha256", "sha512";
   out needs 129 bytes. */
void lg_hash_hex(const char *alg, const void *s, size_t n, char *out);

#endif
