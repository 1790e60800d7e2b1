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
 */
enum lt_err lt_tls_sni(const uint8_t *p, size_t n, uint8_t *out,
                       size_t out_cap, struct lt_span *sni, size_t *need);

#endif
