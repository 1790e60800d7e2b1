/* SPDX-License-Identifier: MIT */
/*
 * cpu.h - which vector instruction sets this CPU and OS offer (base layer),
 * for run-time dispatch between a baseline x86-64 build and kernels compiled
 * with __attribute__((target(...))). Each test reads a word libgcc (or
 * compiler-rt) filled in before main(), so it costs a load and a bit test,
 * and there is no dispatch state of our own to initialise or share. The
 * AVX-512 test also holds when the OS saves the zmm registers (libgcc checks
 * XCR0). On other architectures every test is false and only scalar code is
 * compiled.
 */
#ifndef LT_BASE_CPU_H
#define LT_BASE_CPU_H

#include <stdbool.h>

#if defined(__x86_64__) || defined(__i386__)
#define LT_X86 1
#else
#define LT_X86 0
#endif

static inline bool lt_cpu_has_ssse3(void)
{
#if LT_X86
    return __builtin_cpu_supports("ssse3");
#else
    return false;
#endif
}

static inline bool lt_cpu_has_avx2(void)
{
#if LT_X86
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

/* AVX-512 with byte permutes (VBMI) and byte/word arithmetic (BW). */
static inline bool lt_cpu_has_avx512vbmi(void)
{
#if LT_X86
    return __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bw");
#else
    return false;
#endif
}

#endif
