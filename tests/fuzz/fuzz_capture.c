/* SPDX-License-Identifier: MIT */
/*
 * fuzz_capture.c - the pcap and pcapng readers on arbitrary bytes.
 * Input: byte 0 picks max_record (bits 0-1) and, when the data is neither
 * format by its magic, which reader to force (bit 2); byte 1 the largest
 * chunk; the rest is the capture. Each input is read whole and in chunks:
 * tb_capdrive() aborts on a broken contract (used > n, a packet outside the
 * window, need over max_record + 64 KiB, no progress), and the two
 * transcripts must be identical (split invariance).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmt/capture.h"
#include "tb_capdrive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t caps[4] = { 64, 600, 5000, 70000 };
    if (size < 2)
        return 0;
    struct lt_limits lim = lt_limits_default();
    lim.max_record = caps[data[0] & 3];
    const size_t max_chunk = 1 + (size_t)data[1] * 8;
    const uint8_t *p = data + 2;
    const size_t n = size - 2;
    enum lt_capfmt fmt = lt_capture_sniff(p, n);
    if (fmt != LT_CAP_PCAP && fmt != LT_CAP_PCAPNG)
        fmt = data[0] & 4 ? LT_CAP_PCAPNG : LT_CAP_PCAP;

    uint64_t seed = 1469598103934665603ull;
    for (size_t i = 0; i < size && i < 64; i++)
        seed = (seed ^ data[i]) * 1099511628211ull;
    struct tb_rng rng = tb_rng_seed(seed);
    struct tb_buf whole = { 0 }, split = { 0 };
    struct lt_stats st_whole = { 0 }, st_split = { 0 };
    tb_capdrive(p, n, fmt, &lim, NULL, 0, &whole, &st_whole);
    tb_capdrive(p, n, fmt, &lim, &rng, max_chunk, &split, &st_split);
    if (!tb_buf_eq(&whole, &split) || memcmp(&st_whole, &st_split, sizeof st_whole) != 0)
        abort();
    tb_buf_release(&whole);
    tb_buf_release(&split);
    return 0;
}
