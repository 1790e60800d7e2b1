/* SPDX-License-Identifier: MIT */
/*
 * fuzz_input.c - the input layer's stream decompression (gzip, zstd, xz,
 * concatenated members) on arbitrary files. The only code that reads fds
 * gets its file from memory: a memfd, opened by its /proc path.
 * Input: p[0] the read size of the second pass (1 + p[0] * 61 bytes); the
 * rest is the file. Each file is read twice, in 64 KiB reads and in small
 * ones, up to 1 MiB of output. Invariants: LT_OK gives 1..cap bytes, LT_END
 * none, and after LT_END or an error every read is LT_END; out_bytes counts
 * what was handed out; a plain file comes out unchanged; both passes give
 * the same bytes, compression and final code (before an error, how many
 * bytes came out may differ: see lt_input_read).
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/io/input.h"

#define OUT_MAX (1u << 20)
#define BIG_READ (64u << 10)

struct pass {
    uint8_t *out;
    size_t len;
    enum lt_err last;  /* the code that ended the stream, or LT_OK (cut) */
    enum lt_compression comp;
};

/* The output of each pass: allocated once, as a fresh megabyte per input
   was most of the time under ASan. */
static uint8_t *out_a, *out_b;

static void read_all(const char *path, size_t cap, uint8_t *out, struct pass *ps)
{
    struct lt_input in;
    memset(ps, 0, sizeof *ps);
    if (lt_input_open(&in, path) != LT_OK)
        abort(); /* a readable regular file always opens */
    ps->comp = in.comp;
    ps->out = out;
    ps->last = LT_OK;
    while (ps->len < OUT_MAX) {
        size_t got = (size_t)-1;
        enum lt_err e = lt_input_read(&in, ps->out + ps->len, cap, &got);
        if (got > cap || (e == LT_OK && got == 0) || (e == LT_END && got != 0))
            abort();
        ps->len += got;
        if (in.out_bytes != ps->len)
            abort();
        if (e == LT_OK)
            continue;
        ps->last = e;
        /* the stream is over: it stays over */
        size_t again = 1;
        if (lt_input_read(&in, ps->out + ps->len, cap, &again) != LT_END || again != 0)
            abort();
        break;
    }
    lt_input_close(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!out_a && (!(out_a = malloc(OUT_MAX + BIG_READ)) ||
                   !(out_b = malloc(OUT_MAX + 1 + 255 * 61))))
        abort();
    const size_t small = 1 + (size_t)data[0] * 61;
    data++;
    size--;
    int fd = memfd_create("fuzz_input", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    if (size && write(fd, data, size) != (ssize_t)size)
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct pass a, b;
    read_all(path, BIG_READ, out_a, &a);
    read_all(path, small, out_b, &b);
    close(fd);
    if (a.comp != b.comp)
        abort();
    if (a.comp == LT_COMP_NONE && (a.last != LT_END ||
                                   a.len != (size < OUT_MAX ? size : OUT_MAX) ||
                                   memcmp(a.out, data, a.len) != 0))
        abort();
    const size_t common = a.len < b.len ? a.len : b.len;
    if (memcmp(a.out, b.out, common) != 0)
        abort();
    /* both ended before the output limit: same ending, and the same length
       unless the stream failed (see lt_input_read) */
    if (a.last != LT_OK && b.last != LT_OK &&
        (a.last != b.last || (a.len != b.len && a.last == LT_END)))
        abort();
    return 0;
}
