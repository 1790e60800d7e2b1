/* SPDX-License-Identifier: MIT */
/*
 * split.c - one large capture across shards: this thread reads and
 * decodes packets and runs shard 0 itself, each flow's packets go to one
 * shard (pipe.c picks it by the tuple's hash), the other shards run on
 * their own threads, and the shards' chunks are merged tick by tick in
 * frame order into the file's pieces.
 *
 * Batches carry packets (copied: the read window is reused) and ticks to a
 * shard through a bounded queue, so a slow shard slows the reader. A shard
 * may run at most SLOTS ticks ahead of the merge.
 */
#include <stdlib.h>
#include <string.h>

#include "core/base/alloc.h"
#include "pipeline_int.h"

#define BATCH_BYTES (4u << 20) /* items per batch before it is handed over */
#define QUEUE_DEPTH 4          /* batches waiting per shard */
#define SLOTS 8                /* ticks a shard may be ahead of the merge */

enum item_type { ITEM_PKT, ITEM_TICK, ITEM_FINISH };

/* A packet as a shard gets it: the decoded headers, then the app name and
   the payload. */
struct pkt_item {
    uint32_t type;
    uint32_t app_len;
    uint64_t frame;
    int64_t ts_ns;             /* ITEM_TICK: the clock */
    struct lt_l4 l4;           /* pointers rebuilt on the shard's side */
    uint8_t eth[12];           /* source, destination */
    uint8_t has_eth_src, has_eth_dst, shadow;
};

struct batch {
    struct batch *next;
    struct lt_buf b;
};

struct split_job;

struct shard_th {
    struct split_job *j;
    uint32_t idx;
    uv_thread_t th;
    struct lt_flowshard *sh;
    struct batch *q[QUEUE_DEPTH]; /* ring */
    size_t q_head, q_n;
    struct batch *cur;            /* the reader's batch being filled */
    uint64_t ticks;               /* ticks this shard completed */
};

struct split_job {
    struct run *r;
    uv_mutex_t mu;
    uv_cond_t cv;
    uint32_t n;
    struct shard_th *sh;
    struct lt_chunk (*slot)[SLOTS]; /* [shard][tick % SLOTS] */
    uint32_t done[SLOTS];         /* shards that completed that tick */
    uint64_t merged;              /* ticks merged */
    struct lt_buf order;
    struct lt_pipe_hooks out;     /* into the file's pieces */
    struct batch *free;           /* recycled batches */
    enum lt_err err;
};

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

/* ---- the reader's side ---- */

static struct batch *batch_get(struct split_job *j)
{
    uv_mutex_lock(&j->mu);
    struct batch *b = j->free;
    if (b)
        j->free = b->next;
    uv_mutex_unlock(&j->mu);
    if (!b) {
        b = calloc(1, sizeof *b);
        if (!b)
            return NULL;
        lt_buf_init(&b->b, BATCH_BYTES + (2u << 20) + sizeof(struct pkt_item));
    }
    b->next = NULL;
    lt_buf_reset(&b->b);
    return b;
}

/* Queue the shard's current batch (waits while its queue is full). */
static void push(struct shard_th *t)
{
    struct split_job *j = t->j;
    struct batch *b = t->cur;
    t->cur = NULL;
    if (!b)
        return;
    uv_mutex_lock(&j->mu);
    while (t->q_n == QUEUE_DEPTH)
        uv_cond_wait(&j->cv, &j->mu);
    t->q[(t->q_head + t->q_n) % QUEUE_DEPTH] = b;
    t->q_n++;
    uv_cond_broadcast(&j->cv);
    uv_mutex_unlock(&j->mu);
}

static void add_item(struct shard_th *t, const struct pkt_item *it,
                     const void *app, const void *payload, size_t payload_len)
{
    struct split_job *j = t->j;
    if (!t->cur && !(t->cur = batch_get(j))) {
        j->err = LT_E_NOMEM;
        return;
    }
    size_t len = sizeof *it + pad8(it->app_len + payload_len);
    if (lt_buf_reserve(&t->cur->b, len) != LT_OK) {
        j->err = LT_E_NOMEM;
        return;
    }
    uint8_t *w = t->cur->b.p + t->cur->b.len;
    memcpy(w, it, sizeof *it);
    memcpy(w + sizeof *it, app, it->app_len);
    if (payload_len)
        memcpy(w + sizeof *it + it->app_len, payload, payload_len);
    t->cur->b.len += len;
    if (t->cur->b.len >= BATCH_BYTES || it->type != ITEM_PKT)
        push(t);
}

