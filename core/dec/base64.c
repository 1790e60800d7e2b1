/* SPDX-License-Identifier: MIT */
/*
 * base64.c - base64 decoding and the plausibility gate in front of it
 * (dec layer).
 *
 * Decoding is table driven: one 256-entry table per alphabet maps a byte to
 * its 6-bit value, or to a marker with the top bit set (invalid, `=`, CR or
 * LF). The fast loop takes 4 symbols at a time and ORs their table values:
 * one branch tells whether the group is plain. Anything else (a line
 * break, padding, a bad byte, the tail, or a dst with less than 3 bytes
 * left) falls to a slow path that assembles one group symbol by symbol
 * and then returns to the fast loop, so CR/LF-wrapped input costs one slow
 * group per line. Vector kernels (base64_simd.c) take the place of the
 * fast loop where the CPU has them, for runs of plain groups and the line
 * breaks between them.
 *
 * Lenient on purpose: the unused low bits of a final partial group need
 * not be zero (RFC 4648 §3.5 lets decoders reject those; real encoders
 * never produce them and rejecting buys nothing here).
 */
#include "base64.h"

#include <string.h>

#include "base64_int.h"

/* Table values with the top bit set are not symbols. */
#define B64_BAD 0xff
#define B64_PAD 0xfe
#define B64_EOL 0xfd

/* (uint8_t): the dead branches for c >= 204 would not fit (clang warns) */
#define B64_VAL(c, s62, s63)                                                  \
    (uint8_t)((c) >= 'A' && (c) <= 'Z'   ? (c) - 'A'                          \
              : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26                     \
              : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52                     \
              : (c) == (s62)             ? 62                                 \
              : (c) == (s63)             ? 63                                 \
              : (c) == '='               ? B64_PAD                            \
              : (c) == '\r' || (c) == '\n' ? B64_EOL                          \
                                           : B64_BAD)
#define B64_R4(b, a, z)                                                       \
    B64_VAL((b), a, z), B64_VAL((b) + 1, a, z), B64_VAL((b) + 2, a, z),       \
        B64_VAL((b) + 3, a, z)
#define B64_R16(b, a, z)                                                      \
    B64_R4((b), a, z), B64_R4((b) + 4, a, z), B64_R4((b) + 8, a, z),          \
        B64_R4((b) + 12, a, z)
#define B64_R64(b, a, z)                                                      \
    B64_R16((b), a, z), B64_R16((b) + 16, a, z), B64_R16((b) + 32, a, z),     \
        B64_R16((b) + 48, a, z)
#define B64_TABLE(a, z)                                                       \
    { B64_R64(0, a, z), B64_R64(64, a, z), B64_R64(128, a, z),                \
      B64_R64(192, a, z) }

const uint8_t lt__b64_tab[2][256] = { B64_TABLE('+', '/'), B64_TABLE('-', '_') };

/*
 * The plausibility gate's byte table: one-hot class bits (a base64 string
 * of real data changes class at about 2 of 3 positions; words, camelCase
 * identifiers and runs of one letter do not), alphabet bits, and a bit for
 * bytes that are not hex digits or `-` (UUIDs, digests). Everything else
 * (`=`, CR, LF, bad bytes) has P_SPECIAL and takes the slow branch.
 */
#define P_UPPER 0x01
#define P_LOWER 0x02
#define P_DIGIT 0x04
#define P_STD 0x08 /* + / */
#define P_URL 0x10 /* - _ */
#define P_CLASS 0x1f
#define P_NONHEX 0x20
#define P_SPECIAL 0x80
#define P_VAL(c)                                                              \
    (uint8_t)((c) >= 'A' && (c) <= 'Z'                                        \
                  ? P_UPPER | ((c) > 'F' ? P_NONHEX : 0)                      \
              : (c) >= 'a' && (c) <= 'z'                                      \
                  ? P_LOWER | ((c) > 'f' ? P_NONHEX : 0)                      \
              : (c) >= '0' && (c) <= '9' ? P_DIGIT                            \
              : (c) == '+' || (c) == '/' ? P_STD | P_NONHEX                   \
              : (c) == '-'               ? P_URL                              \
              : (c) == '_'               ? P_URL | P_NONHEX                   \
                                         : P_SPECIAL)
