/* SPDX-License-Identifier: MIT */
/*
 * fuzz_decode.c - lt_decode_packet() on arbitrary bytes.
 * Byte 0 picks the link type (table below; 147 is unsupported),
 * byte 1 the origlen (0: = caplen, else caplen + byte * 97); the rest is
 * the packet, copied to an exact-size buffer. Checks: a documented return
 * code, exactly one counter per outcome, pointers inside the capture.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmt/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t linktypes[] = { 1,   113, 276, 101, 12, 14,  228,
                                      229, 0,   108, 239, 105, 147, 127,
                                      163, 104, 9,   50,  51,  129 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint32_t lt = linktypes[data[0] % (sizeof linktypes / sizeof linktypes[0])];
    size_t n = size - 2;
    uint32_t origlen = (uint32_t)n + (uint32_t)data[1] * 97u;
    uint8_t *p = malloc(n ? n : 1);
    if (!p)
        return 0;
    memcpy(p, data + 2, n);

    struct lt_l4 o;
    struct lt_stats st = { 0 };
    enum lt_err e = lt_decode_packet(lt, p, (uint32_t)n, origlen, &o, &st);
    uint64_t errs = st.link_unsupported + st.non_ip + st.ip_fragments +
                    st.truncated_headers + st.malformed;
    if (e == LT_OK) {
        if (errs || st.ipv4 + st.ipv6 != 1 ||
            st.tcp_segments + st.udp_datagrams + st.other_l4 != 1)
            abort();
        if (o.payload.p < p || o.payload.p > p + n ||
            o.payload.len > (size_t)(p + n - o.payload.p) ||
            o.payload.len > o.payload_wire_len)
            abort();
        if (o.eth_src && (o.eth_src < p || o.eth_src + 6 > p + n))
            abort();
        /* touch every payload byte: ASan checks the range */
        volatile uint8_t sink = 0;
        for (size_t i = 0; i < o.payload.len; i++)
            sink ^= o.payload.p[i];
        (void)sink;
    } else {
        if (e != LT_E_UNSUPPORTED && e != LT_E_TRUNCATED && e != LT_E_MALFORMED)
            abort();
        if (errs != 1 || st.ipv4 + st.ipv6 + st.tunneled)
            abort();
    }
    free(p);
    return 0;
}
