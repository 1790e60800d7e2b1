/* SPDX-License-Identifier: MIT */
/*
 * scan.c - `leaktrawl scan`: parse options (SPEC §2), list the inputs,
 * assign each file to its device and shard (SPEC §3), run, write
 * summary.json and set the exit code (SPEC §7). No data logic here.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "core/conf/assign.h"
#include "core/conf/manifest.h"
#include "core/io/outfile.h"
#include "core/io/walk.h"
#include "workers/scan_run.h"

static const char usage_text[] =
    "usage: leaktrawl scan [OPTIONS] INPUT...\n"
    "\n"
    "Read captures (pcap, pcapng, HAR; plain, gzip, zstd or xz) and report\n"
    "what each device leaked. INPUT is a file or a directory (walked).\n"
    "\n"
    "  -o, --out DIR          output directory (default leaktrawl-out)\n"
    "  -m, --manifest FILE    device manifest (JSON, SPEC §3)\n"
    "  -j, --threads N        worker threads (default: online CPUs)\n"
    "      --shard I/N        process only shard I of N (default: from Slurm\n"
    "                         job array variables, else 0/1)\n"
    "      --values MODE      plain | hash | omit (default plain)\n"
    "      --max-depth N      maximum decoding depth (default 8)\n"
    "      --progress MODE    auto | bar | log | none (default auto)\n"
    "      --requests FILE    also write every HTTP request as TSV\n"
    "      --resume           skip inputs an earlier run into OUT completed\n"
    "  -q, --quiet            only errors on stderr\n"
    "  -v, --verbose          more on stderr\n"
    "  -h, --help             this text\n"
    "\n"
    "Caps (SPEC §6; sizes take K, M, G suffixes; what a cap cuts off is\n"
    "counted in summary.json):\n"
    "      --max-flows N          live TCP flows, all threads (default 524288)\n"
    "      --max-pending SIZE     out-of-order bytes held per direction (4M)\n"
    "      --hole-wait MS         capture time a hole may stall a stream (2000)\n"
    "      --flow-timeout MS      capture time before an idle flow ends (600000)\n"
    "      --max-record SIZE      largest capture record (16M)\n"
    "      --max-line SIZE        HTTP request or header line (64K)\n"
    "      --max-headers N        HTTP header fields per request (256)\n"
    "      --max-header-bytes SIZE  HTTP header block (256K)\n"
    "      --max-body SIZE        HTTP body bytes kept per request (8M)\n"
    "      --max-decoded SIZE     decompressed bytes per body (32M)\n"
    "      --max-ratio N          decompressed/compressed bytes (1000)\n"
    "      --max-msg-decoded SIZE bytes decoded from one message's fields (64M)\n"
    "      --max-pieces N         decoded pieces of one message (100000)\n"
    "      --max-har SIZE         a HAR file, read whole into memory (512M)\n";

enum {
    OPT_SHARD = 256, OPT_VALUES, OPT_MAX_DEPTH, OPT_PROGRESS, OPT_REQUESTS,
    OPT_RESUME, OPT_CAP /* + index into caps[] */
};

