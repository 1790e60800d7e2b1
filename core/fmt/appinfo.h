/* SPDX-License-Identifier: MIT */
/*
 * appinfo.h - which app sent a packet, from the metadata capture apps
 * leave in their files (fmt layer; base/ and zlib only). Pure parsers over
 * memory: no allocation, no state, every input byte may be garbage.
 *
 *   PCAPdroid pcap + "dump extensions": a 32-byte trailer after each IP
 *     packet (lt_pcapdroid_trailer).
 *   PCAPdroid pcapng: EPB opt_comment "u-<uid>" (lt_epb_comment_uid) and a
 *     Custom Block with PEN 62652 mapping each UID to a package and an app
 *     name (lt_pcapdroid_uid_map; the capture reader hands its body over as
 *     struct lt_packet.custom).
 *   AntMonitor pcapng: EPB opt_comment "<appName>#<version>"
 *     (lt_epb_comment_app).
 *
 * Sources: PCAPdroid app/src/main/jni/core/pcap_dump.[ch] and its Wireshark
 * dissector tools/pcapdroid.lua; AntMonitor PcapngFile.java /
 * AMPacketConsumer.java (see shared/notes/leak-detectors.md §2.3, §2.11).
 * Names and package names are raw bytes from the file: not validated as
 * UTF-8, not escaped; the caller escapes them on output.
 */
#ifndef LT_FMT_APPINFO_H
#define LT_FMT_APPINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/span.h"

#define LT_PCAPDROID_PEN 62652u
#define LT_PCAPDROID_MAGIC 0x01072021u
#define LT_PCAPDROID_TRAILER_LEN 32u
#define LT_PCAPDROID_APPNAME_LEN 20u

/* PCAPdroid's trailer, decoded. */
struct lt_pcapdroid_trailer {
    int32_t uid;                                 /* Android app UID (-1: unknown) */
    char app[LT_PCAPDROID_APPNAME_LEN + 1];      /* up to the first NUL, NUL-terminated */
};

enum lt_pdt_result {
    LT_PDT_NONE,    /* no trailer: the frame is not PCAPdroid's */
    LT_PDT_OK,      /* trailer found, CRC matches */
    LT_PDT_BAD_CRC, /* trailer shape and magic, CRC mismatch */
};

/*
 * lt_pcapdroid_trailer_parse() - look for PCAPdroid's trailer in an
 * Ethernet (LINKTYPE 1) frame of caplen bytes. Layout, as PCAPdroid writes
 * it: a 14-byte Ethernet header with both MACs zero and EtherType 0x0800 or
 * 0x86DD; the IP packet; 0-3 zero bytes so that the trailer starts at a
 * multiple of 4 from the frame start; then 32 bytes:
 *   magic 0x01072021 (big-endian), uid (int32, big-endian), app name
 *   (20 bytes, NUL-padded, truncated), fcs = zlib CRC-32 of frame[0 ..
 *   caplen - 4) (everything before the fcs, Ethernet header included),
 *   stored little-endian (host order of an Android device).
 * A frame is taken as PCAPdroid's (not LT_PDT_NONE) only when all of: caplen
 * >= 14 + 32 and a multiple of 4, zero MACs, one of the two EtherTypes, the
 * magic at caplen - 32. Then:
 *   *payload_len = caplen - 32 - padding: the bytes the caller decodes
 *   (Ethernet header + IP packet), never the trailer. The padding is taken
 *   from the IP header's length field (IPv4 total length, IPv6 40 + payload
 *   length) when that leaves 0-3 zero bytes before the trailer; otherwise
 *   (length field garbage or 0 as in TSO frames) padding is 0.
 *   LT_PDT_OK: the CRC matches; *t holds uid and app name.
 *   LT_PDT_BAD_CRC: the CRC differs: the trailer is still stripped (its
 *   shape and magic make it PCAPdroid's; decoding it as payload would be
 *   worse) but its contents are untrusted: t->uid = -1, t->app = "".
 * LT_PDT_NONE: *payload_len = caplen, *t as for a bad CRC.
 * frame may be NULL when caplen is 0. Cost: one CRC-32 pass over the frame
 * (zlib's, several GB/s) when the cheap checks pass, else O(1).
 */
enum lt_pdt_result lt_pcapdroid_trailer_parse(const uint8_t *frame, size_t caplen,
                                              struct lt_pcapdroid_trailer *t,
                                              size_t *payload_len);

/* true iff lt_pcapdroid_trailer_parse() gives LT_PDT_OK; *t and
   *payload_len are set in every case as that function sets them (so a bad
   CRC returns false with the trailer stripped from *payload_len). */
bool lt_pcapdroid_trailer(const uint8_t *frame, size_t caplen,
                          struct lt_pcapdroid_trailer *t, size_t *payload_len);

/* Called once per UID map entry. package and app are borrowed from the
   custom body given to lt_pcapdroid_uid_map (valid as long as it is); either
   may be empty. */
typedef void (*lt_uid_cb)(void *ud, int32_t uid, struct lt_span package,
                          struct lt_span app);

/*
 * lt_pcapdroid_uid_map() - parse a PCAPdroid custom block body, i.e.
 * struct lt_packet.custom: the bytes AFTER the PEN (the reader has checked
 * PEN == 62652 and stripped it) up to the block's trailing length. Layout
 * (PCAPdroid pcap_dump.h, PCAPDROID_PCAPNG_VERSION 1):
 *   u16 version = 1, u8 type (1 = UID map), u8 reserved,
 *   int32 uid, u8 package_len, u8 app_len, package, app, zero padding.
 * PCAPdroid writes these in host order (little-endian on Android); like
 * its Wireshark dissector we take the byte order from the version field
 * (01 00 = little-endian, 00 01 = big-endian) and read uid in that order.
 * One block carries one entry (PCAPdroid emits one block per UID, before
 * that UID's first packet); bytes after the app name are ignored.
 * Returns true and calls cb once when the body is a version-1 UID map whose
 * names fit in it; false (cb not called) for anything else: another
 * version or type, a body shorter than 10 bytes or than the names claim.
 */
bool lt_pcapdroid_uid_map(struct lt_span custom_body, lt_uid_cb cb, void *ud);

/*
 * lt_epb_comment_uid() - PCAPdroid's EPB comment "u-<uid>": "u-" then an
 * optional '-' and 1-10 decimal digits within int32 range, nothing else
 * (trailing NUL bytes, as some writers include the terminator, are
 * ignored). "u-10123" -> 10123, "u--1" -> -1. false: *uid untouched.
 */
bool lt_epb_comment_uid(struct lt_span comment, int32_t *uid);

/*
 * lt_epb_comment_app() - AntMonitor's EPB comment "<appName>#<version>":
 * *app = the bytes before the LAST '#' (a name may contain '#', a version
 * does not), borrowed from comment. The version part may be empty; the
 * name may not. Trailing NULs are ignored. false (no '#', empty name):
 * *app untouched.
 */
bool lt_epb_comment_app(struct lt_span comment, struct lt_span *app);

#endif
