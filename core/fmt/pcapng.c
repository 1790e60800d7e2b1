/* SPDX-License-Identifier: MIT */
/*
 * pcapng.c - the pcapng block format (fmt layer; base/ only). Reads SHB,
 * IDB (if_tsresol, if_tsoffset), EPB (opt_comment), SPB and the obsolete
 * PB, and hands PCAPdroid's custom blocks (PEN 62652) to the caller as
 * packet-less returns (pkt->custom); every other block type is skipped and
 * counted. Format:
 * draft-ietf-opsawg-pcapng (cited as "§"), libpcap's sf-pcapng.c.
 * Not done: NRB/ISB/DSB contents, per-packet options other than comments,
 * sections of a major version other than 1 (the file stops).
 */
#include <inttypes.h>
#include <stdio.h>

#include "capture_int.h"

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 0x00000001u
#define BT_PB 0x00000002u  /* obsolete Packet Block, §Appendix A */
#define BT_SPB 0x00000003u
#define BT_NRB 0x00000004u
#define BT_ISB 0x00000005u
#define BT_EPB 0x00000006u
#define BT_IRIG 0x00000007u
#define BT_ARINC 0x00000008u
#define BT_SJE 0x00000009u /* systemd journal export */
#define BT_DSB 0x0000000au
#define BT_CB_COPY 0x00000badu
#define BT_CB_NOCOPY 0x40000badu
#define BOM 0x1a2b3c4du
#define PEN_PCAPDROID 62652u /* Private Enterprise Number of PCAPdroid */

#define BLOCK_MIN 12u    /* type, length, trailing length */
#define OPT_COMMENT 1u
#define IF_TSRESOL 9u
#define IF_TSOFFSET 14u

/* Smallest legal length of a block of each type we know (§4). */
static uint32_t min_len(uint32_t type)
{
    switch (type) {
    case BT_SHB: return 28; /* + bom, version, section length */
    case BT_IDB: return 20; /* + linktype, reserved, snaplen */
    case BT_PB: return 32;  /* + if, drops, ts, caplen, origlen */
    case BT_EPB: return 32; /* + if, ts, caplen, origlen */
    case BT_SPB: return 16; /* + origlen */
    case BT_ISB: return 24; /* + if, ts */
    default: return BLOCK_MIN;
    }
}

static bool is_known_type(uint32_t type)
{
    return (type >= BT_IDB && type <= BT_DSB) || type == BT_SHB ||
           type == BT_CB_COPY || type == BT_CB_NOCOPY;
}

static void section_reset(struct lt_capture_reader *r, bool swapped)
{
    r->ng_swapped = swapped;
    r->n_if = 0;
}

/*
 * ts * mul / div without overflow for any if_tsresol: high resolutions
 * (2^-32, 10^-12) make ts * mul exceed 64 bits for present-day dates.
 * Wraps (never traps) on garbage.
 */
static int64_t ts_to_ns(uint64_t ts, const struct lt_pcapng_if *f)
{
    uint64_t ns;
    if (f->ts_div == 1 && ts <= UINT64_MAX / f->ts_mul) {
        ns = ts * f->ts_mul;
    } else {
        __extension__ unsigned __int128 w = (unsigned __int128)ts * f->ts_mul;
        ns = (uint64_t)(w / f->ts_div);
    }
    ns += (uint64_t)f->ts_offset_s * 1000000000u;
    return (int64_t)ns;
}

/* if_tsresol (§4.2): MSB clear = 10^-v s, set = 2^-v s; beyond what 64
   bits express, the unit is clamped (such values are garbage anyway). */
static void set_tsresol(struct lt_pcapng_if *f, uint8_t v)
{
    if (v & 0x80) {
        unsigned e = v & 0x7fu;
        f->ts_mul = 1000000000u;
        f->ts_div = 1ull << (e > 63 ? 63 : e);
        return;
    }
    uint64_t p10 = 1;
    if (v <= 9) {
        for (unsigned i = v; i < 9; i++)
            p10 *= 10;
        f->ts_mul = p10;
        f->ts_div = 1;
    } else {
        for (unsigned i = 9; i < v && i < 9 + 19; i++)
            p10 *= 10;
        f->ts_mul = 1;
        f->ts_div = p10;
    }
}

