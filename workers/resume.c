/* SPDX-License-Identifier: MIT */
#include "resume.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/buf.h"

char *lt_resume_options(const struct lt_scan_opts *o)
{
    const struct lt_limits *l = &o->lim;
    char fp[LT_JOURNAL_FP_HEX] = "none", msg[256];
    struct stat sb;
    if (o->manifest_path &&
        (stat(o->manifest_path, &sb) != 0 ||
         lt_journal_fingerprint(o->manifest_path, (uint64_t)sb.st_size, fp, msg,
                                sizeof msg) != LT_OK))
        snprintf(fp, sizeof fp, "?");
    struct lt_buf b;
    lt_buf_init(&b, 1u << 30);
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "leaktrawl %s values=%d shard=%u/%u manifest=%s limits=%u,%u,%u,"
                     "%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u inputs=",
                     LT_VERSION, (int)o->values, o->shard_index, o->shard_count, fp,
                     l->max_record, l->max_flows, l->max_pending, l->hole_wait_ms,
                     l->flow_idle_ms, l->max_line, l->max_headers, l->max_header_bytes,
                     l->max_body, l->max_decoded, l->max_ratio, l->max_depth,
                     l->max_msg_decoded, l->max_pieces, l->max_har);
    enum lt_err e = lt_buf_append(&b, head, (size_t)n);
    for (uint32_t i = 0; i < o->n_inputs && e == LT_OK; i++) {
        e = lt_buf_append(&b, o->inputs[i], strlen(o->inputs[i]));
        if (e == LT_OK)
            e = lt_buf_append(&b, i + 1 < o->n_inputs ? "\t" : "", i + 1 < o->n_inputs);
    }
    if (e == LT_OK)
        e = lt_buf_append(&b, "", 1);
    if (e != LT_OK) {
        lt_buf_release(&b);
        return NULL;
    }
    return (char *)b.p; /* lt_buf storage is malloc'ed */
}

static json_t *stats_json(const struct lt_stats *st)
{
    json_t *o = json_object();
#define LT__STATS_SET(g, name) json_object_set_new(o, #name, json_integer((json_int_t)st->name));
    LT_STATS_LIST(LT__STATS_SET)
#undef LT__STATS_SET
    json_t *steps = json_array();
    for (int k = 0; k < LT_STEP__COUNT; k++)
        json_array_append_new(steps, json_integer((json_int_t)st->decode_steps[k]));
    json_object_set_new(o, "decode_steps", steps);
    return o;
}

static void stats_load(struct lt_stats *st, const json_t *o)
{
    memset(st, 0, sizeof *st);
#define LT__STATS_GET(g, name) st->name = (uint64_t)json_integer_value(json_object_get(o, #name));
    LT_STATS_LIST(LT__STATS_GET)
#undef LT__STATS_GET
    const json_t *steps = json_object_get(o, "decode_steps");
    for (int k = 0; k < LT_STEP__COUNT && k < (int)json_array_size(steps); k++)
        st->decode_steps[k] = (uint64_t)json_integer_value(json_array_get(steps, (size_t)k));
}

json_t *lt_resume_result_json(const struct lt_scan *s, const struct lt_scan_file *f)
{
    const struct lt_file_result *r = &f->res;
    json_t *devs = json_object();
    for (size_t d = 0; d < s->n_devices; d++) {
        const struct lt_kind_counts *k = &s->devices[d].file_leaks;
        if (!k->n)
            continue;
        json_t *kinds = json_object();
        for (size_t i = 0; i < k->n; i++)
            json_object_set_new(kinds, k->v[i].kind, json_integer((json_int_t)k->v[i].n));
        json_object_set_new(devs, s->devices[d].id, kinds);
    }
    return json_pack("{si si si sI sI sI ss so sI so}",
                     "status", (int)r->status, "format", (int)r->fmt,
                     "compression", (int)r->comp,
                     "bytes", (json_int_t)r->bytes_read,
                     "bytes_decompressed", (json_int_t)r->bytes_decoded,
                     "warnings", (json_int_t)r->n_warnings,
                     "error", r->error, "stats", stats_json(&r->st),
                     "leaks", (json_int_t)f->leaks, "leaks_by_device", devs);
}

enum lt_err lt_resume_result_load(struct lt_scan *s, struct lt_scan_file *f,
                                  const json_t *r)
{
    struct lt_file_result *res = &f->res;
    const char *error = json_string_value(json_object_get(r, "error"));
    const json_t *stats = json_object_get(r, "stats");
    if (!json_is_object(r) || !error || !json_is_object(stats))
        return LT_E_MALFORMED;
    memset(res, 0, sizeof *res);
    res->status = (enum lt_file_status)json_integer_value(json_object_get(r, "status"));
    res->fmt = (enum lt_capfmt)json_integer_value(json_object_get(r, "format"));
    res->comp = (enum lt_compression)json_integer_value(json_object_get(r, "compression"));
    res->bytes_read = (uint64_t)json_integer_value(json_object_get(r, "bytes"));
    res->bytes_decoded = (uint64_t)json_integer_value(json_object_get(r, "bytes_decompressed"));
    res->n_warnings = (uint64_t)json_integer_value(json_object_get(r, "warnings"));
    snprintf(res->error, sizeof res->error, "%s", error);
    stats_load(&res->st, stats);
    f->leaks = (uint64_t)json_integer_value(json_object_get(r, "leaks"));
    const char *id;
    json_t *kinds;
    json_object_foreach(json_object_get(r, "leaks_by_device"), id, kinds) {
        struct lt_scan_device *dev = NULL;
        for (size_t d = 0; d < s->n_devices && !dev; d++)
            if (!strcmp(s->devices[d].id, id))
                dev = &s->devices[d];
        const char *kind;
        json_t *n;
        json_object_foreach(kinds, kind, n) {
            uint64_t k = (uint64_t)json_integer_value(n);
            if ((dev && lt_kind_count_add(&dev->leaks, kind, k) != LT_OK) ||
                lt_kind_count_add(&s->leaks, kind, k) != LT_OK)
                return LT_E_NOMEM;
        }
    }
    return LT_OK;
}
