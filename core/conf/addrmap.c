/* SPDX-License-Identifier: MIT */
#include "addrmap.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/ascii.h"


/* aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff */
static int parse_mac(const char *s, uint8_t *out)
{
    if (strlen(s) != 17)
        return 0;
    for (int i = 0; i < 6; i++) {
        int h = lt_hex_digit((uint8_t)s[3 * i]), l = lt_hex_digit((uint8_t)s[3 * i + 1]);
        if (h < 0 || l < 0 || (i < 5 && s[3 * i + 2] != ':' && s[3 * i + 2] != '-'))
            return 0;
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 1;
}

enum lt_err lt_addr_map_build(const struct lt_manifest *m, struct lt_addr_map *out,
                              lt_warn_fn warn, void *ud)
{
    size_t total = 0;
    out->v = NULL;
    out->n = 0;
    for (size_t d = 0; d < m->n_devices; d++)
        total += m->devices[d].n_addresses;
    if (!total)
        return LT_OK;
    out->v = lt_calloc(total, sizeof *out->v);
    if (!out->v)
        return LT_E_NOMEM;
    for (size_t d = 0; d < m->n_devices; d++)
        for (size_t i = 0; i < m->devices[d].n_addresses; i++) {
            const char *text = m->devices[d].addresses[i];
            struct lt_addr_entry *e = &out->v[out->n];
            memset(e, 0, sizeof *e);
            e->device = (uint32_t)d;
            if (inet_pton(AF_INET, text, e->a) == 1)
                e->kind = 4;
            else if (inet_pton(AF_INET6, text, e->a) == 1)
                e->kind = 6;
            else if (parse_mac(text, e->a))
                e->kind = 'm';
            if (e->kind) {
                out->n++;
            } else if (warn) {
                char msg[512];
                snprintf(msg, sizeof msg, "manifest: address '%.200s' of device "
                         "'%.200s' is not an IP or MAC address; ignored", text,
                         m->devices[d].id);
                warn(ud, msg);
            }
        }
    return LT_OK;
}

void lt_addr_map_release(struct lt_addr_map *am)
{
    lt_free(am->v);
    am->v = NULL;
    am->n = 0;
}

int lt_addr_map_ip(const struct lt_addr_map *am, uint8_t ip_version,
                   const uint8_t *ip)
{
    size_t len = ip_version == 4 ? 4 : 16;
    for (size_t i = 0; i < am->n; i++)
        if (am->v[i].kind == ip_version && !memcmp(am->v[i].a, ip, len))
            return (int)am->v[i].device;
    return -1;
}

int lt_addr_map_mac(const struct lt_addr_map *am, const uint8_t *mac)
{
    for (size_t i = 0; i < am->n; i++)
        if (am->v[i].kind == 'm' && !memcmp(am->v[i].a, mac, 6))
            return (int)am->v[i].device;
    return -1;
}