/*
 * Walk options in o[0..len) (§3.5): code, length, value padded to 4.
 * Calls back with each option until opt_endofopt or the end; an option that
 * overruns the block ends the walk (the block's packet is still good).
 */
struct opt {
    uint16_t code;
    uint16_t len;
    const uint8_t *val;
};
static bool next_opt(const uint8_t **o, size_t *left, bool sw, struct opt *out)
{
    if (*left < 4)
        return false;
    out->code = lt__ld16(*o, sw);
    out->len = lt__ld16(*o + 2, sw);
    if (out->code == 0 || (size_t)out->len > *left - 4)
        return false;
    out->val = *o + 4;
    size_t step = 4 + (((size_t)out->len + 3) & ~(size_t)3);
    if (step > *left)
        step = *left;
    *o += step;
    *left -= step;
    return true;
}

/* Format r->msg (with the offset appended by the caller's format). */
#define MSG(...) snprintf(r->msg, sizeof r->msg, __VA_ARGS__)

/* IDB (§4.2): one more interface for the current section. b has len bytes. */
static enum lt_err do_idb(struct lt_capture_reader *r, const uint8_t *b,
                          uint32_t len, uint64_t off)
{
    const bool sw = r->ng_swapped;
    /* An id is an index into this table; more than we hold is either a
       corrupt file or one we cannot attribute packets for. */
    if (r->n_if >= LT_PCAPNG_MAX_IF) {
        MSG("more than %u interfaces in one section at offset %" PRIu64,
            LT_PCAPNG_MAX_IF, off);
        return LT_E_MALFORMED;
    }
    struct lt_pcapng_if *f = &r->ifs[r->n_if++];
    f->linktype = lt__ld16(b + 8, sw);
    f->snaplen = lt__ld32(b + 12, sw);
    f->ts_mul = 1000; /* default: microseconds */
    f->ts_div = 1;
    f->ts_offset_s = 0;
    const uint8_t *o = b + 16;
    size_t left = len - 20;
    struct opt op;
    while (next_opt(&o, &left, sw, &op)) {
        if (op.code == IF_TSRESOL && op.len >= 1)
            set_tsresol(f, op.val[0]);
        else if (op.code == IF_TSOFFSET && op.len >= 8)
            f->ts_offset_s = (int64_t)lt__ld64(op.val, sw);
    }
    return LT_OK;
}