#define P_R4(b) P_VAL(b), P_VAL((b) + 1), P_VAL((b) + 2), P_VAL((b) + 3)
#define P_R16(b) P_R4(b), P_R4((b) + 4), P_R4((b) + 8), P_R4((b) + 12)
#define P_R64(b) P_R16(b), P_R16((b) + 16), P_R16((b) + 32), P_R16((b) + 48)
static const uint8_t tab_plaus[256] = { P_R64(0), P_R64(64), P_R64(128),
                                        P_R64(192) };

bool lt_b64_plausible(const uint8_t *src, size_t n, size_t min_len,
                      bool *is_url)
{
    if (is_url)
        *is_url = false;
    size_t n_sym = 0, n_pad = 0, n_trans = 0;
    size_t line_len = 0, wrap_len = 0, n_breaks = 0;
    unsigned seen = 0, prev = 0;
    bool short_line = false;
    for (size_t i = 0; i < n; i++) {
        const uint8_t c = src[i], f = tab_plaus[c];
        if (!(f & P_SPECIAL)) {
            if (n_pad > 0) /* a symbol after `=` */
                return false;
            seen |= f;
            n_trans += (f & P_CLASS) != prev;
            prev = f & P_CLASS;
            n_sym++;
            line_len++;
            continue;
        }
        if (c == '=') {
            if (++n_pad > 2 || short_line)
                return false;
            line_len++;
            continue;
        }
        if (c != '\r' && c != '\n')
            return false;
        /* Line breaks are CRLF or LF ending a non-empty line; every line
           but the last has the same length, a multiple of 4 (MIME and
           Android wrap at 76, PEM at 64). */
        if (c == '\r') {
            if (i + 1 >= n || src[i + 1] != '\n')
                return false;
            i++;
        }
        if (line_len == 0 || short_line)
            return false;
        if (wrap_len == 0)
            wrap_len = line_len;
        else if (line_len != wrap_len)
            short_line = true; /* only the last line may be shorter */
        line_len = 0;
        n_breaks++;
    }
    if (short_line && line_len > 0)
        return false;
    n_trans -= n_sym > 0; /* the first symbol is no transition */
    /* Wrapped text: the full lines hold whole groups. */
    const bool is_wrapped = n_breaks > 1 || (n_breaks == 1 && line_len > 0);
    if (is_wrapped && wrap_len % 4 != 0)
        return false;
    if (n_sym < min_len || n_sym == 0 || n_sym % 4 == 1)
        return false;
    if (n_pad > 0 && (n_sym + n_pad) % 4 != 0)
        return false;
    if ((seen & (P_STD | P_URL)) == (P_STD | P_URL))
        return false;
    /* Decimal numbers, hex digests, UUIDs and single-case words are not
       worth a trial: base64 of real data has both letter cases. */
    if (!(seen & P_NONHEX) || !(seen & P_UPPER) || !(seen & P_LOWER))
        return false;
    /* Words and identifiers ("Vodafone", "getElementById"): short
       letters-only text (random base64 of 32 symbols has a digit, `+/-_`
       or `=` with probability 0.999), and text that changes character
       class rarely (random base64 does at ~0.65 of its positions). */
    if (!(seen & (P_DIGIT | P_STD | P_URL)) && n_pad == 0 && n_sym < 32)
        return false;
    /* ... unless it opens with the base64 of a compressed stream's magic
       (gzip 1f8b08 "H4sI", zstd 28b52ffd "KLUv", zlib 789c "eJ"): long
       runs of "AAAA" are then zeros in a compressed block, not a word. */
    const bool compressed = n >= 4 && (!memcmp(src, "H4sI", 4) ||
                                       !memcmp(src, "KLUv", 4) ||
                                       !memcmp(src, "eJz", 3) ||
                                       !memcmp(src, "eNr", 3));
    if (n_trans * 3 < n_sym && !compressed)
        return false;
    if (is_url)
        *is_url = (seen & P_URL) != 0;
    return true;
}

/* Store the first k of the 3 bytes of v at dst[*o..), at most up to cap.
   false when they did not all fit (dst is then full). */
