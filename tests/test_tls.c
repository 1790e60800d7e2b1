/* SPDX-License-Identifier: MIT */
/*
 * test_tls.c - lt_tls_sni on real ClientHellos (from the shared corpus) and
 * built ones: records split anywhere, every truncation, out_cap limits, ECH,
 * no SNI, not TLS, each malformation, random mutations keeping prefixes
 * consistent with the whole stream.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/proto/tls.h"
#include "tb_buf.h"

#define OUT_CAP 16384

/* ---- builder ----------------------------------------------------------- */

struct hello {
    const char *sni;        /* NULL: no server_name extension */
    size_t sni_len;         /* 0: strlen(sni) */
    int name_type;          /* of the one ServerName entry */
    uint16_t legacy;        /* 0: 0x0303 */
    uint8_t sid_len;
    uint16_t n_suites;      /* 0: 3 */
    uint8_t n_comp;         /* 0: 1 */
    bool no_ext;            /* no extensions block at all */
    bool ech;               /* encrypted_client_hello before server_name */
    size_t pad_before;      /* padding extension bytes before server_name */
    size_t pad_after;
};

static void ext(struct tb_buf *b, uint16_t type, const void *data, size_t n)
{
    tb_buf_be16(b, type);
    tb_buf_be16(b, (uint16_t)n);
    tb_buf_put(b, data, n);
}

/* The handshake message: type 1, 24-bit length, ClientHello body. */
static struct tb_buf hello_msg(const struct hello *h)
{
    struct tb_buf body = { 0 }, exts = { 0 };
    tb_buf_be16(&body, h->legacy ? h->legacy : 0x0303);
    for (int i = 0; i < 32; i++)
        tb_buf_u8(&body, (uint8_t)(i * 7));
    tb_buf_u8(&body, h->sid_len);
    for (int i = 0; i < h->sid_len; i++)
        tb_buf_u8(&body, 0xaa);
    const uint16_t ns = h->n_suites ? h->n_suites : 3;
    tb_buf_be16(&body, (uint16_t)(2 * ns));
    for (int i = 0; i < ns; i++)
        tb_buf_be16(&body, (uint16_t)(0x1301 + i));
    const uint8_t nc = h->n_comp ? h->n_comp : 1;
    tb_buf_u8(&body, nc);
    tb_buf_zero(&body, nc);
    if (!h->no_ext) {
        ext(&exts, 0xff01, "\0", 1);
        if (h->ech)
            ext(&exts, 0xfe0d, "\0\0\1\0\1\x2a\0\x04wxyz\0\x03zzz", 15);
        if (h->pad_before) {
            tb_buf_be16(&exts, 21);
            tb_buf_be16(&exts, (uint16_t)h->pad_before);
            tb_buf_zero(&exts, h->pad_before);
        }
        if (h->sni) {
            const size_t k = h->sni_len ? h->sni_len : strlen(h->sni);
            tb_buf_be16(&exts, 0);
            tb_buf_be16(&exts, (uint16_t)(k + 5));
            tb_buf_be16(&exts, (uint16_t)(k + 3));
            tb_buf_u8(&exts, (uint8_t)h->name_type);
            tb_buf_be16(&exts, (uint16_t)k);
            tb_buf_put(&exts, h->sni, k);
        }
        ext(&exts, 0x002b, "\x04\x03\x04\x03\x03", 5);
        if (h->pad_after) {
            tb_buf_be16(&exts, 21);
            tb_buf_be16(&exts, (uint16_t)h->pad_after);
            tb_buf_zero(&exts, h->pad_after);
        }
        tb_buf_be16(&body, (uint16_t)exts.len);
        tb_buf_put(&body, exts.p, exts.len);
    }
    struct tb_buf m = { 0 };
    tb_buf_u8(&m, 1);
    tb_buf_u8(&m, (uint8_t)(body.len >> 16));
    tb_buf_be16(&m, (uint16_t)body.len);
    tb_buf_put(&m, body.p, body.len);
    tb_buf_release(&body);
    tb_buf_release(&exts);
    return m;
}

