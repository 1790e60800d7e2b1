/* SPDX-License-Identifier: MIT */
/*
 * bench_pipe - end-to-end single-thread throughput of one file through
 * core/pipe (read → pcap → decode → flows → HTTP), against a baseline that
 * only reads the same file through core/io, in the same process.
 *
 *   bench_pipe [--size MB] [--runs N] [--http PCT] [--tls PCT] [FILE]
 * Without FILE a capture is generated (bench/gen.h) into $TMPDIR and
 * read from the page cache. MB/s = 10^6 input bytes per second.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/io/input.h"
#include "core/pipe/pipe.h"
#include "gen.h"
#include "bench_util.h"



static double read_only(const char *path, uint64_t *bytes)
{
    static uint8_t buf[4 << 20];
    struct lt_input in;
    double t0 = now();
    if (lt_input_open(&in, path) != LT_OK)
        exit(1);
    size_t got;
    *bytes = 0;
    while (lt_input_read(&in, buf, sizeof buf, &got) == LT_OK)
        *bytes += got;
    lt_input_close(&in);
    return now() - t0;
}


int main(int argc, char **argv)
{
    struct gen_opts o = gen_opts_default();
    int runs = 5;
    static const struct option opts[] = {
        { "size", required_argument, NULL, 's' },
        { "runs", required_argument, NULL, 'r' },
        { "http", required_argument, NULL, 'H' },
        { "tls", required_argument, NULL, 'T' },
        { NULL, 0, NULL, 0 },
    };
    o.target_bytes = 200u * 1000 * 1000;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': o.target_bytes = (uint64_t)(atof(optarg) * 1e6); break;
        case 'r': runs = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
        case 'H': o.pct_http = (unsigned)atoi(optarg); break;
        case 'T': o.pct_tls = (unsigned)atoi(optarg); break;
        default: return 2;
        }
    }
    char path[512];
    if (optind < argc) {
        snprintf(path, sizeof path, "%s", argv[optind]);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/lt-bench-%d.pcap", tmp ? tmp : "/tmp",
                 (int)getpid());
        /* generate in a child so its memory is not in our peak RSS */
        pid_t pid = fork();
        if (pid == 0) {
            struct tb_buf b = { 0 };
            gen_capture(&o, &b, NULL);
            tb_buf_write_file(&b, path);
            _exit(0);
        }
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
            return 1;
    }

    struct lt_limits lim = lt_limits_default();
    struct lt_pipe_hooks hooks = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    struct lt_pipe_cfg cfg = { &lim, { NULL, NULL, NULL, NULL }, NULL,
                               LT_VALUES_PLAIN, false };
    struct lt_pipe *p = lt_pipe_new(&cfg, &hooks);
    struct lt_file_result res;
    double t_read[64], t_pipe[64];
    uint64_t bytes = 0;
    if (runs > 64)
        runs = 64;
    lt_pipe_run_file(p, path, "bench", "bench", 0, &res); /* warm-up: page cache */
    for (int i = 0; i < runs; i++) {
        t_read[i] = read_only(path, &bytes);
        double t0 = now();
        lt_pipe_run_file(p, path, "bench", "bench", 0, &res);
        t_pipe[i] = now() - t0;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("# bench_pipe: %s, %s, 1 thread, %d runs, http %u%% tls %u%%\n",
           path, res.comp == LT_COMP_NONE ? "plain" : lt_compression_name(res.comp),
           runs, o.pct_http, o.pct_tls);
    printf("%-28s %9s %11s %12s %12s\n", "case", "input_MB", "best_MB/s",
           "median_MB/s", "items/s");
    double mb = (double)res.bytes_read / 1e6;
    bench_report("read/io_only", mb, t_read, runs, 0);
    bench_report("pipe/packets", mb, t_pipe, runs, (double)res.st.packets);
    printf("# packets %llu, flows %llu, http requests %llu, "
           "pipe/read time ratio %.2f, peak RSS %ld MB\n",
           (unsigned long long)res.st.packets, (unsigned long long)res.st.flows,
           (unsigned long long)res.st.requests,
           t_pipe[runs / 2] / t_read[runs / 2], ru.ru_maxrss / 1024);
    lt_pipe_free(p);
    if (optind >= argc)
        unlink(path);
    return 0;
}
