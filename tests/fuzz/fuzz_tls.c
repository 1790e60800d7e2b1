/* SPDX-License-Identifier: MIT */
/*
 * fuzz_tls.c - lt_tls_sni on arbitrary streams. Input: p[0..1] out_cap
 * (little endian, mod 16385), p[2] prefix step (0: only the whole), the
 * rest is the stream. Invariants: a defined code; on LT_OK the name lies
 * in out, 1..255 bytes of [a-z0-9._-]; LT_AGAIN asks for more than given;
 * out is not written past out_cap; every prefix (every step-th) gives
 * LT_AGAIN or the same answer as the whole stream.
 */
#include <stdlib.h>
#include <string.h>

#include "core/proto/tls.h"

#define GUARD 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[16384 + GUARD];

static enum lt_err run(const uint8_t *p, size_t n, size_t cap, uint8_t *name,
                       size_t *name_len)
{
    struct lt_span sni;
    size_t need = 1;
    memset(out + cap, 0x5a, GUARD);
    const enum lt_err e = lt_tls_sni(p, n, out, cap, &sni, &need);
    for (size_t i = 0; i < GUARD; i++)
        if (out[cap + i] != 0x5a)
            abort();
    *name_len = 0;
    switch (e) {
    case LT_OK:
        if (sni.len < 1 || sni.len > 255 || sni.p < out || sni.p + sni.len > out + cap)
            abort();
        for (size_t i = 0; i < sni.len; i++) {
            const uint8_t c = sni.p[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '-' || c == '_'))
                abort();
        }
        memcpy(name, sni.p, sni.len);
        *name_len = sni.len;
        break;
    case LT_AGAIN:
        if (need <= n)
            abort();
        return e;
    case LT_E_UNSUPPORTED:
    case LT_E_MALFORMED:
    case LT_E_LIMIT:
        break;
    default:
        abort();
    }
    if (need != 0)
        abort();
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const size_t cap = (size_t)(data[0] | data[1] << 8) % 16385;
    const size_t step = data[2];
    data += 3;
    size -= 3;
    uint8_t whole[256], name[256];
    size_t whole_len, name_len;
    const enum lt_err e = run(data, size, cap, whole, &whole_len);
    if (!step)
        return 0;
    for (size_t k = 0; k < size; k += step) {
        const enum lt_err e2 = run(data, k, cap, name, &name_len);
        if (e2 == LT_AGAIN)
            continue;
        if (e2 != e || name_len != whole_len || memcmp(name, whole, name_len))
            abort();
    }
    return 0;
}
