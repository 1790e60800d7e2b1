/* SPDX-License-Identifier: MIT */
/*
 * leakgen.c - the planted-leak cases (leakgen.h). Every payload is built
 * the way the SDK's client code builds it (tracker-formats.md §0-§15):
 * Android org.json escapes '/' as "\/", Uri.encode / URLEncoder /
 * encodeURIComponent keep their own character sets, Java GZIPOutputStream
 * writes the header 1f8b0800000000000000, Sensors' crc is String.hashCode()
 * of the base64 text. Expectations are written next to the bytes they
 * describe so the two cannot drift apart.
 */
#include "leakgen.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tb_compress.h"
#include "tb_encode.h"

/* ---- identifier sets of the example devices ---------------------------- */

static const struct lg_ids example_ids[2] = {
    {
        .android_id = "a1b2c3d4e5f60718",
        .adid = "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        .imei = "356938035643809",
        .mac = "64:cc:2e:8a:41:9b",
        .email = "alice.martin@example.org",
        .phone = "+33612345678",
        .lat = 48.85837,
        .lon = 2.29448,
        .custom_key = "nickname",
        .custom_value = "alicem",
    },
    {
        .android_id = "0f1e2d3c4b5a6978",
        .adid = "6d92078a-8246-4ba4-ae5b-76104861e7dc",
        .imei = "490154203237518",
        .mac = "02:1a:11:f0:c3:5d",
        .email = "bob.chen@example.com",
        .phone = "+14155550123",
        .lat = 37.42186,
        .lon = -122.08437,
        .custom_key = "nickname",
        .custom_value = "bobchen42",
    },
};
static const char *const example_devices[2] = { "redmi-note8-01", "pixel4-02" };

const struct lg_ids *lg_example_ids(int i)
{
    return i >= 0 && i < 2 ? &example_ids[i] : NULL;
}

const char *lg_example_device(int i)
{
    return i >= 0 && i < 2 ? example_devices[i] : NULL;
}

/* ---- small encoders ----------------------------------------------------- */

int32_t lg_java_hash(const char *s, size_t n)
{
    uint32_t h = 0;
    for (size_t i = 0; i < n; i++)
        h = 31u * h + (uint8_t)s[i];   /* ASCII: one UTF-16 unit per byte */
    return (int32_t)h;
}

bool lg_luhn_ok(const char *d)
{
    size_t n = strlen(d);
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i] < '0' || d[i] > '9')
            return false;
        unsigned v = (unsigned)(d[n - 1 - i] - '0');
        if (i & 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return n == 15 && sum % 10 == 0;
}

void lg_hash_hex(const char *alg, const void *s, size_t n, char *out)
{
    const EVP_MD *md = !strcmp(alg, "md5") ? EVP_md5()
                     : !strcmp(alg, "sha1") ? EVP_sha1()
                     : !strcmp(alg, "sha256") ? EVP_sha256() : EVP_sha512();
    unsigned char dig[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(s, n, dig, &len, md, NULL))
        abort();
    for (unsigned i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", dig[i]);
    out[2 * len] = '\0';
}

static void hash_raw(const char *alg, const char *s, unsigned char *dig,
                     unsigned *len)
{
    const EVP_MD *md = !strcmp(alg, "sha256") ? EVP_sha256() : EVP_md5();
    if (!EVP_Digest(s, strlen(s), dig, len, md, NULL))
        abort();
}


/* Percent-encode: letters and digits and the bytes in keep stay; space
   becomes '+' when plus; everything else %XX (upper-case hex). */
static void pct_put(struct tb_buf *o, const void *src, size_t n,
                    const char *keep, bool plus)
{
    const uint8_t *p = src;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || (c && strchr(keep, c)))
            tb_buf_u8(o, c);
        else if (c == ' ' && plus)
            tb_buf_u8(o, '+');
        else
            tb_buf_printf(o, "%%%02X", c);
    }
}
#define URI_ENCODE "_-!.~'()*"     /* android.net.Uri.encode */
#define URLENCODER ".-*_"          /* java.net.URLEncoder (space: '+') */
#define JS_ENCODE "-_.!~*'()"      /* encodeURIComponent */

static void uri_encode(struct tb_buf *o, const struct tb_buf *s)
{
    pct_put(o, s->p, s->len, URI_ENCODE, false);
}
static void url_encoder(struct tb_buf *o, const char *s)
{
    pct_put(o, s, strlen(s), URLENCODER, true);
}
static void js_encode(struct tb_buf *o, const char *s)
{
    pct_put(o, s, strlen(s), JS_ENCODE, false);
}

/* java.util.zip.GZIPOutputStream: fixed 10-byte header (no mtime, OS 0). */
static void java_gzip(struct tb_buf *o, const void *src, size_t n)
{
    static const uint8_t hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0 };
    tb_buf_put(o, hdr, sizeof hdr);
    tb_compress(TB_DEFLATE, src, n, o);
    tb_buf_le32(o, (uint32_t)crc32(0, src, (uInt)n));
    tb_buf_le32(o, (uint32_t)n);
}

static void hex_put(struct tb_buf *o, const void *src, size_t n)
{
    const uint8_t *p = src;
    for (size_t i = 0; i < n; i++)
        tb_buf_printf(o, "%02x", p[i]);
}

/* NUL-terminate b's text without counting the NUL. */
static const char *cstr(struct tb_buf *b)
{
    tb_buf_u8(b, 0);
    b->len--;
    return (const char *)b->p;
}

static void rand_hex(struct tb_rng *r, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = "0123456789abcdef"[tb_rng_below(r, 16)];
    out[n] = '\0';
}

static void rand_uuid(struct tb_rng *r, char out[37])
{
    rand_hex(r, out, 36);
    out[8] = out[13] = out[18] = out[23] = '-';
    out[14] = '4';
    out[19] = "89ab"[tb_rng_below(r, 4)];
}

/* ---- identifier variants (what the matcher's literals look like) -------- */

static void upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static void strip(char *dst, const char *s)    /* drop ':' and '-' */
{
    for (; *s; s++)
        if (*s != ':' && *s != '-')
            *dst++ = *s;
    *dst = '\0';
}

static void resep(char *dst, const char *s, const char *sep)
{
    for (; *s; s++) {
        if (*s == ':') {
            strcpy(dst, sep);
            dst += strlen(sep);
        } else {
            *dst++ = *s;
        }
    }
    *dst = '\0';
}

/* Coordinates as text: shortest exact, truncated to 4 decimals (cut the
   decimal text, no float arithmetic), rounded to 4, scaled by 1e6 as Java
   `(long)(x * Math.pow(10, 6))` does. */
static void coord_exact(double v, char *out, size_t cap)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}
static void coord_trunc4(double v, char *out, size_t cap)
{
    char t[48];
    snprintf(t, sizeof t, "%.10f", v);   /* |v| <= 180: always has a '.' */
    size_t keep = (size_t)(strchr(t, '.') - t) + 5;
    snprintf(out, cap, "%.*s", (int)keep, t);
}
static void coord_round4(double v, char *out, size_t cap)
{
    snprintf(out, cap, "%.4f", v);
}
static void coord_scaled6(double v, char *out, size_t cap)
{
    snprintf(out, cap, "%lld", (long long)(v * 1000000.0));
}

/* ---- case building ------------------------------------------------------ */

static const char *own(struct lg_case *c, char *s)
{
    if (c->n_owned == LG_MAX_OWNED)
        abort();
    c->owned[c->n_owned++] = s;
    return s;
}

