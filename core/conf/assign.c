/* SPDX-License-Identifier: MIT */
/* assign.c - device of a file, safe names, shards (conf layer). See assign.h. */
#include "assign.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../base/hash.h"

/* Copy n bytes of src to out as a string, truncated to out_cap - 1. */
static void put(char *out, size_t out_cap, const char *src, size_t n)
{
    if (out_cap == 0)
        return;
    if (n > out_cap - 1)
        n = out_cap - 1;
    memcpy(out, src, n);
    out[n] = '\0';
}

void lt_device_from_path(const char *rel_path, char *out, size_t out_cap)
{
    size_t n = strcspn(rel_path, "/");
    if (rel_path[n] != '/')
        n = strcspn(rel_path, ".");
    if (n == 0)
        put(out, out_cap, "_", 1);
    else
        put(out, out_cap, rel_path, n);
}

void lt_device_safe_name(const char *id, char *out, size_t out_cap)
{
    if (out_cap == 0)
        return;
    if (id[0] == '\0' || strcmp(id, ".") == 0) {
        put(out, out_cap, "_", 1);
        return;
    }
    if (strcmp(id, "..") == 0) {
        put(out, out_cap, "__", 2);
        return;
    }
    size_t i = 0;
    for (; id[i] && i + 1 < out_cap; i++) {
        char c = id[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
}

static void set_msg(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_msg(char *msg, size_t cap, const char *fmt, ...)
{
    if (!msg || cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
}

/* Decimal digits only, at least one, value <= max. *end is the first byte
   after the digits. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *v, const char **end)
{
    uint64_t x = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (x > (max - (uint64_t)(s[i] - '0')) / 10)
            return false;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    *v = x;
    *end = s + i;
    return i > 0;
}

/* A whole string as a decimal number <= max. */
static bool parse_num(const char *s, uint64_t max, uint64_t *v)
{
    const char *end;
    return parse_u64(s, max, v, &end) && *end == '\0';
}

enum lt_err lt_shard_parse(const char *s, struct lt_shard *out, char *msg, size_t msg_cap)
{
    uint64_t i, n;
    const char *end;
    if (!parse_u64(s, UINT32_MAX, &i, &end) || *end != '/' || !parse_num(end + 1, UINT32_MAX, &n)) {
        set_msg(msg, msg_cap, "invalid shard '%s': expected I/N, two decimal numbers", s);
        return LT_E_MALFORMED;
    }
    if (i >= n) {
        set_msg(msg, msg_cap, "invalid shard '%s': need 0 <= I < N", s);
        return LT_E_MALFORMED;
    }
    out->index = (uint32_t)i;
    out->count = (uint32_t)n;
    return LT_OK;
}

static const char *var(const char *(*get)(const char *), const char *name)
{
    const char *v = get(name);
    return v && v[0] ? v : NULL;
}

enum lt_err lt_shard_from_env(struct lt_shard *out, bool *found,
                              const char *(*get)(const char *name), char *msg, size_t msg_cap)
{
    static const char *const names[4] = { "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
                                          "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP" };
    uint64_t val[4] = { 0, 0, 0, 1 };
    out->index = 0;
    out->count = 1;
    *found = false;
    if (!var(get, names[0]) || !var(get, names[1]))
        return LT_OK;
    *found = true;
    for (int k = 0; k < 4; k++) {
        const char *v = var(get, names[k]);
        if (v && !parse_num(v, UINT32_MAX, &val[k])) {
            set_msg(msg, msg_cap, "%s='%s' is not a decimal number", names[k], v);
            return LT_E_MALFORMED;
        }
    }
    const uint64_t id = val[0], count = val[1], min = val[2], step = val[3];
    if (count == 0 || step == 0) {
        set_msg(msg, msg_cap, "%s is 0", count == 0 ? names[1] : names[3]);
        return LT_E_MALFORMED;
    }
    if (id < min || (id - min) % step != 0 || (id - min) / step >= count) {
        set_msg(msg, msg_cap,
                "Slurm array task %llu does not fit MIN=%llu STEP=%llu COUNT=%llu: "
                "use --shard I/N",
                (unsigned long long)id, (unsigned long long)min, (unsigned long long)step,
                (unsigned long long)count);
        return LT_E_MALFORMED;
    }
    out->index = (uint32_t)((id - min) / step);
    out->count = (uint32_t)count;
    return LT_OK;
}

bool lt_shard_owns(const struct lt_shard *s, const char *rel_path)
{
    if (s->count <= 1)
        return true;
    return lt_fnv1a(LT_FNV_SEED, rel_path, strlen(rel_path)) % s->count == s->index;
}