static bool put_group(uint8_t *dst, size_t cap, size_t *o, uint32_t v,
                      size_t k)
{
    const uint8_t b[3] = { (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    for (size_t j = 0; j < k; j++) {
        if (*o >= cap)
            return false;
        dst[(*o)++] = b[j];
    }
    return true;
}

/* Every kernel wants 16 input bytes and 12 bytes of room, at least: below
   that, skip the call. */
#define KERNEL_MIN_IN 16
#define KERNEL_MIN_OUT 12

/*
 * The decoder proper, with an optional vector kernel (base64_simd.c). The
 * kernel runs at the top of the loop, where the scalar code stands at a
 * group boundary with only whole plain groups and line breaks behind it:
 * it decodes plain groups, and skips line breaks between groups, as far as
 * it cheaply can. The scalar fast loop takes the rest of a short tail, the
 * slow path a group holding a line break, padding or an error. Both kinds
 * of code treat plain groups and line breaks between groups alike (a line
 * break at a group boundary is skipped by the slow path with nothing
 * assembled yet), so results, *written and every byte of dst are the same
 * with or without a kernel.
 */
static enum lt_err decode(lt__b64_kernel kern, uint8_t *dst, size_t dst_cap,
                          const uint8_t *src, size_t n, bool url, size_t *written)
{
    const uint8_t *t = lt__b64_tab[url];
    size_t i = 0, o = 0;
    for (;;) {
        if (kern && n - i >= KERNEL_MIN_IN && dst_cap - o >= KERNEL_MIN_OUT) {
            size_t used;
            o += kern(dst + o, dst_cap - o, src + i, n - i, url, &used);
            i += used;
        }
        while (n - i >= 4 && dst_cap - o >= 3) {
            const uint32_t a = t[src[i]], b = t[src[i + 1]], c = t[src[i + 2]],
                           d = t[src[i + 3]];
            if ((a | b | c | d) & 0x80)
                break;
            const uint32_t v = a << 18 | b << 12 | c << 6 | d;
            dst[o] = (uint8_t)(v >> 16);
            dst[o + 1] = (uint8_t)(v >> 8);
            dst[o + 2] = (uint8_t)v;
            o += 3;
            i += 4;
        }
        /* Slow path: one group, skipping line breaks. */
        uint32_t v = 0;
        size_t k = 0;
        while (i < n && k < 4) {
            const uint8_t x = t[src[i]];
            if (x == B64_EOL) {
                i++;
                continue;
            }
            if (x == B64_BAD)
                goto malformed;
            if (x == B64_PAD)
                break;
            v = v << 6 | x;
            k++;
            i++;
        }
        if (k == 4) {
            if (!put_group(dst, dst_cap, &o, v, 3))
                goto limit;
            continue;
        }
        if (i < n) {
            /* Padding (RFC 4648 §3.2): after 2 or 3 symbols, at most 4-k
               `=`, then only line breaks to the end. */
            if (k < 2)
                goto malformed;
            size_t n_pad = 0;
            for (; i < n; i++) {
                const uint8_t x = t[src[i]];
                if (x == B64_PAD && ++n_pad <= 4 - k)
                    continue;
                if (x != B64_EOL)
                    goto malformed;
            }
        } else if (k == 1) {
            goto malformed; /* 6 bits cannot make a byte */
        }
        if (k > 0 && !put_group(dst, dst_cap, &o, v << (6 * (4 - k)), k - 1))
            goto limit;
        *written = o;
        return LT_OK;
    }
malformed:
    *written = o; /* the whole groups before the one holding the error */
    return LT_E_MALFORMED;
limit:
    *written = o;
    return LT_E_LIMIT;
}

const char *lt__b64_impl_name(enum lt_b64_impl impl)
{
    static const char *const names[LT_B64_N_IMPL] = { "scalar", "ssse3", "avx2",
                                                      "avx512vbmi" };
    return (unsigned)impl < LT_B64_N_IMPL ? names[impl] : "?";
}

bool lt__b64_impl_supported(enum lt_b64_impl impl)
{
    return impl == LT_B64_SCALAR || lt__b64_kernel_get(impl) != NULL;
}

enum lt_b64_impl lt__b64_impl_best(void)
{
    for (enum lt_b64_impl k = LT_B64_N_IMPL - 1; k > LT_B64_SCALAR; k--)
        if (lt__b64_kernel_get(k))
            return k;
    return LT_B64_SCALAR;
}

enum lt_err lt__b64_decode_with(enum lt_b64_impl impl, uint8_t *dst, size_t dst_cap,
                                const uint8_t *src, size_t n, bool url,
                                size_t *written)
{
    return decode(lt__b64_kernel_get(impl), dst, dst_cap, src, n, url, written);
}

enum lt_err lt_b64_decode(uint8_t *dst, size_t dst_cap, const uint8_t *src,
                          size_t n, bool url, size_t *written)
{
    lt__b64_kernel kern = NULL;
    if (n >= KERNEL_MIN_IN)
        kern = lt__b64_kernel_get(lt__b64_impl_best());
    return decode(kern, dst, dst_cap, src, n, url, written);
}
