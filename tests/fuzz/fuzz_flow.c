/* SPDX-License-Identifier: MIT */
/*
 * fuzz_flow.c - the flow table and reassembly driven by a script of TCP
 * segments. Input: 4 parameter bytes (max_pending, hole_wait_ms, max_flows,
 * flow_idle_ms, all small), then records of 6 header bytes + payload:
 *   r0  bit0 sender (0 client, 1 server), bits1-2 tuple (one of 4),
 *       bit3 SYN, bit4 ACK, bit5 FIN, bit6 RST, bit7 snaplen cut
 *   r1-2 signed 16-bit sequence delta from where the sender left off
 *   r3  payload length (bytes taken from the input, clipped at its end)
 *   r4  bits0-6 capture time step in ms; bit7 scales the delta by 2^16
 *   r5  bytes cut off by snaplen (with bit7 of r0)
 * Checks: callbacks never see empty data/gaps or a closed flow, close runs
 * once per flow (ASan catches leaks of the per-flow state), byte and gap
 * sums match stream_bytes and hole_bytes, every flow is accounted for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow/flow.h"

struct fstate {
    uint64_t data[2], gaps[2];
    int closed;
};

struct fctx {
    uint64_t data, gaps, closes, sum;
    uint32_t max_flows;
};

#define CHECK(c)                                                          \
    do {                                                                  \
        if (!(c))                                                         \
            __builtin_trap();                                             \
    } while (0)

static struct fstate *state_of(struct lt_flow *f)
{
    if (!f->user) {
        f->user = calloc(1, sizeof(struct fstate));
        CHECK(f->user);
    }
    return f->user;
}

static void on_data(void *ud, struct lt_flow *f, int dir, const uint8_t *p,
                    size_t n, const struct lt_pkt_meta *m)
{
    struct fctx *c = ud;
    struct fstate *s = state_of(f);
    CHECK(dir == 0 || dir == 1);
    CHECK(n > 0 && m && !s->closed);
    for (size_t i = 0; i < n; i++) /* every byte must be readable */
        c->sum += p[i];
    s->data[dir] += n;
    c->data += n;
}

static void on_gap(void *ud, struct lt_flow *f, int dir, uint64_t len,
                   const struct lt_pkt_meta *m)
{
    struct fctx *c = ud;
    struct fstate *s = state_of(f);
    CHECK(dir == 0 || dir == 1);
    CHECK(len > 0 && m && !s->closed);
    s->gaps[dir] += len;
    c->gaps += len;
}

static void on_close(void *ud, struct lt_flow *f)
{
    struct fctx *c = ud;
    struct fstate *s = state_of(f);
    CHECK(!s->closed);
    c->closes++;
    free(s);
    f->user = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    struct lt_limits lim = lt_limits_default();
    lim.max_pending = data[0] & 0x80 ? 1u << 20 : (data[0] & 0x7fu) * 16;
    lim.hole_wait_ms = data[1];
    lim.max_flows = 1 + (data[2] & 7u);
    lim.flow_idle_ms = 1 + data[3] * 4u;
    data += 4;
    size -= 4;

    struct lt_stats st;
    memset(&st, 0, sizeof st);
    struct fctx ctx = { .max_flows = lim.max_flows };
    struct lt_flow_cb cb = { &ctx, on_data, on_gap, on_close };
    struct lt_flow_table *t = lt_flow_table_new(&lim, &st, &cb);
    if (!t)
        return 0;

    uint32_t cursor[4][2];
    for (int i = 0; i < 4; i++) {
        cursor[i][0] = 0xFFFFFF00u + 0x40u * (uint32_t)i; /* near the wrap */
        cursor[i][1] = 0x1000u * (uint32_t)i;
    }
    int64_t ts = 0;
    uint64_t frame = 0;
    while (size >= 6) {
        const uint8_t r0 = data[0], r4 = data[4], r5 = data[5];
        int32_t delta = (int16_t)(uint16_t)(data[1] << 8 | data[2]);
        size_t len = data[3];
        data += 6;
        size -= 6;
        if (len > size)
            len = size;
        const int from = r0 & 1, tup = (r0 >> 1) & 3;

        struct lt_l4 s;
        memset(&s, 0, sizeof s);
        s.ip_version = tup == 3 ? 6 : 4;
        s.proto = 6;
        s.tcp_flags = (uint8_t)(((r0 >> 3) & 1 ? LT_TCP_SYN : 0) |
                                ((r0 >> 4) & 1 ? LT_TCP_ACK : 0) |
                                ((r0 >> 5) & 1 ? LT_TCP_FIN : 0) |
                                ((r0 >> 6) & 1 ? LT_TCP_RST : 0));
        uint8_t a[16] = { 10, 0, 0, 1 }, b[16] = { 10, 0, 0, 2 };
        a[15] = b[15] = (uint8_t)tup;
        memcpy(from ? s.dst : s.src, a, s.ip_version == 4 ? 4 : 16);
        memcpy(from ? s.src : s.dst, b, s.ip_version == 4 ? 4 : 16);
        s.sport = from ? 80 : (uint16_t)(40000 + tup);
        s.dport = from ? (uint16_t)(40000 + tup) : 80;
        uint32_t seq = cursor[tup][from] +
                       (uint32_t)delta * (r4 & 0x80 ? 65536u : 1u);
        s.seq = seq;
        s.payload.p = data;
        s.payload.len = len;
        s.payload_wire_len = (uint32_t)len + (r0 & 0x80 ? r5 : 0);
        cursor[tup][from] = seq + s.payload_wire_len +
                            ((s.tcp_flags & LT_TCP_SYN) ? 1 : 0);
        ts += r4 & 0x7f;
        struct lt_pkt_meta m = { ++frame, ts * 1000000 };
        enum lt_err e = lt_flow_table_segment(t, &s, &m);
        CHECK(e == LT_OK);
        CHECK(lt_flow_table_count(t) <= ctx.max_flows);
        data += len;
        size -= len;
    }
    lt_flow_table_finish(t);
    CHECK(lt_flow_table_count(t) == 0);
    CHECK(ctx.data == st.stream_bytes);
    CHECK(ctx.gaps == st.hole_bytes);
    CHECK(ctx.closes == st.flows);
    CHECK(st.flows == st.flows_closed + st.flows_expired + st.flow_cap);
    lt_flow_table_free(t);
    return 0;
}
