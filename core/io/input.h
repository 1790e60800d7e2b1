/* SPDX-License-Identifier: MIT */
/*
 * input.h - open an input file and read its bytes, undoing gzip, zstd or xz
 * as a stream (io layer; base/). The only code that touches input fds.
 * Compression is found from the first bytes, never the file name; several
 * concatenated members/frames/streams are read as one. Memory is fixed per
 * open input (read buffer + decoder state), whatever the file size.
 */
#ifndef LT_IO_INPUT_H
#define LT_IO_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

enum lt_compression { LT_COMP_NONE, LT_COMP_GZIP, LT_COMP_ZSTD, LT_COMP_XZ };

/* Name for summary.json: "none", "gzip", "zstd", "xz". */
const char *lt_compression_name(enum lt_compression c);

struct lt_input_dec; /* decoder state, private to input.c */

struct lt_input {
    int fd;
    enum lt_compression comp;
    uint64_t raw_bytes;        /* bytes read from the file so far */
    uint64_t out_bytes;        /* bytes handed out so far (decompressed) */
    uint64_t file_size;        /* from fstat at open */
    struct lt_input_dec *dec;  /* owned; NULL for LT_COMP_NONE */
    uint8_t *rbuf;             /* owned read buffer for compressed input
                                  (256 KiB); for plain files only the few
                                  sniffed first bytes, handed out first */
    size_t rbuf_len, rbuf_pos;
    int at_eof;                /* the file has no more bytes */
    char msg[256];             /* last error, e.g. "zstd: corrupted block
                                  detected at compressed offset 1234" */
};

/*
 * lt_input_open() - open path for reading and sniff its compression.
 * Returns LT_OK, LT_E_IO (msg has strerror), LT_E_NOMEM.
 * On error nothing needs releasing; on LT_OK call lt_input_close().
 */
enum lt_err lt_input_open(struct lt_input *in, const char *path);

/*
 * lt_input_read() - fill dst[0..cap) with the next decompressed bytes.
 * Returns LT_OK with *got > 0 (possibly fewer than cap), LT_END with
 * *got == 0 at the end of the stream, LT_E_IO (read failed),
 * LT_E_MALFORMED (corrupt compressed data; *got bytes before it are good),
 * LT_E_TRUNCATED (the compressed stream stops mid-frame; *got good bytes).
 * msg explains every error. After an error, further calls return LT_END.
 * How much comes out before an error depends on cap for zstd and xz: zstd
 * reports no progress with an error (what it decoded in the failing step,
 * e.g. a frame whose checksum does not match, is not handed out), and xz
 * decodes ahead into its dictionary, so what it held there when it met the
 * corruption is lost. The bytes that do come out are the same.
 */
enum lt_err lt_input_read(struct lt_input *in, uint8_t *dst, size_t cap,
                          size_t *got);

/* Close the fd and free the decoder; safe to call twice. */
void lt_input_close(struct lt_input *in);

#endif
