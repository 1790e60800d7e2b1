/* SPDX-License-Identifier: MIT */
/*
 * gen_capture - write a synthetic capture (bench/gen.h) for benchmarks,
 * examples and experiments.
 *
 *   gen_capture -o FILE [--size MB] [--seed N] [--pcapng] [--http PCT]
 *               [--tls PCT] [--concurrent N]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static void usage(void)
{
    fprintf(stderr, "usage: gen_capture -o FILE [--size MB] [--seed N] [--pcapng]\n"
                    "                   [--http PCT] [--tls PCT] [--concurrent N]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct gen_opts o = gen_opts_default();
    const char *out = NULL;
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },
        { "size", required_argument, NULL, 's' },
        { "seed", required_argument, NULL, 'S' },
        { "pcapng", no_argument, NULL, 'n' },
        { "http", required_argument, NULL, 'H' },
        { "tls", required_argument, NULL, 'T' },
        { "concurrent", required_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's': o.target_bytes = (uint64_t)(atof(optarg) * 1e6); break;
        case 'S': o.seed = strtoull(optarg, NULL, 0); break;
        case 'n': o.pcapng = true; break;
        case 'H': o.pct_http = (unsigned)atoi(optarg); break;
        case 'T': o.pct_tls = (unsigned)atoi(optarg); break;
        case 'c': o.concurrent = (unsigned)atoi(optarg); break;
        default: usage();
        }
    }
    if (!out || o.pct_http + o.pct_tls > 100)
        usage();
    struct tb_buf b = { 0 };
    struct gen_counts n;
    gen_capture(&o, &b, &n);
    tb_buf_write_file(&b, out);
    fprintf(stderr, "gen_capture: %s: %llu bytes, %llu packets, %llu HTTP requests, "
                    "%llu TLS flows, %llu DNS queries\n", out,
            (unsigned long long)n.bytes, (unsigned long long)n.packets,
            (unsigned long long)n.http_requests, (unsigned long long)n.tls_flows,
            (unsigned long long)n.dns_queries);
    tb_buf_release(&b);
    return 0;
}
