/* SPDX-License-Identifier: MIT */
#include "tsv.h"

#include <inttypes.h>
#include <stdio.h>

enum lt_err lt_tsv_field(struct lt_buf *b, struct lt_span s)
{
    size_t run = 0; /* bytes that need no escape, appended in one go */
    for (size_t i = 0; i < s.len; i++) {
        const char *esc = NULL;
        switch (s.p[i]) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        case '\n': esc = "\\n"; break;
        default: continue;
        }
        LT_TRY(lt_buf_append(b, s.p + run, i - run));
        LT_TRY(lt_buf_append(b, esc, 2));
        run = i + 1;
    }
    return lt_buf_append(b, s.p + run, s.len - run);
}

enum lt_err lt_tsv_request_row(struct lt_buf *b, const char *capture,
                               uint64_t frame, struct lt_span host,
                               struct lt_span method, struct lt_span uri)
{
    char num[24];
    int n = snprintf(num, sizeof num, "\t%" PRIu64 "\t", frame);
    LT_TRY(lt_tsv_field(b, lt_span_cstr(capture)));
    LT_TRY(lt_buf_append(b, num, (size_t)n));
    LT_TRY(lt_tsv_field(b, host));
    LT_TRY(lt_buf_append(b, "\t", 1));
    LT_TRY(lt_tsv_field(b, method));
    LT_TRY(lt_buf_append(b, "\t", 1));
    LT_TRY(lt_tsv_field(b, uri));
    return lt_buf_append(b, "\n", 1);
}
