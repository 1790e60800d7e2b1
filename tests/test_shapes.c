/* SPDX-License-Identifier: MIT */
/*
 * test_shapes.c - the pattern detector (core/match/shapes.h): validators
 * (Luhn, MCC table, IMEI reporting bodies), field-name classes, each kind
 * in several notations and containers, every near miss of the issue
 * (wrong Luhn, UUID in an unrelated field, coordinates out of range, an
 * MCC that does not exist, an e-mail with a fake TLD), whole-token rules,
 * window seams, garbage and allocation failure. Check digits of fixtures
 * are computed here (luhn_complete), never typed in.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/alloc.h"
#include "core/match/shapes.h"
#include "core/match/shapes_int.h"
#include "tb_buf.h"

/* ---- helpers -------------------------------------------------------------- */

static struct lt_shapes *sh;
static struct lt_shapes_scratch *scr;

static void setup(void)
{
    char msg[256];
    cr_assert_eq(lt_shapes_new(&sh, msg, sizeof msg), LT_OK, "%s", msg);
    scr = lt_shapes_scratch_new(sh);
    cr_assert_not_null(scr);
}

static void teardown(void)
{
    lt_shapes_scratch_free(scr);
    lt_shapes_free(sh);
}

TestSuite(shapes, .init = setup, .fini = teardown, .timeout = 60);

struct log {
    struct tb_buf b;
    const uint8_t *p;
    size_t n;
    size_t last_from;
    int count;
};

static void on_hit(void *ud, const struct lt_shape_hit *h)
{
    struct log *l = ud;
    cr_assert(h->from < h->to && h->to <= l->n, "hit %zu..%zu outside %zu", h->from, h->to, l->n);
    cr_assert(l->count == 0 || h->from >= l->last_from, "hits out of order");
    l->last_from = h->from;
    l->count++;
    if (l->b.len)
        tb_buf_puts(&l->b, " ");
    tb_buf_printf(&l->b, "%s", h->kind);
    if (h->coord)
        tb_buf_printf(&l->b, "/%c", h->coord);
    tb_buf_printf(&l->b, "=%.*s", (int)(h->to - h->from), (const char *)l->p + h->from);
}

/* "kind=value kind/c=value ..." for data under field, via a window of win
   bytes (0: lt_shapes_scan). Caller frees. */
static char *scan_win(const char *field, const void *data, size_t n, size_t win)
{
    struct log l = { .p = data, .n = n };
    struct lt_span f = lt_span_cstr(field);
    struct lt_span d = lt_span_make(data, n);
    enum lt_err e = win ? lt__shapes_scan_window(sh, scr, d, f, win, on_hit, &l)
                        : lt_shapes_scan(sh, scr, d, f, on_hit, &l);
    cr_assert_eq(e, LT_OK);
    tb_buf_u8(&l.b, 0);
    return (char *)l.b.p;
}

static char *scan(const char *field, const char *data)
{
    return scan_win(field, data, strlen(data), 0);
}

#define EXPECT(field, data, want)                                                          \
    do {                                                                                   \
        char *got_ = scan(field, data);                                                    \
        cr_expect_str_eq(got_, want, "field '%s' data '%s'", field, data);                 \
        free(got_);                                                                        \
    } while (0)

#define SILENT(field, data) EXPECT(field, data, "")

/* "kind=v" (static buffer: one use per expression) */
static const char *kv(const char *kind, const char *v)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s=%s", kind, v);
    return buf;
}

/* prefix (n-1 digits) plus its Luhn check digit, into out (n+1 bytes). */
static void luhn_complete(char *out, const char *prefix)
{
    size_t n = strlen(prefix);
    memcpy(out, prefix, n);
    for (char d = '0'; d <= '9'; d++) {
        out[n] = d;
        if (lt_luhn_ok(out, n + 1))
            break;
    }
    out[n + 1] = 0;
}

/* the same number with a wrong check digit */
static void luhn_break(char *s)
{
    size_t n = strlen(s);
    s[n - 1] = (char)('0' + (s[n - 1] - '0' + 1) % 10);
}

/* ---- validators ------------------------------------------------------------ */

