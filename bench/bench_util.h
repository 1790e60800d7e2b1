/* SPDX-License-Identifier: MIT */
/* bench_util.h - timing and ordering helpers shared by the benchmarks. */
#ifndef LT_BENCH_UTIL_H
#define LT_BENCH_UTIL_H

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

#endif
