/* SPDX-License-Identifier: MIT */
/*
 * fuzz_appinfo.c - the app attribution parsers on arbitrary bytes.
 * Input: the whole input goes to each of lt_pcapdroid_trailer_parse(),
 * lt_pcapdroid_uid_map(), lt_epb_comment_uid() and lt_epb_comment_app()
 * (each on its own exact-size copy, so ASan sees any overread), and the
 * results are checked against the contracts: payload_len within the frame
 * and never covering the trailer, app NUL-terminated, borrowed spans inside
 * the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmt/appinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
    const uint8_t *p;
    size_t n;
    int calls;
};

static void inside(const struct ctx *c, struct lt_span s)
{
    if (s.len && (s.p < c->p || s.p + s.len > c->p + c->n))
        abort();
}

static void on_uid(void *ud, int32_t uid, struct lt_span pkg, struct lt_span app)
{
    struct ctx *c = ud;
    (void)uid;
    inside(c, pkg);
    inside(c, app);
    c->calls++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *p = malloc(size ? size : 1);
    if (!p)
        return 0;
    memcpy(p, data, size);

    struct lt_pcapdroid_trailer t;
    size_t pl = (size_t)-1;
    enum lt_pdt_result r = lt_pcapdroid_trailer_parse(size ? p : NULL, size, &t, &pl);
    if (r == LT_PDT_NONE && pl != size)
        abort();
    if (r != LT_PDT_NONE && (pl + LT_PCAPDROID_TRAILER_LEN > size ||
                             pl + LT_PCAPDROID_TRAILER_LEN + 3 < size || pl < 14))
        abort();
    if (strlen(t.app) > LT_PCAPDROID_APPNAME_LEN)
        abort();
    if (r != LT_PDT_OK && (t.uid != -1 || t.app[0]))
        abort();

    struct ctx c = { p, size, 0 };
    const bool ok = lt_pcapdroid_uid_map(lt_span_make(p, size), on_uid, &c);
    if (c.calls != (ok ? 1 : 0))
        abort();

    int32_t uid;
    (void)lt_epb_comment_uid(lt_span_make(p, size), &uid);
    struct lt_span app = { 0 };
    if (lt_epb_comment_app(lt_span_make(p, size), &app)) {
        inside(&c, app);
        if (app.len == 0 || app.p != p)
            abort();
    }
    free(p);
    return 0;
}
