/* SPDX-License-Identifier: MIT */
/*
 * table.c - the TCP flow table (flow layer): symmetric 5-tuple hash,
 * pooled entries, LRU expiry and eviction. Reassembly is in reasm.c.
 *
 * Design. The key is the 5-tuple in canonical order (the smaller
 * address/port pair first, compared as integers), so both directions find
 * one entry; a_is_dir0 says which side is the initiator. The hash is a
 * fixed-seed multiply/xor over the five key words. Entries live in slabs
 * (growing geometrically, never past max_flows in total) and are recycled
 * through a free list: a packet never allocates an entry, a new flow takes
 * one from the pool. Buckets are chained through the entries and double
 * (rehash) as entries grow; a failed rehash just leaves longer chains.
 *
 * Two LRU lists ordered by the last segment seen: live flows, and
 * tombstones of flows closed by FIN/RST (kept so trailing ACKs and
 * retransmissions do not open a new mid-stream flow; a SYN does). Expiry
 * looks at list tails only, so its per-packet cost is one comparison. When
 * all max_flows entries are used, the oldest tombstone is recycled, else the
 * least recently seen live flow is closed (flow_cap).
 *
 * Flow lifecycle: LIVE -(FIN+FIN, RST)-> TOMB -(SYN or SYN+ACK)-> LIVE; LIVE or TOMB
 * -(idle, eviction, finish)-> FREE. The close callback runs exactly once,
 * when a LIVE flow leaves that state, after its held data is flushed.
 * Callbacks must not call back into the table (except the read-only
 * lt_flow_table_count()).
 */
#include <string.h>

#include "../base/alloc.h"
#include "../base/hash.h"
#include "flow_int.h"

#define FIRST_SLAB 256u
#define MAX_SLAB 65536u
#define FIRST_BUCKETS 1024u

enum close_why { CLOSE_FINRST, CLOSE_EXPIRED, CLOSE_EVICTED, CLOSE_FINISH };

static void nop_data(void *ud, struct lt_flow *f, int dir, const uint8_t *p,
                     size_t n, const struct lt_pkt_meta *m)
{
    (void)ud, (void)f, (void)dir, (void)p, (void)n, (void)m;
}

static void nop_gap(void *ud, struct lt_flow *f, int dir, uint64_t len,
                    const struct lt_pkt_meta *m)
{
    (void)ud, (void)f, (void)dir, (void)len, (void)m;
}

static void nop_close(void *ud, struct lt_flow *f)
{
    (void)ud, (void)f;
}

/* ---- lists ---- */

static inline void list_unlink(struct lt__list *l, struct lt__ent *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        l->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        l->tail = e->prev;
    e->prev = e->next = NULL;
}

static inline void list_push(struct lt__list *l, struct lt__ent *e)
{
    e->prev = NULL;
    e->next = l->head;
    if (l->head)
        l->head->prev = e;
    else
        l->tail = e;
    l->head = e;
}

static inline void list_touch(struct lt__list *l, struct lt__ent *e)
{
    if (l->head != e) {
        list_unlink(l, e);
        list_push(l, e);
    }
}

/* ---- key and hash ---- */

struct tuple_key {
    uint64_t k[5];
    uint64_t hash;
    bool sender_is_a;
};

static inline void load_addr(uint64_t w[2], const uint8_t a[16], bool v4)
{
    if (v4) {
        uint32_t x;
        memcpy(&x, a, 4);
        w[0] = x;
        w[1] = 0;
    } else {
        memcpy(w, a, 16);
    }
}

static inline void make_key(const struct lt_l4 *s, struct tuple_key *tk)
{
    const bool v4 = s->ip_version == 4;
    uint64_t src[2], dst[2];
    load_addr(src, s->src, v4);
    load_addr(dst, s->dst, v4);
    /* any total order works as long as both directions agree */
    bool a = src[0] != dst[0]   ? src[0] < dst[0]
             : src[1] != dst[1] ? src[1] < dst[1]
                                : s->sport <= s->dport;
    tk->sender_is_a = a;
    const uint64_t *pa = a ? src : dst, *pb = a ? dst : src;
    const uint16_t porta = a ? s->sport : s->dport;
    const uint16_t portb = a ? s->dport : s->sport;
    tk->k[0] = pa[0];
    tk->k[1] = pa[1];
    tk->k[2] = pb[0];
    tk->k[3] = pb[1];
    tk->k[4] = (uint64_t)s->ip_version | (uint64_t)porta << 8 |
               (uint64_t)portb << 24;
    uint64_t h = 0x6c74666c6f777331ull; /* fixed seed: "ltflows1" */
    for (int i = 0; i < 5; i++) {
        h = (h ^ tk->k[i]) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 32;
    }
    tk->hash = lt_mix64(h);
}

