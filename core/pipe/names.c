/* SPDX-License-Identifier: MIT */
#include "names.h"

#include <stdio.h>
#include <string.h>

#include "../base/alloc.h"
#include "../proto/dns.h"

enum lt_err lt_names_init(struct lt_names *nm, uint32_t cap)
{
    nm->cap = cap ? cap : 1;
    nm->next = 0;
    nm->v = lt_calloc(nm->cap, sizeof *nm->v);
    return nm->v ? LT_OK : LT_E_NOMEM;
}

void lt_names_release(struct lt_names *nm)
{
    lt_free(nm->v);
    nm->v = NULL;
}

void lt_names_reset(struct lt_names *nm)
{
    memset(nm->v, 0, (size_t)nm->cap * sizeof *nm->v);
    nm->next = 0;
}

struct learn {
    struct lt_names *nm;
    const char *qname;
    struct lt_stats *st;
};

void lt_names_learn(struct lt_names *nm, uint8_t ip_version,
                    const uint8_t *addr, const char *name, size_t len)
{
    struct lt_name_entry *e = &nm->v[nm->next];
    nm->next = (nm->next + 1) % nm->cap;
    memset(e, 0, sizeof *e);
    e->ip_version = ip_version;
    memcpy(e->addr, addr, ip_version == 4 ? 4 : 16);
    if (len > sizeof e->name - 1)
        len = sizeof e->name - 1;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
}

static void on_answer(void *ud, const struct lt_dns_answer *a)
{
    struct learn *l = ud;
    if (a->type != 1 && a->type != 28)
        return;
    /* the name the client asked for says more than the last CNAME */
    const char *name = l->qname[0] ? l->qname : a->name;
    lt_names_learn(l->nm, a->type == 1 ? 4 : 6, a->addr, name,
                   strnlen(name, LT_NAMES_LEN));
    if (l->st)
        l->st->dns_answers++;
}

void lt_names_dns(struct lt_names *nm, const uint8_t *p, size_t n,
                  struct lt_stats *st)
{
    struct lt_dns_msg m;
    struct learn l = { nm, m.qname, st };
    /* the question comes before the answers: qname is set by the time
       on_answer runs */
    if (lt_dns_parse(p, n, &m, on_answer, &l) == LT_OK && !m.is_response && st)
        st->dns_queries++;
}

const char *lt_names_lookup(const struct lt_names *nm, uint8_t ip_version,
                            const uint8_t *addr)
{
    size_t len = ip_version == 4 ? 4 : 16;
    /* newest first: the ring runs backwards from next */
    for (uint32_t k = 0; k < nm->cap; k++) {
        const struct lt_name_entry *e = &nm->v[(nm->next + nm->cap - 1 - k) % nm->cap];
        if (!e->ip_version)
            return NULL; /* the ring has not wrapped: nothing older */
        if (e->ip_version == ip_version && !memcmp(e->addr, addr, len))
            return e->name;
    }
    return NULL;
}
