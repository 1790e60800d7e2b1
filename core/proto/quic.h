/* SPDX-License-Identifier: MIT */
/*
 * quic.h - the server name in a client's QUIC Initial packets (RFC 9000
 * §12.2, §17.2; RFC 9001 §5; RFC 9369 for QUIC v2) (proto layer; base/,
 * proto/tls.h, OpenSSL libcrypto for HMAC-SHA256 and AES-128).
 */
#ifndef LT_PROTO_QUIC_H
#define LT_PROTO_QUIC_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/span.h"

#define LT_QUIC_V1 0x00000001u
#define LT_QUIC_V2 0x6b3343cfu

/* Scratch that always suffices: the largest UDP payload + 16 KiB + 5. */
#define LT_QUIC_SCRATCH_MAX (65535u + 16384u + 5u)

/*
 * lt_quic_initial_sni() - the TLS server_name in the client Initial
 * packets of one UDP datagram (udp_payload, n bytes, borrowed for the
 * call). Walks the coalesced long-header packets of the datagram; each
 * Initial of version 1 or 2 is unprotected with the keys derived from its
 * Destination Connection ID, decrypted (AES-128-GCM), and its CRYPTO
 * frames are placed at their offsets; then the bytes contiguous from
 * crypto offset 0 are read as a TLS ClientHello (lt_tls_sni).
 *
 * Returns:
 *  LT_OK            *sni is the name, lower case, in out (out_cap bytes of
 *                   caller memory, 256 suffice), valid until out is reused.
 *  LT_AGAIN         Initial packets decrypted, but the name is not within
 *                   the crypto bytes contiguous from offset 0 (the
 *                   ClientHello continues in later datagrams, or this
 *                   datagram carries no CRYPTO data from offset 0).
 *                   Reassembly across datagrams is not done: callers give
 *                   up or try the flow's next client datagram.
 *  LT_E_UNSUPPORTED not QUIC / a short header first / a version other than
 *                   1 and 2 / version negotiation / no Initial packet /
 *                   the crypto stream is not a ClientHello or it has no
 *                   server_name.
 *  LT_E_MALFORMED   impossible lengths in the first packet's header (a
 *                   datagram cut short included), an AEAD tag that does
 *                   not verify (also: a server's Initial, which uses other
 *                   keys), undecodable frames, or an invalid name, when no
 *                   name was found.
 *  LT_E_LIMIT       scratch_cap is too small for the largest Initial's
 *                   payload plus 6 bytes, or the name lies beyond the
 *                   crypto bytes that fit in scratch (at most 16 KiB).
 *  LT_E_NOMEM       libcrypto failed to make a context.
 *
 * Details: only packets with the first packet's Destination Connection ID
 * are read (RFC 9000 §12.2); bytes after the last parsable packet, a
 * Retry or a version-negotiation packet end the walk without error, as do
 * errors in any packet but the first. Frames read: PADDING, PING, ACK,
 * CRYPTO; any other frame ends a packet's frames. The packet number is
 * decoded as the first in its space (largest acknowledged unknown). At
 * most 32 disjoint CRYPTO ranges are tracked; extra ones are dropped.
 * scratch (scratch_cap bytes, caller memory, contents undefined after the
 * call) holds the decrypted payload and the reassembled crypto stream:
 * LT_QUIC_SCRATCH_MAX always suffices, n + 16 KiB + 5 is enough for any
 * datagram of n bytes. Never reads past n. Not constant time.
 * Cost: allocates one OpenSSL cipher context per call (call it only for
 * the first client datagrams of a UDP flow), no other allocation; safe
 * from any thread.
 */
enum lt_err lt_quic_initial_sni(const uint8_t *udp_payload, size_t n,
                                uint8_t *scratch, size_t scratch_cap,
                                uint8_t *out, size_t out_cap,
                                struct lt_span *sni);

/*
 * lt_quic_initial_keys() - the client Initial key (16 bytes), iv (12) and
 * header-protection key (16) for a Destination Connection ID (RFC 9001
 * §5.2, RFC 9369 §3.3.1). LT_E_UNSUPPORTED for versions other than
 * LT_QUIC_V1 and LT_QUIC_V2, LT_E_NOMEM when libcrypto fails.
 */
enum lt_err lt_quic_initial_keys(uint32_t version, const uint8_t *dcid,
                                 size_t dcid_len, uint8_t key[16],
                                 uint8_t iv[12], uint8_t hp[16]);

#endif
