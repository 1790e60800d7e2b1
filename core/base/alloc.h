/* SPDX-License-Identifier: MIT */
/*
 * alloc.h - the only way core/ allocates (base layer). Tests swap the hooks
 * to inject failures; a failed allocation is LT_E_NOMEM for the caller.
 * The hooks are set once at startup, before any thread starts.
 */
#ifndef LT_BASE_ALLOC_H
#define LT_BASE_ALLOC_H

#include <stddef.h>

struct lt_alloc_hooks {
    void *(*malloc_fn)(size_t n);
    void *(*realloc_fn)(void *p, size_t n);
    void (*free_fn)(void *p);
};

/* Replace the hooks (NULL restores the C library's). Not thread-safe. */
void lt_alloc_set_hooks(const struct lt_alloc_hooks *hooks);

void *lt_malloc(size_t n);
void *lt_calloc(size_t count, size_t size); /* zeroed; NULL on overflow */
void *lt_realloc(void *p, size_t n);
void lt_free(void *p); /* lt_free(NULL) does nothing */
/* A copy of s from lt_malloc, or NULL. */
char *lt_strdup(const char *s);

/* Adapters with the shapes third-party decoders take for custom memory
   (zlib's alloc_func/free_func, zstd's ZSTD_customMem, brotli's
   brotli_alloc_func), so every decoder allocates through the hooks. */
void *lt_alloc_opaque_calloc(void *opaque, unsigned items, unsigned size);
void *lt_alloc_opaque_malloc(void *opaque, size_t n);
void lt_alloc_opaque_free(void *opaque, void *p);

#endif
