/* SPDX-License-Identifier: MIT */
/*
 * summary.c - OUT/summary.json (SPEC §5): options, timing, one object per
 * input file, totals, per-device figures. jansson builds it: it is written
 * once per run, never on the hot path.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fmt/capture.h"
#include "core/io/input.h"
#include "core/io/outfile.h"
#include "scan_run.h"

/* A JSON string for any bytes: invalid UTF-8 (a file name can hold any)
   is replaced by '?' so the summary always parses; NULL gives null. */
static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = strdup(s);
    if (!copy)
        return json_null();
    for (unsigned char *c = (unsigned char *)copy; *c; c++)
        if (*c >= 0x80)
            *c = '?';
    j = json_string(copy);
    free(copy);
    return j ? j : json_null();
}

static const char *values_name(enum lt_values_mode v)
{
    return v == LT_VALUES_HASH ? "hash" : v == LT_VALUES_OMIT ? "omit" : "plain";
}

static const char *progress_name(enum lt_progress_mode m)
{
    static const char *const names[] = { "auto", "bar", "log", "none" };
    return names[m];
}

static json_t *limits_json(const struct lt_limits *l)
{
    return json_pack("{sI sI sI sI sI sI sI sI sI sI sI}",
                     "max_record", (json_int_t)l->max_record,
                     "max_flows", (json_int_t)l->max_flows,
                     "max_pending", (json_int_t)l->max_pending,
                     "hole_wait_ms", (json_int_t)l->hole_wait_ms,
                     "flow_idle_ms", (json_int_t)l->flow_idle_ms,
                     "max_line", (json_int_t)l->max_line,
                     "max_headers", (json_int_t)l->max_headers,
                     "max_header_bytes", (json_int_t)l->max_header_bytes,
                     "max_body", (json_int_t)l->max_body,
                     "max_decoded", (json_int_t)l->max_decoded,
                     "max_ratio", (json_int_t)l->max_ratio);
}

static json_t *options_json(const struct lt_scan_opts *o)
{
    json_t *inputs = json_array();
    for (uint32_t i = 0; i < o->n_inputs; i++)
        json_array_append_new(inputs, jstr(o->inputs[i]));
    char shard[32];
    snprintf(shard, sizeof shard, "%u/%u", o->shard_index, o->shard_count);
    return json_pack("{so so so so sI ss ss sI ss sb so}",
                     "inputs", inputs,
                     "out", jstr(o->out_dir),
                     "manifest", jstr(o->manifest_path),
                     "requests", jstr(o->requests_path),
                     "threads", (json_int_t)o->threads,
                     "shard", shard,
                     "values", values_name(o->values),
                     "max_depth", (json_int_t)o->lim.max_depth,
                     "progress", progress_name(o->progress),
                     "resume", o->resume,
                     "limits", limits_json(&o->lim));
}

/* The counters of one group of LT_STATS_LIST as an object. */
static json_t *stats_group(const struct lt_stats *st, const char *group)
{
    json_t *obj = json_object();
#define LT__STATS_JSON(g, name)                                            \
    if (strcmp(#g, group) == 0)                                            \
        json_object_set_new(obj, #name, json_integer((json_int_t)st->name));
    LT_STATS_LIST(LT__STATS_JSON)
#undef LT__STATS_JSON
    return obj;
}

static json_t *kinds_json(const struct lt_kind_counts *c)
{
    json_t *o = json_object();
    for (size_t i = 0; i < c->n; i++)
        json_object_set_new(o, c->v[i].kind, json_integer((json_int_t)c->v[i].n));
    return o;
}

static json_t *steps_json(const struct lt_stats *st)
{
    json_t *o = json_object();
    for (int k = 0; k < LT_STEP__COUNT; k++)
        if (st->decode_steps[k])
            json_object_set_new(o, lt_step_text((enum lt_step_kind)k),
                                json_integer((json_int_t)st->decode_steps[k]));
    return o;
}

static json_t *file_json(const struct lt_scan_file *f)
{
    const struct lt_file_result *r = &f->res;
    return json_pack("{so so ss ss sI sI sI sI ss so sI sI sI sI sb}",
                     "path", jstr(f->in->rel),
                     "device", jstr(f->device),
                     "format", lt_capfmt_name(r->fmt),
                     "compression", lt_compression_name(r->comp),
                     "size", (json_int_t)f->in->size,
                     "bytes", (json_int_t)r->bytes_read,
                     "bytes_decompressed", (json_int_t)r->bytes_decoded,
                     "packets", (json_int_t)r->st.packets,
                     "status", lt_file_status_name(r->status),
                     "error", jstr(r->error[0] ? r->error : NULL),
                     "warnings", (json_int_t)r->n_warnings,
                     "flows", (json_int_t)r->st.flows,
                     "http_requests", (json_int_t)r->st.requests,
                     "leaks", (json_int_t)f->leaks,
                     "resumed", f->resumed);
}

static void iso_time(double t, char *out, size_t cap)
{
    time_t secs = (time_t)t;
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *totals_json(const struct lt_scan *s)
{
    const struct lt_stats *t = &s->totals;
    uint64_t n_ok = 0, n_err = 0, n_skip = 0, bytes = 0;
    for (size_t i = 0; i < s->n_files; i++) {
        const struct lt_file_result *r = &s->files[i].res;
        n_ok += r->status == LT_FILE_OK;
        n_err += r->status == LT_FILE_ERROR;
        n_skip += r->status == LT_FILE_SKIPPED;
        bytes += r->bytes_read;
    }
    json_t *caps = stats_group(t, "caps");
    json_t *decode = stats_group(t, "decode");
    json_object_set_new(decode, "steps", steps_json(t));
    json_object_set_new(decode, "identifier_variants", json_integer((json_int_t)s->n_literals));
    return json_pack("{sI sI sI sI sI sI sI sI sI sI sI so so so so so so so so so}",
                     "files", (json_int_t)s->n_files,
                     "files_ok", (json_int_t)n_ok,
                     "files_error", (json_int_t)n_err,
                     "files_skipped", (json_int_t)n_skip,
                     "bytes", (json_int_t)bytes,
                     "packets", (json_int_t)t->packets,
                     "flows", (json_int_t)t->flows,
                     "http_requests", (json_int_t)t->requests,
                     "reassembly_holes", (json_int_t)t->holes,
                     "reassembly_overlaps", (json_int_t)t->overlaps,
                     "dns_queries", (json_int_t)t->dns_queries,
                     "tls_server_names", json_integer((json_int_t)t->tls_server_names),
                     "capture", stats_group(t, "capture"),
                     "packet", stats_group(t, "packet"),
                     "tcp", stats_group(t, "tcp"),
                     "http", stats_group(t, "http"),
                     "proto", stats_group(t, "proto"),
                     "caps_hit", caps,
                     "decode", decode,
                     "leaks", kinds_json(&s->leaks));
}

static json_t *dests_json(const struct lt_scan_device *dev)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < dev->n_dests; i++) {
        const struct lt_dest *d = &dev->dests[i];
        json_t *addrs = json_array();
        for (uint32_t k = 0; k < d->n_addrs; k++)
            json_array_append_new(addrs, json_string(d->addrs[k]));
        json_array_append_new(arr, json_pack(
            "{so so sI sI sb sb sI}", "host", jstr(d->host), "addresses", addrs,
            "flows", (json_int_t)d->flows, "bytes_sent", (json_int_t)d->bytes_sent,
            "clear", d->clear, "tls", d->tls, "leaks", (json_int_t)d->leaks));
    }
    return arr;
}

static json_t *apps_json(const struct lt_scan_device *dev)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < dev->n_apps; i++)
        json_array_append_new(arr, json_pack("{so sI so}", "app", jstr(dev->apps[i].app),
                                             "flows", (json_int_t)dev->apps[i].flows,
                                             "leaks", kinds_json(&dev->apps[i].leaks)));
    return arr;
}

