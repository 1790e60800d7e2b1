/* SPDX-License-Identifier: MIT */
/*
 * test_quic.c - lt_quic_initial_sni: the RFC 9001 Appendix A client
 * Initial (keys and name), Initials built here (CRYPTO frames out of
 * order, split over coalesced packets, ACK/PING/PADDING, QUIC v2, a hello
 * continuing in a later datagram), garbage after packets, every
 * truncation, wrong DCID (tag failure), bit flips, non-QUIC datagrams,
 * scratch limits, and a real Chromium Initial from the fuzz corpus.
 */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/proto/quic.h"
#include "tb_buf.h"

#define OUT_CAP 256

static uint8_t scratch[LT_QUIC_SCRATCH_MAX];
static uint8_t out[OUT_CAP];

/* RFC 9001 Appendix A.2: the protected 1200-byte client Initial. */
static const char *const a2_hex =
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
    "d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
    "1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
    "8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
    "30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
    "457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
    "4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
    "4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
    "485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
    "059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
    "7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
    "9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
    "be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
    "68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
    "c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
    "f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
    "291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
    "25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
    "14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
    "ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
    "e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
    "c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
    "203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
    "cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
    "fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
    "a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
    "90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
    "162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
    "40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
    "6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
    "8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
    "be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
    "54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
    "760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
    "f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
    "056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
    "e221af44860018ab0856972e194cd934"
    ;
static const uint8_t a2_dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };

static size_t unhex(const char *s, uint8_t *dst, size_t cap)
{
    size_t k = 0;
    for (; s[0] && s[1] && k < cap; s += 2) {
        unsigned v;
        sscanf(s, "%2x", &v);
        dst[k++] = (uint8_t)v;
    }
    return k;
}

static uint8_t a2[1200];
static void load_a2(void)
{
    cr_assert_eq(unhex(a2_hex, a2, sizeof a2), 1200);
}

static enum lt_err run(const uint8_t *p, size_t n, char *name)
{
    struct lt_span sni = { 0 };
    const enum lt_err e = lt_quic_initial_sni(p, n, scratch, sizeof scratch, out,
                                              OUT_CAP, &sni);
    name[0] = 0;
    if (e == LT_OK) {
        cr_assert(sni.len >= 1 && sni.len <= 255);
        cr_assert(sni.p >= out && sni.p + sni.len <= out + OUT_CAP);
        memcpy(name, sni.p, sni.len);
        name[sni.len] = 0;
    } else {
        cr_assert_null(sni.p);
    }
    return e;
}

/* ---- builder: protected Initials, sealed with the keys under test ---- */

static void varint(struct tb_buf *b, uint64_t v)
{
    if (v < 64) {
        tb_buf_u8(b, (uint8_t)v);
    } else if (v < 16384) {
        tb_buf_be16(b, (uint16_t)(0x4000 | v));
    } else {
        tb_buf_be32(b, (uint32_t)(0x80000000u | v));
    }
}

static void crypto_frame(struct tb_buf *b, uint64_t off, const uint8_t *d, size_t len)
{
    tb_buf_u8(b, 0x06);
    varint(b, off);
    varint(b, len);
    tb_buf_put(b, d, len);
}

struct initial {
    uint32_t version;        /* 0: v1 */
    const uint8_t *dcid;
    size_t dcid_len;
    uint32_t pn;
    size_t pn_len;           /* 1..4 */
    size_t token_len;
};

