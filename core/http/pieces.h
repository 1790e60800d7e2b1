/* SPDX-License-Identifier: MIT */
/*
 * pieces.h - cut an HTTP request into its fields and decode each one
 * (http layer; uses dec/unwrap.h). Location steps (SPEC §4):
 *   url            the path (and each path segment worth decoding)
 *   query:<name>   each query parameter, percent-decoded (`+` is a space)
 *   header:<name>  each header but Cookie, name in lower case
 *   cookie:<name>  each cookie of the Cookie headers
 *   body           the body: by Content-Type (form, JSON, multipart) or by
 *                  sniffing; when the parser undid a Content-Encoding, its
 *                  steps follow ("body", "gzip", ...)
 */
#ifndef LT_HTTP_PIECES_H
#define LT_HTTP_PIECES_H

#include "../dec/unwrap.h"
#include "http1.h"

/* Calls cb for every piece of req, in message order. lt_unwrap_begin() is
   the caller's (one message may hold more than a request later). */
void lt_http_pieces(struct lt_unwrap *u, const struct lt_http_request *req,
                    lt_piece_cb cb, void *ud);

/* The path of a request target: origin-form "/a/b?x" -> "/a/b";
   absolute-form "http://h/a?x" -> "/a". */
struct lt_span lt_http_target_path(struct lt_span target);

#endif