/* Wrap the handshake bytes in records of at most frag bytes. */
static struct tb_buf records(const struct tb_buf *hs, size_t frag)
{
    struct tb_buf s = { 0 };
    for (size_t off = 0; off < hs->len; off += frag) {
        const size_t k = hs->len - off < frag ? hs->len - off : frag;
        tb_buf_put(&s, "\x16\x03\x01", 3);
        tb_buf_be16(&s, (uint16_t)k);
        tb_buf_put(&s, hs->p + off, k);
    }
    return s;
}

static struct tb_buf stream(const struct hello *h, size_t frag)
{
    struct tb_buf m = hello_msg(h);
    struct tb_buf s = records(&m, frag);
    tb_buf_release(&m);
    return s;
}

static uint8_t out_buf[OUT_CAP];

static enum lt_err sni_of(const struct tb_buf *s, size_t n, size_t out_cap, char *name)
{
    struct lt_span sni;
    size_t need = 12345;
    const enum lt_err e = lt_tls_sni(s->p, n, out_buf, out_cap, &sni, &need);
    name[0] = 0;
    if (e == LT_OK) {
        cr_assert(sni.p >= out_buf && sni.p + sni.len <= out_buf + out_cap);
        cr_assert(sni.len >= 1 && sni.len <= 255);
        memcpy(name, sni.p, sni.len);
        name[sni.len] = 0;
    }
    if (e == LT_AGAIN)
        cr_assert_gt(need, n);
    else
        cr_assert_eq(need, 0);
    return e;
}

static enum lt_err sni_whole(const struct tb_buf *s, char *name)
{
    return sni_of(s, s->len, OUT_CAP, name);
}

static enum lt_err sni_hello(const struct hello *h, char *name)
{
    struct tb_buf s = stream(h, 16384);
    const enum lt_err e = sni_whole(&s, name);
    tb_buf_release(&s);
    return e;
}

static struct tb_buf from_hex(const char *h)
{
    struct tb_buf b = { 0 };
    for (; h[0] && h[1]; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        tb_buf_u8(&b, (uint8_t)v);
    }
    return b;
}

/* ---- real hellos ------------------------------------------------------- */

/* zeek testing/btest/Traces/tls/chrome-34-google.pcap: first record */
static const char chrome34[] =
    "16030100cc010000c80303ee181414cc5464d43b1046f68825acf46d92663289"
    "d2f905ecfa687e856affaa000028c02bc02f009ecc14cc13c00ac009c013c014"
    "c007c011003300320039009c002f0035000a00050004010000770000000e000c"
    "000009676f6f676c652e6465ff01000100000a00080006001700180019000b00"
    "02010000230000337400000010001b001906737064792f3308737064792f332e"
    "3108687474702f312e3175500000000500050100000000000d00120010040105"
    "0102010403050302030402020200120000";

/* zeek testing/btest/Traces/tls/tls13-ech.pcap: a GREASEd Chrome hello
   with encrypted_client_hello (fe0d) before the outer server_name */