/* The cap options: each sets one field of struct lt_limits. */
static const struct {
    const char *name;
    size_t off;
    int is_size; /* accepts K/M/G */
    uint32_t min;
} caps[] = {
    { "max-flows", offsetof(struct lt_limits, max_flows), 0, 1 },
    { "max-pending", offsetof(struct lt_limits, max_pending), 1, 0 },
    { "hole-wait", offsetof(struct lt_limits, hole_wait_ms), 0, 0 },
    { "flow-timeout", offsetof(struct lt_limits, flow_idle_ms), 0, 1 },
    { "max-record", offsetof(struct lt_limits, max_record), 1, 65536 },
    { "max-line", offsetof(struct lt_limits, max_line), 1, 64 },
    { "max-headers", offsetof(struct lt_limits, max_headers), 0, 1 },
    { "max-header-bytes", offsetof(struct lt_limits, max_header_bytes), 1, 64 },
    { "max-body", offsetof(struct lt_limits, max_body), 1, 0 },
    { "max-decoded", offsetof(struct lt_limits, max_decoded), 1, 0 },
    { "max-ratio", offsetof(struct lt_limits, max_ratio), 0, 1 },
    { "max-msg-decoded", offsetof(struct lt_limits, max_msg_decoded), 1, 4096 },
    { "max-pieces", offsetof(struct lt_limits, max_pieces), 0, 1 },
    { "max-har", offsetof(struct lt_limits, max_har), 1, 4096 },
};
#define N_CAPS (sizeof caps / sizeof caps[0])

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "leaktrawl scan: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'leaktrawl scan --help'.\n");
    return LT_EXIT_USAGE;
}

/* Decimal with an optional K/M/G (powers of 1024) suffix, below 2^32. */
static int parse_u32(const char *s, int allow_suffix, uint32_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-' || *s == '+')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    if (allow_suffix && *end) {
        unsigned shift = *end == 'K' || *end == 'k' ? 10
                         : *end == 'M' || *end == 'm' ? 20
                         : *end == 'G' || *end == 'g' ? 30 : 0;
        if (!shift || end[1])
            return -1;
        if (v > (UINT32_MAX >> shift))
            return -1;
        v <<= shift;
        end++;
    }
    if (*end || v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static const char *lookup_env(const char *name)
{
    return getenv(name);
}

static void print_warning(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "leaktrawl: warning: %s\n", msg);
}

static int parse_options(int argc, char **argv, struct lt_scan_opts *o,
                         const char **shard_arg)
{
    static struct option long_opts[6 + 6 + N_CAPS + 1] = {
        { "out", required_argument, NULL, 'o' },
        { "manifest", required_argument, NULL, 'm' },
        { "threads", required_argument, NULL, 'j' },
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "shard", required_argument, NULL, OPT_SHARD },
        { "values", required_argument, NULL, OPT_VALUES },
        { "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
        { "progress", required_argument, NULL, OPT_PROGRESS },
        { "requests", required_argument, NULL, OPT_REQUESTS },
        { "resume", no_argument, NULL, OPT_RESUME },
    };
    for (size_t i = 0; i < N_CAPS; i++)
        long_opts[12 + i] = (struct option){ caps[i].name, required_argument,
                                             NULL, OPT_CAP + (int)i };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:m:j:qvh", long_opts, NULL)) != -1) {
        uint32_t v;
        switch (c) {
        case 'o': o->out_dir = optarg; break;
        case 'm': o->manifest_path = optarg; break;
        case 'j':
            if (parse_u32(optarg, 0, &v) || v == 0 || v > 1024)
                return usage_error("-j wants a thread count from 1 to 1024, not '%s'", optarg);
            o->threads = v;
            break;
        case 'q': o->verbosity = -1; break;
        case 'v': o->verbosity = 1; break;
        case 'h': fputs(usage_text, stdout); return -1;
        case OPT_SHARD: *shard_arg = optarg; break;
        case OPT_VALUES:
            if (!strcmp(optarg, "plain")) o->values = LT_VALUES_PLAIN;
            else if (!strcmp(optarg, "hash")) o->values = LT_VALUES_HASH;
            else if (!strcmp(optarg, "omit")) o->values = LT_VALUES_OMIT;
            else return usage_error("--values wants plain, hash or omit, not '%s'", optarg);
            break;
        case OPT_MAX_DEPTH:
            if (parse_u32(optarg, 0, &v) || v > 64)
                return usage_error("--max-depth wants a number from 0 to 64, not '%s'", optarg);
            o->lim.max_depth = v;
            break;
        case OPT_PROGRESS:
            if (!strcmp(optarg, "auto")) o->progress = LT_PROGRESS_AUTO;
            else if (!strcmp(optarg, "bar")) o->progress = LT_PROGRESS_BAR;
            else if (!strcmp(optarg, "log")) o->progress = LT_PROGRESS_LOG;
            else if (!strcmp(optarg, "none")) o->progress = LT_PROGRESS_NONE;
            else return usage_error("--progress wants auto, bar, log or none, not '%s'", optarg);
            break;
        case OPT_REQUESTS: o->requests_path = optarg; break;
        case OPT_RESUME: o->resume = true; break;
        default:
            if (c >= OPT_CAP && c < OPT_CAP + (int)N_CAPS) {
                size_t i = (size_t)(c - OPT_CAP);
                if (parse_u32(optarg, caps[i].is_size, &v) || v < caps[i].min) {
                    fprintf(stderr, "leaktrawl scan: --%s wants a %s of at least %u, not '%s'\n",
                            caps[i].name, caps[i].is_size ? "size" : "number",
                            caps[i].min, optarg);
                    return LT_EXIT_USAGE;
                }
                memcpy((char *)&o->lim + caps[i].off, &v, sizeof v);
                break;
            }
            fprintf(stderr, "Try 'leaktrawl scan --help'.\n");
            return LT_EXIT_USAGE;
        }
    }
    if (optind >= argc)
        return usage_error("%s", "no INPUT given");
    o->inputs = (const char *const *)(argv + optind);
    o->n_inputs = (uint32_t)(argc - optind);
    return 0;
}

