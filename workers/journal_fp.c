/* SPDX-License-Identifier: MIT */
/* journal_fp.c - the content fingerprint of an input (journal.h). */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/alloc.h"

#define FP_SPAN ((uint64_t)1 << 20) /* bytes hashed at each end */
#define FP_CHUNK ((size_t)256 << 10)

/* Hash [off, off + n) of fd. LT_OK, LT_E_IO (errno; 0: the file is
   shorter) or LT_E_NOMEM. */
static enum lt_err hash_range(EVP_MD_CTX *ctx, int fd, uint8_t *buf,
                              uint64_t off, uint64_t n)
{
    while (n > 0) {
        size_t want = n < FP_CHUNK ? (size_t)n : FP_CHUNK;
        ssize_t r = pread(fd, buf, want, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return LT_E_IO;
        if (r == 0) {
            errno = 0;
            return LT_E_IO;
        }
        if (EVP_DigestUpdate(ctx, buf, (size_t)r) != 1)
            return LT_E_NOMEM;
        off += (uint64_t)r;
        n -= (uint64_t)r;
    }
    return LT_OK;
}

enum lt_err lt_journal_fingerprint(const char *path, uint64_t size,
                                   char out_hex[LT_JOURNAL_FP_HEX],
                                   char *msg, size_t msg_cap)
{
    out_hex[0] = '\0';
    /* O_NONBLOCK: opening a FIFO must not wait for a writer */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(msg, msg_cap, "cannot open '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return LT_E_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(msg, msg_cap, "cannot fingerprint '%s': not a regular file", path);
        close(fd);
        return LT_E_UNSUPPORTED;
    }
    uint8_t *buf = lt_malloc(FP_CHUNK);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    enum lt_err e = buf && ctx ? LT_OK : LT_E_NOMEM;
    /* the size, little-endian, first: same ends, other length, other print */
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(size >> (8 * i));
    if (e == LT_OK && (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
                       EVP_DigestUpdate(ctx, le, sizeof le) != 1))
        e = LT_E_NOMEM;
    /* head, then the tail that does not overlap it: up to 2 MiB, all of it */
    uint64_t head = size < FP_SPAN ? size : FP_SPAN;
    uint64_t tail_off = size - head < FP_SPAN ? head : size - FP_SPAN;
    if (e == LT_OK)
        e = hash_range(ctx, fd, buf, 0, head);
    if (e == LT_OK)
        e = hash_range(ctx, fd, buf, tail_off, size - tail_off);
    uint8_t md[32];
    unsigned md_len = 0;
    if (e == LT_OK && (EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 32))
        e = LT_E_NOMEM;
    if (e == LT_OK) {
        static const char digits[] = "0123456789abcdef";
        for (int i = 0; i < 32; i++) {
            out_hex[2 * i] = digits[md[i] >> 4];
            out_hex[2 * i + 1] = digits[md[i] & 15];
        }
        out_hex[64] = '\0';
    } else if (e == LT_E_IO && errno == 0) {
        snprintf(msg, msg_cap, "'%s' is shorter than %llu bytes: it changed while "
                 "being read", path, (unsigned long long)size);
    } else if (e == LT_E_IO) {
        snprintf(msg, msg_cap, "cannot read '%s': %s", path, strerror(errno));
    } else {
        snprintf(msg, msg_cap, "cannot fingerprint '%s': out of memory", path);
    }
    EVP_MD_CTX_free(ctx);
    lt_free(buf);
    close(fd);
    return e;
}