/* EPB (§4.3), PB (Appendix A) and SPB (§4.4) into *pkt. */
static enum lt_err do_packet(struct lt_capture_reader *r, uint32_t type,
                             const uint8_t *b, uint32_t len, uint64_t off,
                             struct lt_packet *pkt)
{
    const bool sw = r->ng_swapped;
    if (type == BT_SPB) {
        /* The SPB belongs to interface 0; without one there is no link
           type to decode it with. */
        if (r->n_if == 0) {
            MSG("simple packet block before any interface description at "
                "offset %" PRIu64, off);
            return LT_E_MALFORMED;
        }
        const struct lt_pcapng_if *f = &r->ifs[0];
        const uint32_t origlen = lt__ld32(b + 8, sw);
        uint32_t caplen = len - 16;
        if (origlen < caplen)
            caplen = origlen;
        if (f->snaplen != 0 && f->snaplen < caplen)
            caplen = f->snaplen;
        pkt->data = b + 12;
        pkt->caplen = caplen;
        pkt->origlen = origlen;
        pkt->ts_ns = r->last_ts_ns; /* an SPB has no timestamp */
        pkt->linktype = f->linktype;
        pkt->ifindex = 0;
        pkt->comment.p = NULL;
        pkt->comment.len = 0;
        pkt->custom.p = NULL;
        pkt->custom.len = 0;
        return LT_OK;
    }
    /* EPB and PB share a layout after the interface id. */
    const uint32_t if_id = type == BT_EPB ? lt__ld32(b + 8, sw) : lt__ld16(b + 8, sw);
    if (if_id >= r->n_if) {
        MSG("%s packet block refers to undeclared interface %" PRIu32
            " at offset %" PRIu64, type == BT_EPB ? "enhanced" : "obsolete",
            if_id, off);
        return LT_E_MALFORMED;
    }
    const uint32_t caplen = lt__ld32(b + 20, sw);
    const uint32_t room = len - 32;
    if (caplen > room) {
        MSG("packet caplen %" PRIu32 " exceeds its block (%" PRIu32
            " bytes of data) at offset %" PRIu64, caplen, room, off);
        return LT_E_MALFORMED;
    }
    const struct lt_pcapng_if *f = &r->ifs[if_id];
    const uint64_t ts = (uint64_t)lt__ld32(b + 12, sw) << 32 | lt__ld32(b + 16, sw);
    pkt->data = b + 28;
    pkt->caplen = caplen;
    pkt->origlen = lt__ld32(b + 24, sw);
    pkt->ts_ns = ts_to_ns(ts, f);
    pkt->linktype = f->linktype;
    pkt->ifindex = if_id;
    pkt->comment.p = NULL;
    pkt->comment.len = 0;
    pkt->custom.p = NULL;
    pkt->custom.len = 0;
    r->last_ts_ns = pkt->ts_ns;
    const size_t padded = ((size_t)caplen + 3) & ~(size_t)3;
    size_t left = room - padded;
    if (left >= 4) {
        const uint8_t *o = b + 28 + padded;
        struct opt op;
        while (next_opt(&o, &left, sw, &op)) {
            if (op.code == OPT_COMMENT) {
                pkt->comment.p = op.val;
                pkt->comment.len = op.len;
                break;
            }
        }
    }
    return LT_OK;
}

/* A PCAPdroid custom block (len > 16, framing checked) as a packet-less
   return: pkt->custom is the body after the PEN, up to the trailing length. */
static void custom_block(const struct lt_capture_reader *r, const uint8_t *b,
                         uint32_t len, struct lt_packet *pkt)
{
    pkt->data = NULL;
    pkt->caplen = 0;
    pkt->origlen = 0;
    pkt->ts_ns = r->last_ts_ns;
    pkt->linktype = 0;
    pkt->ifindex = 0;
    pkt->comment.p = NULL;
    pkt->comment.len = 0;
    pkt->custom.p = b + 12;
    pkt->custom.len = len - 16;
}

/*
 * Resynchronisation after a framing error (bad length, trailer mismatch,
 * bad byte-order magic) or an over-cap length.
 *
 * Blocks start at offsets that are multiples of 4 (every length is), so the
 * scan moves 4 bytes at a time from just after the bad block start. A
 * position is taken as the next block when it is plausible:
 *   - a known block type (an unknown type would match random data too often),
 *   - a length >= the type's minimum, a multiple of 4 and <= max_record,
 *   - for an SHB, a valid byte-order magic and major version 1 (the length is
 *     read in the new order); for EPB/PB an interface id we know; for an SPB
 *     an interface 0,
 *   - and the trailing length equal to the leading one.
 * The scan waits (LT_AGAIN) until the whole candidate block is in the window
 * before judging it, so the result never depends on how the stream was cut
 * into chunks; that wait is at most max_record bytes. Once the stream has
 * ended (r->eof) a candidate that cannot be completed is no block and the
 * scan moves on. Skipped bytes are handed back through *used with LT_AGAIN,
 * one return per window rather than one error per word. Cost: O(bytes
 * skipped) plus one trailer load per plausible candidate.
 */
enum cand { CAND_NO, CAND_YES, CAND_WAIT };

/* Is b[0..avail) the start of a plausible block (see above)? CAND_WAIT:
   judging it needs *need bytes. */
