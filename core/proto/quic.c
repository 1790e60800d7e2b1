/* SPDX-License-Identifier: MIT */
/*
 * quic.c - the ClientHello server name in QUIC Initial packets (RFC 9000
 * §12.2, §17.2, §19; RFC 9001 §5; RFC 9369). Parses the long headers of a
 * datagram, derives the Initial keys (HKDF by hand over HMAC-SHA256),
 * removes header protection, decrypts with AES-128-GCM, collects CRYPTO
 * frames and hands the stream's first bytes, behind a synthetic TLS record
 * header, to lt_tls_sni.
 * Not done: crypto reassembly across datagrams, 0-RTT/Handshake payloads,
 * Retry-aware key changes (the Initial after a Retry uses its own DCID,
 * which is what we derive from anyway).
 */
#include "quic.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tls.h"

enum {
    CID_MAX = 20,          /* RFC 9000 §17.2, for versions 1 and 2 */
    SAMPLE_OFF = 4,        /* RFC 9001 §5.4.2 */
    SAMPLE_LEN = 16,
    TAG_LEN = 16,
    REC_HDR = 5,
    CRYPTO_MAX = 1 << 14,  /* one synthetic TLS record */
    RANGES_MAX = 32,
};

enum pkt_type { PT_INITIAL, PT_ZERO_RTT, PT_HANDSHAKE, PT_RETRY };

struct pkt {
    uint32_t version;
    enum pkt_type type;
    const uint8_t *dcid;
    size_t dcid_len;
    size_t start, pn_off, end;   /* offsets into the datagram */
};

static const uint8_t salt_v1[20] = {
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
    0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
};
static const uint8_t salt_v2[20] = {
    0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
    0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
};

/* RFC 9000 §16: a variable-length integer at p[*i], below end. */
static bool varint(const uint8_t *p, size_t end, size_t *i, uint64_t *v)
{
    if (*i >= end)
        return false;
    const size_t len = (size_t)1 << (p[*i] >> 6);
    if (len > end - *i)
        return false;
    uint64_t x = p[*i] & 0x3f;
    for (size_t k = 1; k < len; k++)
        x = x << 8 | p[*i + k];
    *i += len;
    *v = x;
    return true;
}

/*
 * The long header at p[off..n): LT_OK with *pk filled (a Retry runs to n),
 * LT_E_UNSUPPORTED (short header, unknown version, version negotiation,
 * fewer than 5 bytes), LT_E_MALFORMED (lengths past n, CIDs too long, an
 * Initial too short to sample).
 */
static enum lt_err parse_long(const uint8_t *p, size_t n, size_t off,
                              struct pkt *pk)
{
    if (n - off < 5 || !(p[off] & 0x80))
        return LT_E_UNSUPPORTED;
    const uint8_t b0 = p[off];
    const uint32_t ver = (uint32_t)p[off + 1] << 24 | (uint32_t)p[off + 2] << 16 |
                         (uint32_t)p[off + 3] << 8 | p[off + 4];
    const unsigned bits = (b0 >> 4) & 3;
    if (ver == LT_QUIC_V1)
        pk->type = (enum pkt_type)bits;
    else if (ver == LT_QUIC_V2)    /* RFC 9369 §3.2: types rotated by one */
        pk->type = (enum pkt_type)((bits + 3) & 3);
    else
        return LT_E_UNSUPPORTED;
    pk->version = ver;
    pk->start = off;
    size_t i = off + 5;
    /* the DCID length, the DCID, then at least the SCID length byte */
    if (i >= n || p[i] > CID_MAX || (size_t)p[i] + 2 > n - i)
        return LT_E_MALFORMED;
    pk->dcid_len = p[i];
    pk->dcid = p + i + 1;
    i += 1 + pk->dcid_len;
    if (p[i] > CID_MAX || (size_t)p[i] + 1 > n - i)
        return LT_E_MALFORMED;
    i += 1 + (size_t)p[i];
    if (pk->type == PT_RETRY) {
        pk->pn_off = pk->end = n;
        return LT_OK;
    }
    uint64_t v;
    if (pk->type == PT_INITIAL) {
        if (!varint(p, n, &i, &v) || v > n - i)
            return LT_E_MALFORMED;
        i += (size_t)v;
    }
    if (!varint(p, n, &i, &v) || v > n - i)
        return LT_E_MALFORMED;
    pk->pn_off = i;
    pk->end = i + (size_t)v;
    if (pk->type == PT_INITIAL && v < SAMPLE_OFF + SAMPLE_LEN)
        return LT_E_MALFORMED;
    return LT_OK;
}

