/* SPDX-License-Identifier: MIT */
/*
 * capture.h - chunk-fed readers of pcap and pcapng, and format sniffing
 * (fmt layer; uses base/ only). The reader never reads a file: the caller
 * keeps a window of the (decompressed) stream and hands it in; packets point
 * into that window. It never allocates.
 *
 * Driving loop (pipe/ does this):
 *   window = bytes at stream offset r.off
 *   e = lt_capture_next(&r, win, n, &used, &pkt)
 *   drop `used` bytes from the window in every case, then:
 *     LT_OK        a packet (pointing into the window, before the drop)
 *     LT_AGAIN     refill until the window holds r.need bytes; at EOF
 *                  the first time, lt_capture_set_eof(&r) and go on; the
 *                  second time, lt_capture_finish(&r, bytes left) and stop
 *     LT_E_*       count it; r.msg says what and where; go on if
 *                  lt_capture_can_resync(&r), else stop this file
 *
 * Not done here: link-layer decoding (decode.h), HAR (a JSON loader).
 */
#ifndef LT_FMT_CAPTURE_H
#define LT_FMT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/limits.h"
#include "../base/stats.h"
#include "packet.h"

enum lt_capfmt { LT_CAP_UNKNOWN, LT_CAP_PCAP, LT_CAP_PCAPNG, LT_CAP_HAR };

/* Name for summary.json: "unknown", "pcap", "pcapng", "har". */
const char *lt_capfmt_name(enum lt_capfmt f);

/*
 * lt_capture_sniff() - the format of a stream from its first n bytes
 * (n >= 4 suffices for pcap/pcapng; HAR needs its first non-space bytes to
 * be `{` and a `"log"` key within the bytes given). Never from a file name.
 */
enum lt_capfmt lt_capture_sniff(const uint8_t *p, size_t n);

#define LT_PCAPNG_MAX_IF 256 /* interfaces per section; more is corrupt input */

struct lt_pcapng_if {
    uint32_t linktype;
    uint32_t snaplen;
    /* timestamp units: ts_ns = ts * ts_mul / ts_div (if_tsresol) */
    uint64_t ts_mul, ts_div;
    int64_t ts_offset_s; /* if_tsoffset */
};

struct lt_capture_reader {
    enum lt_capfmt fmt;
    const struct lt_limits *lim; /* borrowed for the reader's life */
    struct lt_stats *st;         /* borrowed: counters incremented here */
    uint64_t off;                /* stream offset of the next unread byte */
    size_t need;                 /* after LT_AGAIN: bytes wanted at the window start */
    bool started;                /* file header / first SHB consumed */
    bool stopped;                /* nothing more can be read from this file */
    bool resyncing;              /* pcapng: hunting for the next block */
    bool eof;                    /* the window holds the rest of the stream */
    /* pcap */
    bool swapped;                /* file byte order differs from ours */
    bool nsec;                   /* nanosecond magic */
    uint32_t linktype;
    uint32_t snaplen;
    /* pcapng: the current section */
    bool ng_swapped;
    uint32_t n_if;
    struct lt_pcapng_if ifs[LT_PCAPNG_MAX_IF];
    int64_t last_ts_ns;          /* last packet time: SPBs carry none */
    char msg[192];               /* last error, e.g. "block length 13 is not a
                                    multiple of 4 at offset 4096" */
};

/* Prepare r for a stream of format fmt (LT_CAP_PCAP or LT_CAP_PCAPNG; any
   other format makes the first lt_capture_next() LT_E_UNSUPPORTED).
   lim and st are borrowed for r's life and must not be NULL. */
void lt_capture_init(struct lt_capture_reader *r, enum lt_capfmt fmt,
                     const struct lt_limits *lim, struct lt_stats *st);

/*
 * lt_capture_next() - parse from p[0..n), the bytes at stream offset r->off.
 * *used is set on every return (bytes to drop from the window; r->off has
 * advanced by it). Returns:
 *   LT_OK          *pkt is a packet; its data points into p. pcapng only:
 *                  for a Custom Block (type 0x00000BAD or 0x40000BAD) with
 *                  PEN 62652 (PCAPdroid) and a non-empty body, *pkt is no
 *                  packet but metadata: data == NULL, caplen == 0,
 *                  custom = the body after the PEN (pointing into p), ts_ns
 *                  = the last packet's time; not counted in st->packets.
 *                  Other custom blocks are skipped (skipped_blocks).
 *   LT_AGAIN       no packet: the window must hold r->need bytes to go on
 *   LT_E_TRUNCATED never (see lt_capture_finish)
 *   LT_E_MALFORMED a corrupt record/block: r->msg explains, counted in
 *                  r->st->corrupt_records; pcapng resynchronises on the next
 *                  calls, pcap stops (r->stopped). pcapng: a block whose
 *                  framing is sound (length, trailer) but whose content is
 *                  bad (undeclared interface, caplen beyond the block) is
 *                  skipped whole (*used covers it); a framing error starts a
 *                  hunt for the next block (r->resyncing, counted in resyncs
 *                  when found), during which LT_AGAIN comes back with *used =
 *                  bytes skipped
 *   LT_E_LIMIT     a record larger than lim->max_record (counted in
 *                  record_cap); pcapng hunts for the next block from inside
 *                  it, as after a framing error (such a length is more
 *                  likely damage than a block; r->need never exceeds
 *                  max_record), pcap stops
 *   LT_E_UNSUPPORTED bad magic / unknown major version: the file stops
 *   LT_END         r->stopped: nothing more will come from this file
 */
enum lt_err lt_capture_next(struct lt_capture_reader *r, const uint8_t *p,
                            size_t n, size_t *used, struct lt_packet *pkt);

/* true if, after an error, calling lt_capture_next again makes sense. */
static inline bool lt_capture_can_resync(const struct lt_capture_reader *r)
{
    return !r->stopped;
}

/*
 * lt_capture_set_eof() - the stream has ended: the window given to the next
 * calls holds all that is left. A pcapng block whose length runs past the
 * end is then a framing error (counted, hunt) when a sound block follows
 * it, else the last block cut short; a hunt passes over candidates that
 * cannot be completed. Call lt_capture_next until LT_AGAIN comes back, then
 * lt_capture_finish().
 */
void lt_capture_set_eof(struct lt_capture_reader *r);

/*
 * lt_capture_finish() - the stream ended with n bytes unconsumed. LT_OK if
 * n == 0 (or only resync garbage remains); else LT_E_TRUNCATED, counted in
 * truncated_records, with r->msg naming the offset: a cut-off last record
 * ends the file and is not an error of the file.
 */
enum lt_err lt_capture_finish(struct lt_capture_reader *r, size_t n);

#endif
