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