/* HKDF-Expand-Label(secret, label, "", len) with SHA-256 (RFC 8446 §7.1),
   len <= 32: one HMAC block. */
static bool expand_label(const uint8_t secret[32], const char *label,
                         uint8_t *dst, size_t len)
{
    uint8_t info[2 + 1 + 6 + 32 + 1 + 1];
    const size_t ll = strlen(label);
    size_t k = 0;
    info[k++] = 0;
    info[k++] = (uint8_t)len;
    info[k++] = (uint8_t)(6 + ll);
    memcpy(info + k, "tls13 ", 6);
    k += 6;
    memcpy(info + k, label, ll);
    k += ll;
    info[k++] = 0;      /* empty context */
    info[k++] = 1;      /* HKDF-Expand counter T(1) */
    uint8_t md[32];
    unsigned md_len = 0;
    if (!HMAC(EVP_sha256(), secret, 32, info, k, md, &md_len) || md_len != 32)
        return false;
    memcpy(dst, md, len);
    return true;
}

enum lt_err lt_quic_initial_keys(uint32_t version, const uint8_t *dcid,
                                 size_t dcid_len, uint8_t key[16],
                                 uint8_t iv[12], uint8_t hp[16])
{
    const bool v2 = version == LT_QUIC_V2;
    if (version != LT_QUIC_V1 && !v2)
        return LT_E_UNSUPPORTED;
    uint8_t initial[32], client[32];
    unsigned md_len = 0;
    static const uint8_t empty[1];
    if (!HMAC(EVP_sha256(), v2 ? salt_v2 : salt_v1, 20,
              dcid_len ? dcid : empty, dcid_len, initial, &md_len) ||
        md_len != 32)
        return LT_E_NOMEM;
    if (!expand_label(initial, "client in", client, 32) ||
        !expand_label(client, v2 ? "quicv2 key" : "quic key", key, 16) ||
        !expand_label(client, v2 ? "quicv2 iv" : "quic iv", iv, 12) ||
        !expand_label(client, v2 ? "quicv2 hp" : "quic hp", hp, 16))
        return LT_E_NOMEM;
    return LT_OK;
}

/* ---- crypto stream: disjoint sorted ranges over scratch ---------------- */

struct cstream {
    uint8_t *buf;           /* crypto offset 0 */
    size_t cap;             /* <= CRYPTO_MAX */
    size_t n_ranges;
    struct { size_t lo, hi; } r[RANGES_MAX];
    bool clipped;           /* data lay beyond cap */
};

/* Place data at crypto offset off (as far as cap allows). */
static void cstream_put(struct cstream *cs, uint64_t off, const uint8_t *d,
                        size_t len)
{
    if (off >= cs->cap) {
        cs->clipped = true;
        return;
    }
    if (len > cs->cap - off) {
        len = cs->cap - (size_t)off;
        cs->clipped = true;
    }
    if (len == 0)
        return;
    size_t lo = (size_t)off, hi = lo + len;
    /* merge with every range that touches [lo, hi) */
    size_t w = 0, ins = 0;
    for (size_t k = 0; k < cs->n_ranges; k++) {
        if (cs->r[k].hi < lo || cs->r[k].lo > hi) {
            if (cs->r[k].hi < lo)
                ins = w + 1;
            cs->r[w++] = cs->r[k];
            continue;
        }
        if (cs->r[k].lo < lo)
            lo = cs->r[k].lo;
        if (cs->r[k].hi > hi)
            hi = cs->r[k].hi;
    }
    cs->n_ranges = w;
    if (w == RANGES_MAX)
        return;     /* no room to track it: drop the data */
    memmove(&cs->r[ins + 1], &cs->r[ins], (w - ins) * sizeof cs->r[0]);
    cs->r[ins].lo = lo;
    cs->r[ins].hi = hi;
    cs->n_ranges++;
    memcpy(cs->buf + off, d, len);
}

static size_t cstream_contig(const struct cstream *cs)
{
    return cs->n_ranges && cs->r[0].lo == 0 ? cs->r[0].hi : 0;
}

