/* SPDX-License-Identifier: MIT */
/*
 * tb_buf.h - test and bench helpers: a growable byte buffer that aborts on
 * allocation failure (fixtures only, never core/), and a seeded RNG.
 */
#ifndef TB_BUF_H
#define TB_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tb_buf {
    uint8_t *p;
    size_t len, cap;
};

void tb_buf_put(struct tb_buf *b, const void *src, size_t n);
void tb_buf_puts(struct tb_buf *b, const char *s);
void tb_buf_printf(struct tb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tb_buf_u8(struct tb_buf *b, uint8_t v);
void tb_buf_be16(struct tb_buf *b, uint16_t v);
void tb_buf_be32(struct tb_buf *b, uint32_t v);
void tb_buf_le16(struct tb_buf *b, uint16_t v);
void tb_buf_le32(struct tb_buf *b, uint32_t v);
void tb_buf_zero(struct tb_buf *b, size_t n);
bool tb_buf_eq(const struct tb_buf *a, const struct tb_buf *b);
void tb_buf_release(struct tb_buf *b);

/* Write b to path (tests write captures into a temp dir); aborts on error. */
void tb_buf_write_file(const struct tb_buf *b, const char *path);

/* xorshift64*: deterministic for a seed, never 0 state. */
struct tb_rng {
    uint64_t s;
};
static inline struct tb_rng tb_rng_seed(uint64_t seed)
{
    struct tb_rng r = { seed ? seed : 0x9e3779b97f4a7c15ull };
    return r;
}
static inline uint64_t tb_rng_next(struct tb_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}
/* Uniform in [0, n) (n > 0). */
static inline uint64_t tb_rng_below(struct tb_rng *r, uint64_t n)
{
    return tb_rng_next(r) % n;
}

/* Make a fresh empty directory under $TMPDIR (or /tmp) and return its path
   (static storage per call: copy it). Aborts on error. */
const char *tb_tempdir(const char *tag);

#endif