Test(shapes, luhn_accepts_known_numbers_and_rejects_others)
{
    cr_expect(lt_luhn_ok("79927398713", 11));
    cr_expect(lt_luhn_ok("490154203237518", 15));
    cr_expect(lt_luhn_ok("356938035643809", 15));
    cr_expect(lt_luhn_ok("4111111111111111", 16));
    cr_expect(!lt_luhn_ok("79927398710", 11));
    cr_expect(!lt_luhn_ok("490154203237519", 15));
    cr_expect(!lt_luhn_ok("3569380356438a9", 15), "a letter is no digit");
    cr_expect(!lt_luhn_ok("", 0));
    cr_expect(!lt_luhn_ok("0", 1));
    /* every single-digit change breaks it */
    char s[16] = "490154203237518";
    for (int i = 0; i < 15; i++) {
        char t[16];
        memcpy(t, s, 16);
        t[i] = (char)('0' + (t[i] - '0' + 3) % 10);
        cr_expect(!lt_luhn_ok(t, 15), "%s", t);
    }
}

Test(shapes, mcc_table_is_sorted_and_complete_enough)
{
    cr_assert(lt__mcc_count >= 230 && lt__mcc_count <= 260, "%zu MCCs", lt__mcc_count);
    for (size_t i = 1; i < lt__mcc_count; i++)
        cr_assert(lt__mcc_list[i - 1] < lt__mcc_list[i], "not sorted at %zu", i);
    for (size_t i = 0; i < lt__mcc_count; i++) {
        cr_assert(lt__mcc_list[i] >= 200 && lt__mcc_list[i] <= 999);
        cr_assert(lt_mcc_known(lt__mcc_list[i]));
    }
    static const unsigned real[] = { 202, 208, 234, 262, 302, 310, 316, 334, 404, 405, 440, 450,
                                     460, 505, 525, 530, 602, 655, 659, 722, 724, 750, 901 };
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++)
        cr_expect(lt_mcc_known(real[i]), "%u", real[i]);
    static const unsigned fake[] = { 0, 1, 100, 199, 200, 201, 209, 210, 300, 320, 490, 499,
                                     560, 700, 800, 861, 999, 1000, 65535 };
    for (size_t i = 0; i < sizeof fake / sizeof fake[0]; i++)
        cr_expect(!lt_mcc_known(fake[i]), "%u", fake[i]);
}

Test(shapes, imei_reporting_bodies)
{
    cr_expect(lt__imei_rbi_ok("35"));
    cr_expect(lt__imei_rbi_ok("86"));
    cr_expect(lt__imei_rbi_ok("01"));
    cr_expect(lt__imei_rbi_ok("99"));
    cr_expect(!lt__imei_rbi_ok("00"));
    cr_expect(!lt__imei_rbi_ok("20"));
    cr_expect(!lt__imei_rbi_ok("36"));
    cr_expect(!lt__imei_rbi_ok("87"));
}

/* ---- field names ---------------------------------------------------------- */

static unsigned ff(const char *name)
{
    return lt__shapes_field_flags((const uint8_t *)name, strlen(name));
}