/* Append one protected Initial carrying frames (padded to >= 20 bytes). */
static void seal(struct tb_buf *dg, const struct initial *in, const struct tb_buf *frames)
{
    const uint32_t ver = in->version ? in->version : LT_QUIC_V1;
    uint8_t key[16], iv[12], hp[16];
    cr_assert_eq(lt_quic_initial_keys(ver, in->dcid, in->dcid_len, key, iv, hp), LT_OK);
    struct tb_buf pay = { 0 };
    tb_buf_put(&pay, frames->p, frames->len);
    if (pay.len < 8)
        tb_buf_zero(&pay, 8 - pay.len);
    const size_t pn_len = in->pn_len ? in->pn_len : 2;
    struct tb_buf h = { 0 };
    const uint8_t type = ver == LT_QUIC_V2 ? 1 : 0;
    tb_buf_u8(&h, (uint8_t)(0xc0 | type << 4 | (pn_len - 1)));
    tb_buf_be32(&h, ver);
    tb_buf_u8(&h, (uint8_t)in->dcid_len);
    tb_buf_put(&h, in->dcid, in->dcid_len);
    tb_buf_u8(&h, 3);
    tb_buf_put(&h, "scd", 3);
    varint(&h, in->token_len);
    for (size_t i = 0; i < in->token_len; i++)
        tb_buf_u8(&h, (uint8_t)i);
    tb_buf_be16(&h, (uint16_t)(0x4000 | (pn_len + pay.len + 16)));
    const size_t pn_off = h.len;
    for (size_t i = 0; i < pn_len; i++)
        tb_buf_u8(&h, (uint8_t)(in->pn >> (8 * (pn_len - 1 - i))));
    uint8_t nonce[12];
    memcpy(nonce, iv, 12);
    for (int k = 0; k < 8; k++)
        nonce[11 - k] ^= (uint8_t)((uint64_t)in->pn >> (8 * k));
    uint8_t *ct = malloc(pay.len + 16);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l = 0;
    cr_assert(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce));
    cr_assert(EVP_EncryptUpdate(c, NULL, &l, h.p, (int)h.len));
    cr_assert(EVP_EncryptUpdate(c, ct, &l, pay.p, (int)pay.len));
    cr_assert(EVP_EncryptFinal_ex(c, ct + l, &l));
    cr_assert(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, ct + pay.len));
    uint8_t mask[16];
    const uint8_t *sample = ct + 4 - pn_len;
    cr_assert(EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, hp, NULL));
    cr_assert(EVP_EncryptUpdate(c, mask, &l, sample, 16));
    EVP_CIPHER_CTX_free(c);
    h.p[0] ^= mask[0] & 0x0f;
    for (size_t i = 0; i < pn_len; i++)
        h.p[pn_off + i] ^= mask[1 + i];
    tb_buf_put(dg, h.p, h.len);
    tb_buf_put(dg, ct, pay.len + 16);
    free(ct);
    tb_buf_release(&h);
    tb_buf_release(&pay);
}

/* A TLS 1.3-shaped ClientHello handshake message naming sni, padded with
   an extension of pad bytes placed before server_name. */
static struct tb_buf hello(const char *sni, size_t pad)
{
    struct tb_buf body = { 0 }, ext = { 0 }, m = { 0 };
    tb_buf_be16(&body, 0x0303);
    for (int i = 0; i < 32; i++)
        tb_buf_u8(&body, (uint8_t)i);
    tb_buf_u8(&body, 0);
    tb_buf_be16(&body, 2);
    tb_buf_be16(&body, 0x1301);
    tb_buf_u8(&body, 1);
    tb_buf_u8(&body, 0);
    tb_buf_be16(&ext, 0x0015);
    tb_buf_be16(&ext, (uint16_t)pad);
    tb_buf_zero(&ext, pad);
    if (sni) {
        const size_t k = strlen(sni);
        tb_buf_be16(&ext, 0);
        tb_buf_be16(&ext, (uint16_t)(k + 5));
        tb_buf_be16(&ext, (uint16_t)(k + 3));
        tb_buf_u8(&ext, 0);
        tb_buf_be16(&ext, (uint16_t)k);
        tb_buf_put(&ext, sni, k);
    }
    tb_buf_be16(&ext, 0x002b);
    tb_buf_be16(&ext, 3);
    tb_buf_put(&ext, "\x02\x03\x04", 3);
    tb_buf_be16(&body, (uint16_t)ext.len);
    tb_buf_put(&body, ext.p, ext.len);
    tb_buf_u8(&m, 1);
    tb_buf_u8(&m, (uint8_t)(body.len >> 16));
    tb_buf_be16(&m, (uint16_t)body.len);
    tb_buf_put(&m, body.p, body.len);
    tb_buf_release(&body);
    tb_buf_release(&ext);
    return m;
}

