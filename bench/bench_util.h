/* SPDX-License-Identifier: MIT */
/*
 * bench_util.h - what every benchmark prints (STYLE §9): a header line
 * (commit, compiler, optimisation, CPU) and one row per case:
 * `case input_MB best_MB/s median_MB/s items/s`.
 */
#ifndef LT_BENCH_UTIL_H
#define LT_BENCH_UTIL_H

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Monotonic seconds. */
static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* qsort comparator for run times (best first). */
static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* "# prog: commit …, gcc …, optimized, cpu …, extra" and the column names. */
static inline void bench_header(const char *prog, const char *extra)
{
    char cpu[128] = "?", commit[64] = "?", line[256];
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            const char *p = strchr(line, ':');
            snprintf(cpu, sizeof cpu, "%.100s", p ? p + 2 : line);
            cpu[strcspn(cpu, "\n")] = 0;
            break;
        }
    if (f)
        fclose(f);
    FILE *g = popen("git rev-parse --short HEAD 2>/dev/null", "r");
    if (g) {
        if (fgets(commit, sizeof commit, g))
            commit[strcspn(commit, "\n")] = 0;
        pclose(g);
    }
#ifdef __OPTIMIZE__
    const char *opt = "optimized";
#else
    const char *opt = "not optimized";
#endif
#ifdef __clang__
    const char *cc = "clang";
#else
    const char *cc = "gcc";
#endif
    printf("# %s: commit %s, %s %s, %s, cpu %s, %s\n", prog, commit, cc, __VERSION__,
           opt, cpu, extra);
    printf("%-34s %9s %11s %12s %12s\n", "case", "input_MB", "best_MB/s",
           "median_MB/s", "items/s");
}

/* A benchmark whose only option is --runs N: N (1..64), dflt without it,
   -1 for bad usage. */
static inline int bench_runs_only(int argc, char **argv, int dflt)
{
    static const struct option opts[] = { { "runs", required_argument, NULL, 'r' },
                                          { NULL, 0, NULL, 0 } };
    int runs = dflt, o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 'r')
            return -1;
        runs = atoi(optarg) > 0 ? atoi(optarg) : 1;
    }
    return runs > 64 ? 64 : runs;
}

/* One row: t[] holds runs times in seconds (sorted here). */
static inline void bench_report(const char *name, double mb, double *t, int runs,
                                double items)
{
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    printf("%-34s %9.3f %11.1f %12.1f %12.0f\n", name, mb, mb / t[0],
           mb / t[runs / 2], items / t[runs / 2]);
}

#endif
