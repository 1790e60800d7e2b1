/* SPDX-License-Identifier: MIT */
#include "span.h"

static inline uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

int lt_span_ieq_cstr(struct lt_span a, const char *s)
{
    size_t n = strlen(s);
    if (n != a.len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(a.p[i]) != lower((uint8_t)s[i]))
            return 0;
    return 1;
}