static const uint8_t dcid8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* ---- RFC 9001 Appendix A --------------------------------------------- */

Test(quic, rfc9001_keys)
{
    uint8_t key[16], iv[12], hp[16], x[16];
    cr_assert_eq(lt_quic_initial_keys(LT_QUIC_V1, a2_dcid, 8, key, iv, hp), LT_OK);
    unhex("1f369613dd76d5467730efcbe3b1a22d", x, 16);
    cr_assert_arr_eq(key, x, 16);
    unhex("fa044b2f42a3fd3b46fb255c", x, 12);
    cr_assert_arr_eq(iv, x, 12);
    unhex("9f50449e04a0e810283a1e9933adedd2", x, 16);
    cr_assert_arr_eq(hp, x, 16);
    cr_assert_eq(lt_quic_initial_keys(0xff00001d, a2_dcid, 8, key, iv, hp),
                 LT_E_UNSUPPORTED);
}

Test(quic, rfc9369_v2_keys)
{
    uint8_t key[16], iv[12], hp[16], x[16];
    cr_assert_eq(lt_quic_initial_keys(LT_QUIC_V2, a2_dcid, 8, key, iv, hp), LT_OK);
    unhex("8b1a0bc121284290a29e0971b5cd045d", x, 16);
    cr_assert_arr_eq(key, x, 16);
    unhex("91f73e2351d8fa91660e909f", x, 12);
    cr_assert_arr_eq(iv, x, 12);
    unhex("45b95e15235d6f45a6b19cbcb0294ba9", x, 16);
    cr_assert_arr_eq(hp, x, 16);
}

Test(quic, rfc9001_client_initial)
{
    load_a2();
    char name[256];
    cr_assert_eq(run(a2, sizeof a2, name), LT_OK);
    cr_assert_str_eq(name, "example.com");
}

Test(quic, rfc9001_coalesced_garbage_after)
{
    load_a2();
    static uint8_t dg[1200 + 64];
    memcpy(dg, a2, 1200);
    char name[256];
    for (int k = 0; k < 3; k++) {
        /* zeros (padding), random bytes, a bogus long header */
        for (size_t i = 0; i < 64; i++)
            dg[1200 + i] = k == 0 ? 0 : k == 1 ? (uint8_t)(i * 37 + 11) : 0xff;
        cr_assert_eq(run(dg, sizeof dg, name), LT_OK, "k=%d", k);
        cr_assert_str_eq(name, "example.com");
    }
}

Test(quic, rfc9001_every_truncation)
{
    load_a2();
    char name[256];
    for (size_t n = 0; n < sizeof a2; n++) {
        uint8_t *cut = malloc(n ? n : 1);    /* exact size: ASan catches overreads */
        memcpy(cut, a2, n);
        const enum lt_err e = run(cut, n, name);
        if (n < 5)
            cr_assert_eq(e, LT_E_UNSUPPORTED, "n=%zu", n);
        else
            cr_assert_eq(e, LT_E_MALFORMED, "n=%zu", n);
        free(cut);
    }
}

Test(quic, rfc9001_wrong_dcid_fails_tag)
{
    load_a2();
    a2[6] ^= 0x01;          /* first DCID byte */
    char name[256];
    cr_assert_eq(run(a2, sizeof a2, name), LT_E_MALFORMED);
}

