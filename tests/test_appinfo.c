/* SPDX-License-Identifier: MIT */
/* Tests of app attribution metadata (core/fmt/appinfo.h) and of PCAPdroid
   custom blocks coming out of the pcapng reader. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/fmt/appinfo.h"
#include "core/fmt/capture.h"
#include "tb_buf.h"
#include "tb_capdrive.h"
#include "tb_capture.h"

/* ---- PCAPdroid trailer ---------------------------------------------- */

/* A frame as PCAPdroid writes it: zero-MAC Ethernet header, an IP packet of
   ip_len bytes (v4 or v6, its length field truthful), zero padding to 4,
   the trailer with magic, uid, app and a CRC-32 stored little-endian.
   Returns a malloc'd buffer of exactly *len bytes (ASan sees overreads). */
static uint8_t *pd_frame(bool v6, size_t ip_len, int32_t uid, const char *app,
                         size_t *len)
{
    struct tb_buf b = { 0 };
    tb_buf_zero(&b, 12);
    tb_buf_be16(&b, v6 ? 0x86dd : 0x0800);
    const size_t ip_at = b.len;
    for (size_t i = 0; i < ip_len; i++)
        tb_buf_u8(&b, (uint8_t)(0x41 + i * 13));
    uint8_t *ip = b.p + ip_at;
    if (v6) {
        cr_assert(ip_len >= 40);
        ip[0] = 0x60;
        ip[4] = (uint8_t)((ip_len - 40) >> 8);
        ip[5] = (uint8_t)(ip_len - 40);
    } else {
        cr_assert(ip_len >= 20);
        ip[0] = 0x45;
        ip[2] = (uint8_t)(ip_len >> 8);
        ip[3] = (uint8_t)ip_len;
    }
    while (b.len % 4)
        tb_buf_u8(&b, 0);
    tb_buf_be32(&b, LT_PCAPDROID_MAGIC);
    tb_buf_be32(&b, (uint32_t)uid);
    char name[20] = { 0 };
    memcpy(name, app, strlen(app) < 20 ? strlen(app) : 20);
    tb_buf_put(&b, name, 20);
    tb_buf_le32(&b, (uint32_t)crc32(0, b.p, (uInt)b.len));
    uint8_t *out = malloc(b.len);
    cr_assert(out);
    memcpy(out, b.p, b.len);
    *len = b.len;
    tb_buf_release(&b);
    return out;
}

/* Re-seal the CRC after a test modified the frame. */
static void reseal(uint8_t *f, size_t len)
{
    const uint32_t c = (uint32_t)crc32(0, f, (uInt)(len - 4));
    for (int i = 0; i < 4; i++)
        f[len - 4 + i] = (uint8_t)(c >> (8 * i));
}

Test(pcapdroid_trailer, ipv4_every_padding)
{
    for (size_t ip_len = 20; ip_len < 28; ip_len++) {
        size_t n, pl = 0;
        uint8_t *f = pd_frame(false, ip_len, 10123, "Chrome", &n);
        cr_assert_eq(n % 4, 0);
        struct lt_pcapdroid_trailer t;
        cr_assert(lt_pcapdroid_trailer(f, n, &t, &pl), "ip_len %zu", ip_len);
        cr_assert_eq(pl, 14 + ip_len, "ip_len %zu: payload %zu", ip_len, pl);
        cr_assert_eq(t.uid, 10123);
        cr_assert_str_eq(t.app, "Chrome");
        cr_assert_eq(lt_pcapdroid_trailer_parse(f, n, &t, &pl), LT_PDT_OK);
        free(f);
    }
}

Test(pcapdroid_trailer, ipv6_and_negative_uid)
{
    for (size_t ip_len = 40; ip_len < 44; ip_len++) {
        size_t n, pl;
        uint8_t *f = pd_frame(true, ip_len, -1, "", &n);
        struct lt_pcapdroid_trailer t;
        cr_assert(lt_pcapdroid_trailer(f, n, &t, &pl));
        cr_assert_eq(pl, 14 + ip_len);
        cr_assert_eq(t.uid, -1);
        cr_assert_str_eq(t.app, "");
        free(f);
    }
}

