/* SPDX-License-Identifier: MIT */
/*
 * fuzz_jsonw.c - the JSON writer and record writer on arbitrary bytes.
 * Input: byte 0 picks the --values mode and whether a key is present,
 * byte 1 a small buffer cap (to hit LT_E_LIMIT part way), the rest is the
 * string. It is written as a string value and in every string field of a
 * record: whole in url, key and value, its first SHORT bytes in the others
 * (the same escaper writes them all; parsing eleven full copies per input
 * made the oracle most of the time). Oracles: jansson parses the output; the string
 * reads back equal to the input when the input is valid UTF-8 without NUL,
 * and equal to the reference decoding (tb_jsonw_ref.h: invalid bytes as
 * U+00XX) always; the escaped bytes equal the reference escaper's; a capped
 * write either gives the same bytes or fails leaving the buffer as it was.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/out/jsonw.h"
#include "core/out/record.h"
#include "tb_buf.h"
#include "tb_jsonw_ref.h"

#define SHORT 128 /* bytes of the input in the record's other fields */

#define CHECK(c)       \
    do {               \
        if (!(c))      \
            abort();   \
    } while (0)

/* v is a string equal to prefix followed by want (the reference decoding
   of the input, computed once per input). */
static void check_string(json_t *v, const char *prefix, const struct tb_buf *want)
{
    const size_t k = prefix ? strlen(prefix) : 0;
    CHECK(json_is_string(v));
    CHECK(json_string_length(v) == k + want->len);
    CHECK(memcmp(json_string_value(v), prefix ? prefix : "", k) == 0);
    CHECK(want->len == 0 || memcmp(json_string_value(v) + k, want->p, want->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 65536)
        return 0;
    const enum lt_values_mode mode = (enum lt_values_mode)(data[0] % 3);
    const int has_key = data[0] >> 2 & 1;
    const size_t small_cap = (size_t)data[1] * 4;
    const uint8_t *s = data + 2;
    const size_t n = size - 2;

    int exact = 1;
    for (size_t i = 0; i < n;) {
        size_t k = tb_utf8_seq(s + i, n - i);
        if (!k || s[i] == 0) {
            exact = 0;
            break;
        }
        i += k;
    }
    /* what every string field must read back as */
    struct tb_buf want = { 0 }, want_short = { 0 };
    tb_json_ref_decode(&want, s, n);
    const size_t n_short = n < SHORT ? n : SHORT;
    tb_json_ref_decode(&want_short, s, n_short);
    if (exact) /* valid UTF-8 without NUL: the input itself comes back */
        CHECK(want.len == n && (n == 0 || memcmp(want.p, s, n) == 0));

    /* 1. a bare string: exact bytes, parses, reads back */
    struct lt_buf b;
    lt_buf_init(&b, (size_t)1 << 24);
    CHECK(lt_buf_append(&b, "x", 1) == LT_OK);
    CHECK(lt_jsonw_str(&b, lt_span_make(s, n)) == LT_OK);
    struct tb_buf ref = { 0 };
    tb_buf_puts(&ref, "x\"");
    tb_json_ref_escape(&ref, s, n);
    tb_buf_puts(&ref, "\"");
    CHECK(b.len == ref.len && memcmp(b.p, ref.p, ref.len) == 0);
    json_error_t err;
    json_t *j = json_loadb((const char *)b.p + 1, b.len - 1,
                           JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    CHECK(j);
    check_string(j, NULL, &want);
    json_decref(j);
    tb_buf_release(&ref);

    /* 2. a whole record with the bytes everywhere */
    static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
    const struct lt_span sp = lt_span_make(s, n), sh = lt_span_make(s, n_short);
    struct lt_step ch[3] = { { LT_STEP_JSON, sh }, { LT_STEP_BASE64, sh },
                             { LT_STEP_QUERY, sh } };
    struct lt_record r = {
        .ts_ns = (int64_t)(n * 0x9e3779b97f4a7c15ull), .device = sh, .capture = sh,
        .frame = n, .has_flow = n & 1, .ip_version = 6, .src_ip = v6, .dest_ip = v6,
        .src_port = 1, .dest_port = 443, .proto = "tcp", .app = sh, .host = sh,
        .method = sh, .url = sp, .kind = "custom:x", .detector = "identifier",
        .key = has_key ? sp : lt_span_make(NULL, 0), .variant = "exact",
        .chain = ch, .chain_len = 3, .value = sp,
    };
    lt_buf_reset(&b);
    CHECK(lt_record_write(&b, &r, mode) == LT_OK);
    CHECK(b.len && b.p[b.len - 1] == '\n' && memchr(b.p, '\n', b.len) == b.p + b.len - 1);
    j = json_loadb((const char *)b.p, b.len, JSON_ALLOW_NUL, &err);
    CHECK(j && json_is_object(j));
    static const char *const fields[] = { "device", "capture", "host", "app", "method", "url" };
    for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
        json_t *v = json_object_get(j, fields[k]);
        if (n == 0 && k >= 3)
            CHECK(v == NULL); /* empty app/method/url are left out */
        else
            check_string(v, NULL, k == 5 ? &want : &want_short);
    }
    if (has_key)
        check_string(json_object_get(j, "key"), NULL, &want);
    else
        CHECK(json_is_null(json_object_get(j, "key")));
    json_t *c = json_object_get(j, "chain");
    CHECK(json_array_size(c) == 3);
    check_string(json_array_get(c, 0), "json:", &want_short);
    CHECK(json_is_string(json_array_get(c, 1)) &&
          strcmp(json_string_value(json_array_get(c, 1)), "base64") == 0);
    check_string(json_array_get(c, 2), "query:", &want_short);
    json_t *v = json_object_get(j, "value");
    if (mode == LT_VALUES_PLAIN)
        check_string(v, NULL, &want);
    else if (mode == LT_VALUES_HASH)
        CHECK(json_is_string(v) && json_string_length(v) == 7 + 64);
    else
        CHECK(v == NULL);
    CHECK(json_object_size(j) == (r.has_flow ? 15u : 10u) + (n ? 3 : 0) +
                                     (mode != LT_VALUES_OMIT));
    json_decref(j);

    /* 3. under a small cap: all or nothing */
    struct lt_buf capped;
    lt_buf_init(&capped, small_cap + 3);
    CHECK(lt_buf_append(&capped, "abc", 3) == LT_OK);
    enum lt_err e = lt_record_write(&capped, &r, mode);
    if (e == LT_OK) {
        CHECK(capped.len == 3 + b.len && memcmp(capped.p + 3, b.p, b.len) == 0);
    } else {
        CHECK(e == LT_E_LIMIT && capped.len == 3 && memcmp(capped.p, "abc", 3) == 0);
        CHECK(b.len > small_cap);
    }
    lt_buf_release(&capped);
    lt_buf_release(&b);
    tb_buf_release(&want);
    tb_buf_release(&want_short);
    return 0;
}
