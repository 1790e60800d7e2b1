/* SPDX-License-Identifier: MIT */
/*
 * pcap.c - the classic libpcap file format (fmt layer; base/ only):
 * a 24-byte file header, then 16-byte record headers each followed by
 * caplen bytes. Micro- and nanosecond magics in either byte order.
 * Format: draft-ietf-opsawg-pcap (the "pcap" I-D), libpcap's sf-pcap.c.
 * Not done: the Kuznetzov/Nokia variants with longer record headers.
 */
#include <inttypes.h>
#include <stdio.h>

#include "capture_int.h"

#define PCAP_FILE_HDR 24u
#define PCAP_REC_HDR 16u
#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_MAGIC_NSEC 0xa1b23c4du
/* The link type field carries FCS flags in its top bits (pcap I-D §4). */
#define PCAP_LINKTYPE_MASK 0x03ffffffu

static enum lt_err parse_file_header(struct lt_capture_reader *r,
                                     const uint8_t *p)
{
    const uint32_t m = lt__ld32(p, false);
    if (m == PCAP_MAGIC_USEC || m == PCAP_MAGIC_NSEC) {
        r->swapped = false;
    } else if (m == __builtin_bswap32(PCAP_MAGIC_USEC) ||
               m == __builtin_bswap32(PCAP_MAGIC_NSEC)) {
        r->swapped = true;
    } else {
        snprintf(r->msg, sizeof r->msg, "unknown file magic 0x%08" PRIx32, m);
        return LT_E_UNSUPPORTED;
    }
    r->nsec = lt__ld32(p, r->swapped) == PCAP_MAGIC_NSEC;
    /* Major version 2 is the only one written since 1998; 2.4 is current
       and older minors differ in nothing we read. */
    const uint16_t major = lt__ld16(p + 4, r->swapped);
    const uint16_t minor = lt__ld16(p + 6, r->swapped);
    if (major != 2) {
        snprintf(r->msg, sizeof r->msg, "unsupported version %u.%u",
                 (unsigned)major, (unsigned)minor);
        return LT_E_UNSUPPORTED;
    }
    r->snaplen = lt__ld32(p + 16, r->swapped);
    r->linktype = lt__ld32(p + 20, r->swapped) & PCAP_LINKTYPE_MASK;
    return LT_OK;
}

/*
 * The hot path: one record header check and a packet that points into p.
 * There is no resync in pcap: records carry no marker, so after a bad
 * record nothing says where the next one begins; the reader stops.
 */
enum lt_err lt__pcap_next(struct lt_capture_reader *r, const uint8_t *p,
                          size_t n, size_t *used, struct lt_packet *pkt)
{
    size_t pos = 0;
    enum lt_err e;
    if (r->stopped) {
        *used = 0;
        return LT_END;
    }
    if (!r->started) {
        if (n < PCAP_FILE_HDR) {
            r->need = PCAP_FILE_HDR;
            *used = 0;
            return LT_AGAIN;
        }
        e = parse_file_header(r, p);
        if (e != LT_OK) {
            r->stopped = true;
            *used = 0;
            return e;
        }
        r->started = true;
        pos = PCAP_FILE_HDR;
    }
    if (n - pos < PCAP_REC_HDR) {
        r->need = PCAP_REC_HDR;
        e = LT_AGAIN;
        goto out;
    }
    const uint8_t *h = p + pos;
    const bool sw = r->swapped;
    const uint32_t caplen = lt__ld32(h + 8, sw);
    /* libpcap rejects caplen > max(snaplen, 262144), but writers that lie
       about snaplen are common, so only our own cap is enforced here. A
       record over it cannot be skipped safely (it may be garbage), so the
       file stops. */
    if (caplen > r->lim->max_record) {
        snprintf(r->msg, sizeof r->msg,
                 "record caplen %" PRIu32 " exceeds the cap of %" PRIu32
                 " at offset %" PRIu64, caplen, r->lim->max_record, r->off + pos);
        r->st->record_cap++;
        r->stopped = true;
        e = LT_E_LIMIT;
        goto out;
    }
    if (n - pos - PCAP_REC_HDR < caplen) {
        r->need = PCAP_REC_HDR + (size_t)caplen;
        e = LT_AGAIN;
        goto out;
    }
    const uint64_t sec = lt__ld32(h, sw);
    const uint64_t frac = lt__ld32(h + 4, sw);
    pkt->data = h + PCAP_REC_HDR;
    pkt->caplen = caplen;
    pkt->origlen = lt__ld32(h + 12, sw);
    pkt->ts_ns = (int64_t)(sec * 1000000000u + (r->nsec ? frac : frac * 1000u));
    pkt->linktype = r->linktype;
    pkt->ifindex = 0;
    pkt->comment.p = NULL;
    pkt->comment.len = 0;
    pkt->custom.p = NULL;
    pkt->custom.len = 0;
    pos += PCAP_REC_HDR + caplen;
    r->st->packets++;
    e = LT_OK;
out:
    *used = pos;
    r->off += pos;
    return e;
}
