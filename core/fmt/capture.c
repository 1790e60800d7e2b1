/* SPDX-License-Identifier: MIT */
/*
 * capture.c - format sniffing and the entry points shared by the pcap and
 * pcapng readers (fmt layer; base/ only). The readers live in pcap.c and
 * pcapng.c.
 */
#include "capture.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capture_int.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAPNG_SHB 0x0a0d0d0au
#define PCAPNG_BOM 0x1a2b3c4du

const char *lt_capfmt_name(enum lt_capfmt f)
{
    switch (f) {
    case LT_CAP_PCAP: return "pcap";
    case LT_CAP_PCAPNG: return "pcapng";
    case LT_CAP_HAR: return "har";
    case LT_CAP_UNKNOWN: break;
    }
    return "unknown";
}

static bool is_har(const uint8_t *p, size_t n)
{
    size_t i = 0;
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
        i = 3; /* UTF-8 byte order mark */
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i >= n || p[i] != '{')
        return false;
    return memmem(p + i, n - i, "\"log\"", 5) != NULL;
}

enum lt_capfmt lt_capture_sniff(const uint8_t *p, size_t n)
{
    if (n >= 4) {
        const uint32_t m = lt__ld32(p, false);
        if (m == PCAP_MAGIC_USEC || m == PCAP_MAGIC_NSEC ||
            m == __builtin_bswap32(PCAP_MAGIC_USEC) ||
            m == __builtin_bswap32(PCAP_MAGIC_NSEC))
            return LT_CAP_PCAP;
        /* The SHB type reads the same in both orders; with 12 bytes the
           byte-order magic must agree (pcapng §4.1). */
        if (m == PCAPNG_SHB) {
            if (n < 12)
                return LT_CAP_PCAPNG;
            const uint32_t bom = lt__ld32(p + 8, false);
            if (bom == PCAPNG_BOM || bom == __builtin_bswap32(PCAPNG_BOM))
                return LT_CAP_PCAPNG;
            return LT_CAP_UNKNOWN;
        }
    }
    return is_har(p, n) ? LT_CAP_HAR : LT_CAP_UNKNOWN;
}

void lt_capture_init(struct lt_capture_reader *r, enum lt_capfmt fmt,
                     const struct lt_limits *lim, struct lt_stats *st)
{
    memset(r, 0, sizeof *r);
    r->fmt = fmt;
    r->lim = lim;
    r->st = st;
}

enum lt_err lt_capture_next(struct lt_capture_reader *r, const uint8_t *p,
                            size_t n, size_t *used, struct lt_packet *pkt)
{
    if (r->fmt == LT_CAP_PCAP)
        return lt__pcap_next(r, p, n, used, pkt);
    if (r->fmt == LT_CAP_PCAPNG)
        return lt__pcapng_next(r, p, n, used, pkt);
    *used = 0;
    if (r->stopped)
        return LT_END;
    r->stopped = true;
    snprintf(r->msg, sizeof r->msg, "%s is not a packet capture format",
             lt_capfmt_name(r->fmt));
    return LT_E_UNSUPPORTED;
}

void lt_capture_set_eof(struct lt_capture_reader *r)
{
    r->eof = true;
}

enum lt_err lt_capture_finish(struct lt_capture_reader *r, size_t n)
{
    /* Bytes after a stop were never meant to be read, and resync garbage
       was counted when the resync began. */
    if (r->stopped || r->resyncing)
        return LT_OK;
    if (n == 0)
        return LT_OK;
    const char *unit = !r->started && r->fmt == LT_CAP_PCAP ? "file header"
                       : r->fmt == LT_CAP_PCAP             ? "record"
                                                           : "block";
    if (r->need > n)
        snprintf(r->msg, sizeof r->msg,
                 "last %s cut short at offset %" PRIu64 " (%zu of %zu bytes)",
                 unit, r->off, n, r->need);
    else
        snprintf(r->msg, sizeof r->msg,
                 "last %s cut short at offset %" PRIu64 " (%zu bytes)", unit,
                 r->off, n);
    r->st->truncated_records++;
    return LT_E_TRUNCATED;
}