static const char *ownf(struct lg_case *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *ownf(struct lg_case *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return own(c, s);
}

/* A JSON path step for key: .key when identifier-like, else ['key']. */
static const char *jkey(struct lg_case *c, const char *key)
{
    bool plain = (key[0] >= 'A' && key[0] <= 'Z') || (key[0] >= 'a' && key[0] <= 'z') ||
                 key[0] == '_' || key[0] == '$';
    for (const char *k = key + 1; plain && *k; k++)
        plain = (*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
                (*k >= '0' && *k <= '9') || *k == '_' || *k == '$' || *k == '-';
    return plain ? ownf(c, ".%s", key) : ownf(c, "['%s']", key);
}

/*
 * Record one expectation. what: a manifest key ("android_id", "location")
 * or "custom" for ids->custom_key. chain: steps separated by '|'.
 */
static void expect(struct lg_case *c, const struct lg_ids *ids, const char *what,
                   const char *variant, const char *value, const char *chain)
{
    if (c->n_expects == LG_MAX_EXPECTS)
        abort();
    struct lg_expect *e = &c->expects[c->n_expects++];
    if (!strcmp(what, "custom")) {
        e->kind = ownf(c, "custom:%s", ids->custom_key);
        e->key = ownf(c, "%s", ids->custom_key);
    } else {
        e->kind = e->key = ownf(c, "%s", what);
    }
    e->variant = ownf(c, "%s", variant);
    e->value = ownf(c, "%s", value);
    char *all = (char *)ownf(c, "%s", chain);
    for (char *s = strtok(all, "|"); s; s = strtok(NULL, "|")) {
        if (e->chain_len == LG_MAX_CHAIN)
            abort();
        e->chain[e->chain_len++] = s;
    }
}

/* Request line, Host, the given header lines ("K: V\r\n"...), then
   Content-Length and the body when body is not NULL. */
static void http(struct lg_case *c, const char *method, const char *target,
                 const char *host, const char *headers, const struct tb_buf *body)
{
    c->host = host;
    tb_buf_printf(&c->request, "%s %s HTTP/1.1\r\nHost: %s\r\n%s", method,
                  target, host, headers);
    if (body)
        tb_buf_printf(&c->request, "Content-Length: %zu\r\n", body->len);
    tb_buf_puts(&c->request, "\r\n");
    if (body)
        tb_buf_put(&c->request, body->p, body->len);
}

#define UA_REDMI "Dalvik/2.1.0 (Linux; U; Android 10; Redmi Note 8 MIUI/V11.0.6.0.QCOMIXM)"
#define UA_PIXEL "Dalvik/2.1.0 (Linux; U; Android 10; Pixel 4 Build/QQ2A.200405.005)"

struct ctx {
    const struct lg_ids *ids;
    struct tb_rng rng;
    struct tb_buf a, b, t;   /* scratch */
    char upper_aid[17], upper_adid[37], nosep_adid[33], imei14[15];
    char mac_upper[18], mac_nosep[13], mac_dashed[18], mac_pct[40];
    char lat_trunc[32], lon_trunc[32], lat_round[32], lon_round[32];
    char lat_exact[32], lon_exact[32], lat_e6[32], lon_e6[32];
};

static void reset(struct ctx *x)
{
    x->a.len = x->b.len = x->t.len = 0;
}

/* ---- Sensors Analytics Android (§1; Mi Browser §3a) --------------------- */

#define SA_LIB "{\"$lib\":\"Android\",\"$lib_version\":\"4.0.4\",\"$app_version\":\"12.1.4-g\"," \
               "\"$lib_method\":\"code\",\"$lib_detail\":\"com.android.browser.analytics.SA##track##SA.java##88\"}"
#define SA_PROPS "\"$lib\":\"Android\",\"$lib_version\":\"4.0.4\",\"$os\":\"Android\",\"$os_version\":\"10\"," \
                 "\"$manufacturer\":\"Xiaomi\",\"$model\":\"Redmi Note 8\",\"$app_version\":\"12.1.4-g\"," \
                 "\"$screen_width\":1080,\"$screen_height\":2340,\"$wifi\":true,\"$network_type\":\"WIFI\"," \
                 "\"$carrier\":\"Vodafone\","

/* POST /sa?project=production with crc=&gzip=1&data_list= from the JSON
   array in x->a. */
static void sensors_request(struct lg_case *c, struct ctx *x)
{
    x->b.len = x->t.len = 0;
    java_gzip(&x->t, x->a.p, x->a.len);
    tb_b64(&x->b, x->t.p, x->t.len, false, 0, NULL);
    struct tb_buf body = { 0 };
    tb_buf_printf(&body, "crc=%d&gzip=1&data_list=", (int)lg_java_hash((const char *)x->b.p, x->b.len));
    uri_encode(&body, &x->b);
    http(c, "POST", "/sa?project=production", "sa.api.intl.miui.com",
         "Content-Type: application/x-www-form-urlencoded\r\n"
         "User-Agent: " UA_REDMI "\r\nConnection: Keep-Alive\r\nAccept-Encoding: gzip\r\n",
         &body);
    tb_buf_release(&body);
}

static void case_sensors_android(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    const char *aid = id->android_id, *pre = "body|form:data_list|base64|gzip|json:";
    /* Event 0 is the example of tracker-formats.md §1, byte for byte. */
    tb_buf_printf(&x->a,
        "[{\"_track_id\":-1388720512,\"time\":1588500000123,\"type\":\"track\",\"distinct_id\":\"%s\","
        "\"lib\":" SA_LIB ",\"event\":\"web_page_view\",\"properties\":{" SA_PROPS
        "\"$device_id\":\"%s\",\"$is_first_day\":false,"
        "\"url\":\"https:\\/\\/duckduckgo.com\\/?q=hiv+test+clinic+near+me&t=h_\","
        "\"referrer\":\"https:\\/\\/www.google.com\\/\"},\"_flush_time\":1588500004567},",
        aid, aid);
    tb_buf_printf(&x->a,
        "{\"_track_id\":2071937446,\"time\":1588500003871,\"type\":\"track\",\"distinct_id\":\"%s\","
        "\"lib\":" SA_LIB ",\"event\":\"search\",\"properties\":{" SA_PROPS
        "\"$device_id\":\"%s\",\"$is_first_day\":false,\"query\":\"hiv test clinic near me\","
        "\"search_engine\":\"duckduckgo\",\"incognito\":true},\"_flush_time\":1588500004567}]",
        aid, aid);
    expect(c, id, "android_id", "exact", aid, ownf(c, "%s$[0].distinct_id", pre));
    expect(c, id, "android_id", "exact", aid, ownf(c, "%s$[0].properties.$device_id", pre));
    expect(c, id, "android_id", "exact", aid, ownf(c, "%s$[1].distinct_id", pre));
    expect(c, id, "android_id", "exact", aid, ownf(c, "%s$[1].properties.$device_id", pre));
    sensors_request(c, x);
}

/* $AppInstall with $ios_install_source (k=v##k=v, §1) and
   $anonymization_id = base64(ANDROID_ID), then $AppStart with
   setGPSLocation()'s $latitude/$longitude (degrees x 1e6). */
static void case_sensors_install(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    const char *aid = id->android_id, *pre = "body|form:data_list|base64|gzip|json:";
    struct tb_buf anon = { 0 };
    tb_b64(&anon, aid, strlen(aid), false, 0, NULL);
    tb_buf_printf(&x->a,
        "[{\"_track_id\":-590146823,\"time\":1588500000050,\"type\":\"track\",\"distinct_id\":\"%s\","
        "\"lib\":" SA_LIB ",\"event\":\"$AppInstall\",\"properties\":{" SA_PROPS
        "\"$anonymization_id\":\"%s\",\"$is_first_day\":true,"
        "\"$ios_install_source\":\"android_id=%s##imei=%s##imei_old=##imei_slot1=%s##imei_slot2=##"
        "imei_meid=##mac=%s##oaid=##gaid=%s\"},\"_flush_time\":1588500004567},",
        aid, cstr(&anon), aid, id->imei, id->imei, id->mac, id->adid);
    tb_buf_printf(&x->a,
        "{\"_track_id\":1544803905,\"time\":1588500000071,\"type\":\"track\",\"distinct_id\":\"%s\","
        "\"lib\":" SA_LIB ",\"event\":\"$AppStart\",\"properties\":{" SA_PROPS
        "\"$device_id\":\"%s\",\"$is_first_time\":true,\"$resume_from_background\":false,"
        "\"$latitude\":%s,\"$longitude\":%s,\"$geo_coordinate_system\":\"WGS84\"},"
        "\"_flush_time\":1588500004567}]",
        aid, aid, x->lat_e6, x->lon_e6);
    const char *src = ownf(c, "%s$[0].properties.$ios_install_source|form:", pre);
    expect(c, id, "android_id", "exact", aid, ownf(c, "%s$[0].distinct_id", pre));
    expect(c, id, "android_id", "exact", aid,
           ownf(c, "%s$[0].properties.$anonymization_id|base64", pre));
    expect(c, id, "android_id", "exact", aid, ownf(c, "%sandroid_id", src));
    expect(c, id, "imei", "exact", id->imei, ownf(c, "%simei", src));
    expect(c, id, "imei", "exact", id->imei, ownf(c, "%simei_slot1", src));
    expect(c, id, "mac", "exact", id->mac, ownf(c, "%smac", src));
    expect(c, id, "adid", "exact", id->adid, ownf(c, "%sgaid", src));
    expect(c, id, "android_id", "exact", aid, ownf(c, "%s$[1].distinct_id", pre));
    expect(c, id, "android_id", "exact", aid, ownf(c, "%s$[1].properties.$device_id", pre));
    expect(c, id, "location", "scaled", x->lat_e6, ownf(c, "%s$[1].properties.$latitude", pre));
    expect(c, id, "location", "scaled", x->lon_e6, ownf(c, "%s$[1].properties.$longitude", pre));
    sensors_request(c, x);
    tb_buf_release(&anon);
}

/* ---- MIUI analytics track/spock (§3b): value=base64url(JSON) ------------ */

static void case_miui_spock(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    /* The chain says base64url only when the text has '-' or '_'. ASCII
       text gives those only from '>', '?' or '~' at offsets 2 mod 3, so
       the page URL has a '?' and the referrer tag's length shifts it until
       it lands there (deterministic). */
    for (int seq = 0;; seq++) {
        if (seq == 64)
            abort();
        x->a.len = x->b.len = 0;
        tb_buf_printf(&x->a,
            "{\"H\":{\"st\":\"1588500000456\",\"d\":\"%s\",\"aid\":\"%s\",\"pkg\":\"com.mi.globalbrowser\","
            "\"ver\":\"12.1.4-g\",\"m\":\"Redmi Note 8\",\"r\":\"GLOBAL\",\"l\":\"en_GB\"},"
            "\"B\":[{\"H\":{\"event\":\"browser_visit\",\"ts\":\"1588500000401\",\"tag\":\"%.*s\"},"
            "\"B\":{\"url\":\"https:\\/\\/www.webmd.com\\/hiv-aids\\/guide\\/hiv-testing?src=rsf\","
            "\"incognito\":\"1\"}}]}",
            id->imei, x->upper_aid, seq % 3 + 3, "homefeed");
        tb_b64(&x->b, x->a.p, x->a.len, true, 0, NULL);
        if (memchr(x->b.p, '-', x->b.len) || memchr(x->b.p, '_', x->b.len))
            break;
    }
    char nonce[17], sign[129];
    rand_hex(&x->rng, nonce, 16);
    lg_hash_hex("md5", x->b.p, x->b.len, sign);
    struct tb_buf body = { 0 };
    tb_buf_puts(&body, "value=");
    url_encoder(&body, cstr(&x->b));
    tb_buf_printf(&body, "&gzip=0&ts=1588500000456&nonce=%s&sign=%s", nonce, sign);
    http(c, "POST", "/track/spock", "tracking.intl.miui.com",
         "Content-Type: application/x-www-form-urlencoded; charset=UTF-8\r\n"
         "User-Agent: " UA_REDMI "\r\nConnection: Keep-Alive\r\n", &body);
    expect(c, id, "imei", "exact", id->imei, "body|form:value|base64url|json:$.H.d");
    expect(c, id, "android_id", "upper", x->upper_aid, "body|form:value|base64url|json:$.H.aid");
    tb_buf_release(&body);
}

/* ---- Umeng mini-program (§15a): body = base64(JSON), imprint = base64
   wrapped at 76 with CRLF ---------------------------------------------- */

static void case_umeng(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char umid[33], ud[11], od[29], sid[33], md5u[129];
    rand_hex(&x->rng, umid, 32);
    rand_hex(&x->rng, ud, 10);
    rand_hex(&x->rng, od, 28);
    rand_hex(&x->rng, sid, 32);
    lg_hash_hex("md5", id->imei, strlen(id->imei), md5u);
    upper(md5u);
    tb_buf_printf(&x->t, "{\"ts\":1588500000789,\"umid\":\"%s\",\"imei_md5\":\"%s\",\"mac\":\"%s\","
                         "\"id_type\":\"imei\",\"id_ts\":1588500000000}",
                  umid, md5u, x->mac_upper);
    struct tb_buf imp = { 0 };
    tb_b64(&imp, x->t.p, x->t.len, false, 76, "\\r\\n"); /* JSON-escaped CRLF */
    tb_buf_printf(&x->a,
        "{\"h\":{\"ak\":\"5e8f1c2a0cafb212a4b3c5d6\",\"dm\":\"Redmi Note 8\",\"db\":\"Xiaomi\",\"ov\":\"10\","
        "\"rl\":\"1080*2340\",\"ac\":\"wifi\",\"sdt\":\"wxmp\",\"sdv\":\"2.6.2\",\"it\":\"openid\","
        "\"itr\":{\"ud\":\"%s1588500000123abcdefgud\",\"od\":\"oX%s\",\"und\":\"\",\"puid\":\"\"},"
        "\"imp\":\"%s\"},\"a\":{\"sn\":[{\"id\":\"%s\",\"start_time\":1588500000100,"
        "\"end_time\":1588500060100,\"duration\":60000,\"pages\":[{\"path\":\"pages/index/index\","
        "\"duration\":60000}]}],\"e\":{}}}",
        ud, od, cstr(&imp), sid);
    struct tb_buf body = { 0 };
    tb_b64(&body, x->a.p, x->a.len, false, 0, NULL);
    http(c, "POST", "/wxm_logs", "umini.shujupie.com",
         "Content-Type: wxmp/json\r\nMsg-Type: wxmp/json\r\n"
         "User-Agent: Mozilla/5.0 (Linux; Android 10; Redmi Note 8) AppleWebKit/537.36 "
         "(KHTML, like Gecko) MicroMessenger/7.0.12.1620(0x27000C37) Process/appbrand0 NetType/WIFI\r\n"
         "Referer: https://servicewechat.com/wx5e8f1c2a0cafb212/31/page-frame.html\r\n", &body);
    expect(c, id, "imei", "md5-upper", md5u, "body|base64|json:$.h.imp|base64|json:$.imei_md5");
    expect(c, id, "mac", "upper", x->mac_upper, "body|base64|json:$.h.imp|base64|json:$.mac");
    tb_buf_release(&imp);
    tb_buf_release(&body);
}

/* ---- A cookie holding base64(base64(JSON)) ------------------------------ */

static void case_cookie_b64(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char sid[33];
    rand_hex(&x->rng, sid, 32);
    tb_buf_printf(&x->t, "{\"em\":\"%s\",\"%s\":\"%s\",\"ts\":1588500001,\"v\":2}", id->email,
                  id->custom_key, id->custom_value);
    tb_b64(&x->b, x->t.p, x->t.len, false, 0, NULL);
    tb_b64(&x->a, x->b.p, x->b.len, false, 0, NULL);
    const char *hdr = ownf(c,
        "User-Agent: Mozilla/5.0 (Linux; U; Android 10; en-gb; Redmi Note 8 Build/QKQ1.200114.002) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/71.0.3578.141 Mobile Safari/537.36 "
        "XiaoMi/MiuiBrowser/12.1.4-g\r\nAccept: application/json\r\n"
        "Cookie: sid=%s; _ud=%s; lang=en-GB\r\n", sid, cstr(&x->a));
    http(c, "GET", "/ads/v2/fetch?slot=home_feed&fmt=json", "ad.example-adnet.com", hdr, NULL);
    expect(c, id, "email", "exact", id->email, "cookie:_ud|base64|base64|json:$.em");
    expect(c, id, "custom", "exact", id->custom_value,
           ownf(c, "cookie:_ud|base64|base64|json:$%s", jkey(c, id->custom_key)));
}

/* ---- Hashed identifiers and truncated values in a query string ---------- */

static void case_hashed_query(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char md5_aid[129], sha_em[129], sha1_em[129], md5sha1[129];
    lg_hash_hex("md5", id->android_id, strlen(id->android_id), md5_aid);
    lg_hash_hex("sha256", id->email, strlen(id->email), sha_em);
    lg_hash_hex("sha1", id->email, strlen(id->email), sha1_em);
    lg_hash_hex("md5", sha1_em, strlen(sha1_em), md5sha1);
    unsigned char dig[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    hash_raw("sha256", id->phone, dig, &dlen);
    tb_b64(&x->b, dig, dlen, false, 0, NULL);
    const char *ph = cstr(&x->b);
    tb_buf_printf(&x->a, "/v1/match?aid_md5=%s&em=%s&uh=%s&ph=", md5_aid, sha_em, md5sha1);
    js_encode(&x->a, ph);
    tb_buf_printf(&x->a, "&did=%s&lat=%s&lng=%s&fmt=json", x->imei14, x->lat_trunc, x->lon_trunc);
    http(c, "GET", cstr(&x->a), "dsp.example-ads.net",
         "User-Agent: " UA_REDMI "\r\nAccept-Encoding: gzip\r\n", NULL);
    expect(c, id, "android_id", "md5", md5_aid, "query:aid_md5");
    expect(c, id, "email", "sha256", sha_em, "query:em");
    expect(c, id, "email", "md5(sha1)", md5sha1, "query:uh");
    expect(c, id, "phone", "base64(sha256)", ph, "query:ph");
    expect(c, id, "imei", "truncated", x->imei14, "query:did");
    expect(c, id, "location", "truncated", x->lat_trunc, "query:lat");
    expect(c, id, "location", "truncated", x->lon_trunc, "query:lng");
}

/* ---- Mixpanel Android (§4a): data=Uri.encode(base64(JSON array)) -------- */

static void case_mixpanel(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char dev[37], tok[33], ev[17], ses[17];
    rand_uuid(&x->rng, dev);
    rand_hex(&x->rng, tok, 32);
    rand_hex(&x->rng, ev, 16);
    rand_hex(&x->rng, ses, 16);
    tb_buf_printf(&x->a,
        "[{\"event\":\"Sign Up\",\"properties\":{\"mp_lib\":\"android\",\"$lib_version\":\"5.8.4\","
        "\"$os\":\"Android\",\"$os_version\":\"10\",\"$manufacturer\":\"Google\",\"$brand\":\"google\","
        "\"$model\":\"Pixel 4\",\"$screen_dpi\":440,\"$screen_height\":2280,\"$screen_width\":1080,"
        "\"$app_version\":\"4.1.2\",\"$app_version_string\":\"4.1.2\",\"$app_release\":412,"
        "\"$app_build_number\":412,\"$has_nfc\":true,\"$has_telephone\":true,\"$carrier\":\"T-Mobile\","
        "\"$wifi\":true,\"$bluetooth_enabled\":false,\"$bluetooth_version\":\"ble\",\"token\":\"%s\","
        "\"time\":1588500002345,\"distinct_id\":\"%s\",\"$device_id\":\"%s\",\"$user_id\":\"%s\","
        "\"$had_persisted_distinct_id\":false,\"%s\":\"%s\",\"plan\":\"free\","
        "\"signup_page\":\"https:\\/\\/example.com\\/join\"},"
        "\"$mp_metadata\":{\"$mp_event_id\":\"%s\",\"$mp_session_id\":\"%s\",\"$mp_session_seq_id\":0,"
        "\"$mp_session_start_sec\":1588500001}}]",
        tok, id->adid, dev, id->email, id->custom_key, id->custom_value, ev, ses);
    tb_b64(&x->b, x->a.p, x->a.len, false, 0, NULL);
    struct tb_buf body = { 0 };
    tb_buf_puts(&body, "data=");
    uri_encode(&body, &x->b);
    http(c, "POST", "/track/?ip=1", "api.mixpanel.com",
         "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
         "User-Agent: " UA_PIXEL "\r\nConnection: Keep-Alive\r\nAccept-Encoding: gzip\r\n", &body);
    const char *pre = "body|form:data|base64|json:$[0].properties";
    expect(c, id, "adid", "exact", id->adid, ownf(c, "%s.distinct_id", pre));
    expect(c, id, "email", "exact", id->email, ownf(c, "%s.$user_id", pre));
    expect(c, id, "custom", "exact", id->custom_value, ownf(c, "%s%s", pre, jkey(c, id->custom_key)));
    tb_buf_release(&body);
}

/* ---- Firebase app-measurement (§7): gzip(protobuf Batch) ---------------- */


static void case_firebase(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char inst[33], fid[23];
    rand_hex(&x->rng, inst, 32);
    rand_hex(&x->rng, fid, 22);
    struct tb_buf ev = { 0 }, p = { 0 };
    /* Event{ params _o=auto, _sc=SearchActivity, _si=<int>; name _vs; ts } */
    tb_pb_str(&p, 1, "_o");
    tb_pb_str(&p, 2, "auto");
    tb_pb_bytes(&ev, 1, p.p, p.len);
    p.len = 0;
    tb_pb_str(&p, 1, "_sc");
    tb_pb_str(&p, 2, "SearchActivity");
    tb_pb_bytes(&ev, 1, p.p, p.len);
    p.len = 0;
    tb_pb_str(&p, 1, "_si");
    tb_pb_int(&p, 3, 7310145627339017221ull);
    tb_pb_bytes(&ev, 1, p.p, p.len);
    tb_pb_str(&ev, 2, "_vs");
    tb_pb_int(&ev, 3, 1588500003000ull);
    tb_pb_int(&ev, 4, 1588500001000ull);
    /* Bundle, fields as app-measurement.proto numbers them. */
    struct tb_buf bu = { 0 };
    tb_pb_int(&bu, 1, 1);
    tb_pb_bytes(&bu, 2, ev.p, ev.len);
    tb_pb_int(&bu, 4, 1588500003500ull);
    tb_pb_int(&bu, 5, 1588500003000ull);
    tb_pb_int(&bu, 6, 1588500003000ull);
    tb_pb_str(&bu, 8, "android");
    tb_pb_str(&bu, 9, "10");
    tb_pb_str(&bu, 10, "Pixel 4");
    tb_pb_str(&bu, 11, "en-us");
    tb_pb_int(&bu, 12, (uint64_t)(int64_t)-420);
    tb_pb_str(&bu, 13, "com.android.vending");
    tb_pb_str(&bu, 14, "com.example.app");
    tb_pb_str(&bu, 16, "4.1.2");
    tb_pb_int(&bu, 17, 201516);
    tb_pb_int(&bu, 18, 201516);
    tb_pb_str(&bu, 19, id->adid);
    tb_pb_int(&bu, 20, 0);
    tb_pb_str(&bu, 21, inst);
    tb_pb_int(&bu, 23, 1);
    tb_pb_str(&bu, 25, "1:1035469437089:android:c1d2e3f4a5b6c7d8");
    tb_pb_str(&bu, 30, fid);
    tb_pb_bytes(&x->a, 1, bu.p, bu.len);
    struct tb_buf body = { 0 };
    java_gzip(&body, x->a.p, x->a.len);
    http(c, "POST", "/a", "app-measurement.com",
         "Content-Type: application/x-www-form-urlencoded\r\nContent-Encoding: gzip\r\n"
         "User-Agent: " UA_PIXEL "\r\nConnection: Keep-Alive\r\n", &body);
    expect(c, id, "adid", "exact", id->adid, "body|gzip|protobuf:1.19");
    tb_buf_release(&ev);
    tb_buf_release(&p);
    tb_buf_release(&bu);
    tb_buf_release(&body);
}

/* ---- Firebase batchlog (§7): JSON, then base64, then protobuf ----------- */

/* firelog's legacy batchlog: a JSON log request whose events carry their
   payload as base64 of a protobuf message (TrackHAR). The message here is
   a made-up event of an SDK that put the Android ID into it. */
static void case_firebase_batchlog(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char fid[23];
    rand_hex(&x->rng, fid, 22);
    struct tb_buf ev = { 0 }, b64 = { 0 };
    tb_pb_int(&ev, 1, 1035469437089ull);
    tb_pb_str(&ev, 3, fid);
    tb_pb_str(&ev, 6, "com.example.app");
    tb_pb_str(&ev, 7, id->android_id);
    tb_pb_int(&ev, 9, 1588500003000ull);
    tb_b64(&b64, ev.p, ev.len, false, 0, NULL);
    struct tb_buf body = { 0 };
    tb_buf_printf(&body,
                  "{\"requestTimeMs\":1588500004000,\"logRequest\":[{\"requestTimeMs\":"
                  "1588500004000,\"clientInfo\":{\"clientType\":\"ANDROID_FIREBASE\","
                  "\"androidClientInfo\":{\"sdkVersion\":29,\"model\":\"Pixel 4\"}},"
                  "\"logSourceName\":\"FCM_CLIENT_EVENT_LOGGING\",\"logEvent\":[{"
                  "\"eventTimeMs\":1588500003000,\"sourceExtension\":\"%s\"}]}]}",
                  cstr(&b64));
    http(c, "POST", "/v1/firelog/legacy/batchlog", "firebaselogging-pa.googleapis.com",
         "Content-Type: application/json\r\nUser-Agent: " UA_PIXEL "\r\n", &body);
    expect(c, id, "android_id", "exact", id->android_id,
           "body|json:$.logRequest[0].logEvent[0].sourceExtension|base64|protobuf:7");
    tb_buf_release(&ev);
    tb_buf_release(&b64);
    tb_buf_release(&body);
}

/* ---- Adjust (§10): URLEncoder form, JSON in partner_params -------------- */

static void case_adjust(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char uuid[37], sha1_em[129];
    rand_uuid(&x->rng, uuid);
    lg_hash_hex("sha1", id->email, strlen(id->email), sha1_em);
    const char *pp = ownf(c, "{\"email_sha1\":\"%s\",\"user_tier\":\"gold\"}", sha1_em);
    struct tb_buf body = { 0 };
    tb_buf_printf(&body, "app_token=abc123def456&gps_adid=%s&tracking_enabled=1&android_uuid=%s"
                         "&package_name=com.example.app&app_version=4.1.2&device_name=Pixel+4"
                         "&device_manufacturer=Google&os_name=android&os_version=10&api_level=29"
                         "&language=en&country=US&session_count=3&created_at=", id->adid, uuid);
    url_encoder(&body, "2020-05-03T12:00:00.123Z+0200");
    tb_buf_puts(&body, "&sent_at=");
    url_encoder(&body, "2020-05-03T12:00:01.456Z+0200");
    tb_buf_puts(&body, "&partner_params=");
    url_encoder(&body, pp);
    tb_buf_puts(&body, "&environment=production");
    http(c, "POST", "/session", "app.adjust.com",
         "Client-SDK: android4.21.0\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         "User-Agent: " UA_PIXEL "\r\n", &body);
    expect(c, id, "adid", "exact", id->adid, "body|form:gps_adid");
    expect(c, id, "email", "sha1", sha1_em, "body|form:partner_params|json:$.email_sha1");
    tb_buf_release(&body);
}

/* ---- AppsFlyer (§11, plain JSON SDKs): eventValue is JSON in a string --- */

static void case_appsflyer(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char key[23];
    rand_hex(&x->rng, key, 22);
    struct tb_buf body = { 0 };
    tb_buf_printf(&body,
        "{\"advertiserId\":\"%s\",\"advertiserIdEnabled\":\"true\",\"isGaidWithGps\":\"true\","
        "\"uid\":\"1588500000123-5284512390123456789\",\"android_id\":\"%s\",\"app_id\":\"com.example.app\","
        "\"appsflyerKey\":\"%s\",\"af_timestamp\":\"1588500003456\",\"brand\":\"google\",\"model\":\"Pixel 4\","
        "\"carrier\":\"T-Mobile\",\"lang\":\"English\",\"lang_code\":\"en\",\"country\":\"US\","
        "\"deviceData\":{\"cpu_abi\":\"arm64-v8a\",\"build_display_id\":\"QQ2A.200405.005\",\"wifi_mac\":\"%s\","
        "\"dim\":{\"x_px\":\"1080\",\"y_px\":\"2280\",\"d_dpi\":\"440\",\"size\":\"2\"}},"
        "\"eventName\":\"af_location\","
        "\"eventValue\":\"{\\\"af_lat\\\":\\\"%s\\\",\\\"af_long\\\":\\\"%s\\\",\\\"af_city\\\":\\\"Springfield\\\"}\","
        "\"launch_counter\":\"3\",\"installDate\":\"2020-05-01_101518+0000\"}",
        x->upper_adid, id->android_id, key, x->mac_dashed, x->lat_trunc, x->lon_trunc);
    http(c, "POST", "/api/v6.0/androidevent?app_id=com.example.app&buildnumber=6.0.3",
         "launches.appsflyer.com",
         "Content-Type: application/json\r\nUser-Agent: " UA_PIXEL "\r\n", &body);
    expect(c, id, "adid", "upper", x->upper_adid, "body|json:$.advertiserId");
    expect(c, id, "android_id", "exact", id->android_id, "body|json:$.android_id");
    expect(c, id, "mac", "dashed", x->mac_dashed, "body|json:$.deviceData.wifi_mac");
    expect(c, id, "location", "truncated", x->lat_trunc, "body|json:$.eventValue|json:$.af_lat");
    expect(c, id, "location", "truncated", x->lon_trunc, "body|json:$.eventValue|json:$.af_long");
    tb_buf_release(&body);
}

/* ---- Facebook app events (§13): gzip(URLEncoder form) ------------------- */

static void case_facebook(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char anon[37], ses[37], sha_em[129];
    rand_uuid(&x->rng, anon);
    rand_uuid(&x->rng, ses);
    lg_hash_hex("sha256", id->email, strlen(id->email), sha_em);
    tb_buf_puts(&x->a, "format=json&sdk=android&custom_events=");
    url_encoder(&x->a, ownf(c, "[{\"_eventName\":\"fb_mobile_search\",\"_logTime\":1588500004,"
                               "\"_ui\":\"unknown\",\"_session_id\":\"%s\",\"fb_search_string\":"
                               "\"hiv test\",\"_implicitlyLogged\":\"0\"}]", ses));
    tb_buf_printf(&x->a, "&event=CUSTOM_APP_EVENTS&anon_id=XZ%s&advertiser_id=%s"
                         "&advertiser_tracking_enabled=true&application_tracking_enabled=true&ud=",
                  anon, id->adid);
    url_encoder(&x->a, ownf(c, "{\"em\":\"%s\"}", sha_em));
    tb_buf_puts(&x->a, "&extinfo=");
    url_encoder(&x->a, "[\"a2\",\"com.example.app\",412,\"4.1.2\",\"10\",\"Pixel 4\",\"en_US\",\"PDT\","
                       "\"T-Mobile\",1080,2280,\"2.75\",8,52,31,\"America\\/Los_Angeles\"]");
    tb_buf_puts(&x->a, "&application_package_name=com.example.app");
    struct tb_buf body = { 0 };
    java_gzip(&body, x->a.p, x->a.len);
    http(c, "POST", "/v16.0/1234567890123456/activities", "graph.facebook.com",
         "User-Agent: FBAndroidSDK.16.0.1\r\nAccept-Language: en_US\r\n"
         "Content-Type: application/x-www-form-urlencoded\r\nContent-Encoding: gzip\r\n", &body);
    expect(c, id, "adid", "exact", id->adid, "body|gzip|form:advertiser_id");
    expect(c, id, "email", "sha256", sha_em, "body|gzip|form:ud|json:$.em");
    tb_buf_release(&body);
}

/* ---- Segment Android (§9a): gzip JSON with Content-Encoding ------------- */

static void case_segment(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char msg[37], anon[37];
    rand_uuid(&x->rng, msg);
    rand_uuid(&x->rng, anon);
    tb_buf_printf(&x->a,
        "{\"batch\":[{\"messageId\":\"%s\",\"type\":\"identify\",\"userId\":\"u_8812\",\"anonymousId\":\"%s\","
        "\"traits\":{\"anonymousId\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\",\"userId\":\"u_8812\"},"
        "\"context\":{\"app\":{\"name\":\"Example\",\"version\":\"4.1.2\",\"namespace\":\"com.example.app\","
        "\"build\":\"412\"},\"device\":{\"id\":\"%s\",\"manufacturer\":\"Google\",\"model\":\"Pixel 4\","
        "\"name\":\"flame\",\"type\":\"android\",\"advertisingId\":\"%s\",\"adTrackingEnabled\":true},"
        "\"library\":{\"name\":\"analytics-android\",\"version\":\"4.9.0\"},\"locale\":\"en-US\","
        "\"location\":{\"latitude\":%s,\"longitude\":%s,\"speed\":0},"
        "\"network\":{\"bluetooth\":false,\"carrier\":\"T-Mobile\",\"cellular\":false,\"wifi\":true},"
        "\"os\":{\"name\":\"Android\",\"version\":\"10\"},\"screen\":{\"density\":2.75,\"height\":2280,"
        "\"width\":1080},\"timezone\":\"America\\/Los_Angeles\",\"userAgent\":\"Dalvik\\/2.1.0 (Linux; U; "
        "Android 10; Pixel 4 Build\\/QQ2A.200405.005)\"},\"timestamp\":\"2020-05-03T10:00:05.123Z\","
        "\"integrations\":{}}],\"sentAt\":\"2020-05-03T10:00:06.001Z\"}",
        msg, anon, anon, id->email, id->phone, id->android_id, x->nosep_adid, x->lat_exact,
        x->lon_exact);
    struct tb_buf body = { 0 }, auth = { 0 };
    java_gzip(&body, x->a.p, x->a.len);
    static const char wk[] = "wk3f9c2b1a7d6e4c5b8a9f0e1d2c3b4a59:";
    tb_b64(&auth, wk, strlen(wk), false, 0, NULL);
    http(c, "POST", "/v1/import", "api.segment.io",
         ownf(c, "Content-Type: application/json\r\nContent-Encoding: gzip\r\n"
                 "Authorization: Basic %s\r\nUser-Agent: analytics-android/4.9.0\r\n", cstr(&auth)),
         &body);
    const char *pre = "body|gzip|json:$.batch[0]";
    expect(c, id, "email", "exact", id->email, ownf(c, "%s.traits.email", pre));
    expect(c, id, "phone", "exact", id->phone, ownf(c, "%s.traits.phone", pre));
    expect(c, id, "android_id", "exact", id->android_id, ownf(c, "%s.context.device.id", pre));
    expect(c, id, "adid", "nosep", x->nosep_adid, ownf(c, "%s.context.device.advertisingId", pre));
    expect(c, id, "location", "exact", x->lat_exact, ownf(c, "%s.context.location.latitude", pre));
    expect(c, id, "location", "exact", x->lon_exact, ownf(c, "%s.context.location.longitude", pre));
    tb_buf_release(&body);
    tb_buf_release(&auth);
}

/* ---- Amplitude Android legacy (§8a): form e=<JSON array> ---------------- */

static void case_amplitude(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    char dev[37], uuid[37], key[33], sum[129];
    rand_uuid(&x->rng, dev);
    rand_uuid(&x->rng, uuid);
    rand_hex(&x->rng, key, 32);
    tb_buf_printf(&x->t,
        "[{\"event_type\":\"session_start\",\"timestamp\":1588500006500,\"user_id\":\"%s\","
        "\"device_id\":\"%sR\",\"session_id\":1588500006400,\"uuid\":\"%s\",\"sequence_number\":12,"
        "\"version_name\":\"4.1.2\",\"os_name\":\"android\",\"os_version\":\"10\",\"api_level\":29,"
        "\"device_brand\":\"google\",\"device_manufacturer\":\"Google\",\"device_model\":\"Pixel 4\","
        "\"carrier\":\"T-Mobile\",\"country\":\"US\",\"language\":\"en\",\"platform\":\"Android\","
        "\"event_id\":5,\"library\":{\"name\":\"amplitude-android\",\"version\":\"2.25.2\"},"
        "\"api_properties\":{\"androidADID\":\"%s\",\"limit_ad_tracking\":false,\"gps_enabled\":true,"
        "\"location\":{\"lat\":%s,\"lng\":%s}},\"event_properties\":{},\"user_properties\":{},"
        "\"groups\":{}}]",
        id->custom_value, dev, uuid, id->adid, x->lat_round, x->lon_round);
    /* checksum = md5(v + client + e + upload_time) */
    x->b.len = 0;
    tb_buf_printf(&x->b, "2%s%s1588500007000", key, cstr(&x->t));
    lg_hash_hex("md5", x->b.p, x->b.len, sum);
    struct tb_buf body = { 0 };
    tb_buf_printf(&body, "v=2&client=%s&e=", key);
    url_encoder(&body, cstr(&x->t));
    tb_buf_printf(&body, "&upload_time=1588500007000&checksum=%s", sum);
    http(c, "POST", "/", "api2.amplitude.com",
         "Content-Type: application/x-www-form-urlencoded\r\nUser-Agent: okhttp/3.12.1\r\n", &body);
    const char *pre = "body|form:e|json:$[0]";
    expect(c, id, "custom", "exact", id->custom_value, ownf(c, "%s.user_id", pre));
    expect(c, id, "adid", "exact", id->adid, ownf(c, "%s.api_properties.androidADID", pre));
    expect(c, id, "location", "rounded", x->lat_round, ownf(c, "%s.api_properties.location.lat", pre));
    expect(c, id, "location", "rounded", x->lon_round, ownf(c, "%s.api_properties.location.lng", pre));
    tb_buf_release(&body);
}

/* ---- A MAC with %3A separators in the URL path -------------------------- */

static void case_mac_url(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    tb_buf_printf(&x->a, "/v1/devices/%s/config?app=com.example.thermostat&v=3", x->mac_pct);
    http(c, "GET", cstr(&x->a), "api.example-iot.com",
         "User-Agent: okhttp/3.12.1\r\nAccept-Encoding: gzip\r\n", NULL);
    /* The raw path holds the %3A form; percent-decoding it gives the MAC. */
    expect(c, id, "mac", "percent", x->mac_pct, "url");
    expect(c, id, "mac", "exact", id->mac, "url|percent");
}

/* ---- An IMEI (and a MAC without separators) in headers ------------------ */

static void case_imei_header(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    http(c, "GET", "/v2/forecast?city=springfield&units=metric", "api.example-weather.cn",
         ownf(c, "User-Agent: okhttp/3.12.1\r\nX-Device-IMEI: %s\r\nX-Device-Mac: %s\r\n"
                 "Accept-Encoding: gzip\r\n", id->imei, x->mac_nosep), NULL);
    expect(c, id, "imei", "exact", id->imei, "header:x-device-imei");
    expect(c, id, "mac", "nosep", x->mac_nosep, "header:x-device-mac");
}

/* ---- hex(JSON) in a query parameter ------------------------------------- */

static void case_hex_query(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    tb_buf_printf(&x->t, "{\"di\":\"%s\",\"aid\":\"%s\",\"os\":\"android\",\"osv\":\"10\"}", x->imei14,
                  id->android_id);
    tb_buf_puts(&x->a, "/sdk/ad?slot=banner_top&info=");
    hex_put(&x->a, x->t.p, x->t.len);
    tb_buf_puts(&x->a, "&v=3");
    http(c, "GET", cstr(&x->a), "ads.example-mob.cn", "User-Agent: " UA_PIXEL "\r\n", NULL);
    expect(c, id, "imei", "truncated", x->imei14, "query:info|hex|json:$.di");
    expect(c, id, "android_id", "exact", id->android_id, "query:info|hex|json:$.aid");
}

/* ---- A crash upload: multipart/form-data with a JSON part --------------- */

static void case_multipart(struct lg_case *c, struct ctx *x)
{
    const struct lg_ids *id = x->ids;
    static const char bd[] = "------------------------a7f3c9e1b2d40518";
    struct tb_buf body = { 0 };
    tb_buf_printf(&body, "--%s\r\nContent-Disposition: form-data; name=\"upload_file_minidump\"; "
                         "filename=\"crash.dmp\"\r\nContent-Type: application/octet-stream\r\n\r\nMDMP", bd);
    for (int i = 0; i < 256; i++)
        tb_buf_u8(&body, (uint8_t)(tb_rng_next(&x->rng) >> 56));
    tb_buf_printf(&body, "\r\n--%s\r\nContent-Disposition: form-data; name=\"device_info\"\r\n"
                         "Content-Type: application/json\r\n\r\n"
                         "{\"android_id\":\"%s\",\"email\":\"%s\",\"model\":\"Pixel 4\","
                         "\"build\":\"QQ2A.200405.005\"}\r\n--%s--\r\n",
                  bd, id->android_id, id->email, bd);
    http(c, "POST", "/api/2/minidump/?sentry_key=5d0c1f2e3a4b", "crash.example-reports.io",
         ownf(c, "Content-Type: multipart/form-data; boundary=%s\r\nUser-Agent: okhttp/3.12.1\r\n", bd),
         &body);
    expect(c, id, "android_id", "exact", id->android_id, "body|multipart:device_info|json:$.android_id");
    expect(c, id, "email", "exact", id->email, "body|multipart:device_info|json:$.email");
    tb_buf_release(&body);
}

/* ---- Decoys: near misses that must produce nothing ---------------------- */

/* The IMEI with another check digit (so Luhn fails; its first 14 digits
   are the real ones, but inside a longer number), and a second
   IMEI-shaped number with a wrong check digit. */
static void case_decoy_imei_luhn(struct lg_case *c, struct ctx *x)
{
    char d1[16], d2[16];
    snprintf(d1, sizeof d1, "%s", x->ids->imei);
    d1[14] = (char)('0' + (d1[14] - '0' + 1) % 10);
    snprintf(d2, sizeof d2, "86104603451237%c", '0');
    while (lg_luhn_ok(d2) || !strcmp(d2, x->ids->imei) || d2[14] == '0')
        d2[14] = (char)('0' + (d2[14] - '0' + 1) % 10);
    struct tb_buf body = { 0 };
    tb_buf_printf(&body, "{\"imei\":\"%s\",\"imei2\":\"%s\",\"model\":\"Redmi Note 8\",\"ts\":1588500008000}",
                  d1, d2);
    http(c, "POST", "/api/v1/report", "push.example-cdn.cn",
         "Content-Type: application/json\r\nUser-Agent: okhttp/3.12.1\r\n", &body);
    tb_buf_release(&body);
}

/* The MAC with its last octet one higher. */
static void case_decoy_mac_near(struct lg_case *c, struct ctx *x)
{
    char m[18];
    snprintf(m, sizeof m, "%s", x->ids->mac);
    unsigned last = (unsigned)strtoul(m + 15, NULL, 16);
    snprintf(m + 15, 3, "%02x", (last + 1) & 0xff);
    tb_buf_puts(&x->a, "/wifi/report?mac=");
    js_encode(&x->a, m);
    tb_buf_puts(&x->a, "&rssi=-61&ch=6");
    http(c, "GET", cstr(&x->a), "geo.example-wifi.net", "User-Agent: okhttp/3.12.1\r\n", NULL);
}

/* Advertising-ID-shaped UUIDs that are nobody's. */
static void case_decoy_uuid(struct lg_case *c, struct ctx *x)
{
    char u1[37], u2[37], u3[37], u4[37], n4[33];
    rand_uuid(&x->rng, u1);
    rand_uuid(&x->rng, u2);
    rand_uuid(&x->rng, u3);
    rand_uuid(&x->rng, u4);
    upper(u3);
    strip(n4, u4);
    struct tb_buf body = { 0 };
    tb_buf_printf(&body, "{\"gaid\":\"%s\",\"adid\":\"%s\",\"idfv\":\"%s\",\"oaid\":\"%s\"}", u1, u2, u3, n4);
    http(c, "POST", "/v1/identify", "api.example-attrib.com",
         "Content-Type: application/json\r\nUser-Agent: okhttp/3.12.1\r\n", &body);
    tb_buf_release(&body);
}

/* The Android ID's digits inside longer hex strings. */
static void case_decoy_aid_in_hex(struct lg_case *c, struct ctx *x)
{
    char h1[9], h2[9], h3[7], h4[11], span[17];
    rand_hex(&x->rng, h1, 8);
    rand_hex(&x->rng, h2, 8);
    rand_hex(&x->rng, h3, 6);
    rand_hex(&x->rng, h4, 10);
    rand_hex(&x->rng, span, 16);
    tb_buf_printf(&x->a, "/t.gif?trace_id=%s%s%s&span=%s", h1, x->ids->android_id, h2, span);
    http(c, "GET", cstr(&x->a), "telemetry.example-apm.com",
         ownf(c, "User-Agent: okhttp/3.12.1\r\nX-Request-Id: %s%s%s\r\n", h3, x->ids->android_id, h4),
         NULL);
}

/* ---- Benign traffic ----------------------------------------------------- */

static void case_benign_connectivity(struct lg_case *c, struct ctx *x)
{
    (void)x;
    http(c, "GET", "/generate_204", "connectivitycheck.gstatic.com",
         "User-Agent: " UA_REDMI "\r\nConnection: Keep-Alive\r\nAccept-Encoding: gzip\r\n", NULL);
}

static void case_benign_cdn(struct lg_case *c, struct ctx *x)
{
    (void)x;
    http(c, "GET", "/static/js/app.3f9c2b7e.js", "cdn.example.org",
         "User-Agent: Mozilla/5.0 (Linux; Android 10) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/81.0.4044.117 Mobile Safari/537.36\r\nAccept: */*\r\n"
         "Referer: https://m.example.org/news/\r\nAccept-Encoding: gzip, deflate\r\n", NULL);
}

static void case_benign_config(struct lg_case *c, struct ctx *x)
{
    (void)x;
    struct tb_buf body = { 0 };
    tb_buf_puts(&body, "{\"app\":\"com.example.app\",\"ver\":\"4.1.2\",\"locale\":\"en_US\",\"tz\":\"Europe/Paris\"}");
    http(c, "POST", "/v1/config", "config.example-app.com",
         "Content-Type: application/json; charset=utf-8\r\nUser-Agent: okhttp/3.12.1\r\n", &body);
    tb_buf_release(&body);
}

/* ---- the table ---------------------------------------------------------- */

static const struct {
    const char *name, *sdk;
    void (*build)(struct lg_case *, struct ctx *);
    bool decoy;
} table[] = {
    { "sensors_android", "sensors", case_sensors_android, false },
    { "sensors_android_install", "sensors", case_sensors_install, false },
    { "miui_spock", "miui", case_miui_spock, false },
    { "umeng", "umeng", case_umeng, false },
    { "cookie_b64", "adnet", case_cookie_b64, false },
    { "hashed_query", "dsp", case_hashed_query, false },
    { "mixpanel_android", "mixpanel", case_mixpanel, false },
    { "firebase", "firebase", case_firebase, false },
    { "adjust", "adjust", case_adjust, false },
    { "appsflyer", "appsflyer", case_appsflyer, false },
    { "facebook", "facebook", case_facebook, false },
    { "segment", "segment", case_segment, false },
    { "amplitude", "amplitude", case_amplitude, false },
    { "mac_url", "iot", case_mac_url, false },
    { "imei_header", "weather", case_imei_header, false },
    { "hex_query", "adnet", case_hex_query, false },
    { "multipart", "crash", case_multipart, false },
    { "decoy_imei_luhn", "decoy", case_decoy_imei_luhn, true },
    { "decoy_mac_near", "decoy", case_decoy_mac_near, true },
    { "decoy_uuid", "decoy", case_decoy_uuid, true },
    { "decoy_aid_in_hex", "decoy", case_decoy_aid_in_hex, true },
    { "benign_connectivity", "benign", case_benign_connectivity, true },
    { "benign_cdn", "benign", case_benign_cdn, true },
    { "benign_config", "benign", case_benign_config, true },
    /* after the others, so their seeds stay as they were */
    { "firebase_batchlog", "firebase", case_firebase_batchlog, false },
};
#define N_CASES (sizeof table / sizeof table[0])

void lg_cases(const struct lg_ids *ids, struct lg_case **out, size_t *n)
{
    struct lg_case *cs = calloc(N_CASES, sizeof *cs);
    if (!cs)
        abort();
    struct ctx x = { .ids = ids };
    snprintf(x.upper_aid, sizeof x.upper_aid, "%s", ids->android_id);
    upper(x.upper_aid);
    snprintf(x.upper_adid, sizeof x.upper_adid, "%s", ids->adid);
    upper(x.upper_adid);
    strip(x.nosep_adid, ids->adid);
    snprintf(x.imei14, sizeof x.imei14, "%.14s", ids->imei);
    snprintf(x.mac_upper, sizeof x.mac_upper, "%s", ids->mac);
    upper(x.mac_upper);
    strip(x.mac_nosep, ids->mac);
    resep(x.mac_dashed, ids->mac, "-");
    resep(x.mac_pct, ids->mac, "%3A");
    coord_trunc4(ids->lat, x.lat_trunc, sizeof x.lat_trunc);
    coord_trunc4(ids->lon, x.lon_trunc, sizeof x.lon_trunc);
    coord_round4(ids->lat, x.lat_round, sizeof x.lat_round);
    coord_round4(ids->lon, x.lon_round, sizeof x.lon_round);
    coord_exact(ids->lat, x.lat_exact, sizeof x.lat_exact);
    coord_exact(ids->lon, x.lon_exact, sizeof x.lon_exact);
    coord_scaled6(ids->lat, x.lat_e6, sizeof x.lat_e6);
    coord_scaled6(ids->lon, x.lon_e6, sizeof x.lon_e6);
    uint64_t seed = 0x1ea7;
    for (const char *s = ids->android_id; *s; s++)
        seed = seed * 131 + (uint8_t)*s;
    for (size_t i = 0; i < N_CASES; i++) {
        struct lg_case *c = &cs[i];
        c->name = table[i].name;
        c->sdk = table[i].sdk;
        c->decoy = table[i].decoy;
        x.rng = tb_rng_seed(seed * 1000003u + i + 1);
        reset(&x);
        table[i].build(c, &x);
        if (c->decoy && c->n_expects)
            abort();
    }
    tb_buf_release(&x.a);
    tb_buf_release(&x.b);
    tb_buf_release(&x.t);
    *out = cs;
    *n = N_CASES;
}

void lg_cases_free(struct lg_case *cases, size_t n)
{
    if (!cases)
        return;
    for (size_t i = 0; i < n; i++) {
        tb_buf_release(&cases[i].request);
        for (size_t k = 0; k < cases[i].n_owned; k++)
            free(cases[i].owned[k]);
    }
    free(cases);
}

const struct lg_case *lg_case_find(const struct lg_case *cases, size_t n,
                                   const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cases[i].name, name))
            return &cases[i];
    return NULL;
}
