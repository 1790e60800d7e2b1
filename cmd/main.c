/* SPDX-License-Identifier: MIT */
/*
 * main.c - the leaktrawl command: dispatches to cmd_<name>() (git's
 * builtin table). Each subcommand owns its options and exit codes (SPEC §7).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "scan", cmd_scan, "find leaks in captures (the main job)" },
    { "merge", cmd_merge, "join the outputs of several shards" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: leaktrawl scan [OPTIONS] INPUT...\n"
               "       leaktrawl merge -o OUT SHARD_OUT...\n"
               "       leaktrawl --version | --help | scan --help\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LT_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("leaktrawl %s\n", LT_VERSION);
        return LT_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return LT_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "leaktrawl: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return LT_EXIT_USAGE;
}