static const char chrome_ech[] =
    "1603010200010001fc0303d820986a1fb4dc3a70fac91f1359ff5e320c6a5e07"
    "397ab36f8c513be4585f5d207c77f968ecbeda040598f47af5265fb5f0f5ef32"
    "79f08b43d03c31a57ce0c63000202a2a130113021303c02bc02fc02cc030cca9"
    "cca8c013c014009c009d002f003501000193dada0000ff010001000010000e00"
    "0c02683208687474702f312e31000d0012001004030804040105030805050108"
    "0606010033002b00291a1a000100001d0020231cb3a7bde0d15d97dfdfc4d315"
    "b112899e9480d1dc7a0e739c4058bbe7276d002d000201014469000500030268"
    "3200230000002b0007068a8a03040303000a000a00081a1a001d00170018fe0d"
    "00ba0000010001d10020cce5c83299bb8dffdb74bafd0a1d524b82973e224c12"
    "999beed169ee7a9ad67d00900b7b2dc3b17adb2eabc1f7fabb61bdd5db777336"
    "a9da3679c5373ff69f0087b9453bd3ec42b6d17b1b7d024cd7c4b627d1b0cd3a"
    "e9fbe5422f132187789d6c7f89f29201ff0e64853d3988adb723fff552447ebd"
    "087a55422abe568a8dfe4596a5820f134ec9f192620e4b36776431e14e35a6c9"
    "ddbe912359b1bde0d74a062e634eb5ced3063bed83f0b562f262780300170000"
    "00050005010000000000120000000b00020100000000170015000012636c6f75"
    "64666c6172652d6563682e636f6d001b00030200029a9a000100001500070000"
    "0000000000";

/* Every prefix gives LT_AGAIN or the whole stream's answer. */
static void check_prefixes(const struct tb_buf *s, size_t out_cap, enum lt_err want,
                           const char *want_name)
{
    char name[256];
    for (size_t k = 0; k <= s->len; k++) {
        const enum lt_err e = sni_of(s, k, out_cap, name);
        if (e == LT_AGAIN) {
            cr_assert_lt(k, s->len, "whole stream still wants more");
            continue;
        }
        cr_assert_eq(e, want, "k=%zu: %s", k, lt_err_str(e));
        cr_assert_str_eq(name, want_name, "k=%zu", k);
    }
}

Test(tls, real_hellos)
{
    char name[256];
    struct tb_buf s = from_hex(chrome34);
    cr_assert_eq(sni_whole(&s, name), LT_OK);
    cr_assert_str_eq(name, "google.de");
    check_prefixes(&s, OUT_CAP, LT_OK, "google.de");
    tb_buf_release(&s);

    s = from_hex(chrome_ech);
    cr_assert_eq(s.len, 517);
    cr_assert_eq(sni_whole(&s, name), LT_OK);
    cr_assert_str_eq(name, "cloudflare-ech.com");
    check_prefixes(&s, OUT_CAP, LT_OK, "cloudflare-ech.com");
    /* the same hello cut into 100-byte records */
    struct tb_buf hs = { 0 };
    tb_buf_put(&hs, s.p + 5, s.len - 5);
    struct tb_buf r = records(&hs, 100);
    cr_assert_eq(sni_whole(&r, name), LT_OK);
    cr_assert_str_eq(name, "cloudflare-ech.com");
    tb_buf_release(&r);
    tb_buf_release(&hs);
    tb_buf_release(&s);
}

/* ---- built hellos ------------------------------------------------------ */

Test(tls, name_is_lowered_and_final_dot_dropped)
{
    char name[256];
    struct hello h = { .sni = "WWW.Example.COM" };
    cr_assert_eq(sni_hello(&h, name), LT_OK);
    cr_assert_str_eq(name, "www.example.com");
    h.sni = "a-b_c.example.org.";
    cr_assert_eq(sni_hello(&h, name), LT_OK);
    cr_assert_str_eq(name, "a-b_c.example.org");
    h.sni = "x";
    cr_assert_eq(sni_hello(&h, name), LT_OK);
    cr_assert_str_eq(name, "x");
    char n255[256];
    memset(n255, 'q', 255);
    n255[255] = 0;
    h.sni = n255;
    cr_assert_eq(sni_hello(&h, name), LT_OK);
    cr_assert_str_eq(name, n255);
    /* the single-record path copies only the name: out just fits it */
    struct tb_buf s = stream(&h, 16384);
    cr_assert_eq(sni_of(&s, s.len, 255, name), LT_OK);
    cr_assert_eq(sni_of(&s, s.len, 254, name), LT_E_LIMIT);
    cr_assert_eq(sni_of(&s, s.len, 0, name), LT_E_LIMIT);
    tb_buf_release(&s);
}