Test(quic, rfc9001_bit_flips)
{
    load_a2();
    char name[256];
    struct tb_rng r = tb_rng_seed(7);
    for (int t = 0; t < 300; t++) {
        uint8_t dg[1200];
        memcpy(dg, a2, sizeof dg);
        const size_t at = 18 + (size_t)tb_rng_below(&r, sizeof dg - 18);
        dg[at] ^= (uint8_t)(1u << tb_rng_below(&r, 8));
        /* anything after the length field is authenticated (header
           protection bits included: they change the AAD or the nonce) */
        cr_assert_eq(run(dg, sizeof dg, name), LT_E_MALFORMED, "at=%zu", at);
    }
}

Test(quic, not_quic)
{
    char name[256];
    static const uint8_t dns[] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0 };
    cr_assert_eq(run(dns, sizeof dns, name), LT_E_UNSUPPORTED);
    cr_assert_eq(run(dns, 0, name), LT_E_UNSUPPORTED);
    load_a2();
    uint8_t dg[1200];
    memcpy(dg, a2, sizeof dg);
    dg[0] &= 0x7f;                     /* short header */
    cr_assert_eq(run(dg, sizeof dg, name), LT_E_UNSUPPORTED);
    memcpy(dg, a2, sizeof dg);
    dg[4] = 0x02;                      /* version 2 = unknown */
    cr_assert_eq(run(dg, sizeof dg, name), LT_E_UNSUPPORTED);
    memset(dg + 1, 0, 4);              /* version negotiation */
    cr_assert_eq(run(dg, sizeof dg, name), LT_E_UNSUPPORTED);
    memcpy(dg, a2, sizeof dg);
    dg[0] = 0xe0;                      /* a Handshake packet: no Initial */
    cr_assert_eq(run(dg, sizeof dg, name), LT_E_UNSUPPORTED);
    memcpy(dg, a2, sizeof dg);
    dg[0] = 0xf0;                      /* Retry: no Initial */
    cr_assert_eq(run(dg, sizeof dg, name), LT_E_UNSUPPORTED);
}

Test(quic, malformed_headers)
{
    char name[256];
    load_a2();
    uint8_t dg[1200];
    memcpy(dg, a2, sizeof dg);
    dg[5] = 21;                        /* DCID longer than 20 */
    cr_assert_eq(run(dg, sizeof dg, name), LT_E_MALFORMED);
    memcpy(dg, a2, sizeof dg);
    dg[16] = 0x48;                     /* Length 0x089e > rest */
    cr_assert_eq(run(dg, sizeof dg, name), LT_E_MALFORMED);
    memcpy(dg, a2, sizeof dg);
    dg[16] = 0x40; dg[17] = 0x10;      /* Length 16: too short to sample */
    cr_assert_eq(run(dg, sizeof dg, name), LT_E_MALFORMED);
    memcpy(dg, a2, sizeof dg);
    dg[15] = 0x7f;                     /* token length 2-byte varint, huge */
    cr_assert_eq(run(dg, sizeof dg, name), LT_E_MALFORMED);
}

/* ---- built Initials --------------------------------------------------- */

Test(quic, built_fragmented_out_of_order)
{
    struct tb_buf m = hello("www.Example.org", 300), fr = { 0 }, dg = { 0 };
    /* chromium-style: fragments in reverse order, PING and PADDING between */
    const size_t cuts[] = { 0, 7, 100, 101, 250, m.len };
    for (int k = 4; k >= 0; k--) {
        crypto_frame(&fr, cuts[k], m.p + cuts[k], cuts[k + 1] - cuts[k]);
        tb_buf_u8(&fr, 0x01);
        tb_buf_zero(&fr, 3);
    }
    /* an ACK with one extra range and ECN counts */
    tb_buf_put(&fr, "\x03\x05\x00\x01\x00\x01\x01\x00\x00\x00", 10);
    tb_buf_zero(&fr, 500);
    struct initial in = { .dcid = dcid8, .dcid_len = 8, .pn = 0x1234, .pn_len = 4,
                          .token_len = 20 };
    seal(&dg, &in, &fr);
    char name[256];
    cr_assert_eq(run(dg.p, dg.len, name), LT_OK);
    cr_assert_str_eq(name, "www.example.org");
    tb_buf_release(&m);
    tb_buf_release(&fr);
    tb_buf_release(&dg);
}

