/* SPDX-License-Identifier: MIT */
#include "chunk.h"

#include <stdlib.h>
#include <string.h>

enum item_type { ITEM_LEAK, ITEM_REQUEST, ITEM_FLOW, ITEM_WARN, ITEM_ZFRAME,
                 ITEM_COUNT };

struct item_hdr {
    uint64_t frame;
    uint32_t len;              /* payload bytes, before padding */
    uint32_t type;
};

/* A finished flow's fixed part; app and host follow as C strings. */
struct flow_fixed {
    const char *device;
    uint64_t bytes_sent;
    uint32_t leaks;
    uint8_t ip_version;
    uint8_t addr[16];
    bool clear, tls;
};

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

void lt_chunk_init(struct lt_chunk *c)
{
    lt_buf_init(&c->items, LT_CHUNK_MAX);
}

void lt_chunk_release(struct lt_chunk *c)
{
    lt_buf_release(&c->items);
}

/* Append one item made of parts (copied back to back). */
static enum lt_err add(struct lt_chunk *c, enum item_type t, uint64_t frame,
                       const void *const *part, const size_t *part_len, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += part_len[i];
    if (len > UINT32_MAX)
        return LT_E_LIMIT;
    enum lt_err e = lt_buf_reserve(&c->items, sizeof(struct item_hdr) + pad8(len));
    if (e != LT_OK)
        return e;
    struct item_hdr h = { frame, (uint32_t)len, t };
    uint8_t *w = c->items.p + c->items.len;
    memcpy(w, &h, sizeof h);
    w += sizeof h;
    for (int i = 0; i < n; i++) {
        memcpy(w, part[i], part_len[i]);
        w += part_len[i];
    }
    c->items.len += sizeof h + pad8(len);
    return LT_OK;
}

enum lt_err lt_chunk_leak(struct lt_chunk *c, uint64_t frame, const char *device,
                          const char *app, const char *kind,
                          const uint8_t *line, size_t len)
{
    const void *part[] = { &device, app, kind, line };
    size_t part_len[] = { sizeof device, strlen(app) + 1, strlen(kind) + 1, len };
    return add(c, ITEM_LEAK, frame, part, part_len, 4);
}

enum lt_err lt_chunk_request(struct lt_chunk *c, uint64_t frame,
                             const uint8_t *row, size_t len)
{
    const void *part[] = { row };
    size_t part_len[] = { len };
    return add(c, ITEM_REQUEST, frame, part, part_len, 1);
}

enum lt_err lt_chunk_flow(struct lt_chunk *c, uint64_t frame,
                          const struct lt_flow_summary *fs)
{
    struct flow_fixed f;
    memset(&f, 0, sizeof f);
    f.device = fs->device;
    f.bytes_sent = fs->bytes_sent;
    f.leaks = fs->leaks;
    f.ip_version = fs->ip_version;
    memcpy(f.addr, fs->addr, fs->ip_version == 4 ? 4 : 16);
    f.clear = fs->clear;
    f.tls = fs->tls;
    const void *part[] = { &f, fs->app, fs->host };
    size_t part_len[] = { sizeof f, strlen(fs->app) + 1, strlen(fs->host) + 1 };
    return add(c, ITEM_FLOW, frame, part, part_len, 3);
}

enum lt_err lt_chunk_warn(struct lt_chunk *c, uint64_t frame, const char *msg)
{
    const void *part[] = { msg };
    size_t part_len[] = { strlen(msg) + 1 };
    return add(c, ITEM_WARN, frame, part, part_len, 1);
}

enum lt_err lt_chunk_zframe(struct lt_chunk *c, const char *device,
                            const uint8_t *data, size_t len)
{
    const void *part[] = { &device, data };
    size_t part_len[] = { sizeof device, len };
    return add(c, ITEM_ZFRAME, 0, part, part_len, 2);
}

enum lt_err lt_chunk_count(struct lt_chunk *c, const char *device, const char *app,
                           const char *kind, uint64_t n)
{
    const void *part[] = { &device, &n, app, kind };
    size_t part_len[] = { sizeof device, sizeof n, strlen(app) + 1, strlen(kind) + 1 };
    return add(c, ITEM_COUNT, 0, part, part_len, 4);
}