static int resolve_shard(struct lt_scan_opts *o, const char *arg)
{
    struct lt_shard sh = { 0, 1 };
    char msg[256];
    if (arg) {
        if (lt_shard_parse(arg, &sh, msg, sizeof msg) != LT_OK)
            return usage_error("--shard: %s", msg);
    } else {
        bool found = false;
        if (lt_shard_from_env(&sh, &found, lookup_env, msg, sizeof msg) != LT_OK)
            return usage_error("Slurm job array: %s", msg);
    }
    o->shard_index = sh.index;
    o->shard_count = sh.count;
    return 0;
}

/* One stderr line for every file skipped as not a capture (SPEC §2). */
static void report_skipped(const struct lt_scan *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_files; i++)
        n += s->files[i].res.status == LT_FILE_SKIPPED;
    if (!n || s->opts->verbosity < 0)
        return;
    fprintf(stderr, "leaktrawl: skipped %zu file%s that %s not captures:", n,
            n == 1 ? "" : "s", n == 1 ? "is" : "are");
    size_t shown = 0;
    for (size_t i = 0; i < s->n_files && shown < 5; i++)
        if (s->files[i].res.status == LT_FILE_SKIPPED) {
            fprintf(stderr, "%s '%s'", shown ? "," : "", s->files[i].in->rel);
            shown++;
        }
    fprintf(stderr, "%s\n", n > shown ? ", ..." : "");
}

/* The final one-paragraph summary on stderr. */
static void report_run(const struct lt_scan *s)
{
    uint64_t bytes = 0, n_err = 0;
    for (size_t i = 0; i < s->n_files; i++) {
        bytes += s->files[i].res.bytes_read;
        n_err += s->files[i].res.status == LT_FILE_ERROR;
    }
    double secs = s->elapsed > 1e-6 ? s->elapsed : 1e-6;
    fprintf(stderr,
            "leaktrawl: %zu file%s (%" PRIu64 " with errors), %.1f MB, "
            "%" PRIu64 " packets, %" PRIu64 " TCP flows, %" PRIu64
            " HTTP requests in %.2f s (%.1f MB/s); summary in %s/summary.json\n",
            s->n_files, s->n_files == 1 ? "" : "s", n_err, bytes / 1e6,
            s->totals.packets, s->totals.flows, s->totals.requests, s->elapsed,
            bytes / 1e6 / secs, s->opts->out_dir);
}