Test(quic, built_split_over_coalesced_initials)
{
    struct tb_buf m = hello("split.example", 900), f1 = { 0 }, f2 = { 0 }, dg = { 0 };
    crypto_frame(&f1, 600, m.p + 600, m.len - 600);
    crypto_frame(&f2, 0, m.p, 600);
    struct initial in = { .dcid = dcid8, .dcid_len = 8, .pn = 1, .pn_len = 1 };
    seal(&dg, &in, &f1);
    in.pn = 2;
    seal(&dg, &in, &f2);
    char name[256];
    cr_assert_eq(run(dg.p, dg.len, name), LT_OK);
    cr_assert_str_eq(name, "split.example");
    /* the first packet alone: the stream does not start at 0 */
    struct tb_buf one = { 0 };
    in.pn = 1;
    seal(&one, &in, &f1);
    cr_assert_eq(run(one.p, one.len, name), LT_AGAIN);
    /* the second alone: the name lies beyond its 600 bytes */
    struct tb_buf two = { 0 };
    in.pn = 2;
    seal(&two, &in, &f2);
    const enum lt_err e2 = run(two.p, two.len, name);
    cr_assert_eq(e2, LT_AGAIN, "%s", lt_err_str(e2));
    /* a packet with another DCID after the first is ignored */
    struct tb_buf mix = { 0 };
    static const uint8_t other[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
    seal(&mix, &in, &f2);
    in.dcid = other;
    in.pn = 1;
    seal(&mix, &in, &f1);
    cr_assert_eq(run(mix.p, mix.len, name), LT_AGAIN);
    tb_buf_release(&m);
    tb_buf_release(&f1);
    tb_buf_release(&f2);
    tb_buf_release(&dg);
    tb_buf_release(&one);
    tb_buf_release(&two);
    tb_buf_release(&mix);
}

Test(quic, built_v2)
{
    struct tb_buf m = hello("v2.example.net", 0), fr = { 0 }, dg = { 0 };
    crypto_frame(&fr, 0, m.p, m.len);
    struct initial in = { .version = LT_QUIC_V2, .dcid = dcid8, .dcid_len = 8 };
    seal(&dg, &in, &fr);
    char name[256];
    cr_assert_eq(run(dg.p, dg.len, name), LT_OK);
    cr_assert_str_eq(name, "v2.example.net");
    dg.p[0] ^= 0x10;                   /* v2 type 0b00 is Retry */
    cr_assert_eq(run(dg.p, dg.len, name), LT_E_UNSUPPORTED);
    tb_buf_release(&m);
    tb_buf_release(&fr);
    tb_buf_release(&dg);
}

Test(quic, built_no_sni_and_not_hello)
{
    char name[256];
    struct tb_buf m = hello(NULL, 10), fr = { 0 }, dg = { 0 };
    crypto_frame(&fr, 0, m.p, m.len);
    struct initial in = { .dcid = dcid8, .dcid_len = 8 };
    seal(&dg, &in, &fr);
    cr_assert_eq(run(dg.p, dg.len, name), LT_E_UNSUPPORTED);
    /* a ServerHello-typed message */
    m.p[0] = 2;
    fr.len = 0;
    dg.len = 0;
    crypto_frame(&fr, 0, m.p, m.len);
    seal(&dg, &in, &fr);
    cr_assert_eq(run(dg.p, dg.len, name), LT_E_UNSUPPORTED);
    /* ACK only, no CRYPTO */
    fr.len = 0;
    dg.len = 0;
    tb_buf_put(&fr, "\x02\x00\x00\x00\x00", 5);
    seal(&dg, &in, &fr);
    cr_assert_eq(run(dg.p, dg.len, name), LT_AGAIN);
    /* a CRYPTO frame longer than the payload: undecodable frames */
    fr.len = 0;
    dg.len = 0;
    tb_buf_put(&fr, "\x06\x00\x40\xff\x01\x00", 6);
    seal(&dg, &in, &fr);
    cr_assert_eq(run(dg.p, dg.len, name), LT_E_MALFORMED);
    /* an ACK whose range count runs past the payload */
    fr.len = 0;
    dg.len = 0;
    tb_buf_put(&fr, "\x02\x00\x00\xbf\xff\xff\xff\x00", 8);
    seal(&dg, &in, &fr);
    cr_assert_eq(run(dg.p, dg.len, name), LT_E_MALFORMED);
    /* a STREAM frame after the hello ends the frames, name still found */
    tb_buf_release(&m);
    m = hello("a.b", 0);
    fr.len = 0;
    dg.len = 0;
    crypto_frame(&fr, 0, m.p, m.len);
    tb_buf_put(&fr, "\x08\xff\xff", 3);
    seal(&dg, &in, &fr);
    cr_assert_eq(run(dg.p, dg.len, name), LT_OK);
    cr_assert_str_eq(name, "a.b");
    tb_buf_release(&m);
    tb_buf_release(&fr);
    tb_buf_release(&dg);
}

Test(quic, built_many_ranges)
{
    /* 40 disjoint one-byte ranges, then the whole hello: ranges beyond 32
       are dropped, the whole message still merges them */
    struct tb_buf m = hello("many.example", 200), fr = { 0 }, dg = { 0 };
    for (size_t k = 0; k < 40; k++)
        crypto_frame(&fr, 2 * k + 1, m.p + 2 * k + 1, 1);
    crypto_frame(&fr, 0, m.p, m.len);
    struct initial in = { .dcid = dcid8, .dcid_len = 8 };
    seal(&dg, &in, &fr);
    char name[256];
    cr_assert_eq(run(dg.p, dg.len, name), LT_OK);
    cr_assert_str_eq(name, "many.example");
    tb_buf_release(&m);
    tb_buf_release(&fr);
    tb_buf_release(&dg);
}

Test(quic, scratch_limits)
{
    load_a2();
    struct lt_span sni;
    static uint8_t small[4096];
    /* payload 1182 bytes + header + a crypto area */
    cr_assert_eq(lt_quic_initial_sni(a2, sizeof a2, small, 1100, out, OUT_CAP, &sni),
                 LT_E_LIMIT);
    cr_assert_eq(lt_quic_initial_sni(a2, sizeof a2, small, 1182 + 5, out, OUT_CAP, &sni),
                 LT_E_LIMIT);
    /* room for 40 crypto bytes: the name (at ~+100) lies beyond */
    cr_assert_eq(lt_quic_initial_sni(a2, sizeof a2, small, 1182 + 5 + 40, out, OUT_CAP,
                                     &sni), LT_E_LIMIT);
    cr_assert_eq(lt_quic_initial_sni(a2, sizeof a2, small, sizeof small, out, OUT_CAP,
                                     &sni), LT_OK);
    cr_assert_eq(sni.len, 11);
    cr_assert_arr_eq(sni.p, "example.com", 11);
}

/* A real Chromium Initial (zeek's chromium-115 api.cirrus-ci.com trace),
   stored as a fuzz seed: 2 parameter bytes, then the datagram. */
Test(quic, real_chromium_seed)
{
    const char *src = getenv("LT_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/quic/chromium_cirrus",
             src ? src : ".");
    FILE *f = fopen(path, "rb");
    if (!f)
        cr_skip_test("no seed at %s", path);
    static uint8_t buf[4096];
    const size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    cr_assert_gt(n, 1200);
    char name[256];
    cr_assert_eq(run(buf + 2, n - 2, name), LT_OK);
    cr_assert_str_eq(name, "api.cirrus-ci.com");
}