static inline bool key_eq(const struct lt__ent *e, const struct tuple_key *tk)
{
    return e->hash == tk->hash && e->key[0] == tk->k[0] &&
           e->key[1] == tk->k[1] && e->key[2] == tk->k[2] &&
           e->key[3] == tk->k[3] && e->key[4] == tk->k[4];
}

static inline struct lt__ent *lookup(const struct lt_flow_table *t,
                                     const struct tuple_key *tk)
{
    struct lt__ent *e = t->buckets[tk->hash & t->bucket_mask];
    while (e && !key_eq(e, tk))
        e = e->hnext;
    return e;
}

static void hash_insert(struct lt_flow_table *t, struct lt__ent *e)
{
    struct lt__ent **b = &t->buckets[e->hash & t->bucket_mask];
    e->hnext = *b;
    *b = e;
}

static void hash_remove(struct lt_flow_table *t, struct lt__ent *e)
{
    struct lt__ent **pp = &t->buckets[e->hash & t->bucket_mask];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    e->hnext = NULL;
}

/* Double the buckets when the load passes 1; on failure keep the old. */
static void maybe_grow_buckets(struct lt_flow_table *t)
{
    const size_t n = t->bucket_mask + 1;
    if (t->n_used <= n || n >= t->max_buckets)
        return;
    struct lt__ent **nb = lt_calloc(n * 2, sizeof *nb);
    if (!nb)
        return;
    const size_t mask = n * 2 - 1;
    for (size_t i = 0; i < n; i++) {
        struct lt__ent *e = t->buckets[i];
        while (e) {
            struct lt__ent *next = e->hnext;
            e->hnext = nb[e->hash & mask];
            nb[e->hash & mask] = e;
            e = next;
        }
    }
    lt_free(t->buckets);
    t->buckets = nb;
    t->bucket_mask = mask;
}

/* ---- entries ---- */

static void release_dirs(struct lt__ent *e)
{
    for (int i = 0; i < 2; i++) {
        struct lt__hold *h = e->dir[i].held;
        while (h) {
            struct lt__hold *next = h->next;
            lt_free(h);
            h = next;
        }
    }
    memset(e->dir, 0, sizeof e->dir);
}

/* Return a (flushed) entry to the pool. */
static void ent_free(struct lt_flow_table *t, struct lt__ent *e)
{
    hash_remove(t, e);
    list_unlink(e->state == LT__ENT_LIVE ? &t->live : &t->tomb, e);
    if (e->state == LT__ENT_LIVE)
        t->n_live--;
    release_dirs(e);
    e->state = LT__ENT_FREE;
    e->hnext = t->free;
    t->free = e;
    t->n_used--;
}

/* Close a live flow: flush both directions, count, call back. It becomes a
   tombstone (FIN/RST) or goes back to the pool. */
static void close_flow(struct lt_flow_table *t, struct lt__ent *e,
                       enum close_why why)
{
    const struct lt_pkt_meta last = e->pub.last;
    lt__reasm_flush(t, e, 0, &last);
    lt__reasm_flush(t, e, 1, &last);
    switch (why) {
    case CLOSE_FINRST:
    case CLOSE_FINISH:
        t->st->flows_closed++;
        break;
    case CLOSE_EXPIRED:
        t->st->flows_expired++;
        break;
    case CLOSE_EVICTED:
        t->st->flow_cap++;
        break;
    }
    t->cb.close(t->cb.ud, &e->pub);
    if (why == CLOSE_FINRST) {
        list_unlink(&t->live, e);
        t->n_live--;
        release_dirs(e);
        e->state = LT__ENT_TOMB;
        list_push(&t->tomb, e);
    } else {
        ent_free(t, e);
    }
}

