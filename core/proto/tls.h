/* SPDX-License-Identifier: MIT */
/*
 * tls.h - the server name of a TLS ClientHello (RFC 8446 §4.1.2, RFC 6066
 * §3) at the start of a client's TCP stream, on any port (proto layer;
 * base/). The handshake message may span several TLS records and several
 * segments: the caller hands in the stream's first bytes (up to 16 KiB).
 */
#ifndef LT_PROTO_TLS_H
#define LT_PROTO_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/span.h"

/*
 * lt_tls_sni() - from the first n bytes of a client stream: LT_OK with
 * *sni pointing into out (out_cap bytes of caller memory: the name, lower
 * case, may have to be reassembled from records); LT_AGAIN (looks like a
 * ClientHello but more bytes are needed; *need = how many in total);
 * LT_E_UNSUPPORTED (not a TLS handshake / no server_name extension);
 * LT_E_MALFORMED (a ClientHello with impossible lengths).
 *
 * Details: p must start at stream offset 0 (the first record header:
 * content type 22, version 3.0..3.4, length 1..2^14); anything else there,
 * an SSLv2-style hello, or a first handshake message other than a
 * ClientHello is LT_E_UNSUPPORTED, as is a ClientHello without a host_name
 * in server_name (the outer name is reported when ECH is used). The fields
 * are read in order and reading stops at server_name: bytes after it are
 * not validated, so a name can be returned before the whole message is in,
 * and every prefix of a stream gives LT_AGAIN or the same answer as the
 * whole stream (with the same out_cap). The name must be 1..255 bytes of
 * [A-Za-z0-9._-] (one final dot is dropped), else LT_E_MALFORMED; *sni is
 * it lower-cased, in out, valid until out is reused. A message spanning
 * records is reassembled into out: LT_E_LIMIT when the name lies beyond
 * its first out_cap bytes, or (one record) the name is longer than out_cap;
 * 16 KiB is enough for every real hello.
 * *need (set on LT_AGAIN, else 0): a stream length with which the call is
 * sure to progress (the end of the record or message being read); calling
 * again earlier is allowed (the name may already be in).
 * Pure: no allocation, safe from any thread.
 */
enum lt_err lt_tls_sni(const uint8_t *p, size_t n, uint8_t *out,
                       size_t out_cap, struct lt_span *sni, size_t *need);

#endif
