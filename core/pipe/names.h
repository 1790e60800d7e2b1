/* SPDX-License-Identifier: MIT */
/*
 * names.h - names of the addresses a capture talks to, from the DNS
 * answers seen earlier in the same file (pipe layer; proto/dns.h). A flow
 * without an HTTP Host or a TLS server name is named by the last name that
 * resolved to its destination. The table has a fixed size: when full, the
 * oldest names are overwritten (a ring), so memory never grows.
 */
#ifndef LT_PIPE_NAMES_H
#define LT_PIPE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/stats.h"

#define LT_NAMES_LEN 128  /* longer names are cut (they are only labels) */

struct lt_name_entry {
    uint8_t addr[16];
    uint8_t ip_version;      /* 0: empty */
    char name[LT_NAMES_LEN];
};

struct lt_names {
    struct lt_name_entry *v; /* owned, cap entries */
    uint32_t cap;
    uint32_t next;           /* ring position of the next insertion */
};

/* LT_OK or LT_E_NOMEM. cap entries (at least 1). */
enum lt_err lt_names_init(struct lt_names *nm, uint32_t cap);
void lt_names_release(struct lt_names *nm);
/* Forget everything (a new file). */
void lt_names_reset(struct lt_names *nm);

/* A DNS message (UDP payload, or a TCP message without its length): a
   query is counted; a response's A/AAAA answers are learnt under the name
   that was asked. Bad messages are ignored (not every port-53 packet is
   DNS). */
void lt_names_dns(struct lt_names *nm, const uint8_t *p, size_t n,
                  struct lt_stats *st);

/* Remember name[0..len) for addr (a QUIC server name: the UDP flow is not
   tracked, but the address's later flows are named by it). */
void lt_names_learn(struct lt_names *nm, uint8_t ip_version,
                    const uint8_t *addr, const char *name, size_t len);

/* The name of addr, or NULL. Linear in the table size: called once per
   flow, at its end. */
const char *lt_names_lookup(const struct lt_names *nm, uint8_t ip_version,
                            const uint8_t *addr);

#endif