Test(shapes, field_names_classify)
{
    static const struct {
        const char *name;
        unsigned want;
    } cases[] = {
        { "imei", LT__SF_IMEI },
        { "IMEI", LT__SF_IMEI },
        { "imei1", LT__SF_IMEI },
        { "device_imei", LT__SF_IMEI },
        { "deviceImei", LT__SF_IMEI },
        { "x-device-imei", LT__SF_IMEI },
        { "imsi", LT__SF_IMSI },
        { "subscriberId", LT__SF_IMSI },
        { "meid", LT__SF_MEID },
        { "imei_meid", LT__SF_IMEI | LT__SF_MEID },
        { "mac", LT__SF_MAC },
        { "deviceMac", LT__SF_MAC },
        { "mac_address", LT__SF_MAC },
        { "macAddress", LT__SF_MAC },
        { "MACAddress", LT__SF_MAC },
        { "macaddress", LT__SF_MAC },
        { "wifimac", LT__SF_MAC },
        { "wifi_bssid", LT__SF_MAC | LT__SF_BSSID },
        { "bssid", LT__SF_MAC | LT__SF_BSSID },
        { "ap_mac", LT__SF_MAC | LT__SF_BSSID },
        { "adid", LT__SF_ADID },
        { "gaid", LT__SF_ADID },
        { "aaid", LT__SF_ADID },
        { "idfa", LT__SF_ADID },
        { "oaid", LT__SF_ADID },
        { "advertisingId", LT__SF_ADID },
        { "advertising_id", LT__SF_ADID },
        { "gps_adid", LT__SF_ADID },
        { "googleAdId", LT__SF_ADID },
        { "ifa", LT__SF_ADID },
        { "android_id", LT__SF_AID },
        { "androidId", LT__SF_AID },
        { "$device_id", LT__SF_AID },
        { "deviceId", LT__SF_AID },
        { "X-Device-Id", LT__SF_AID },
        { "phone_number", LT__SF_PHONE },
        { "phoneNumber", LT__SF_PHONE },
        { "msisdn", LT__SF_PHONE | LT__SF_MSISDN },
        { "tel", LT__SF_PHONE },
        { "user_tel", LT__SF_PHONE },
        { "mobile", LT__SF_PHONE },
        { "mobileNo", LT__SF_PHONE },
        { "lat", LT__SF_LAT },
        { "latitude", LT__SF_LAT },
        { "$latitude", LT__SF_LAT },
        { "geo_lat", LT__SF_LAT },
        { "gpsLat", LT__SF_LAT },
        { "lon", LT__SF_LON },
        { "lng", LT__SF_LON },
        { "long", LT__SF_LON },
        { "longitude", LT__SF_LON },
        { "$longitude", LT__SF_LON },
        { "latlng", LT__SF_LAT | LT__SF_LON },
        { "lat_lng", LT__SF_LAT | LT__SF_LON },
        { "ll", LT__SF_LAT | LT__SF_LON },
        { "lnglat", LT__SF_LAT | LT__SF_LON | LT__SF_LONFIRST },
        /* nothing */
        { "", 0 },
        { "$$__", 0 },
        { "hmac", 0 },
        { "machine_id", 0 },
        { "thread_id", 0 },
        { "payload_id", 0 },
        { "adidas", 0 },
        { "home_id", 0 },
        { "platform", 0 },
        { "latency", 0 },
        { "translate", 0 },
        { "hotel", 0 },
        { "telemetry", 0 },
        { "along", 0 },
        { "idfv", 0 },
        { "request_id", 0 },
        { "session", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(ff(cases[i].name), cases[i].want, "'%s': got %#x want %#x", cases[i].name,
                     ff(cases[i].name), cases[i].want);
    /* a very long name is judged by its tail */
    char lng[600];
    memset(lng, 'x', sizeof lng);
    memcpy(lng + sizeof lng - 6, "_imei", 6);
    cr_expect_eq(ff(lng), LT__SF_IMEI);
}

/* ---- IMEI, IMSI, ICCID ----------------------------------------------------- */

Test(shapes, imei_in_notations_and_containers)
{
    EXPECT("", "356938035643809", "imei=356938035643809");
    EXPECT("imei", "490154203237518", "imei=490154203237518");
    EXPECT("", "{\"imei\":\"356938035643809\",\"n\":1}", "imei=356938035643809");
    EXPECT("", "a=1&did=356938035643809&b=2", "imei=356938035643809");
    EXPECT("", "%22356938035643809%22", "imei=356938035643809");
    EXPECT("", "IMEI: 356938035643809.", "imei=356938035643809");
    EXPECT("", "android_id=a1b2##imei=356938035643809##mac=", "imei=356938035643809");
    EXPECT("x", "(356938035643809)", "imei=356938035643809");
    /* IMEISV: 16 digits, no check digit, only where the name says IMEI */
    EXPECT("imeisv", "3569380356438091", "imei=3569380356438091");
    EXPECT("", "imei=3569380356438091", "imei=3569380356438091");
    SILENT("", "3569380356438091");
    SILENT("serial", "3569380356438091");
    SILENT("imeisv", "2069380356438091"); /* no such reporting body */
    /* Chinese TAF range, built with its check digit */
    char t[16];
    luhn_complete(t, "86104603451237");
    EXPECT("", t, kv("imei", t));
}

Test(shapes, imei_near_misses_stay_silent)
{
    char bad[16] = "356938035643809";
    luhn_break(bad);
    SILENT("", bad);      /* starts 35, fails Luhn: a mistyped IMEI, no IMSI */
    SILENT("imei", bad);  /* named for an IMEI: never an IMSI */
    SILENT("imei2", bad);
    char bad2[16] = "490154203237518";
    luhn_break(bad2);
    SILENT("", bad2);     /* MCC 490 does not exist either */
    SILENT("imei", bad2);
    /* Luhn passes but no reporting body starts with 20, and MCC 200 does
       not exist */
    char t[16];
    luhn_complete(t, "20015420323751");
    SILENT("", t);
    /* not whole tokens */
    SILENT("", "12356938035643809");
    SILENT("", "3569380356438091234");
    SILENT("", "f356938035643809a");
    SILENT("", "x356938035643809");
    SILENT("", "356938035643809x");
    SILENT("", "0.356938035643809");
    SILENT("", "356938035643809.5");
    SILENT("", "ab-cd-356938035643809");
    SILENT("", "356938035643809-01");
    SILENT("", "+356938035643809");
}

Test(shapes, imsi_needs_a_real_mcc)
{
    char t[16];
    /* French and US IMSIs, made to fail Luhn so they are no IMEI either */
    memcpy(t, "208150123456789", 16);
    if (lt_luhn_ok(t, 15))
        luhn_break(t);
    EXPECT("", t, kv("imsi", t));
    EXPECT("imsi", t, kv("imsi", t));
    EXPECT("", "310260123456780", "imsi=310260123456780");
    EXPECT("", "{\"sub\":\"460001234567890\"}", "imsi=460001234567890");
    /* MCCs that do not exist */
    SILENT("", "209150123456789");
    SILENT("", "999150123456789");
    SILENT("imsi", "001010123456789");
    SILENT("", "120150123456789");
    /* 14 or 16 digits are no IMSI */
    SILENT("", "20815012345678");
    SILENT("imsi", "2081501234567891");
    /* 35 + failing Luhn is an IMSI only where the name says so */
    memcpy(t, "356938035643809", 16);
    luhn_break(t);
    EXPECT("imsi", t, kv("imsi", t));
    /* both validators pass: IMEI is preferred, unless the name says IMSI */
    EXPECT("", "356938035643809", "imei=356938035643809");
    EXPECT("imsi", "356938035643809", "imsi=356938035643809");
    EXPECT("", "x=1&imsi=356938035643809", "imsi=356938035643809");
}

Test(shapes, iccid_is_19_or_20_digits_from_89_with_luhn)
{
    char a[21], b[22];
    luhn_complete(a, "893315031901234567");
    luhn_complete(b, "8901260123456789012");
    char want[64];
    snprintf(want, sizeof want, "iccid=%s", a);
    EXPECT("", a, want);
    EXPECT("iccid", a, want);
    snprintf(want, sizeof want, "iccid=%s", b);
    EXPECT("sim", b, want);
    luhn_break(a);
    SILENT("", a);
    luhn_break(b);
    SILENT("iccid", b);
    char c[21];
    luhn_complete(c, "883315031901234567"); /* not 89 */
    SILENT("", c);
    char d[23];
    luhn_complete(d, "89331503190123456789"); /* 21 digits */
    SILENT("", d);
}

/* ---- MEID, MAC, advertising ID, Android ID --------------------------------- */

Test(shapes, meid)
{
    EXPECT("", "A10000009296F2", "meid=A10000009296F2");
    EXPECT("", "meid=a10000009296f2&x=1", "meid=a10000009296f2");
    EXPECT("meid", "99000012345678", "meid=99000012345678");
    EXPECT("meid", "1A0000009296F2", "meid=1A0000009296F2");
    EXPECT("", "imei_meid=99000012345678", "meid=99000012345678");
    SILENT("", "1A0000009296F2");     /* regional code below A0 */
    SILENT("", "99000012345678");     /* digits only, no field */
    SILENT("", "A10000009296F2AB");   /* inside longer hex */
    SILENT("", "xA10000009296F2");
    SILENT("meid", "00000000000000");
    SILENT("", "A10000009296F");      /* 13 */
}

Test(shapes, mac_and_bssid_in_every_notation)
{
    EXPECT("mac", "64:cc:2e:8a:41:9b", "mac=64:cc:2e:8a:41:9b");
    EXPECT("mac", "64-CC-2E-8A-41-9B", "mac=64-CC-2E-8A-41-9B");
    EXPECT("mac", "64cc.2e8a.419b", "mac=64cc.2e8a.419b");
    EXPECT("mac", "64cc2e8a419b", "mac=64cc2e8a419b");
    EXPECT("deviceMac", "\"64:cc:2e:8a:41:9b\"", "mac=64:cc:2e:8a:41:9b");
    EXPECT("mac_address", "64:cc:2e:8a:41:9b", "mac=64:cc:2e:8a:41:9b");
    EXPECT("wifi_bssid", "02:1a:11:f0:c3:5d", "bssid=02:1a:11:f0:c3:5d");
    EXPECT("BSSID", "02:1A:11:F0:C3:5D", "bssid=02:1A:11:F0:C3:5D");
    EXPECT("wifi", "aa:bb:cc:dd:ee:01", "mac=aa:bb:cc:dd:ee:01");
    EXPECT("", "ssid=home&bssid=02:1a:11:f0:c3:5d&rssi=-61", "bssid=02:1a:11:f0:c3:5d");
    EXPECT("", "{\"mac\":\"64cc2e8a419b\"}", "mac=64cc2e8a419b");
    EXPECT("", "mac:64:cc:2e:8a:41:9b", "mac=64:cc:2e:8a:41:9b");
    EXPECT("mac", "%2264%3Acc", "");
    EXPECT("mac", "%2264:cc:2e:8a:41:9b%22", "mac=64:cc:2e:8a:41:9b");
}

Test(shapes, mac_near_misses_stay_silent)
{
    SILENT("mac", "ff:ff:ff:ff:ff:ff");
    SILENT("mac", "FF-FF-FF-FF-FF-FF");
    SILENT("mac", "00:00:00:00:00:00");
    SILENT("mac", "000000000000");
    SILENT("mac", "02:00:00:00:00:00");
    SILENT("bssid", "020000000000");
    SILENT("", "64:cc:2e:8a:41:9b");        /* no field name */
    SILENT("time", "64:cc:2e:8a:41:9b");
    SILENT("hmac", "64cc2e8a419b");
    SILENT("mac", "64:cc:2e:8a:41:9b:00:11"); /* EUI-64 */
    SILENT("mac", "00:11:64:cc:2e:8a:41:9b");
    SILENT("mac", "64:cc:2e:8a:41:9bx");
    SILENT("mac", "64:cc-2e:8a:41:9b");        /* mixed separators */
    SILENT("mac", "64cc2e8a419b77");           /* 14 hex */
    SILENT("mac", "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
}

Test(shapes, advertising_id)
{
    EXPECT("gaid", "38400000-8cf0-11bd-b23e-10b96e40000d",
           "adid=38400000-8cf0-11bd-b23e-10b96e40000d");
    EXPECT("advertisingId", "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
           "adid=3F2504E0-4F89-41D3-9A0C-0305E82C3301");
    EXPECT("idfa", "6D92078A-8246-4BA4-AE5B-76104861E7DC",
           "adid=6D92078A-8246-4BA4-AE5B-76104861E7DC");
    EXPECT("oaid", "6d92078a82464ba4ae5b76104861e7dc", "adid=6d92078a82464ba4ae5b76104861e7dc");
    EXPECT("adid", "\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\"",
           "adid=3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    EXPECT("", "{\"gps_adid\":\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\"}",
           "adid=3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    EXPECT("", "{\\\"idfa\\\":\\\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\\\"}",
           "adid=3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    EXPECT("aaid", "0f8fad5b-d9cb-669f-a165-70867728950e", /* a version 6 (RFC 9562) */
           "adid=0f8fad5b-d9cb-669f-a165-70867728950e");
}

Test(shapes, advertising_id_near_misses_stay_silent)
{
    SILENT("gaid", "00000000-0000-0000-0000-000000000000");
    SILENT("idfa", "00000000000000000000000000000000");
    SILENT("request_id", "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    SILENT("", "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    SILENT("session", "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    SILENT("idfv", "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    SILENT("", "trace=3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    SILENT("gaid", "3f2504e0-4f89-01d3-9a0c-0305e82c3301");  /* version 0 */
    SILENT("gaid", "3f2504e0-4f89-41d3-1a0c-0305e82c3301");  /* variant 0 */
    SILENT("gaid", "3f2504e0-4f89-41d3-9a0c-0305e82c3301a"); /* longer */
    SILENT("gaid", "x3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    SILENT("gaid", "3f2504e04f8941d39a0c0305e82c3301aa");
}

Test(shapes, android_id)
{
    EXPECT("android_id", "a1b2c3d4e5f60718", "android_id=a1b2c3d4e5f60718");
    EXPECT("androidId", "A1B2C3D4E5F60718", "android_id=A1B2C3D4E5F60718");
    EXPECT("$device_id", "0f1e2d3c4b5a6978", "android_id=0f1e2d3c4b5a6978");
    EXPECT("deviceId", "1234567890123456", "android_id=1234567890123456");
    EXPECT("", "android_id=a1b2c3d4e5f60718##imei=", "android_id=a1b2c3d4e5f60718");
    SILENT("trace_id", "a1b2c3d4e5f60718");
    SILENT("", "a1b2c3d4e5f60718");
    SILENT("android_id", "0000000000000000");
    SILENT("android_id", "ffa1b2c3d4e5f60718");      /* inside longer hex */
    SILENT("android_id", "a1b2c3d4e5f60718a1b2c3d4"); /* inside longer hex */
    SILENT("$device_id", "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
}

/* ---- e-mail and phone ------------------------------------------------------ */

Test(shapes, email_with_a_real_public_suffix)
{
    EXPECT("", "alice.martin@example.org", "email=alice.martin@example.org");
    EXPECT("x", "contact: bob+tag@mail.co.uk.", "email=bob+tag@mail.co.uk");
    EXPECT("", "{\"email\":\"Bob.Chen@GMAIL.COM\"}", "email=Bob.Chen@GMAIL.COM");
    EXPECT("", "email=alice_m-1@sub.example.com&x=1", "email=alice_m-1@sub.example.com");
    EXPECT("", "%22alice@gmail.com%22", "email=alice@gmail.com");
    EXPECT("", "<alice@example.de>", "email=alice@example.de");
    EXPECT("", "a@x.xn--p1ai", "email=a@x.xn--p1ai");
    EXPECT("", "a@b.co and c@d.io", "email=a@b.co email=c@d.io");
}

Test(shapes, email_near_misses_stay_silent)
{
    SILENT("", "a@example.invalid");
    SILENT("", "a@a.b.fake");
    SILENT("", "root@localhost");
    SILENT("", "a@b");
    SILENT("", "user@com");
    SILENT("", "icon@2x.png");
    SILENT("", "a..b@gmail.com");
    SILENT("", ".@gmail.com");
    SILENT("", "a.@gmail.com");
    SILENT("", "@gmail.com");
    SILENT("", "a@-gmail.com");
    SILENT("", "a@gmail-.com");
    SILENT("", "a@gmail..com");
    SILENT("", "a@b@gmail.com");
    SILENT("", "a@gmail.c0m");
    SILENT("", "a@192.168.1.1");
    SILENT("", "a@gmail.comé");
}

Test(shapes, phone_e164_in_a_phone_field)
{
    EXPECT("phone", "+33612345678", "phone=+33612345678");
    EXPECT("phone_number", "+1 (415) 555-0123", "phone=+1 (415) 555-0123");
    EXPECT("tel", "tel:+14155550123", "phone=+14155550123");
    EXPECT("mobile", "\"+8613812345678\"", "phone=+8613812345678");
    EXPECT("msisdn", "+33612345678", "phone=+33612345678");
    EXPECT("msisdn", "33612345678", "phone=33612345678");
    EXPECT("msisdn", "861381234567890", "phone=861381234567890");
    EXPECT("", "phone=+33612345678&x=1", "phone=+33612345678");
    EXPECT("phone", "+33 6 12 34 56 78 ", "phone=+33 6 12 34 56 78");
    SILENT("", "+33612345678");
    SILENT("q", "hello+33612345678");
    SILENT("phone", "0612345678");
    SILENT("phone", "+123456");
    SILENT("phone", "+0612345678");
    SILENT("phone", "+1234567890123456");
    SILENT("phone", "+33612345678x");
    SILENT("msisdn", "0612345678");
    SILENT("msisdn", "1234567");
    SILENT("tel", "33612345678");
}

/* ---- location -------------------------------------------------------------- */

Test(shapes, location_decimal_and_scaled)
{
    EXPECT("lat", "48.8566", "location/a=48.8566");
    EXPECT("$latitude", "-33.8688", "location/a=-33.8688");
    EXPECT("geo_lat", "90.0", "location/a=90.0");
    EXPECT("longitude", "-122.4194", "location/o=-122.4194");
    EXPECT("lng", "151.2093", "location/o=151.2093");
    EXPECT("lon", "180", "");
    EXPECT("lon", "-180.000", "location/o=-180.000");
    EXPECT("lat", "48856600", "location/a=48856600");        /* 1e6 */
    EXPECT("$latitude", "488566000", "location/a=488566000"); /* 1e7 */
    EXPECT("$longitude", "-1220841700", "location/o=-1220841700");
    EXPECT("long", "2294480", "location/o=2294480");
    EXPECT("latlng", "48.8566,2.3522", "location/a=48.8566 location/o=2.3522");
    EXPECT("ll", "48.8566, -2.3522", "location/a=48.8566 location/o=-2.3522");
    EXPECT("lnglat", "[2.3522,48.8566]", "location/o=2.3522 location/a=48.8566");
    EXPECT("lat", "0.5", "location/a=0.5");
}

Test(shapes, location_near_misses_stay_silent)
{
    SILENT("lat", "95.0");
    SILENT("lat", "-90.0001");
    SILENT("lon", "180.5");
    SILENT("lon", "-200.25");
    SILENT("lat", "0.0");
    SILENT("lon", "-0.000");
    SILENT("lat", "0");
    SILENT("lat", "42");             /* small integers are no scaled degrees */
    SILENT("lat", "99999");
    SILENT("lat", "950000000");      /* > 90e7 */
    SILENT("lon", "1800000001");     /* > 180e7 */
    SILENT("lat", "1234.5");         /* four integer digits */
    SILENT("lat", "48.85.66");
    SILENT("lat", "4.8e1");
    SILENT("lat", "v48.8566");
    SILENT("latency", "48.8566");
    SILENT("platform", "48.8566");
    SILENT("", "48.8566");
    SILENT("ts", "48856600");
    SILENT("lat", "048856600");
}

/* ---- whole pieces ---------------------------------------------------------- */

Test(shapes, hits_come_in_position_order)
{
    const char *body = "{\"u\":\"bob.chen@example.com\",\"i\":\"356938035643809\","
                       "\"gaid\":\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\",\"m\":\"A10000009296F2\","
                       "\"mac\":\"64:cc:2e:8a:41:9b\",\"phone\":\"+33612345678\"}";
    EXPECT("", body,
           "email=bob.chen@example.com imei=356938035643809 "
           "adid=3f2504e0-4f89-41d3-9a0c-0305e82c3301 meid=A10000009296F2 "
           "mac=64:cc:2e:8a:41:9b phone=+33612345678");
}

Test(shapes, empty_and_tiny_pieces)
{
    SILENT("", "");
    SILENT("imei", "");
    SILENT("lat", "");
    EXPECT("lat", "1.5", "location/a=1.5");
    SILENT("mac", "a");
    char *got = scan_win("", NULL, 0, 0);
    cr_expect_str_eq(got, "");
    free(got);
}

Test(shapes, scan_without_scratch_is_an_error)
{
    struct lt_span d = lt_span_cstr("356938035643809");
    cr_expect_eq(lt_shapes_scan(sh, NULL, d, lt_span_cstr(""), on_hit, NULL), LT_E_MALFORMED);
    cr_expect_null(lt_shapes_scratch_new(NULL));
    lt_shapes_scratch_free(NULL);
    lt_shapes_free(NULL);
}

/* Pieces made of values and noise; window seams must not change the hits. */
static void random_piece(struct tb_rng *r, struct tb_buf *b, size_t target)
{
    static const char *const frags[] = {
        "356938035643809", "490154203237518", "alice.martin@example.org", "a@example.invalid",
        "A10000009296F2", "mac=64:cc:2e:8a:41:9b", "bssid=02-1a-11-f0-c3-5d",
        "gaid=3f2504e0-4f89-41d3-9a0c-0305e82c3301", "android_id=a1b2c3d4e5f60718",
        "phone=+33612345678", "310260123456780", "0123456789abcdef0123456789abcdef",
        "1588500000123", "{\"k\":\"v\"}", " ", ",", "&", "=", "\"", "%22", ".", "-", ":",
        "ffffffffffff", "lorem ipsum ", "12", "ab", "+", "@",
    };
    while (b->len < target) {
        tb_buf_puts(b, frags[tb_rng_below(r, sizeof frags / sizeof frags[0])]);
        if (tb_rng_below(r, 8) == 0)
            tb_buf_u8(b, (uint8_t)tb_rng_below(r, 256));
    }
}

Test(shapes, window_seams_do_not_change_hits)
{
    struct tb_rng r = tb_rng_seed(0x5ea5);
    for (int i = 0; i < 200; i++) {
        struct tb_buf b = { 0 };
        random_piece(&r, &b, 200 + tb_rng_below(&r, 2000));
        const char *field = i % 3 == 0 ? "imei" : i % 3 == 1 ? "" : "wifi_mac";
        char *whole = scan_win(field, b.p, b.len, 0);
        size_t win = 128 + tb_rng_below(&r, 300);
        char *split = scan_win(field, b.p, b.len, win);
        cr_assert_str_eq(whole, split, "case %d, window %zu, seed 0x5ea5", i, win);
        free(whole);
        free(split);
        tb_buf_release(&b);
    }
}

/* lt_shapes_scan() finds candidates in C (SIMD); the Vectorscan database
   is the reference: the same hits on pieces dense in near-shapes. */
Test(shapes, c_finder_equals_vectorscan)
{
    struct tb_rng r = tb_rng_seed(0xc0de);
    static const char *const fields[] = { "", "mac", "gaid", "imei", "meid", "phone",
                                          "android_id", "imsi", "bssid", "x" };
    static const char alpha[] = "0123456789abcdefABCDEF:-.@+%\"=& gx";
    for (int i = 0; i < 3000; i++) {
        struct tb_buf b = { 0 };
        if (i % 2)
            random_piece(&r, &b, tb_rng_below(&r, 300));
        else
            for (size_t k = tb_rng_below(&r, 200); k > 0; k--)
                tb_buf_u8(&b, (uint8_t)alpha[tb_rng_below(&r, sizeof alpha - 1)]);
        const char *field = fields[tb_rng_below(&r, 10)];
        char *c_path = scan_win(field, b.p, b.len, 0);
        char *hs_path = scan_win(field, b.p, b.len, (size_t)1 << 30);
        cr_assert_str_eq(c_path, hs_path, "case %d field '%s' piece '%.*s', seed 0xc0de", i,
                         field, (int)b.len, (const char *)b.p);
        free(c_path);
        free(hs_path);
        tb_buf_release(&b);
    }
}

Test(shapes, random_bytes_never_crash)
{
    struct tb_rng r = tb_rng_seed(0xbad5);
    static const char *const fields[] = { "", "mac", "gaid", "lat", "lnglat", "msisdn",
                                          "phone", "android_id", "imei", "meid" };
    for (int i = 0; i < 300; i++) {
        size_t n = tb_rng_below(&r, 600);
        uint8_t *p = malloc(n + 1);
        for (size_t k = 0; k < n; k++) {
            /* mostly the bytes values are made of */
            static const char alpha[] = "0123456789abcdefABCDEF:-.@+%\"=,& xz";
            p[k] = tb_rng_below(&r, 4) ? (uint8_t)alpha[tb_rng_below(&r, sizeof alpha - 1)]
                                       : (uint8_t)tb_rng_below(&r, 256);
        }
        char *got = scan_win(fields[i % 10], p, n, i % 2 ? 0 : 128 + tb_rng_below(&r, 100));
        free(got);
        free(p);
    }
}

Test(shapes, many_hits_grow_the_hit_array)
{
    struct tb_buf b = { 0 };
    for (int i = 0; i < 500; i++)
        tb_buf_puts(&b, "356938035643809 ");
    struct log l = { .p = b.p, .n = b.len };
    cr_assert_eq(lt_shapes_scan(sh, scr, lt_span_make(b.p, b.len), lt_span_cstr(""), on_hit, &l),
                 LT_OK);
    cr_expect_eq(l.count, 500);
    tb_buf_release(&l.b);
    tb_buf_release(&b);
}

/* ---- allocation failure ---------------------------------------------------- */

static long alloc_budget;
static void *fail_malloc(size_t n) { return alloc_budget-- > 0 ? malloc(n) : NULL; }
static void *fail_realloc(void *p, size_t n) { return alloc_budget-- > 0 ? realloc(p, n) : NULL; }

Test(shapes, allocation_failure_is_nomem)
{
    struct lt_alloc_hooks h = { fail_malloc, fail_realloc, free };
    /* building */
    alloc_budget = 0;
    lt_alloc_set_hooks(&h);
    struct lt_shapes *s2 = NULL;
    char msg[128];
    enum lt_err e = lt_shapes_new(&s2, msg, sizeof msg);
    lt_alloc_set_hooks(NULL);
    cr_expect_eq(e, LT_E_NOMEM);
    cr_expect_null(s2);
    /* the scratch */
    alloc_budget = 0;
    lt_alloc_set_hooks(&h);
    struct lt_shapes_scratch *sc2 = lt_shapes_scratch_new(sh);
    lt_alloc_set_hooks(NULL);
    cr_expect_null(sc2);
    /* growing the hits: every budget either succeeds whole or is NOMEM
       with nothing reported */
    struct tb_buf b = { 0 };
    for (int i = 0; i < 100; i++)
        tb_buf_puts(&b, "356938035643809 ");
    for (long budget = 0; budget < 6; budget++) {
        struct lt_shapes_scratch *sc3 = lt_shapes_scratch_new(sh);
        cr_assert_not_null(sc3);
        struct log l = { .p = b.p, .n = b.len };
        alloc_budget = budget;
        lt_alloc_set_hooks(&h);
        e = lt_shapes_scan(sh, sc3, lt_span_make(b.p, b.len), lt_span_cstr(""), on_hit, &l);
        lt_alloc_set_hooks(NULL);
        if (e == LT_OK)
            cr_expect_eq(l.count, 100, "budget %ld", budget);
        else
            cr_expect(e == LT_E_NOMEM && l.count == 0, "budget %ld: %d, %d hits", budget, e,
                      l.count);
        /* a scratch that failed is still usable */
        struct log l2 = { .p = b.p, .n = b.len };
        cr_expect_eq(lt_shapes_scan(sh, sc3, lt_span_make(b.p, b.len), lt_span_cstr(""), on_hit,
                                    &l2),
                     LT_OK);
        cr_expect_eq(l2.count, 100);
        tb_buf_release(&l.b);
        tb_buf_release(&l2.b);
        lt_shapes_scratch_free(sc3);
    }
    tb_buf_release(&b);
}