/* Shard 0 runs in the reader's thread, on the packet in place: only the
   other shards' packets are copied and handed over. */
static void complete_tick(struct shard_th *t);

/* The shard of a flow: the reader's own shard (0) takes one share of the
   flows, the others two each, as the reader also parses and copies. */
static uint32_t owner(const struct split_job *j, uint64_t flow_hash)
{
    uint64_t u = (flow_hash >> 32) % (2 * (uint64_t)j->n - 1);
    return u == 0 ? 0 : (uint32_t)((u + 1) / 2);
}

static void to_shard(struct split_job *j, uint32_t shard,
                     const struct lt_flowshard_pkt *pkt)
{
    if (shard == 0) {
        lt_flowshard_packet(j->sh[0].sh, pkt);
        return;
    }
    const struct lt_l4 *l4 = pkt->l4;
    struct pkt_item it;
    memset(&it, 0, sizeof it);
    it.type = ITEM_PKT;
    it.app_len = (uint32_t)strlen(pkt->app) + 1;
    it.frame = pkt->frame;
    it.ts_ns = pkt->ts_ns;
    it.l4 = *l4;
    it.l4.payload.p = NULL;
    it.l4.eth_src = it.l4.eth_dst = NULL;
    if (l4->eth_src) {
        memcpy(it.eth, l4->eth_src, 6);
        it.has_eth_src = 1;
    }
    if (l4->eth_dst) {
        memcpy(it.eth + 6, l4->eth_dst, 6);
        it.has_eth_dst = 1;
    }
    it.shadow = pkt->shadow;
    add_item(&j->sh[shard], &it, pkt->app, l4->payload.p, l4->payload.len);
}

static void on_packet(void *ud, uint64_t flow_hash, const struct lt_flowshard_pkt *pkt)
{
    struct split_job *j = ud;
    uint32_t own = owner(j, flow_hash);
    to_shard(j, own, pkt);
    if (!lt_flowshard_pkt_names(pkt->l4))
        return;
    struct lt_flowshard_pkt shadow = *pkt; /* it may name addresses: all learn */
    shadow.shadow = true;
    for (uint32_t i = 0; i < j->n; i++)
        if (i != own)
            to_shard(j, i, &shadow);
}

static void on_tick(void *ud, int64_t now)
{
    struct split_job *j = ud;
    struct pkt_item it;
    memset(&it, 0, sizeof it);
    it.type = ITEM_TICK;
    it.ts_ns = now;
    for (uint32_t i = 1; i < j->n; i++) /* theirs first: they work meanwhile */
        add_item(&j->sh[i], &it, "", NULL, 0);
    lt_flowshard_tick(j->sh[0].sh, now);
    complete_tick(&j->sh[0]);
}

/* ---- the shards' side ---- */

/* Shard t completed its next tick: its chunk goes to the tick's slot; the
   ticks every shard completed are merged, in order. */
static void complete_tick(struct shard_th *t)
{
    struct split_job *j = t->j;
    uint64_t k = t->ticks++;
    uv_mutex_lock(&j->mu);
    while (k - j->merged >= SLOTS)
        uv_cond_wait(&j->cv, &j->mu);
    lt_flowshard_swap_chunk(t->sh, &j->slot[t->idx][k % SLOTS]);
    j->done[k % SLOTS]++;
    while (j->done[j->merged % SLOTS] == j->n) {
        uint32_t at = (uint32_t)(j->merged % SLOTS);
        struct lt_chunk *cs[64];
        for (uint32_t i = 0; i < j->n; i++)
            cs[i] = &j->slot[i][at];
        lt_chunks_replay(cs, j->n, &j->order, &j->out);
        j->done[at] = 0;
        j->merged++;
    }
    uv_cond_broadcast(&j->cv);
    uv_mutex_unlock(&j->mu);
}