Test(tls, old_and_ech_hellos)
{
    char name[256];
    struct hello h = { .sni = "public.example.net", .ech = true, .sid_len = 32,
                       .n_suites = 40, .n_comp = 2, .legacy = 0x0301 };
    cr_assert_eq(sni_hello(&h, name), LT_OK);
    cr_assert_str_eq(name, "public.example.net");
    h.legacy = 0x0300;
    cr_assert_eq(sni_hello(&h, name), LT_OK);
}

Test(tls, split_records_at_every_size)
{
    const struct hello h = { .sni = "split.example.com", .pad_before = 300, .pad_after = 50 };
    struct tb_buf m = hello_msg(&h);
    for (size_t frag = 1; frag <= m.len; frag++) {
        struct tb_buf s = records(&m, frag);
        char name[256];
        cr_assert_eq(sni_whole(&s, name), LT_OK, "frag %zu", frag);
        cr_assert_str_eq(name, "split.example.com", "frag %zu", frag);
        tb_buf_release(&s);
    }
    /* two records, split at every offset */
    for (size_t cut = 1; cut < m.len; cut++) {
        struct tb_buf s = { 0 };
        tb_buf_put(&s, "\x16\x03\x01", 3);
        tb_buf_be16(&s, (uint16_t)cut);
        tb_buf_put(&s, m.p, cut);
        tb_buf_put(&s, "\x16\x03\x03", 3);
        tb_buf_be16(&s, (uint16_t)(m.len - cut));
        tb_buf_put(&s, m.p + cut, m.len - cut);
        char name[256];
        cr_assert_eq(sni_whole(&s, name), LT_OK, "cut %zu", cut);
        cr_assert_str_eq(name, "split.example.com", "cut %zu", cut);
        tb_buf_release(&s);
    }
    tb_buf_release(&m);
}

Test(tls, every_truncation_agains_or_agrees)
{
    const struct hello h = { .sni = "trunc.example", .pad_before = 40, .pad_after = 40 };
    static const size_t frags[] = { 16384, 1, 3, 7, 64 };
    for (size_t i = 0; i < sizeof frags / sizeof frags[0]; i++) {
        struct tb_buf s = stream(&h, frags[i]);
        check_prefixes(&s, OUT_CAP, LT_OK, "trunc.example");
        tb_buf_release(&s);
    }
    /* a prefix ending before the name asks for more: need is exact for one
       record (the end of the message) */
    struct tb_buf s = stream(&h, 16384);
    struct lt_span sni;
    size_t need;
    cr_assert_eq(lt_tls_sni(s.p, 3, out_buf, OUT_CAP, &sni, &need), LT_AGAIN);
    cr_assert_eq(need, 5);
    cr_assert_eq(lt_tls_sni(s.p, 50, out_buf, OUT_CAP, &sni, &need), LT_AGAIN);
    cr_assert_eq(need, s.len);
    cr_assert_eq(lt_tls_sni(s.p, 0, out_buf, OUT_CAP, &sni, &need), LT_AGAIN);
    cr_assert_eq(need, 5);
    tb_buf_release(&s);
    /* no SNI: only the whole message decides */
    const struct hello none = { .pad_before = 30 };
    s = stream(&none, 20);
    check_prefixes(&s, OUT_CAP, LT_E_UNSUPPORTED, "");
    tb_buf_release(&s);
}

Test(tls, name_is_found_before_the_message_ends)
{
    const struct hello h = { .sni = "early.example", .pad_after = 3000 };
    struct tb_buf s = stream(&h, 16384);
    char name[256];
    cr_assert_eq(sni_of(&s, 200, OUT_CAP, name), LT_OK);
    cr_assert_str_eq(name, "early.example");
    tb_buf_release(&s);
}

