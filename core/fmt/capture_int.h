/* SPDX-License-Identifier: MIT */
/*
 * capture_int.h - shared between capture.c, pcap.c and pcapng.c (fmt
 * layer): unaligned loads in file byte order, and the two format readers
 * behind lt_capture_next().
 */
#ifndef LT_FMT_CAPTURE_INT_H
#define LT_FMT_CAPTURE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "capture.h"

/* Loads in host order, then swapped when the file's order differs. */
static inline uint16_t lt__ld16(const uint8_t *p, bool swapped)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return swapped ? __builtin_bswap16(v) : v;
}
static inline uint32_t lt__ld32(const uint8_t *p, bool swapped)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return swapped ? __builtin_bswap32(v) : v;
}
static inline uint64_t lt__ld64(const uint8_t *p, bool swapped)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return swapped ? __builtin_bswap64(v) : v;
}

/* The readers behind lt_capture_next(), same contract. */
enum lt_err lt__pcap_next(struct lt_capture_reader *r, const uint8_t *p,
                          size_t n, size_t *used, struct lt_packet *pkt);
enum lt_err lt__pcapng_next(struct lt_capture_reader *r, const uint8_t *p,
                            size_t n, size_t *used, struct lt_packet *pkt);

#endif