int cmd_scan(int argc, char **argv)
{
    struct lt_scan_opts o = {
        .out_dir = "leaktrawl-out",
        .threads = 1,
        .shard_count = 1,
        .lim = lt_limits_default(),
    };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = cpus > 0 ? (uint32_t)cpus : 1;
    const char *shard_arg = NULL;
    int rc = parse_options(argc, argv, &o, &shard_arg);
    if (rc)
        return rc < 0 ? LT_EXIT_OK : rc;
    if ((rc = resolve_shard(&o, shard_arg)))
        return rc;

    struct lt_manifest manifest = { 0 };
    char msg[4600];
    if (o.manifest_path &&
        lt_manifest_load(&manifest, o.manifest_path, msg, sizeof msg,
                         print_warning, NULL) != LT_OK) {
        fprintf(stderr, "leaktrawl: %s\n", msg);
        return LT_EXIT_FATAL;
    }
    if (lt_mkdir_p(o.out_dir, msg, sizeof msg) != LT_OK) {
        fprintf(stderr, "leaktrawl: %s\n", msg);
        lt_manifest_release(&manifest);
        return LT_EXIT_FATAL;
    }

    struct lt_input_list list = { 0 };
    struct lt_scan s = { .opts = &o, .manifest = o.manifest_path ? &manifest : NULL };
    int exit_code = LT_EXIT_FATAL;
    if (lt_walk_inputs(o.inputs, o.n_inputs, &list) != LT_OK) {
        fprintf(stderr, "leaktrawl: out of memory listing the inputs\n");
        goto out;
    }
    s.files = calloc(list.n ? list.n : 1, sizeof *s.files);
    if (!s.files) {
        fprintf(stderr, "leaktrawl: out of memory listing the inputs\n");
        goto out;
    }
    struct lt_shard shard = { o.shard_index, o.shard_count };
    for (size_t i = 0; i < list.n; i++) {
        const struct lt_input_file *in = &list.files[i];
        if (!lt_shard_owns(&shard, in->rel))
            continue;
        struct lt_scan_file *f = &s.files[s.n_files++];
        char dev[1024];
        int claimed = lt_manifest_claim(&manifest, in->rel);
        if (claimed >= 0)
            snprintf(dev, sizeof dev, "%s", manifest.devices[claimed].id);
        else
            lt_device_from_path(in->rel, dev, sizeof dev);
        f->in = in;
        f->device = strdup(dev);
        if (!f->device) {
            fprintf(stderr, "leaktrawl: out of memory listing the inputs\n");
            goto out;
        }
    }

    enum lt_err run_err = lt_scan_run(&s);
    if (run_err != LT_OK) {
        fprintf(stderr, "leaktrawl: %s\n", s.msg);
        /* interrupted: a complete summary of the files written, and the
           exit status of a run killed by that signal; a fatal error
           leaves none (nothing half-done may look complete) */
        if (run_err == LT_E_INTERRUPTED) {
            if (lt_scan_write_summary(&s) != LT_OK)
                fprintf(stderr, "leaktrawl: %s\n", s.msg);
            exit_code = 128 + s.signo;
        }
        goto out;
    }
    report_skipped(&s);
    if (lt_scan_write_summary(&s) != LT_OK) {
        fprintf(stderr, "leaktrawl: %s\n", s.msg);
        goto out;
    }
    if (o.verbosity >= 0)
        report_run(&s);
    exit_code = LT_EXIT_OK;
    for (size_t i = 0; i < s.n_files; i++)
        if (s.files[i].res.status == LT_FILE_ERROR)
            exit_code = LT_EXIT_INPUT_ERRORS;
out:
    lt_scan_release(&s);
    for (size_t i = 0; i < s.n_files; i++)
        free(s.files[i].device);
    free(s.files);
    lt_input_list_release(&list);
    lt_manifest_release(&manifest);
    return exit_code;
}
