/* SPDX-License-Identifier: MIT */
/*
 * browsing.h - the browsing detector (SPEC §4 detector "browsing"): URLs of
 * other sites, and the searches in them, sent to a third party (match
 * layer; base/, libpsl, dec/percent.h).
 *
 * browsing_url: an absolute http(s) URL in a decoded piece whose
 * registrable domain (libpsl) differs from the request host's. A
 * JSON-escaped URL (`https:\/\/…`) counts as the URL it encodes.
 * search_query: the search term of such a URL when it is a search (q,
 * query, wd, word, p, text, keywords, search… on a search engine's host or
 * a path that says search), percent/plus-decoded to plain text.
 * Not decided here: which pieces are exempt (Referer and Origin headers):
 * the caller skips them.
 */
#ifndef LT_MATCH_BROWSING_H
#define LT_MATCH_BROWSING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/span.h"

struct lt_browsing; /* read-only after new: psl context, engine table */

struct lt_browsing *lt_browsing_new(void); /* NULL when out of memory */
void lt_browsing_free(struct lt_browsing *b);

/* The registrable domain of host ("a.b.example.co.uk" -> "example.co.uk";
   an IP address or a name without a public suffix: itself, lower-cased,
   port removed) into out; returns its length (0 when out is too small). */
size_t lt_browsing_domain(const struct lt_browsing *b, struct lt_span host,
                          char *out, size_t out_cap);

struct lt_url_hit {
    size_t from, to;         /* the URL as it stands in the piece (for a
                                JSON-escaped one, with its backslashes) */
    struct lt_span url;      /* the URL, unescaped (in scratch) */
    struct lt_span search;   /* the decoded search term (in scratch), or
                                empty when the URL is not a search */
    bool truncated;          /* url was cut at scratch_cap (from/to still
                                span the whole URL); search is then empty
                                unless it fit whole in the rest */
};

typedef void (*lt_url_cb)(void *ud, const struct lt_url_hit *h);

/*
 * lt_browsing_scan() - every third-party URL in data: its registrable
 * domain differs from request_domain (as from lt_browsing_domain). scratch
 * (scratch_cap bytes, caller memory) holds unescaped URLs and search terms
 * for the callback. Pure apart from libpsl lookups (thread-safe).
 * Hits come in order of position, one callback each; h and the scratch
 * bytes it points to are valid only during the callback.
 * A URL longer than scratch_cap is reported cut to scratch_cap bytes
 * (h->truncated) when its host lies inside the cut, else skipped; a search
 * term that does not fit whole in the scratch left after the URL is not
 * reported (search empty). A URL whose host is empty or longer than 253
 * bytes is skipped. After a first-party URL the scan goes on inside it
 * (a third-party URL nested in its query is found); after a reported one,
 * at its end. An empty request_domain makes every URL third-party.
 */
void lt_browsing_scan(const struct lt_browsing *b, struct lt_span data,
                      struct lt_span request_domain, uint8_t *scratch,
                      size_t scratch_cap, lt_url_cb cb, void *ud);

#endif
