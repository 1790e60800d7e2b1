/* SPDX-License-Identifier: MIT */
/*
 * addrmap.h - the manifest's `addresses` (SPEC §3): which device a client
 * IP or MAC address belongs to inside a shared capture, e.g. a router's
 * capture of several phones (conf layer; base/).
 */
#ifndef LT_CONF_ADDRMAP_H
#define LT_CONF_ADDRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "manifest.h"

struct lt_addr_entry {
    uint8_t kind;        /* 4, 6 or 'm' (MAC) */
    uint8_t a[16];       /* IPv4 in the first 4 bytes, MAC in the first 6 */
    uint32_t device;     /* index in the manifest */
};

struct lt_addr_map {
    struct lt_addr_entry *v;   /* owned */
    size_t n;
};

/* Parse every address of every device of m. An address that is neither
   IPv4, IPv6 nor a MAC (aa:bb:cc:dd:ee:ff or with '-') is reported through
   warn and left out. LT_OK or LT_E_NOMEM. */
enum lt_err lt_addr_map_build(const struct lt_manifest *m, struct lt_addr_map *out,
                              lt_warn_fn warn, void *ud);
void lt_addr_map_release(struct lt_addr_map *am);

/* The device index owning an address, or -1. ip: 4 or 16 bytes. */
int lt_addr_map_ip(const struct lt_addr_map *am, uint8_t ip_version,
                   const uint8_t *ip);
int lt_addr_map_mac(const struct lt_addr_map *am, const uint8_t *mac);

#endif