static void replay_one(const uint8_t *at, const struct lt_pipe_hooks *h)
{
    struct item_hdr hd;
    memcpy(&hd, at, sizeof hd);
    const uint8_t *p = at + sizeof hd;
    switch ((enum item_type)hd.type) {
    case ITEM_LEAK: {
        const char *device;
        memcpy(&device, p, sizeof device);
        const char *app = (const char *)p + sizeof device;
        const char *kind = app + strlen(app) + 1;
        const uint8_t *line = (const uint8_t *)kind + strlen(kind) + 1;
        if (h->leak)
            h->leak(h->ud, device, app, kind, line, hd.len - (size_t)(line - p));
        break;
    }
    case ITEM_REQUEST:
        if (h->request)
            h->request(h->ud, p, hd.len);
        break;
    case ITEM_FLOW: {
        struct flow_fixed f;
        memcpy(&f, p, sizeof f);
        const char *app = (const char *)p + sizeof f;
        const char *host = app + strlen(app) + 1;
        struct lt_flow_summary fs = { f.device, app, host, f.ip_version, f.addr,
                                      f.bytes_sent, f.clear, f.tls, f.leaks };
        if (h->flow)
            h->flow(h->ud, &fs);
        break;
    }
    case ITEM_WARN:
        if (h->warn)
            h->warn(h->ud, (const char *)p);
        break;
    case ITEM_ZFRAME: {
        const char *device;
        memcpy(&device, p, sizeof device);
        if (h->frame)
            h->frame(h->ud, device, p + sizeof device, hd.len - sizeof device);
        break;
    }
    case ITEM_COUNT: {
        const char *device;
        uint64_t n;
        memcpy(&device, p, sizeof device);
        memcpy(&n, p + sizeof device, sizeof n);
        const char *app = (const char *)p + sizeof device + sizeof n;
        const char *kind = app + strlen(app) + 1;
        if (h->count)
            h->count(h->ud, device, app, kind, n);
        break;
    }
    }
}

void lt_chunk_replay_in_order(const struct lt_chunk *c, const struct lt_pipe_hooks *h)
{
    for (size_t off = 0; off < c->items.len;) {
        struct item_hdr hd;
        memcpy(&hd, c->items.p + off, sizeof hd);
        replay_one(c->items.p + off, h);
        off += sizeof hd + pad8(hd.len);
    }
}

/* Sort key of one item: frame, then where it sits (chunk, offset), which
   is its emission order. */
struct order_ent {
    uint64_t frame;
    uint32_t chunk;
    uint32_t pad;
    size_t off;
};

static int order_cmp(const void *a, const void *b)
{
    const struct order_ent *x = a, *y = b;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    if (x->chunk != y->chunk)
        return x->chunk < y->chunk ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

enum lt_err lt_chunks_replay(struct lt_chunk *const *cs, size_t n,
                             struct lt_buf *order, const struct lt_pipe_hooks *h)
{
    enum lt_err e = LT_OK;
    size_t count = 0;
    lt_buf_reset(order);
    for (size_t i = 0; i < n && e == LT_OK; i++)
        for (size_t off = 0; off < cs[i]->items.len;) {
            struct item_hdr hd;
            memcpy(&hd, cs[i]->items.p + off, sizeof hd);
            struct order_ent oe = { hd.frame, (uint32_t)i, 0, off };
            if ((e = lt_buf_append(order, &oe, sizeof oe)) != LT_OK)
                break;
            count++;
            off += sizeof hd + pad8(hd.len);
        }
    if (e == LT_OK) {
        struct order_ent *v = (struct order_ent *)order->p;
        size_t sorted = 1;
        while (sorted < count && order_cmp(&v[sorted - 1], &v[sorted]) <= 0)
            sorted++;
        if (sorted < count) /* usually in order already; closes are not */
            qsort(v, count, sizeof *v, order_cmp);
        for (size_t k = 0; k < count; k++)
            replay_one(cs[v[k].chunk]->items.p + v[k].off, h);
    } else { /* no room to sort: keep the records, in emission order */
        for (size_t i = 0; i < n; i++)
            lt_chunk_replay_in_order(cs[i], h);
    }
    for (size_t i = 0; i < n; i++)
        lt_chunk_reset(cs[i]);
    return e;
}
