/* SPDX-License-Identifier: MIT */
/*
 * shapes_int.h - what shapes.c shares with mcc_table.c, and what the tests,
 * the fuzz target and the bench reach behind shapes.h (match layer; base/).
 */
#ifndef LT_MATCH_SHAPES_INT_H
#define LT_MATCH_SHAPES_INT_H

#include <stddef.h>
#include <stdint.h>

#include "shapes.h"

/* The ITU-T E.212 mobile country codes, sorted ascending (mcc_table.c). */
extern const uint16_t lt__mcc_list[];
extern const size_t lt__mcc_count;

/* What a field name says its value is (bits of lt__shapes_field_flags). */
enum lt__shape_field {
    LT__SF_IMEI = 1u << 0,     /* imei, imei1, device_imei, imeiSv */
    LT__SF_IMSI = 1u << 1,     /* imsi, subscriber_id */
    LT__SF_MEID = 1u << 2,     /* meid, imei_meid */
    LT__SF_MAC = 1u << 3,      /* mac, mac_address, deviceMac, wifi..., wlan... */
    LT__SF_BSSID = 1u << 4,    /* bssid, ap_mac (always with LT__SF_MAC) */
    LT__SF_ADID = 1u << 5,     /* adid, gaid, aaid, idfa, oaid, advertisingId, ifa */
    LT__SF_AID = 1u << 6,      /* android_id, androidId, $device_id, deviceId, aid */
    LT__SF_PHONE = 1u << 7,    /* phone..., msisdn, tel, mobile... */
    LT__SF_MSISDN = 1u << 8,   /* msisdn: digits without '+' too */
    LT__SF_LAT = 1u << 9,      /* lat, latitude, $latitude, geo_lat */
    LT__SF_LON = 1u << 10,     /* lon, lng, long, longitude */
    LT__SF_LONFIRST = 1u << 11 /* with LAT|LON: "lnglat", longitude first */
};

/*
 * lt__shapes_field_flags() - the lt__shape_field bits of a field name.
 * ASCII case-insensitive; '$', '_', '-', '.', spaces and other punctuation
 * separate words, as do camelCase humps and letter/digit changes
 * ("deviceMac" = device mac, "imei1" = imei 1). Distinctive tokens (imei,
 * imsi, bssid, gaid, idfa, oaid, aaid, androidid, msisdn, phone, mobile,
 * latitude, longitude, wifi, wlan) count anywhere in the name; short or
 * ambiguous ones (mac, adid, ifa, aid, deviceid, meid, tel, lat, lon, lng,
 * long, ap, ll) only as whole words. Names longer than 128 bytes are
 * judged by their last 128 bytes.
 */
unsigned lt__shapes_field_flags(const uint8_t *name, size_t len);

/* 1 when the first two digits of d (at least 2 bytes) are an IMEI
   reporting body identifier in use (shapes.c lists them). */
int lt__imei_rbi_ok(const char *d);

/*
 * lt__shapes_scan_window() - lt_shapes_scan() with candidates found by the
 * Vectorscan database (the reference for the C finder), which is handed at
 * most win bytes at a time (windows overlap; a value is reported once;
 * hs_scan() takes an unsigned length). Same hits, same order, same codes.
 */
enum lt_err lt__shapes_scan_window(const struct lt_shapes *s,
                                   struct lt_shapes_scratch *sc,
                                   struct lt_span data, struct lt_span field,
                                   size_t win, lt_shape_cb cb, void *ud);

#endif