static void shard_main(void *arg)
{
    struct shard_th *t = arg;
    struct split_job *j = t->j;
    for (;;) {
        uv_mutex_lock(&j->mu);
        while (t->q_n == 0)
            uv_cond_wait(&j->cv, &j->mu);
        struct batch *b = t->q[t->q_head];
        t->q_head = (t->q_head + 1) % QUEUE_DEPTH;
        t->q_n--;
        uv_cond_broadcast(&j->cv);
        uv_mutex_unlock(&j->mu);

        bool finish = false;
        for (size_t off = 0; off < b->b.len;) {
            struct pkt_item it;
            memcpy(&it, b->b.p + off, sizeof it);
            const uint8_t *app = b->b.p + off + sizeof it;
            const uint8_t *payload = app + it.app_len;
            off += sizeof it + pad8(it.app_len + it.l4.payload.len);
            if (it.type == ITEM_TICK) {
                lt_flowshard_tick(t->sh, it.ts_ns);
                complete_tick(t);
                continue;
            }
            if (it.type == ITEM_FINISH) {
                lt_flowshard_finish(t->sh);
                complete_tick(t);
                finish = true;
                break;
            }
            it.l4.payload.p = payload;
            it.l4.eth_src = it.has_eth_src ? it.eth : NULL;
            it.l4.eth_dst = it.has_eth_dst ? it.eth + 6 : NULL;
            struct lt_flowshard_pkt sp = { it.frame, it.ts_ns, &it.l4,
                                       (const char *)app, it.shadow };
            lt_flowshard_packet(t->sh, &sp);
        }
        uv_mutex_lock(&j->mu);
        b->next = j->free;
        j->free = b;
        uv_mutex_unlock(&j->mu);
        if (finish)
            return;
    }
}

/* ---- one file ---- */

enum lt_err split_run_file(struct run *r, struct lt_pipe *p, struct slot *s,
                           const struct lt_pipe_hooks *out)
{
    const struct lt_pipeline_file *f = &r->files[s->idx];
    uint32_t n = r->cfg->threads;
    if (n > 64)
        n = 64;
    struct split_job j;
    memset(&j, 0, sizeof j);
    j.r = r;
    j.n = n;
    j.out = *out; /* merges run one at a time (under j.mu) */
    lt_buf_init(&j.order, LT_CHUNK_MAX);
    j.sh = calloc(n, sizeof *j.sh);
    j.slot = calloc(n, sizeof *j.slot);
    if (!j.sh || !j.slot) {
        free(j.sh);
        free(j.slot);
        return LT_E_NOMEM;
    }
    uv_mutex_init(&j.mu);
    uv_cond_init(&j.cv);
    enum lt_err e = LT_OK;
    uint32_t started = 0;
    for (; started < n; started++) {
        struct shard_th *t = &j.sh[started];
        t->j = &j;
        t->idx = started;
        for (int k = 0; k < SLOTS; k++)
            lt_chunk_init(&j.slot[started][k]);
        t->sh = lt_flowshard_new(r->cfg->pipe, n);
        if (!t->sh) {
            e = LT_E_NOMEM;
            break;
        }
        lt_flowshard_begin(t->sh, f->name, f->device);
        if (started > 0 && uv_thread_create(&t->th, shard_main, t) != 0) {
            lt_flowshard_free(t->sh);
            e = LT_E_NOMEM;
            break;
        }
    }
    if (e == LT_OK) {
        struct lt_pipe_split split = { &j, on_packet, on_tick };
        e = lt_pipe_run_file_split(p, f->path, f->name, f->device,
                                   f->skip_unknown, &s->res, &split);
    }
    struct pkt_item fin;
    memset(&fin, 0, sizeof fin);
    fin.type = ITEM_FINISH;
    for (uint32_t i = 1; i < started; i++)
        add_item(&j.sh[i], &fin, "", NULL, 0);
    if (started > 0) {
        lt_flowshard_finish(j.sh[0].sh);
        complete_tick(&j.sh[0]);
    }
    for (uint32_t i = 0; i < started; i++) {
        if (i > 0)
            uv_thread_join(&j.sh[i].th);
        lt_stats_add(&s->res.st, lt_flowshard_stats(j.sh[i].sh));
        lt_flowshard_free(j.sh[i].sh);
    }
    for (uint32_t i = 0; i < n; i++)
        for (int k = 0; k < SLOTS; k++)
            lt_chunk_release(&j.slot[i][k]);
    while (j.free) {
        struct batch *b = j.free;
        j.free = b->next;
        lt_buf_release(&b->b);
        free(b);
    }
    lt_buf_release(&j.order);
    uv_cond_destroy(&j.cv);
    uv_mutex_destroy(&j.mu);
    free(j.sh);
    free(j.slot);
    return e != LT_OK ? e : j.err;
}
