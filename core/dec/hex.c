/* SPDX-License-Identifier: MIT */
/*
 * hex.c - hexadecimal decoding and its plausibility gate (dec layer).
 * The decoder accepts both cases (mixed too); the gate is stricter.
 */
#include "hex.h"

#define HEX_BAD 0xff
#define HEX_VAL(c)                                                            \
    ((c) >= '0' && (c) <= '9'   ? (c) - '0'                                   \
     : (c) >= 'a' && (c) <= 'f' ? (c) - 'a' + 10                              \
     : (c) >= 'A' && (c) <= 'F' ? (c) - 'A' + 10                              \
                                : HEX_BAD)
#define HEX_R4(b) HEX_VAL(b), HEX_VAL((b) + 1), HEX_VAL((b) + 2), HEX_VAL((b) + 3)
#define HEX_R16(b) HEX_R4(b), HEX_R4((b) + 4), HEX_R4((b) + 8), HEX_R4((b) + 12)
#define HEX_R64(b) HEX_R16(b), HEX_R16((b) + 16), HEX_R16((b) + 32), HEX_R16((b) + 48)

static const uint8_t tab_hex[256] = { HEX_R64(0), HEX_R64(64), HEX_R64(128),
                                      HEX_R64(192) };

/*
 * The gate: besides an even length of one-case hex digits, decoding must
 * be able to give something a detector can use. Digest lengths (MD5, SHA-1,
 * SHA-224, SHA-256, SHA-384, SHA-512) only give random bytes. Otherwise the
 * decoded bytes must look like text (at least 3/4 of them printable ASCII,
 * i.e. the first digit of the pair is 2..7), or start with a compression
 * magic (gzip 1f8b, zlib 78xx, zstd 28b52ffd). All-decimal strings are
 * numbers, except the hex of ASCII digits ("3135..."), which the text rule
 * already requires to be 3x pairs.
 */
bool lt_hex_plausible(const uint8_t *src, size_t n, size_t min_len)
{
    if (n < min_len || n == 0 || n % 2 != 0)
        return false;
    switch (n) {
    case 32: case 40: case 56: case 64: case 96: case 128:
        return false;
    }
    bool has_lower = false, has_upper = false, has_alpha_pair = false;
    size_t n_text = 0;
    for (size_t i = 0; i < n; i += 2) {
        const uint8_t a = src[i], b = src[i + 1];
        if (tab_hex[a] == HEX_BAD || tab_hex[b] == HEX_BAD)
            return false;
        has_lower |= (a >= 'a') | (b >= 'a');
        has_upper |= (a >= 'A' && a <= 'F') | (b >= 'A' && b <= 'F');
        has_alpha_pair |= (a > '9') | (b > '9');
        n_text += a >= '2' && a <= '7' && !(a == '7' && (b == 'f' || b == 'F'));
    }
    if (has_lower && has_upper)
        return false;
    const size_t n_bytes = n / 2;
    if (!has_alpha_pair && n_text != n_bytes)
        return false; /* a decimal number, unless it is hex of digits */
    if (n_text * 4 >= n_bytes * 3)
        return true;
    if (n_bytes < 2)
        return false;
    const uint8_t b0 = (uint8_t)(tab_hex[src[0]] << 4 | tab_hex[src[1]]);
    const uint8_t b1 = (uint8_t)(tab_hex[src[2]] << 4 | tab_hex[src[3]]);
    if ((b0 == 0x1f && b1 == 0x8b) || (b0 == 0x78 && (b0 << 8 | b1) % 31 == 0))
        return true;
    return n_bytes >= 4 && b0 == 0x28 && b1 == 0xb5 &&
           (tab_hex[src[4]] << 4 | tab_hex[src[5]]) == 0x2f &&
           (tab_hex[src[6]] << 4 | tab_hex[src[7]]) == 0xfd;
}

enum lt_err lt_hex_decode(uint8_t *dst, size_t dst_cap, const uint8_t *src,
                          size_t n, size_t *written)
{
    size_t o = 0, i = 0;
    const size_t n_pairs = n / 2;
    const size_t m = n_pairs < dst_cap ? n_pairs : dst_cap;
    for (; o < m; o++, i += 2) {
        const uint32_t a = tab_hex[src[i]], b = tab_hex[src[i + 1]];
        if ((a | b) & 0x80) {
            *written = o;
            return LT_E_MALFORMED;
        }
        dst[o] = (uint8_t)(a << 4 | b);
    }
    *written = o;
    if (o < n_pairs)
        return LT_E_LIMIT;
    return n % 2 ? LT_E_MALFORMED : LT_OK;
}