Test(tls, out_cap_limits_reassembly)
{
    const struct hello h = { .sni = "far.example", .pad_before = 1000 };
    struct tb_buf s = stream(&h, 512);
    char name[256];
    cr_assert_eq(sni_whole(&s, name), LT_OK);
    cr_assert_str_eq(name, "far.example");
    /* the name ends at handshake byte 4+2+32+1+2+6+1+1+2+5+4+1000+9+11 */
    const size_t end = 4 + 2 + 32 + 1 + 2 + 6 + 1 + 1 + 2 + 5 + 4 + 1000 + 9 + 11;
    cr_assert_eq(sni_of(&s, s.len, end, name), LT_OK);
    cr_assert_str_eq(name, "far.example");
    cr_assert_eq(sni_of(&s, s.len, end - 1, name), LT_E_LIMIT);
    cr_assert_eq(sni_of(&s, s.len, 3, name), LT_E_LIMIT);
    cr_assert_eq(sni_of(&s, s.len, 0, name), LT_E_LIMIT);
    check_prefixes(&s, end - 1, LT_E_LIMIT, "");
    tb_buf_release(&s);
}

Test(tls, no_server_name_is_unsupported)
{
    char name[256];
    struct hello h = { 0 };
    cr_assert_eq(sni_hello(&h, name), LT_E_UNSUPPORTED);
    h.no_ext = true;
    cr_assert_eq(sni_hello(&h, name), LT_E_UNSUPPORTED);
    h = (struct hello){ .sni = "x.example", .name_type = 1 };
    cr_assert_eq(sni_hello(&h, name), LT_E_UNSUPPORTED);
    h = (struct hello){ .ech = true };     /* ECH without an outer name */
    cr_assert_eq(sni_hello(&h, name), LT_E_UNSUPPORTED);
}

static enum lt_err raw(const char *bytes, size_t n)
{
    struct tb_buf s = { 0 };
    tb_buf_put(&s, bytes, n);
    char name[256];
    const enum lt_err e = sni_whole(&s, name);
    tb_buf_release(&s);
    return e;
}

Test(tls, not_tls_is_unsupported)
{
    cr_assert_eq(raw("GET / HTTP/1.1\r\n\r\n", 18), LT_E_UNSUPPORTED);
    cr_assert_eq(raw("G", 1), LT_E_UNSUPPORTED);
    /* SSLv2-compatible ClientHello */
    cr_assert_eq(raw("\x80\x2e\x01\x03\x01\x00\x15\x00\x00\x00\x10", 11), LT_E_UNSUPPORTED);
    cr_assert_eq(raw("\x17\x03\x03\x00\x10", 5), LT_E_UNSUPPORTED);     /* app data */
    cr_assert_eq(raw("\x16\x02\x00\x00\x10", 5), LT_E_UNSUPPORTED);     /* major 2 */
    cr_assert_eq(raw("\x16\x03\x05\x00\x10", 5), LT_E_UNSUPPORTED);     /* 3.5 */
    cr_assert_eq(raw("\x16\x03", 2), LT_AGAIN);
    /* a ServerHello: a server's stream */
    cr_assert_eq(raw("\x16\x03\x03\x00\x50\x02\x00\x00\x4c\x03\x03", 11), LT_E_UNSUPPORTED);
    /* hs type split off into record 2 */
    cr_assert_eq(raw("\x16\x03\x01\x00\x01\x01\x16\x03\x01\x00\x03\x00\x01\x00", 14),
                 LT_AGAIN);
    cr_assert_eq(raw("\x16\x03\x01\x00\x01\x0b\x16\x03\x01\x00\x03\x00\x00\x10", 14),
                 LT_E_UNSUPPORTED);
}