static enum cand candidate(const struct lt_capture_reader *r, const uint8_t *b,
                           size_t avail, size_t *need)
{
    if (avail < 16) {
        *need = 16;
        return CAND_WAIT;
    }
    const uint32_t type = lt__ld32(b, r->ng_swapped);
    bool sw = r->ng_swapped;
    if (type == BT_SHB) {
        const uint32_t bom = lt__ld32(b + 8, false);
        if (bom == BOM)
            sw = false;
        else if (bom == __builtin_bswap32(BOM))
            sw = true;
        else
            return CAND_NO;
        if (lt__ld16(b + 12, sw) != 1)
            return CAND_NO;
    } else if (!is_known_type(type)) {
        return CAND_NO;
    } else if (type == BT_EPB && lt__ld32(b + 8, sw) >= r->n_if) {
        return CAND_NO;
    } else if (type == BT_PB && lt__ld16(b + 8, sw) >= r->n_if) {
        return CAND_NO;
    } else if (type == BT_SPB && r->n_if == 0) {
        return CAND_NO;
    }
    const uint32_t len = lt__ld32(b + 4, sw);
    if (len < min_len(type) || len % 4 != 0 || len > r->lim->max_record)
        return CAND_NO;
    if (avail < len) {
        *need = len;
        return CAND_WAIT;
    }
    return lt__ld32(b + len - 4, sw) == len ? CAND_YES : CAND_NO;
}

static bool resync(struct lt_capture_reader *r, const uint8_t *p, size_t n,
                   size_t *pos)
{
    for (;; *pos += 4) {
        const size_t avail = *pos < n ? n - *pos : 0;
        size_t need = 0;
        const enum cand c = candidate(r, p + *pos, avail, &need);
        if (c == CAND_NO || (c == CAND_WAIT && r->eof && avail >= 16))
            continue;
        if (c == CAND_WAIT) {
            r->need = need;
            return false;
        }
        r->resyncing = false;
        r->st->resyncs++;
        return true;
    }
}

/* At the end of the stream: does a plausible block start anywhere in
   p[from..n)? Then a length reaching past the end lied. */
static bool block_follows(const struct lt_capture_reader *r, const uint8_t *p,
                          size_t n, size_t from)
{
    size_t need;
    for (size_t q = from; q < n && n - q >= 16; q += 4)
        if (candidate(r, p + q, n - q, &need) == CAND_YES)
            return true;
    return false;
}

/*
 * A framing error: the block's length cannot be trusted, so neither can
 * the position of the next block. Count it once, then hunt (see resync()).
 */
static enum lt_err framing_error(struct lt_capture_reader *r, size_t *pos)
{
    r->st->corrupt_records++;
    r->resyncing = true;
    *pos += 4;
    return LT_E_MALFORMED;
}