/* Frames of a decrypted Initial payload: false when undecodable. */
static bool read_frames(const uint8_t *pt, size_t len, struct cstream *cs)
{
    size_t i = 0;
    while (i < len) {
        if (pt[i] == 0x00) {          /* PADDING */
            i++;
            continue;
        }
        uint64_t type, a, b, c;
        if (!varint(pt, len, &i, &type))
            return false;
        switch (type) {
        case 0x01:                    /* PING */
            break;
        case 0x02:                    /* ACK */
        case 0x03:                    /* ACK with ECN counts */
            if (!varint(pt, len, &i, &a) || !varint(pt, len, &i, &b) ||
                !varint(pt, len, &i, &c) || !varint(pt, len, &i, &a))
                return false;
            /* each range takes >= 2 bytes, so c is bounded by len */
            for (uint64_t k = 0; k < c; k++)
                if (!varint(pt, len, &i, &a) || !varint(pt, len, &i, &b))
                    return false;
            if (type == 0x03)
                for (int k = 0; k < 3; k++)
                    if (!varint(pt, len, &i, &a))
                        return false;
            break;
        case 0x06:                    /* CRYPTO */
            if (!varint(pt, len, &i, &a) || !varint(pt, len, &i, &b) ||
                b > len - i)
                return false;
            cstream_put(cs, a, pt + i, (size_t)b);
            i += (size_t)b;
            break;
        default:                      /* CONNECTION_CLOSE or not allowed */
            return true;
        }
    }
    return true;
}

struct keys {
    uint32_t version;
    uint8_t dcid[CID_MAX];
    size_t dcid_len;
    bool valid;
    uint8_t key[16], iv[12], hp[16];
};

/*
 * Unprotect and decrypt one Initial into pt (room for its payload), then
 * read its frames. LT_E_MALFORMED on a failed tag or bad frames.
 */
static enum lt_err open_initial(EVP_CIPHER_CTX *ctx, const uint8_t *p,
                                const struct pkt *pk, struct keys *ks,
                                uint8_t *pt, struct cstream *cs)
{
    if (!ks->valid || ks->version != pk->version || ks->dcid_len != pk->dcid_len ||
        memcmp(ks->dcid, pk->dcid, pk->dcid_len) != 0) {
        LT_TRY(lt_quic_initial_keys(pk->version, pk->dcid, pk->dcid_len,
                                    ks->key, ks->iv, ks->hp));
        ks->version = pk->version;
        ks->dcid_len = pk->dcid_len;
        memcpy(ks->dcid, pk->dcid, pk->dcid_len);
        ks->valid = true;
    }
    /* header protection (RFC 9001 §5.4): mask = AES-ECB(hp, sample) */
    uint8_t mask[32];
    int outl = 0;
    if (EVP_CIPHER_CTX_reset(ctx) != 1 ||
        EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, ks->hp, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
        EVP_EncryptUpdate(ctx, mask, &outl, p + pk->pn_off + SAMPLE_OFF,
                          SAMPLE_LEN) != 1 || outl != SAMPLE_LEN)
        return LT_E_NOMEM;
    const uint8_t b0 = (uint8_t)(p[pk->start] ^ (mask[0] & 0x0f));
    const size_t pn_len = (size_t)(b0 & 3) + 1;
    uint8_t pn[4];
    uint64_t pn_val = 0;
    for (size_t k = 0; k < pn_len; k++) {
        pn[k] = (uint8_t)(p[pk->pn_off + k] ^ mask[1 + k]);
        pn_val = pn_val << 8 | pn[k];
    }
    /* parse_long() made end - pn_off >= 20, so the tag fits */
    const uint8_t *ct = p + pk->pn_off + pn_len;
    const size_t ct_len = pk->end - pk->pn_off - pn_len - TAG_LEN;
    uint8_t nonce[12];
    memcpy(nonce, ks->iv, 12);
    for (int k = 0; k < 8; k++)
        nonce[11 - k] ^= (uint8_t)(pn_val >> (8 * k));
    const size_t mid = pk->pn_off - pk->start - 1;
    if (mid > INT32_MAX || ct_len > INT32_MAX)
        return LT_E_MALFORMED;
    if (EVP_CIPHER_CTX_reset(ctx) != 1 ||
        EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_DecryptInit_ex(ctx, NULL, NULL, ks->key, nonce) != 1 ||
        EVP_DecryptUpdate(ctx, NULL, &outl, &b0, 1) != 1 ||
        (mid && EVP_DecryptUpdate(ctx, NULL, &outl, p + pk->start + 1,
                                  (int)mid) != 1) ||
        EVP_DecryptUpdate(ctx, NULL, &outl, pn, (int)pn_len) != 1)
        return LT_E_NOMEM;
    outl = 0;
    if (ct_len && EVP_DecryptUpdate(ctx, pt, &outl, ct, (int)ct_len) != 1)
        return LT_E_MALFORMED;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
                            (void *)(ct + ct_len)) != 1)
        return LT_E_NOMEM;
    int fin = 0;
    if (EVP_DecryptFinal_ex(ctx, pt + outl, &fin) != 1)
        return LT_E_MALFORMED;
    return read_frames(pt, ct_len, cs) ? LT_OK : LT_E_MALFORMED;
}