Test(tls, tiny_out_never_answers_before_the_handshake_type)
{
    /* fuzz find: with out_cap 0 a 5-byte prefix said LT_E_LIMIT while the
       whole stream (not a ClientHello) is LT_E_UNSUPPORTED */
    struct tb_buf s = { 0 };
    tb_buf_put(&s, "\x16\x03\x00\x00\x03\x0a\x00\x82\x16\x03\x01\x00\x02\x00\x00", 15);
    for (size_t cap = 0; cap < 6; cap++)
        check_prefixes(&s, cap, LT_E_UNSUPPORTED, "");
    s.p[5] = 1;
    check_prefixes(&s, 0, LT_E_LIMIT, "");
    tb_buf_release(&s);
}

/* Build, then patch the byte at handshake offset off (-1: none). */
static enum lt_err patched(const struct hello *h, size_t frag, long off, uint8_t v)
{
    struct tb_buf m = hello_msg(h);
    if (off >= 0)
        m.p[off] = v;
    struct tb_buf s = records(&m, frag);
    char name[256];
    const enum lt_err e = sni_whole(&s, name);
    tb_buf_release(&s);
    tb_buf_release(&m);
    return e;
}

Test(tls, malformed_hellos)
{
    char name[256];
    const struct hello ok = { .sni = "ok.example" };
    cr_assert_eq(patched(&ok, 16384, -1, 0), LT_OK);
    cr_assert_eq(patched(&ok, 16384, 4, 2), LT_E_MALFORMED);         /* version 2.x */
    cr_assert_eq(patched(&ok, 16384, 5, 5), LT_E_MALFORMED);         /* version 3.5 */
    cr_assert_eq(patched(&ok, 16384, 38, 33), LT_E_MALFORMED);       /* sid 33 */
    cr_assert_eq(patched(&ok, 16384, 40, 7), LT_E_MALFORMED);        /* odd suites */
    cr_assert_eq(patched(&ok, 16384, 40, 0), LT_E_MALFORMED);        /* no suites */
    cr_assert_eq(patched(&ok, 16384, 47, 0), LT_E_MALFORMED);        /* no comp */
    cr_assert_eq(patched(&ok, 16384, 50, 0xff), LT_E_MALFORMED);     /* ext total */
    cr_assert_eq(patched(&ok, 16384, 3, 40), LT_E_MALFORMED);        /* hs len < 41 */
    cr_assert_eq(patched(&ok, 16384, 1, 0x02), LT_E_MALFORMED);      /* > max hello */
    /* a longer message: the extensions no longer fill it; without
       extensions it just wants the next record */
    cr_assert_eq(patched(&ok, 16384, 3, 0xff), LT_E_MALFORMED);
    const struct hello noext = { .no_ext = true };
    cr_assert_eq(patched(&noext, 16384, 3, 0xff), LT_AGAIN);
    /* the same faults found through reassembly */
    cr_assert_eq(patched(&ok, 10, 38, 33), LT_E_MALFORMED);
    cr_assert_eq(patched(&ok, 10, 1, 0xff), LT_E_MALFORMED);
    /* extension length past the block: ff01 is the first extension */
    cr_assert_eq(patched(&ok, 16384, 53, 0xff), LT_E_MALFORMED);
    /* server_name list length, and the entry length, inconsistent */
    const size_t sn = 4 + 2 + 32 + 1 + 2 + 6 + 1 + 1 + 2 + 5;  /* ext header */
    cr_assert_eq(patched(&ok, 16384, (long)sn + 5, 0), LT_E_MALFORMED);
    cr_assert_eq(patched(&ok, 16384, (long)sn + 8, 0x40), LT_E_MALFORMED);
    cr_assert_eq(patched(&ok, 16384, (long)sn + 3, 4), LT_E_MALFORMED);
    /* names */
    static const char *const bad[] = { "a b", "x:443", "", ".", "ab\x80", "a/b" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const struct hello h = { .sni = bad[i] };
        cr_assert_eq(sni_hello(&h, name), LT_E_MALFORMED, "%s", bad[i]);
    }
    char n256[257];
    memset(n256, 'q', 256);
    n256[256] = 0;
    const struct hello longname = { .sni = n256 };
    cr_assert_eq(sni_hello(&longname, name), LT_E_MALFORMED);
    const struct hello nul = { .sni = "a\0b", .sni_len = 3 };
    cr_assert_eq(sni_hello(&nul, name), LT_E_MALFORMED);
}