enum lt_err lt__pcapng_next(struct lt_capture_reader *r, const uint8_t *p,
                            size_t n, size_t *used, struct lt_packet *pkt)
{
    size_t pos = 0;
    enum lt_err e;
    if (r->stopped) {
        *used = 0;
        return LT_END;
    }
    const size_t max_rec = r->lim->max_record;
    for (;;) {
        if (r->resyncing && !resync(r, p, n, &pos)) {
            e = LT_AGAIN;
            goto out;
        }
        if (n - pos < 8) {
            r->need = 8;
            e = LT_AGAIN;
            goto out;
        }
        const uint8_t *b = p + pos;
        const uint64_t off = r->off + pos;
        const uint32_t type = lt__ld32(b, r->ng_swapped);
        /* §4.1: a file begins with an SHB; without one this is not pcapng
           (or not the start of it) and nothing tells the byte order. */
        if (!r->started && type != BT_SHB) {
            MSG("first block is not a section header (type 0x%08" PRIx32 ")",
                lt__ld32(b, false));
            r->stopped = true;
            e = LT_E_UNSUPPORTED;
            goto out;
        }
        if (type == BT_SHB) {
            if (n - pos < 16) {
                r->need = 16;
                e = LT_AGAIN;
                goto out;
            }
            /* The byte-order magic sets the order of everything in the
               section, this block's length included (§4.1). */
            const uint32_t bom = lt__ld32(b + 8, false);
            bool sw;
            if (bom == BOM) {
                sw = false;
            } else if (bom == __builtin_bswap32(BOM)) {
                sw = true;
            } else {
                MSG("section header byte-order magic 0x%08" PRIx32
                    " is invalid at offset %" PRIu64, bom, off);
                if (!r->started) {
                    r->stopped = true;
                    e = LT_E_UNSUPPORTED;
                    goto out;
                }
                e = framing_error(r, &pos);
                goto out;
            }
            /* A new major version may change any block layout (§4.1). */
            const uint16_t major = lt__ld16(b + 12, sw);
            if (major != 1) {
                MSG("unsupported pcapng version %u.%u at offset %" PRIu64,
                    (unsigned)major, (unsigned)lt__ld16(b + 14, sw), off);
                r->stopped = true;
                e = LT_E_UNSUPPORTED;
                goto out;
            }
            section_reset(r, sw);
            r->started = true;
        }
        const bool sw = r->ng_swapped;
        const uint32_t len = lt__ld32(b + 4, sw);
        /* §3.1: a block is at least type + length + trailing length, and
           its length is a multiple of 4; otherwise the next block's start is
           unknown: resync. */
        if (len < BLOCK_MIN) {
            MSG("block length %" PRIu32 " is smaller than %u at offset %" PRIu64,
                len, BLOCK_MIN, off);
            e = framing_error(r, &pos);
            goto out;
        }
        if (len % 4 != 0) {
            MSG("block length %" PRIu32 " is not a multiple of 4 at offset %" PRIu64,
                len, off);
            e = framing_error(r, &pos);
            goto out;
        }
        /* Over our cap. Real blocks are at most a snaplen long, so such a
           length is far more often a damaged field than a block, and
           skipping len bytes on its word could drop the rest of the file:
           hunt for the next block from inside it instead (a genuine
           over-cap block is passed over by the hunt at the same cost). */
        if (len > max_rec) {
            MSG("block length %" PRIu32 " exceeds the cap of %zu at offset %" PRIu64,
                len, max_rec, off);
            r->st->record_cap++;
            r->resyncing = true;
            pos += 4;
            e = LT_E_LIMIT;
            goto out;
        }
        if (n - pos < len) {
            /* The stream ended inside the block: the last block cut short,
               unless a sound block follows, which shows the length lied. */
            if (r->eof && block_follows(r, p, n, pos + 4)) {
                MSG("block length %" PRIu32 " runs past the end of the stream at "
                    "offset %" PRIu64, len, off);
                e = framing_error(r, &pos);
                goto out;
            }
            r->need = len;
            e = LT_AGAIN;
            goto out;
        }
        const uint32_t trailer = lt__ld32(b + len - 4, sw);
        if (trailer != len) {
            MSG("block trailing length %" PRIu32 " does not match block length %"
                PRIu32 " at offset %" PRIu64, trailer, len, off);
            e = framing_error(r, &pos);
            goto out;
        }
        pos += len;
        /* From here the framing is sound: a bad body costs this block only,
           and the next block starts right after it. */
        if (len < min_len(type)) {
            MSG("block of type %" PRIu32 " is %" PRIu32 " bytes, shorter than "
                "its fixed fields, at offset %" PRIu64, type, len, off);
            r->st->corrupt_records++;
            e = LT_E_MALFORMED;
            goto out;
        }
        switch (type) {
        case BT_SHB:
            continue;
        case BT_IDB:
            e = do_idb(r, b, len, off);
            if (e == LT_OK)
                continue;
            r->st->corrupt_records++;
            goto out;
        case BT_EPB:
        case BT_SPB:
        case BT_PB:
            e = do_packet(r, type, b, len, off, pkt);
            if (e == LT_OK)
                r->st->packets++;
            else
                r->st->corrupt_records++;
            goto out;
        case BT_CB_COPY:
        case BT_CB_NOCOPY:
            /* §4.8: PEN, then custom data (and options we cannot tell
               apart from it). PCAPdroid's (its UID map) goes to the caller
               as a packet-less return; any other is skipped. */
            if (len > 16 && lt__ld32(b + 8, sw) == PEN_PCAPDROID) {
                custom_block(r, b, len, pkt);
                e = LT_OK;
                goto out;
            }
            r->st->skipped_blocks++;
            continue;
        default:
            r->st->skipped_blocks++;
            continue;
        }
    }
out:
    *used = pos;
    r->off += pos;
    return e;
}
