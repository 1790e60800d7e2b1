/* SPDX-License-Identifier: MIT */
/*
 * matcher_int.h - what variants.c and matcher.c share, and what the tests
 * and the fuzz target reach behind matcher.h (match layer; base/).
 * variants.c turns one manifest value into its literals (text, boundary
 * class, variant name) and knows nothing about Vectorscan; matcher.c
 * deduplicates them into the database.
 */
#ifndef LT_MATCH_MATCHER_INT_H
#define LT_MATCH_MATCHER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matcher.h"
#include "tokscan.h"

/* Literals shorter than this are left out (matcher.h). */
#define LT__MATCH_MIN_LEN 4

/*
 * Receives one generated literal. text is borrowed for the call; variant is
 * a NUL-terminated name, borrowed for the call (the receiver interns it);
 * coord is 0, 'a' or 'o'. Returns LT_OK or an error that stops generation.
 * Literals shorter than LT__MATCH_MIN_LEN are passed too (the receiver
 * counts and drops them).
 */
struct lt__match_sink {
    enum lt_err (*add)(void *ud, const uint8_t *text, size_t len, uint8_t bound,
                       const char *variant, uint8_t coord);
    void *ud;
};

/*
 * lt__match_gen_value() - every literal of one value of identifier key
 * (a key other than "location"): the normalised form ("exact"), the other
 * variants of the key's rules, then the hashes of each of them and the
 * two-level hashes of the exact form. Duplicate variants of this value are
 * generated once. Returns LT_OK, what sink->add returned, LT_E_NOMEM, or
 * LT_E_UNSUPPORTED (libcrypto refused a digest).
 */
enum lt_err lt__match_gen_value(const char *key, const char *value,
                                const struct lt__match_sink *sink);

/*
 * lt__match_gen_location() - the literals of a location: latitude ('a')
 * and longitude ('o') separately, as decimals truncated/rounded to 1..6
 * places and as integers scaled by 1e6 and 1e7. Not hashed.
 */
enum lt_err lt__match_gen_location(double lat, double lon,
                                   const struct lt__match_sink *sink);

/* The SPEC kind of a known manifest key ("imei"), or NULL for a custom one. */
const char *lt__match_known_kind(const char *key);

/* The boundary class of a literal text that is not a base64 digest:
   DIGIT (only [0-9.+-], at least one digit), HEX (only hex digits), ALNUM. */
enum lt_bound lt__match_classify(const uint8_t *t, size_t n);

/*
 * lt__match_bound_ok() - true when p[from..to) of p[0..n) may be reported
 * for a literal of class bound: the bytes on either side are not of the
 * class (matcher.h). A byte before that ends a percent escape ("%3D",
 * "%22") separates, as in "%22" "02%3A1a%3A..." inside URL-encoded text.
 */
bool lt__match_bound_ok(uint8_t bound, const uint8_t *p, size_t n, size_t from,
                        size_t to);

/*
 * lt__matcher_scan_window() - lt_matcher_scan() that hands Vectorscan at
 * most win bytes at a time (windows overlap by the longest Vectorscan
 * literal minus one; a match is reported once; digests are found over the
 * whole buffer). lt_matcher_scan() uses a 1 GiB window, as hs_scan() takes
 * an unsigned int length; tests use small ones.
 */
enum lt_err lt__matcher_scan_window(const struct lt_matcher *mt,
                                    struct lt_match_scratch *s,
                                    const uint8_t *p, size_t n, size_t win,
                                    lt_match_cb cb, void *ud);

/* lt__matcher_scan_window() with the digest token scan's byte searches
   done by impl (tokscan.h; unsupported: scalar). Same hits for every impl. */
enum lt_err lt__matcher_scan_impl(const struct lt_matcher *mt,
                                  struct lt_match_scratch *s,
                                  const uint8_t *p, size_t n, size_t win,
                                  enum lt_tok_impl impl, lt_match_cb cb,
                                  void *ud);

#endif