Test(tls, bad_record_headers)
{
    char name[256];
    cr_assert_eq(raw("\x16\x03\x01\x00\x00\x01", 6), LT_E_MALFORMED);       /* empty */
    cr_assert_eq(raw("\x16\x03\x01\x40\x01\x01", 6), LT_E_MALFORMED);       /* 2^14+1 */
    /* second record of another type, or bad, before the name arrived */
    const struct hello h = { .sni = "rec.example", .pad_before = 100 };
    struct tb_buf m = hello_msg(&h);
    struct tb_buf s = records(&m, 60);
    s.p[65] = 0x17;
    cr_assert_eq(sni_whole(&s, name), LT_E_MALFORMED);
    s.p[65] = 0x16;
    s.p[66] = 0x04;
    cr_assert_eq(sni_whole(&s, name), LT_E_MALFORMED);
    s.p[66] = 0x03;
    s.p[68] = s.p[69] = 0;
    cr_assert_eq(sni_whole(&s, name), LT_E_MALFORMED);
    tb_buf_release(&s);
    /* but a bad record after the whole message is not read */
    s = records(&m, 16384);
    tb_buf_put(&s, "\x17\x03\x03\x00\x00", 5);
    cr_assert_eq(sni_whole(&s, name), LT_OK);
    cr_assert_str_eq(name, "rec.example");
    tb_buf_release(&s);
    tb_buf_release(&m);
}

/* Random mutations of random hellos, random fragmentation and out_cap:
   never a crash; every prefix is LT_AGAIN or the whole stream's answer. */
Test(tls, mutations_keep_prefixes_consistent)
{
    struct tb_rng rng = tb_rng_seed(0x7157);
    int n_ok = 0;
    for (int i = 0; i < 600; i++) {
        const struct hello h = { .sni = (i & 3) ? "Mut.Example.COM" : NULL,
                                 .pad_before = (size_t)tb_rng_below(&rng, 80),
                                 .pad_after = (size_t)tb_rng_below(&rng, 20),
                                 .ech = i & 4, .sid_len = (uint8_t)tb_rng_below(&rng, 33) };
        struct tb_buf m = hello_msg(&h);
        struct tb_buf s = records(&m, 1 + (size_t)tb_rng_below(&rng, m.len + 20));
        const int flips = (int)tb_rng_below(&rng, 4);
        for (int f = 0; f < flips; f++)
            s.p[tb_rng_below(&rng, s.len)] = (uint8_t)tb_rng_next(&rng);
        const size_t cap = i & 8 ? OUT_CAP : (size_t)tb_rng_below(&rng, m.len + 10);
        char whole[256], name[256];
        const enum lt_err e = sni_of(&s, s.len, cap, whole);
        cr_assert(e == LT_OK || e == LT_AGAIN || e == LT_E_UNSUPPORTED ||
                  e == LT_E_MALFORMED || e == LT_E_LIMIT, "case %d seed 0x7157", i);
        if (e == LT_OK) {
            n_ok++;
            for (const char *c = whole; *c; c++)
                cr_assert(strchr("abcdefghijklmnopqrstuvwxyz0123456789.-_", *c),
                          "case %d seed 0x7157: %s", i, whole);
        }
        for (size_t k = 0; k < s.len; k++) {
            const enum lt_err e2 = sni_of(&s, k, cap, name);
            if (e2 == LT_AGAIN)
                continue;
            cr_assert_eq(e2, e, "case %d k=%zu seed 0x7157", i, k);
            cr_assert_str_eq(name, whole, "case %d k=%zu seed 0x7157", i, k);
        }
        tb_buf_release(&s);
        tb_buf_release(&m);
    }
    cr_assert_gt(n_ok, 100);
}
