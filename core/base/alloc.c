/* SPDX-License-Identifier: MIT */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct lt_alloc_hooks hooks = { malloc, realloc, free };

void lt_alloc_set_hooks(const struct lt_alloc_hooks *h)
{
    if (h) {
        hooks = *h;
    } else {
        hooks.malloc_fn = malloc;
        hooks.realloc_fn = realloc;
        hooks.free_fn = free;
    }
}

void *lt_malloc(size_t n)
{
    return hooks.malloc_fn(n ? n : 1);
}

void *lt_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = lt_malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *lt_realloc(void *p, size_t n)
{
    return hooks.realloc_fn(p, n ? n : 1);
}

void lt_free(void *p)
{
    if (p)
        hooks.free_fn(p);
}

char *lt_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = lt_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void *lt_alloc_opaque_calloc(void *opaque, unsigned items, unsigned size)
{
    (void)opaque;
    return lt_calloc(items, size);
}

void *lt_alloc_opaque_malloc(void *opaque, size_t n)
{
    (void)opaque;
    return lt_malloc(n);
}

void lt_alloc_opaque_free(void *opaque, void *p)
{
    (void)opaque;
    lt_free(p);
}
