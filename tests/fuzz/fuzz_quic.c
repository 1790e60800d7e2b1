/* SPDX-License-Identifier: MIT */
/*
 * fuzz_quic.c - lt_quic_initial_sni on arbitrary datagrams. Input: p[0]
 * scratch size (0: LT_QUIC_SCRATCH_MAX, else p[0] * 64 bytes), p[1]
 * out_cap (0: 256, else p[1]), the rest is the UDP payload, copied to an
 * exact-size heap buffer so ASan sees any overread. Invariants: a defined
 * code; on LT_OK the name lies in out, 1..255 bytes of [a-z0-9._-];
 * neither scratch nor out is written past its cap.
 */
#include <stdlib.h>
#include <string.h>

#include "core/proto/quic.h"

#define GUARD 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t scratch[LT_QUIC_SCRATCH_MAX + GUARD];
static uint8_t out[256 + GUARD];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const size_t scratch_cap = data[0] ? (size_t)data[0] * 64 : LT_QUIC_SCRATCH_MAX;
    const size_t out_cap = data[1] ? data[1] : 256;
    data += 2;
    size -= 2;
    uint8_t *dg = malloc(size ? size : 1);
    if (!dg)
        return 0;
    memcpy(dg, data, size);
    memset(scratch + scratch_cap, 0x5a, GUARD);
    memset(out + out_cap, 0x5a, GUARD);
    struct lt_span sni;
    const enum lt_err e = lt_quic_initial_sni(dg, size, scratch, scratch_cap, out,
                                              out_cap, &sni);
    for (size_t i = 0; i < GUARD; i++)
        if (scratch[scratch_cap + i] != 0x5a || out[out_cap + i] != 0x5a)
            abort();
    switch (e) {
    case LT_OK:
        if (sni.len < 1 || sni.len > 255 || sni.p < out || sni.p + sni.len > out + out_cap)
            abort();
        for (size_t i = 0; i < sni.len; i++) {
            const uint8_t c = sni.p[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '-' || c == '_'))
                abort();
        }
        break;
    case LT_AGAIN:
    case LT_E_UNSUPPORTED:
    case LT_E_MALFORMED:
    case LT_E_LIMIT:
        if (sni.p != NULL)
            abort();
        break;
    default:
        abort();
    }
    free(dg);
    return 0;
}
