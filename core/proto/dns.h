/* SPDX-License-Identifier: MIT */
/*
 * dns.h - DNS messages (RFC 1035) over UDP, and over TCP with the 2-byte
 * length prefix (proto layer; base/). Pure: names are decoded (with
 * compression pointers, loop-safe) into caller memory.
 */
#ifndef LT_PROTO_DNS_H
#define LT_PROTO_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

#define LT_DNS_NAME_MAX 256  /* text form, dots included, NUL-terminated */

struct lt_dns_answer {
    char name[LT_DNS_NAME_MAX];  /* owner name, lower case, no final dot */
    uint16_t type;               /* 1 A, 28 AAAA, 5 CNAME, ... */
    uint8_t addr[16];            /* A: first 4 bytes; AAAA: 16 */
    char target[LT_DNS_NAME_MAX];/* CNAME target */
};

struct lt_dns_msg {
    uint16_t id;
    bool is_response;
    char qname[LT_DNS_NAME_MAX]; /* first question, lower case; "" if none */
    uint16_t qtype;
};

typedef void (*lt_dns_answer_cb)(void *ud, const struct lt_dns_answer *a);

/*
 * lt_dns_parse() - parse one DNS message p[0..n) (UDP payload, or a TCP
 * message without its length prefix). Fills *m; calls cb (may be NULL) for
 * each A, AAAA and CNAME answer. LT_OK; LT_E_MALFORMED (not DNS: bad
 * counts, names running off the end, pointer loops); LT_E_TRUNCATED.
 *
 * Details: *m is filled as far as the message was read (qname "" unless
 * the first question was whole). Names are text as dig prints them:
 * lower case, no final dot, "" for the root, '.' and '\' inside a label
 * escaped with '\', bytes outside 0x21..0x7e as \DDD; a name whose text
 * would not fit LT_DNS_NAME_MAX (only possible with escapes) makes the
 * message LT_E_MALFORMED. Compression pointers must point strictly
 * backwards, past the header (at most 64 jumps, 255 wire octets). qdcount > 16 or
 * an+ns+arcount > 512 is LT_E_MALFORMED. Every record of every section is
 * validated (rdata inside the message; A rdlength 4, AAAA 16, CNAME rdata
 * exactly one name, in class IN); trailing bytes after the last one are
 * ignored. LT_E_TRUNCATED: the message ends inside the header, a question
 * or a record (a name whose inline labels run past n included); a name
 * running off the end through a pointer, or past its rdata, is malformed.
 * cb is called only for a response (QR=1) to a standard query (opcode 0),
 * for class IN records of the answer section, in message order, with a
 * borrowed *a valid during the call. On LT_E_MALFORMED it is never called;
 * on LT_E_TRUNCATED it is called for the answers that arrived whole.
 * Pure: no allocation, safe from any thread.
 */
enum lt_err lt_dns_parse(const uint8_t *p, size_t n, struct lt_dns_msg *m,
                         lt_dns_answer_cb cb, void *ud);

#endif
