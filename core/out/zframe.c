/* SPDX-License-Identifier: MIT */
/*
 * zframe.c - one independent zstd frame per call, compressed straight into
 * the caller's lt_buf after reserving ZSTD_compressBound(n) there. The
 * CCtx (and its tables) is made once and reused; it allocates through the
 * lt_alloc hooks. Frames carry their content size and a checksum, so a
 * torn or corrupted frame is detected by any zstd reader.
 */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createCCtx_advanced: lt_alloc hooks */
#include "zframe.h"

#include <zstd.h>
#include <zstd_errors.h>

#include "../base/alloc.h"

struct lt_zframe {
    ZSTD_CCtx *cc;
    int level;
};

struct lt_zframe *lt_zframe_new(int level)
{
    struct lt_zframe *z = lt_calloc(1, sizeof *z);
    if (!z)
        return NULL;
    ZSTD_customMem mem = { lt_alloc_opaque_malloc, lt_alloc_opaque_free, NULL };
    z->cc = ZSTD_createCCtx_advanced(mem);
    z->level = level;
    if (!z->cc ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z->cc, ZSTD_c_compressionLevel, level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z->cc, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z->cc, ZSTD_c_contentSizeFlag, 1))) {
        lt_zframe_free(z);
        return NULL;
    }
    return z;
}

void lt_zframe_free(struct lt_zframe *z)
{
    if (!z)
        return;
    ZSTD_freeCCtx(z->cc);
    lt_free(z);
}

enum lt_err lt_zframe_compress(struct lt_zframe *z, const void *src, size_t n,
                               struct lt_buf *dst)
{
    const size_t bound = ZSTD_compressBound(n);
    /* 0 (or an error code) means n is past what zstd can take at all */
    if (bound == 0 || ZSTD_isError(bound))
        return LT_E_LIMIT;
    LT_TRY(lt_buf_reserve(dst, bound));
    /* a failed previous call may have left a frame half done */
    ZSTD_CCtx_reset(z->cc, ZSTD_reset_session_only);
    const size_t r = ZSTD_compress2(z->cc, dst->p + dst->len, dst->cap - dst->len,
                                    n ? src : "", n);
    if (ZSTD_isError(r))
        return ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? LT_E_NOMEM
                                                                    : LT_E_MALFORMED;
    dst->len += r;
    return LT_OK;
}