Test(pcapdroid_trailer, app_name_fills_all_20_bytes)
{
    size_t n, pl;
    uint8_t *f = pd_frame(false, 33, 1000, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", &n);
    struct lt_pcapdroid_trailer t;
    cr_assert(lt_pcapdroid_trailer(f, n, &t, &pl));
    cr_assert_str_eq(t.app, "ABCDEFGHIJKLMNOPQRST");
    cr_assert_eq(pl, 14 + 33);
    free(f);
}

Test(pcapdroid_trailer, wrong_crc_strips_but_does_not_trust)
{
    size_t n, pl;
    uint8_t *f = pd_frame(false, 21, 10123, "Evil", &n);
    f[20] ^= 1; /* a payload byte */
    struct lt_pcapdroid_trailer t;
    cr_assert_not(lt_pcapdroid_trailer(f, n, &t, &pl));
    cr_assert_eq(pl, 14 + 21, "the trailer is still stripped");
    cr_assert_eq(t.uid, -1);
    cr_assert_str_eq(t.app, "");
    cr_assert_eq(lt_pcapdroid_trailer_parse(f, n, &t, &pl), LT_PDT_BAD_CRC);
    f[20] ^= 1;
    f[n - 1] ^= 0x80; /* the CRC itself */
    cr_assert_eq(lt_pcapdroid_trailer_parse(f, n, &t, &pl), LT_PDT_BAD_CRC);
    /* a big-endian CRC is not PCAPdroid's */
    const uint32_t crc = (uint32_t)crc32(0, f, (uInt)(n - 4));
    cr_assert_neq(crc, __builtin_bswap32(crc));
    for (int i = 0; i < 4; i++)
        f[n - 4 + i] = (uint8_t)(crc >> (24 - 8 * i));
    cr_assert_eq(lt_pcapdroid_trailer_parse(f, n, &t, &pl), LT_PDT_BAD_CRC);
    free(f);
}

Test(pcapdroid_trailer, shape_checks)
{
    size_t n, pl;
    struct lt_pcapdroid_trailer t;
    uint8_t *f = pd_frame(false, 24, 5, "x", &n);
    /* a nonzero MAC byte, even with a valid CRC */
    for (size_t i = 0; i < 12; i++) {
        f[i] = 0xaa;
        reseal(f, n);
        cr_assert_eq(lt_pcapdroid_trailer_parse(f, n, &t, &pl), LT_PDT_NONE, "mac %zu", i);
        cr_assert_eq(pl, n);
        f[i] = 0;
    }
    /* another EtherType */
    f[12] = 0x81, f[13] = 0x00;
    reseal(f, n);
    cr_assert_eq(lt_pcapdroid_trailer_parse(f, n, &t, &pl), LT_PDT_NONE);
    f[12] = 0x08, f[13] = 0x00;
    /* the magic one bit off */
    f[n - 32] ^= 0x10;
    reseal(f, n);
    cr_assert_eq(lt_pcapdroid_trailer_parse(f, n, &t, &pl), LT_PDT_NONE);
    cr_assert_eq(pl, n);
    f[n - 32] ^= 0x10;
    reseal(f, n);
    cr_assert_eq(lt_pcapdroid_trailer_parse(f, n, &t, &pl), LT_PDT_OK);
    /* caplen not a multiple of 4: the trailer cannot be where it is */
    cr_assert_eq(lt_pcapdroid_trailer_parse(f, n - 1, &t, &pl), LT_PDT_NONE);
    free(f);
}

Test(pcapdroid_trailer, ip_length_garbage_means_no_padding)
{
    size_t n, pl;
    struct lt_pcapdroid_trailer t;
    uint8_t *f = pd_frame(false, 22, 7, "app", &n);
    cr_assert_eq(n, 14 + 22 + 0 + 32); /* 36 is a multiple of 4: no padding */
    free(f);
    f = pd_frame(false, 21, 7, "app", &n); /* 35 + 1 padding */
    cr_assert(lt_pcapdroid_trailer(f, n, &t, &pl));
    cr_assert_eq(pl, 35);
    /* total length 0 (TSO) or beyond the frame: padding 0 */
    f[14 + 2] = 0, f[14 + 3] = 0;
    reseal(f, n);
    cr_assert(lt_pcapdroid_trailer(f, n, &t, &pl));
    cr_assert_eq(pl, 36);
    f[14 + 2] = 0xff;
    reseal(f, n);
    cr_assert(lt_pcapdroid_trailer(f, n, &t, &pl));
    cr_assert_eq(pl, 36);
    /* truthful length but a nonzero padding byte */
    f[14 + 2] = 0, f[14 + 3] = 21, f[35] = 9;
    reseal(f, n);
    cr_assert(lt_pcapdroid_trailer(f, n, &t, &pl));
    cr_assert_eq(pl, 36);
    free(f);
}

Test(pcapdroid_trailer, short_frames)
{
    size_t n, pl;
    struct lt_pcapdroid_trailer t;
    uint8_t *full = pd_frame(false, 20, 3, "a", &n);
    cr_assert_eq(lt_pcapdroid_trailer_parse(NULL, 0, &t, &pl), LT_PDT_NONE);
    cr_assert_eq(pl, 0);
    /* every prefix shorter than header + trailer, and every suffix-cut */
    for (size_t k = 1; k < 46; k++) {
        uint8_t *f = malloc(k);
        memcpy(f, full, k);
        cr_assert_eq(lt_pcapdroid_trailer_parse(f, k, &t, &pl), LT_PDT_NONE, "k %zu", k);
        cr_assert_eq(pl, k);
        free(f);
    }
    /* the smallest shape that passes: header, 2 bytes, trailer (48) */
    uint8_t m[48] = { 0 };
    m[12] = 0x08;
    m[16] = 0x01, m[17] = 0x07, m[18] = 0x20, m[19] = 0x21;
    reseal(m, sizeof m);
    cr_assert_eq(lt_pcapdroid_trailer_parse(m, sizeof m, &t, &pl), LT_PDT_OK);
    cr_assert_eq(pl, 16);
    free(full);
}

Test(pcapdroid_trailer, random_frames_are_not_trailers)
{
    struct tb_rng rng = tb_rng_seed(42);
    for (int i = 0; i < 2000; i++) {
        const size_t k = (size_t)tb_rng_below(&rng, 200);
        uint8_t *f = malloc(k ? k : 1);
        for (size_t j = 0; j < k; j++)
            f[j] = (uint8_t)tb_rng_next(&rng);
        /* half of them look like PCAPdroid's up to the magic */
        if (i & 1 && k >= 46) {
            memset(f, 0, 12);
            f[12] = 0x08, f[13] = 0;
        }
        struct lt_pcapdroid_trailer t;
        size_t pl;
        cr_assert_eq(lt_pcapdroid_trailer_parse(f, k, &t, &pl), LT_PDT_NONE);
        cr_assert_eq(pl, k);
        free(f);
    }
}

/* ---- UID map ---------------------------------------------------------- */

struct seen {
    int n;
    int32_t uid;
    char pkg[300], app[300];
};

static void on_uid(void *ud, int32_t uid, struct lt_span pkg, struct lt_span app)
{
    struct seen *s = ud;
    s->n++;
    s->uid = uid;
    memcpy(s->pkg, pkg.p, pkg.len);
    s->pkg[pkg.len] = 0;
    memcpy(s->app, app.p, app.len);
    s->app[app.len] = 0;
}

/* A body as PCAPdroid writes it (after the PEN), padded to 4. */
static void uid_body(struct tb_buf *b, bool be, int32_t uid, const char *pkg,
                     const char *app)
{
    if (be)
        tb_buf_be16(b, 1);
    else
        tb_buf_le16(b, 1);
    tb_buf_u8(b, 1);
    tb_buf_u8(b, 0);
    if (be)
        tb_buf_be32(b, (uint32_t)uid);
    else
        tb_buf_le32(b, (uint32_t)uid);
    tb_buf_u8(b, (uint8_t)strlen(pkg));
    tb_buf_u8(b, (uint8_t)strlen(app));
    tb_buf_puts(b, pkg);
    tb_buf_puts(b, app);
    while (b->len % 4)
        tb_buf_u8(b, 0);
}

Test(uid_map, round_trip_both_orders)
{
    for (int be = 0; be < 2; be++) {
        struct tb_buf b = { 0 };
        uid_body(&b, be, 10123, "com.example.app", "Example App");
        struct seen s = { 0 };
        cr_assert(lt_pcapdroid_uid_map(lt_span_make(b.p, b.len), on_uid, &s));
        cr_assert_eq(s.n, 1);
        cr_assert_eq(s.uid, 10123);
        cr_assert_str_eq(s.pkg, "com.example.app");
        cr_assert_str_eq(s.app, "Example App");
        tb_buf_release(&b);
    }
}

Test(uid_map, empty_and_longest_names)
{
    struct tb_buf b = { 0 };
    uid_body(&b, false, -1, "", "");
    struct seen s = { 0 };
    cr_assert(lt_pcapdroid_uid_map(lt_span_make(b.p, b.len), on_uid, &s));
    cr_assert_eq(s.uid, -1);
    cr_assert_str_eq(s.pkg, "");
    cr_assert_str_eq(s.app, "");
    tb_buf_release(&b);

    char big[256];
    memset(big, 'p', 255);
    big[255] = 0;
    uid_body(&b, false, 2000, big, big);
    memset(&s, 0, sizeof s);
    cr_assert(lt_pcapdroid_uid_map(lt_span_make(b.p, b.len), on_uid, &s));
    cr_assert_str_eq(s.pkg, big);
    cr_assert_str_eq(s.app, big);
    tb_buf_release(&b);
}

Test(uid_map, every_truncation_is_rejected)
{
    struct tb_buf b = { 0 };
    uid_body(&b, false, 10001, "com.a", "A"); /* 10 + 6 = 16, no padding */
    cr_assert_eq(b.len, 16);
    for (size_t k = 0; k < 16; k++) {
        uint8_t *cut = malloc(k ? k : 1);
        memcpy(cut, b.p, k);
        struct seen s = { 0 };
        cr_assert_not(lt_pcapdroid_uid_map(lt_span_make(cut, k), on_uid, &s), "k %zu", k);
        cr_assert_eq(s.n, 0);
        free(cut);
    }
    tb_buf_release(&b);
}

Test(uid_map, other_versions_and_types)
{
    struct tb_buf b = { 0 };
    uid_body(&b, false, 10001, "com.a", "A");
    struct seen s = { 0 };
    b.p[0] = 2; /* version 2 */
    cr_assert_not(lt_pcapdroid_uid_map(lt_span_make(b.p, b.len), on_uid, &s));
    b.p[0] = 1, b.p[1] = 1; /* 0x0101 */
    cr_assert_not(lt_pcapdroid_uid_map(lt_span_make(b.p, b.len), on_uid, &s));
    b.p[1] = 0, b.p[2] = 2; /* type 2 */
    cr_assert_not(lt_pcapdroid_uid_map(lt_span_make(b.p, b.len), on_uid, &s));
    b.p[2] = 1;
    cr_assert(lt_pcapdroid_uid_map(lt_span_make(b.p, b.len), on_uid, &s));
    cr_assert_eq(s.n, 1);
    /* lengths claiming more than the body */
    b.p[8] = 200;
    cr_assert_not(lt_pcapdroid_uid_map(lt_span_make(b.p, b.len), on_uid, &s));
    cr_assert_eq(s.n, 1);
    tb_buf_release(&b);
}

/* ---- EPB comments ---------------------------------------------------- */

static bool cuid(const char *s, int32_t *uid)
{
    return lt_epb_comment_uid(lt_span_cstr(s), uid);
}

Test(comments, uid)
{
    int32_t u = 77;
    cr_assert(cuid("u-10123", &u));
    cr_assert_eq(u, 10123);
    cr_assert(cuid("u--1", &u));
    cr_assert_eq(u, -1);
    cr_assert(cuid("u-0", &u));
    cr_assert_eq(u, 0);
    cr_assert(cuid("u-2147483647", &u));
    cr_assert_eq(u, INT32_MAX);
    cr_assert(cuid("u--2147483648", &u));
    cr_assert_eq(u, INT32_MIN);
    cr_assert(lt_epb_comment_uid(lt_span_make("u-42\0\0", 6), &u));
    cr_assert_eq(u, 42);
    u = 77;
    const char *bad[] = { "not a uid", "", "u", "u-", "u--", "u-+5", "u-12a",
                          "u- 5", "U-5", "u-2147483648", "u--2147483649",
                          "u-99999999999", "x-5", "u-5 ", "com.example.app#1.2.3" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_not(cuid(bad[i], &u), "'%s'", bad[i]);
    cr_assert_not(lt_epb_comment_uid(lt_span_make("u-4\0" "2", 5), &u));
    cr_assert_not(lt_epb_comment_uid(lt_span_make(NULL, 0), &u));
    cr_assert_eq(u, 77, "untouched on failure");
}

Test(comments, antmonitor_app)
{
    struct lt_span a = { 0 };
    cr_assert(lt_epb_comment_app(lt_span_cstr("com.example.app#1.2.3"), &a));
    cr_assert(lt_span_eq(a, lt_span_cstr("com.example.app")));
    cr_assert(lt_epb_comment_app(lt_span_cstr("My#App#42"), &a));
    cr_assert(lt_span_eq(a, lt_span_cstr("My#App")));
    cr_assert(lt_epb_comment_app(lt_span_cstr("app#"), &a));
    cr_assert(lt_span_eq(a, lt_span_cstr("app")));
    cr_assert(lt_epb_comment_app(lt_span_make("x#1\0", 4), &a));
    cr_assert(lt_span_eq(a, lt_span_cstr("x")));
    a = lt_span_cstr("keep");
    const char *bad[] = { "not a uid", "u-10123", "#1.0", "", "#" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_not(lt_epb_comment_app(lt_span_cstr(bad[i]), &a), "'%s'", bad[i]);
    cr_assert_not(lt_epb_comment_app(lt_span_make(NULL, 0), &a));
    cr_assert(lt_span_eq(a, lt_span_cstr("keep")), "untouched on failure");
}

/* ---- PCAPdroid custom blocks through the pcapng reader --------------- */

/* A custom block of the given type and PEN (in the section's order be)
   followed by body. */
static void custom(struct tb_cap *c, uint32_t type, bool be, uint32_t pen,
                   const struct tb_buf *body)
{
    struct tb_buf b = { 0 };
    if (be)
        tb_buf_be32(&b, pen);
    else
        tb_buf_le32(&b, pen);
    if (body)
        tb_buf_put(&b, body->p, body->len);
    tb_pcapng_block(c, type, b.p, b.len);
    tb_buf_release(&b);
}

struct event {
    enum lt_err e;
    struct lt_packet pkt;
};

/* Read all of c; returns the number of LT_OK events put in ev. */
static size_t read_all(const struct tb_cap *c, struct event *ev, size_t max,
                       struct lt_stats *st)
{
    struct lt_limits lim = lt_limits_default();
    struct lt_capture_reader r;
    lt_capture_init(&r, LT_CAP_PCAPNG, &lim, st);
    size_t pos = 0, k = 0;
    for (;;) {
        size_t used;
        struct lt_packet pkt;
        enum lt_err e = lt_capture_next(&r, c->b.p + pos, c->b.len - pos, &used, &pkt);
        pos += used;
        if (e == LT_OK) {
            cr_assert(k < max);
            ev[k].e = e;
            ev[k++].pkt = pkt;
            continue;
        }
        cr_assert_eq(e, LT_AGAIN, "unexpected %s: %s", lt_err_str(e), r.msg);
        break;
    }
    cr_assert_eq(pos, c->b.len);
    cr_assert_eq(lt_capture_finish(&r, 0), LT_OK);
    return k;
}

static void build_pd_capture(struct tb_cap *c, bool be)
{
    struct tb_buf body = { 0 };
    uint8_t ip[28] = { 0x45 };
    tb_pcapng_shb(c, be);
    tb_pcapng_idb(c, 101, 65535, NULL);
    uid_body(&body, be, 10123, "com.example.app", "Example");
    custom(c, 0x00000badu, be, LT_PCAPDROID_PEN, &body);
    tb_pcapng_epb(c, 0, 5000, ip, sizeof ip, sizeof ip, "u-10123");
    body.len = 0;
    uid_body(&body, be, 10200, "org.b", "B");
    custom(c, 0x40000badu, be, LT_PCAPDROID_PEN, &body); /* do-not-copy type */
    custom(c, 0x00000badu, be, 32473, &body);            /* another PEN */
    custom(c, 0x00000badu, be, LT_PCAPDROID_PEN, NULL);  /* empty body */
    tb_pcapng_epb(c, 0, 6000, ip, 20, 20, "u-10200");
    tb_buf_release(&body);
}

Test(pcapng_custom, pcapdroid_blocks_are_handed_over)
{
    for (int be = 0; be < 2; be++) {
        struct tb_cap c = { 0 };
        build_pd_capture(&c, be);
        struct event ev[8];
        struct lt_stats st = { 0 };
        const size_t k = read_all(&c, ev, 8, &st);
        cr_assert_eq(k, 4, "be %d: %zu events", be, k);
        /* 0: uid map, 1: packet, 2: uid map, 3: packet */
        struct seen s = { 0 };
        cr_assert_null(ev[0].pkt.data);
        cr_assert_eq(ev[0].pkt.caplen, 0);
        cr_assert_eq(ev[0].pkt.custom.len % 4, 0);
        cr_assert(lt_pcapdroid_uid_map(ev[0].pkt.custom, on_uid, &s));
        cr_assert_eq(s.uid, 10123);
        cr_assert_str_eq(s.pkg, "com.example.app");
        cr_assert_str_eq(s.app, "Example");

        cr_assert_not_null(ev[1].pkt.data);
        cr_assert_eq(ev[1].pkt.caplen, 28);
        cr_assert_eq(ev[1].pkt.custom.len, 0);
        int32_t uid = 0;
        cr_assert(lt_epb_comment_uid(ev[1].pkt.comment, &uid));
        cr_assert_eq(uid, 10123);

        cr_assert_null(ev[2].pkt.data);
        cr_assert(lt_pcapdroid_uid_map(ev[2].pkt.custom, on_uid, &s));
        cr_assert_eq(s.uid, 10200);
        cr_assert_str_eq(s.app, "B");
        cr_assert_eq(ev[2].pkt.ts_ns, 5000, "time of the last packet");

        cr_assert_eq(ev[3].pkt.caplen, 20);
        cr_assert_eq(st.packets, 2, "metadata is not a packet");
        cr_assert_eq(st.skipped_blocks, 2, "other PEN and empty body skipped");
        tb_cap_release(&c);
    }
}

Test(pcapng_custom, chunked_reads_agree)
{
    struct tb_cap c = { 0 };
    build_pd_capture(&c, false);
    build_pd_capture(&c, true); /* a second section */
    struct lt_limits lim = lt_limits_default();
    struct tb_buf whole = { 0 };
    tb_capdrive(c.b.p, c.b.len, LT_CAP_PCAPNG, &lim, NULL, 0, &whole, NULL);
    cr_assert_not_null(strstr((const char *)whole.p, "custom "), "%.*s", (int)whole.len,
                       (const char *)whole.p);
    struct tb_rng rng = tb_rng_seed(7);
    for (int i = 0; i < 50; i++) {
        struct tb_buf split = { 0 };
        tb_capdrive(c.b.p, c.b.len, LT_CAP_PCAPNG, &lim, &rng, 1 + (size_t)i % 9, &split, NULL);
        cr_assert(tb_buf_eq(&whole, &split), "%.*s\nvs\n%.*s", (int)whole.len,
                  (const char *)whole.p, (int)split.len, (const char *)split.p);
        tb_buf_release(&split);
    }
    tb_buf_release(&whole);
    tb_cap_release(&c);
}

Test(pcapng_custom, pcap_packets_have_no_custom_body)
{
    struct tb_cap c = { 0 };
    tb_pcap_begin(&c, TB_PCAP_USEC_LE, 1, 65535);
    tb_pcap_packet(&c, 1000, NULL, 60, 60);
    struct lt_limits lim = lt_limits_default();
    struct lt_stats st = { 0 };
    struct lt_capture_reader r;
    lt_capture_init(&r, LT_CAP_PCAP, &lim, &st);
    struct lt_packet pkt;
    memset(&pkt, 0xa5, sizeof pkt);
    size_t used;
    cr_assert_eq(lt_capture_next(&r, c.b.p, c.b.len, &used, &pkt), LT_OK);
    cr_assert_eq(pkt.custom.len, 0);
    cr_assert_eq(pkt.comment.len, 0);
    tb_cap_release(&c);
}