/* Devices in order of first appearance, with their files' figures. */
static json_t *devices_json(const struct lt_scan *s)
{
    json_t *arr = json_array();
    for (size_t d = 0; d < s->n_devices; d++) {
        const struct lt_scan_device *dev = &s->devices[d];
        uint64_t files = 0, bytes = 0, packets = 0, requests = 0, leaks = 0;
        for (size_t i = 0; i < s->n_files; i++) {
            const struct lt_scan_file *f = &s->files[i];
            if (strcmp(f->device, dev->id))
                continue;
            files++;
            bytes += f->res.bytes_read;
            packets += f->res.st.packets;
            requests += f->res.st.requests;
            leaks += f->leaks;
        }
        const char *slash = strrchr(dev->path, '/');
        json_array_append_new(arr, json_pack(
            "{so so sI sI sI sI sI so so so}", "id", jstr(dev->id),
            "file", jstr(slash ? slash + 1 : dev->path),
            "files", (json_int_t)files, "bytes", (json_int_t)bytes,
            "packets", (json_int_t)packets, "http_requests", (json_int_t)requests,
            "leak_records", (json_int_t)leaks, "leaks", kinds_json(&dev->leaks),
            "destinations", dests_json(dev), "apps", apps_json(dev)));
    }
    return arr;
}

enum lt_err lt_scan_write_summary(struct lt_scan *s)
{
    char started[32], path[4200];
    iso_time(s->started, started, sizeof started);
    json_t *files = json_array();
    for (size_t i = 0; i < s->n_files; i++)
        json_array_append_new(files, file_json(&s->files[i]));
    json_t *root = json_pack("{ss ss so ss sf so so so}",
                             "tool", "leaktrawl",
                             "version", LT_VERSION,
                             "options", options_json(s->opts),
                             "started", started,
                             "elapsed_s", s->elapsed,
                             "files", files,
                             "totals", totals_json(s),
                             "devices", devices_json(s));
    if (!root) {
        snprintf(s->msg, sizeof s->msg, "cannot build summary.json");
        return LT_E_NOMEM;
    }
    char *text = json_dumps(root, JSON_INDENT(1) | JSON_ENSURE_ASCII);
    json_decref(root);
    if (!text) {
        snprintf(s->msg, sizeof s->msg, "cannot build summary.json");
        return LT_E_NOMEM;
    }
    snprintf(path, sizeof path, "%s/summary.json", s->opts->out_dir);
    struct lt_outfile o;
    enum lt_err e = lt_outfile_open(&o, path, 1);
    if (e == LT_OK)
        e = lt_outfile_write(&o, text, strlen(text));
    if (e == LT_OK)
        e = lt_outfile_write(&o, "\n", 1);
    if (e == LT_OK)
        e = lt_outfile_commit(&o);
    else
        lt_outfile_abort(&o);
    if (e != LT_OK)
        snprintf(s->msg, sizeof s->msg, "%s", o.msg);
    free(text);
    return e;
}
