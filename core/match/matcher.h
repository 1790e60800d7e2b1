/* SPDX-License-Identifier: MIT */
/*
 * matcher.h - every manifest identifier, in every variant SDKs send, as a
 * set of literals: a Vectorscan literal database for the plain variants and
 * a hash table for the digests (match layer; uses base/, conf/manifest.h).
 *
 * Built once at start (read-only afterwards, shared by all threads); each
 * thread scans with its own scratch. For each identifier the normalised
 * value and its variants (case; MAC/BSSID separators; advertising IDs with
 * and without dashes; IMEI without its check digit; phone E.164 / 00 /
 * national / spaced / dashed; e-mail in lower case; location at 1-6
 * decimals truncated and rounded and as integers scaled by 1e6 and 1e7),
 * then md5, sha1, sha256 and sha512 of each variant in lower hex, upper hex
 * and base64, and two-level hashes (md5(sha1(x)) and the like). One literal
 * may carry several meanings (two devices with the same value, a variant
 * equal to another); each meaning is an lt_pattern.
 *
 * Digest literals (class HEX of 32/40/64/128 bytes, class B64 of
 * 22/27/43/86 bytes: about 90% of all literals) are not in Vectorscan: the
 * scan finds whole hex and base64 tokens of those lengths in the buffer
 * and looks each up in a hash table. Which store finds a literal is
 * invisible to callers: ids, patterns and reports are the same.
 *
 * A literal only matches as a whole token: the bytes around it must not be
 * of its own class (digits around a number, hex digits around a hex
 * string, letters/digits around anything else), so "48.8" does not match
 * inside "48.85661" and an IMEI does not match inside a longer number.
 * Details: a number may not have '.' before it nor ".<digit>" after it; a
 * base64 digest is stored unpadded and its class is [A-Za-z0-9+/_-] ('='
 * may precede it, as in "h=", and its own padding may follow); a byte
 * before the literal that ends a percent escape ("%22", "%3D") always
 * separates, for text that is still URL-encoded.
 *
 * Variant names of hashes: "md5", "md5-upper" (upper-case hex) and
 * "base64(md5)" are digests of the exact form; "md5(V)", "md5(V)-upper",
 * "base64(md5(V))" digests of variant V ("md5(upper)", "sha1(nosep)");
 * two-level hashes of the exact form are "md5(sha1)", "md5(sha1)-upper".
 */
#ifndef LT_MATCH_MATCHER_H
#define LT_MATCH_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../conf/manifest.h"

/* What one literal means. Strings are owned by the matcher. */
struct lt_pattern {
    uint32_t device;       /* index in the manifest's devices */
    const char *key;       /* manifest key: "android_id", "nickname" */
    const char *kind;      /* record kind: "android_id", "custom:nickname" */
    const char *variant;   /* "exact", "lower", "upper", "nosep", "truncated",
                              "rounded", "scaled", "md5", "sha256",
                              "md5(sha1)", "base64(sha256)", ... */
    uint8_t coord;         /* 0; 'a' a latitude; 'o' a longitude */
};

enum lt_bound { LT_BOUND_DIGIT, LT_BOUND_HEX, LT_BOUND_ALNUM, LT_BOUND_B64 };

struct lt_literal {
    const uint8_t *text;   /* owned */
    uint32_t len;
    uint8_t bound;         /* enum lt_bound: the class that must not touch it */
    uint32_t first;        /* its patterns: [first, first + count) */
    uint32_t count;
};

struct lt_matcher; /* opaque, read-only after build */
struct lt_match_scratch; /* per thread */

/*
 * lt_matcher_build() - the database of every identifier of every device of
 * m (m may have no identifiers: the matcher then matches nothing).
 * Literals shorter than 4 bytes are left out (and counted: see
 * lt_matcher_n_skipped()). LT_OK; LT_E_NOMEM; LT_E_MALFORMED with msg (Vectorscan
 * refused the database, or libcrypto refused a digest). msg (msg_cap
 * bytes, may be NULL/0) is set on every error. m is only read during the
 * call; the matcher keeps no pointer into it.
 */
enum lt_err lt_matcher_build(const struct lt_manifest *m,
                             struct lt_matcher **out, char *msg,
                             size_t msg_cap);
void lt_matcher_free(struct lt_matcher *mt); /* NULL does nothing */

uint32_t lt_matcher_n_literals(const struct lt_matcher *mt);
const struct lt_literal *lt_matcher_literal(const struct lt_matcher *mt,
                                            uint32_t id);
const struct lt_pattern *lt_matcher_pattern(const struct lt_matcher *mt,
                                            uint32_t idx);

/* Counts for reports and benches: patterns (all literals' ranges), literals
   left out as shorter than 4 bytes, the Vectorscan database size (0 when
   every literal is a digest), the digest literals (in the hash table, not
   in Vectorscan; included in lt_matcher_n_literals()) and that table's
   size. */
uint32_t lt_matcher_n_patterns(const struct lt_matcher *mt);
uint32_t lt_matcher_n_skipped(const struct lt_matcher *mt);
size_t lt_matcher_db_bytes(const struct lt_matcher *mt);
uint32_t lt_matcher_n_hashed(const struct lt_matcher *mt);
size_t lt_matcher_hash_bytes(const struct lt_matcher *mt);

/* Per-thread scratch; NULL when out of memory. May be called from any
   thread (it only reads mt); a scratch is used by one thread at a time. */
struct lt_match_scratch *lt_match_scratch_new(const struct lt_matcher *mt);
void lt_match_scratch_free(struct lt_match_scratch *s);

/* A confirmed match of literal id at p[from..to). */
typedef void (*lt_match_cb)(void *ud, uint32_t literal_id, size_t from,
                            size_t to);

/*
 * lt_matcher_scan() - every whole-token occurrence of every literal in
 * p[0..n), in order of end offset (at equal ends, digests first). LT_OK,
 * or LT_E_NOMEM / LT_E_MALFORMED (Vectorscan failed: nothing more is
 * reported for this buffer). Uses O(1) memory besides the scratch: digest
 * hits are produced lazily, in end order, and merged into Vectorscan's.
 */
enum lt_err lt_matcher_scan(const struct lt_matcher *mt,
                            struct lt_match_scratch *s, const uint8_t *p,
                            size_t n, lt_match_cb cb, void *ud);

#endif