static bool grow_pool(struct lt_flow_table *t)
{
    uint32_t n = t->n_alloc < FIRST_SLAB ? FIRST_SLAB : t->n_alloc;
    if (n > MAX_SLAB)
        n = MAX_SLAB;
    if (n > t->lim.max_flows - t->n_alloc)
        n = t->lim.max_flows - t->n_alloc;
    if (n == 0)
        return false;
    struct lt__slab *s = lt_malloc(sizeof *s);
    void *mem = s ? lt_malloc((size_t)n * sizeof s->ents[0] + 63) : NULL;
    if (!mem) {
        lt_free(s);
        return false;
    }
    s->mem = mem;
    s->ents = (struct lt__ent *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
    memset(s->ents, 0, (size_t)n * sizeof s->ents[0]);
    s->n = n;
    s->next = t->slabs;
    t->slabs = s;
    for (uint32_t i = n; i-- > 0;) {
        s->ents[i].hnext = t->free;
        t->free = &s->ents[i];
    }
    t->n_alloc += n;
    return true;
}

/* A free entry: from the pool, a new slab, the oldest tombstone or the
   least recently seen live flow, in that order. NULL when out of memory. */
static struct lt__ent *ent_take(struct lt_flow_table *t)
{
    if (!t->free && !grow_pool(t)) {
        if (t->tomb.tail)
            ent_free(t, t->tomb.tail);
        else if (t->live.tail)
            close_flow(t, t->live.tail, CLOSE_EVICTED);
    }
    struct lt__ent *e = t->free;
    if (!e)
        return NULL;
    t->free = e->hnext;
    e->hnext = NULL;
    t->n_used++;
    return e;
}

/* (Re)start a live flow in e for segment s: the initiator is s's sender,
   or its receiver when s is a SYN+ACK. */
static void flow_start(struct lt_flow_table *t, struct lt__ent *e,
                       const struct lt_l4 *s, const struct tuple_key *tk)
{
    const bool synack = (s->tcp_flags & (LT_TCP_SYN | LT_TCP_ACK)) ==
                        (LT_TCP_SYN | LT_TCP_ACK);
    const int sender_dir = synack ? 1 : 0;
    const bool v4 = s->ip_version == 4;
    memset(&e->pub, 0, sizeof e->pub);
    memset(e->dir, 0, sizeof e->dir);
    e->closed_by_rst = 0;
    e->pub.ip_version = s->ip_version;
    memcpy(e->pub.addr[sender_dir], s->src, v4 ? 4 : 16);
    memcpy(e->pub.addr[!sender_dir], s->dst, v4 ? 4 : 16);
    e->pub.port[sender_dir] = s->sport;
    e->pub.port[!sender_dir] = s->dport;
    e->a_is_dir0 = tk->sender_is_a == (sender_dir == 0);
    e->state = LT__ENT_LIVE;
    list_push(&t->live, e);
    t->n_live++;
    t->st->flows++;
    if (!(s->tcp_flags & LT_TCP_SYN))
        t->st->midstream_flows++;
}

static void expire(struct lt_flow_table *t, int64_t now)
{
    struct lt__ent *e;
    while ((e = t->live.tail) &&
           lt__older_than(now, e->pub.last.ts_ns, t->idle_ns))
        close_flow(t, e, CLOSE_EXPIRED);
    while ((e = t->tomb.tail) &&
           lt__older_than(now, e->pub.last.ts_ns, t->idle_ns))
        ent_free(t, e);
}

/* ---- API ---- */

uint64_t lt_flow_hash(const struct lt_l4 *seg)
{
    struct tuple_key tk;
    make_key(seg, &tk);
    return tk.hash;
}

void lt_flow_table_expire(struct lt_flow_table *t, int64_t now)
{
    expire(t, now);
}

struct lt_flow_table *lt_flow_table_new(const struct lt_limits *lim,
                                        struct lt_stats *st,
                                        const struct lt_flow_cb *cb)
{
    struct lt_flow_table *t = lt_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->lim = lim ? *lim : lt_limits_default();
    if (t->lim.max_flows == 0)
        t->lim.max_flows = 1;
    t->st = st ? st : &t->st_dummy;
    if (cb)
        t->cb = *cb;
    if (!t->cb.data)
        t->cb.data = nop_data;
    if (!t->cb.gap)
        t->cb.gap = nop_gap;
    if (!t->cb.close)
        t->cb.close = nop_close;
    t->hole_wait_ns = (int64_t)t->lim.hole_wait_ms * 1000000;
    t->idle_ns = (int64_t)t->lim.flow_idle_ms * 1000000;
    size_t maxb = 1;
    while (maxb < t->lim.max_flows && maxb < ((size_t)1 << 30))
        maxb <<= 1;
    t->max_buckets = maxb;
    const size_t nb = maxb < FIRST_BUCKETS ? maxb : FIRST_BUCKETS;
    t->buckets = lt_calloc(nb, sizeof *t->buckets);
    if (!t->buckets) {
        lt_free(t);
        return NULL;
    }
    t->bucket_mask = nb - 1;
    return t;
}

enum lt_err lt_flow_table_segment(struct lt_flow_table *t,
                                  const struct lt_l4 *seg,
                                  const struct lt_pkt_meta *m)
{
    /* Not TCP: nothing to reassemble. */
    if (seg->proto != 6)
        return LT_OK;
    const int64_t now = m->ts_ns;
    struct tuple_key tk;
    make_key(seg, &tk);
    const uint8_t flags = seg->tcp_flags;
    const bool syn_only = (flags & (LT_TCP_SYN | LT_TCP_ACK)) == LT_TCP_SYN;
    struct lt__ent *e = lookup(t, &tk);

    /* The flow's own idle time is checked here, other flows' only at
       lt_flow_table_expire(): what happens to a flow then depends on its
       own packets and the caller's ticks, never on which other flows
       share the table (the pipeline splits flows across tables). */
    if (e && lt__older_than(now, e->pub.last.ts_ns, t->idle_ns)) {
        if (e->state == LT__ENT_LIVE)
            close_flow(t, e, CLOSE_EXPIRED);
        else
            ent_free(t, e);
        e = NULL;
    }

    if (!e) {
        /* A RST, bare ACK or bare FIN of an unknown connection carries no
           stream: do not open a flow for it (also keeps scans cheap). */
        const bool has_data = seg->payload.len || seg->payload_wire_len;
        if ((flags & LT_TCP_RST) || !((flags & LT_TCP_SYN) || has_data))
            return LT_OK;
        e = ent_take(t);
        if (!e)
            return LT_E_NOMEM;
        memcpy(e->key, tk.k, sizeof e->key);
        e->hash = tk.hash;
        hash_insert(t, e);
        maybe_grow_buckets(t);
        flow_start(t, e, seg, &tk);
    } else if (e->state == LT__ENT_TOMB) {
        e->pub.last = *m;
        list_touch(&t->tomb, e);
        /* Only a new connection attempt revives a closed tuple: a SYN, or
           a SYN+ACK when the client's SYN was not captured (or came before
           a RST that the endpoints ignored, as in RST evasion). After a
           RST, data also revives it (picked up mid-stream): scanners such
           as zgrab reset the handshake and send their request anyway, and
           nothing retransmits after a RST. After a FIN, data is a late
           retransmission and stays ignored. */
        const bool has_data = seg->payload.len || seg->payload_wire_len;
        if (!(flags & LT_TCP_SYN) &&
            !(e->closed_by_rst && has_data && !(flags & LT_TCP_RST)))
            return LT_OK;
        list_unlink(&t->tomb, e);
        flow_start(t, e, seg, &tk);
    } else if (syn_only) {
        const int di = tk.sender_is_a == e->a_is_dir0 ? 0 : 1;
        if (lt__reasm_syn_is_new(&e->dir[di], seg->seq)) {
            /* The port was reused: the old connection is over. */
            close_flow(t, e, CLOSE_FINRST);
            list_unlink(&t->tomb, e);
            flow_start(t, e, seg, &tk);
        }
    }

    e->pub.last = *m;
    list_touch(&t->live, e);
    const int di = tk.sender_is_a == e->a_is_dir0 ? 0 : 1;

    if (flags & LT_TCP_RST) {
        /* RFC 793 §3.4: the connection is gone. Its payload, if any, is a
           diagnostic, not stream data. */
        close_flow(t, e, CLOSE_FINRST);
        e->closed_by_rst = 1;
        return LT_OK;
    }
    enum lt_err err = lt__reasm_segment(t, e, di, seg, m);
    if (lt__dir_blocked(&e->dir[0]))
        lt__reasm_check_wait(t, e, 0, m);
    if (lt__dir_blocked(&e->dir[1]))
        lt__reasm_check_wait(t, e, 1, m);
    if (lt__reasm_fin_done(&e->dir[0]) && lt__reasm_fin_done(&e->dir[1]))
        close_flow(t, e, CLOSE_FINRST);
    return err;
}

void lt_flow_table_finish(struct lt_flow_table *t)
{
    if (!t)
        return;
    while (t->live.tail)
        close_flow(t, t->live.tail, CLOSE_FINISH);
    while (t->tomb.tail)
        ent_free(t, t->tomb.tail);
}

uint32_t lt_flow_table_count(const struct lt_flow_table *t)
{
    return t ? t->n_live : 0;
}

void lt_flow_table_free(struct lt_flow_table *t)
{
    if (!t)
        return;
    lt_flow_table_finish(t);
    struct lt__slab *s = t->slabs;
    while (s) {
        struct lt__slab *next = s->next;
        lt_free(s->mem);
        lt_free(s);
        s = next;
    }
    lt_free(t->buckets);
    lt_free(t);
}
