/* SPDX-License-Identifier: MIT */
/*
 * http1_int.h - http1.c internals for its tests and fuzz target only.
 */
#ifndef LT_HTTP_HTTP1_INT_H
#define LT_HTTP_HTTP1_INT_H

#include <stdbool.h>

#include "http1.h"

/*
 * Turn off the check of fed-chunk starts while hunting (and after the hunt
 * budget gave the direction up): the one rule whose result depends on
 * where the chunks start. Split-invariance checks over arbitrary bytes run
 * without it; call before the first feed. On by default.
 */
void lt__http_set_chunk_hunt(struct lt_http_parser *hp, bool on);

#endif
