/* SPDX-License-Identifier: MIT */
/* merge.c - `leaktrawl merge -o OUT SHARD_OUT...` (SPEC §2, §7). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "workers/merge.h"

static const char usage_text[] =
    "usage: leaktrawl merge -o OUT SHARD_OUT...\n"
    "\n"
    "Join the output directories of several shards (scan --shard I/N, or a\n"
    "Slurm job array) into OUT: device files with their records in capture\n"
    "order, and one summary.json.\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'h') {
            fputs(usage_text, stdout);
            return LT_EXIT_OK;
        } else {
            fputs(usage_text, stderr);
            return LT_EXIT_USAGE;
        }
    }
    if (!out || optind >= argc) {
        fputs(usage_text, stderr);
        return LT_EXIT_USAGE;
    }
    char msg[4600] = "";
    enum lt_err e = lt_merge(out, (const char *const *)(argv + optind),
                             (size_t)(argc - optind), msg, sizeof msg);
    if (e != LT_OK) {
        fprintf(stderr, "leaktrawl merge: %s\n", msg[0] ? msg : lt_err_str(e));
        return LT_EXIT_FATAL;
    }
    return LT_EXIT_OK;
}