static bool same_cid(const struct pkt *a, const struct pkt *b)
{
    return a->dcid_len == b->dcid_len && memcmp(a->dcid, b->dcid, a->dcid_len) == 0;
}

enum lt_err lt_quic_initial_sni(const uint8_t *udp_payload, size_t n,
                                uint8_t *scratch, size_t scratch_cap,
                                uint8_t *out, size_t out_cap,
                                struct lt_span *sni)
{
    const uint8_t *p = udp_payload;
    sni->p = NULL;
    sni->len = 0;
    if (!p || n == 0)
        return LT_E_UNSUPPORTED;

    /* pass 1: the packets, the largest Initial payload */
    struct pkt first, pk;
    enum lt_err e = parse_long(p, n, 0, &first);
    if (e != LT_OK)
        return e;
    size_t pt_need = 0, n_initial = 0;
    for (size_t off = 0; off < n; off = pk.end) {
        if (parse_long(p, n, off, &pk) != LT_OK || !same_cid(&pk, &first))
            break;
        if (pk.type == PT_INITIAL) {
            n_initial++;
            if (pk.end - pk.pn_off > pt_need)
                pt_need = pk.end - pk.pn_off;
        }
        if (pk.type == PT_RETRY)
            break;
    }
    if (n_initial == 0)
        return LT_E_UNSUPPORTED;
    if (scratch_cap < pt_need || scratch_cap - pt_need < REC_HDR + 1)
        return LT_E_LIMIT;

    /* scratch: [record header][crypto stream ... ][plaintext (pt_need)] */
    uint8_t *pt = scratch + scratch_cap - pt_need;
    struct cstream cs = { .buf = scratch + REC_HDR };
    cs.cap = scratch_cap - pt_need - REC_HDR;
    if (cs.cap > CRYPTO_MAX)
        cs.cap = CRYPTO_MAX;

    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return LT_E_NOMEM;
    struct keys ks = { .valid = false };
    bool bad = false;
    e = LT_OK;
    for (size_t off = 0; off < n; off = pk.end) {
        if (parse_long(p, n, off, &pk) != LT_OK || !same_cid(&pk, &first) ||
            pk.type == PT_RETRY)
            break;
        if (pk.type != PT_INITIAL)
            continue;
        e = open_initial(ctx, p, &pk, &ks, pt, &cs);
        if (e == LT_E_MALFORMED) {
            bad = true;
            e = LT_OK;
        } else if (e != LT_OK) {
            break;
        }
    }
    EVP_CIPHER_CTX_free(ctx);
    if (e != LT_OK)
        return e;

    const size_t contig = cstream_contig(&cs);
    if (contig == 0)
        return bad ? LT_E_MALFORMED : LT_AGAIN;
    if (contig < 4)
        return bad ? LT_E_MALFORMED : LT_AGAIN;
    /* One synthetic record as long as the handshake message (16 KiB at
       most), of which the contiguous bytes are a prefix: lt_tls_sni then
       answers from the prefix (a name or LT_AGAIN). */
    const uint8_t *hs = cs.buf;
    size_t rec_len = ((size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3]) + 4;
    if (rec_len > CRYPTO_MAX)
        rec_len = CRYPTO_MAX;
    scratch[0] = 0x16;                  /* handshake record, TLS 1.0 */
    scratch[1] = 0x03;
    scratch[2] = 0x01;
    scratch[3] = (uint8_t)(rec_len >> 8);
    scratch[4] = (uint8_t)rec_len;
    size_t need = 0;
    e = lt_tls_sni(scratch, REC_HDR + (contig < rec_len ? contig : rec_len), out,
                   out_cap, sni, &need);
    if (e == LT_OK)
        return LT_OK;
    sni->p = NULL;
    sni->len = 0;
    if (bad)
        return LT_E_MALFORMED;
    if (e == LT_AGAIN && (contig >= CRYPTO_MAX || (contig == cs.cap && cs.clipped)))
        return LT_E_LIMIT;
    return e;
}
