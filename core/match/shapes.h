/* SPDX-License-Identifier: MIT */
/*
 * shapes.h - the pattern detector (SPEC §4 detector "pattern"): personal
 * data found by its shape and confirmed by a validator, no manifest needed
 * (match layer; base/, libpsl, Vectorscan). Candidates are found by a SIMD
 * byte-class scan (a Vectorscan database of the same simple patterns is the
 * tested reference, see shapes.c); C code validates:
 *   imei   15 digits, Luhn, plausible type-allocation code; IMEISV (16
 *          digits) only in a field named like an IMEI
 *   imsi   15 digits whose MCC is a real one (table shipped as data); an
 *          IMEI when both validate (unless the field is named for an IMSI);
 *          never in a field named for an IMEI; starting 35 and failing Luhn
 *          (a mistyped IMEI, most likely) only in a field named for an IMSI
 *   iccid  19-20 digits starting 89, Luhn
 *   meid   14 hex digits with a letter and a regional code A0-FF, or any
 *          14 hex digits in a field named like meid
 *   mac, bssid  six octets (':' '-' '.' or none), not broadcast, not all
 *          zero, not 02:00:00:00:00:00, in a field named mac / bssid / wifi
 *   adid   a UUID (8-4-4-4-12 or 32 hex digits) of any RFC 4122/9562
 *          version 1-8 with the RFC variant bits (so the all-zero UUID is
 *          not one), in a field named like adid / gaid / aaid / idfa /
 *          oaid / advertising_id
 *   android_id  16 hex in a field named like android_id / device_id
 *   email  address syntax with a real public suffix (libpsl)
 *   phone  E.164 ('+', 7-15 digits, display separators allowed) in a field
 *          named like phone / msisdn / tel / mobile; bare digits in msisdn
 *   location  a latitude or longitude field (lat/latitude/$latitude,
 *          lon/lng/long/longitude) whose value is in range, as a decimal or
 *          an integer scaled by 1e6 or 1e7; the caller pairs them. A field
 *          named for both ("latlng", "ll") gives its first two numbers.
 * Field-gated kinds also take a key written just before the value inside
 * the piece ("mac=...", "\"gaid\":\"...\""). IMEI, IMSI, ICCID, e-mail and a
 * lettered MEID need no field name. One kind per value.
 */
#ifndef LT_MATCH_SHAPES_H
#define LT_MATCH_SHAPES_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/span.h"

struct lt_shape_hit {
    const char *kind;   /* static: "imei", "imsi", "iccid", "meid", "mac",
                           "bssid", "adid", "android_id", "email", "phone",
                           "location" */
    size_t from, to;    /* the value in the piece */
    uint8_t coord;      /* location: 'a' latitude, 'o' longitude; else 0 */
};

typedef void (*lt_shape_cb)(void *ud, const struct lt_shape_hit *h);

struct lt_shapes;          /* read-only after lt_shapes_new, shared */
struct lt_shapes_scratch;  /* per thread */

/* LT_OK, LT_E_NOMEM, LT_E_MALFORMED (Vectorscan refused, or libpsl has no
   public suffix list: msg). */
enum lt_err lt_shapes_new(struct lt_shapes **out, char *msg, size_t msg_cap);
void lt_shapes_free(struct lt_shapes *s);
struct lt_shapes_scratch *lt_shapes_scratch_new(const struct lt_shapes *s);
void lt_shapes_scratch_free(struct lt_shapes_scratch *sc);

/*
 * lt_shapes_scan() - every validated value in data (a decoded piece) whose
 * innermost field name is field (empty when none), in order of position.
 * A value must stand as a whole token (not inside a longer run of its
 * class). field and data are borrowed for the call; a hit's kind is a
 * static string. LT_OK, LT_E_NOMEM (the hit list could not grow; nothing
 * was reported) or LT_E_MALFORMED (s or sc is NULL). Needs no more than
 * sc, so one scratch per thread; s is shared read-only.
 */
enum lt_err lt_shapes_scan(const struct lt_shapes *s,
                           struct lt_shapes_scratch *sc, struct lt_span data,
                           struct lt_span field, lt_shape_cb cb, void *ud);

/* Validators, exposed for tests and other detectors. */
int lt_luhn_ok(const char *digits, size_t n);
int lt_mcc_known(unsigned mcc);

#endif
