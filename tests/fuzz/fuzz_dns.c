/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dns.c - lt_dns_parse on arbitrary bytes. Input: the whole input is
 * one DNS message. Invariants: a defined code; names NUL-terminated, lower
 * case, printable, no unescaped final dot; answers only A/AAAA/CNAME, none
 * on LT_E_MALFORMED; the message fields are the same with and without a
 * callback.
 */
#include <stdlib.h>
#include <string.h>

#include "core/proto/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *s)
{
    const size_t k = strnlen(s, LT_DNS_NAME_MAX);
    if (k == LT_DNS_NAME_MAX)
        abort();
    for (size_t i = 0; i < k; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c > 0x7e || (c >= 'A' && c <= 'Z'))
            abort();
    }
    if (k && s[k - 1] == '.' && (k < 2 || s[k - 2] != '\\'))
        abort();
}

static void on_answer(void *ud, const struct lt_dns_answer *a)
{
    (*(int *)ud)++;
    if (a->type != 1 && a->type != 5 && a->type != 28)
        abort();
    check_name(a->name);
    check_name(a->target);
    if (a->type != 5 && a->target[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lt_dns_msg m1, m2;
    int n_ans = 0;
    const enum lt_err e = lt_dns_parse(data, size, &m1, on_answer, &n_ans);
    if (e != LT_OK && e != LT_E_TRUNCATED && e != LT_E_MALFORMED)
        abort();
    if (e == LT_E_MALFORMED && n_ans)
        abort();
    check_name(m1.qname);
    if (lt_dns_parse(data, size, &m2, NULL, NULL) != e || memcmp(&m1, &m2, sizeof m1))
        abort();
    return 0;
}
