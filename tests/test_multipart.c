/* SPDX-License-Identifier: MIT */
/* test_multipart.c - lt_multipart_boundary and part iteration. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/dec/multipart.h"
#include "tb_buf.h"

static void check_boundary(const char *ct, const char *want)
{
    struct lt_span b = { 0 };
    bool ok = lt_multipart_boundary(lt_span_cstr(ct), &b);
    if (!want) {
        cr_assert_not(ok, "'%s'", ct);
        return;
    }
    cr_assert(ok, "'%s'", ct);
    cr_assert(lt_span_eq(b, lt_span_cstr(want)), "'%s': got '%.*s'", ct, (int)b.len, b.p);
}

Test(multipart, boundary_parameter)
{
    check_boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
                   "----WebKitFormBoundary7MA4YWxkTrZu0gW");
    check_boundary("multipart/form-data;boundary=\"a b;c\"", "a b;c");
    check_boundary("Multipart/Form-Data; BOUNDARY=xyz", "xyz");
    check_boundary("multipart/form-data; charset=utf-8; boundary=x1 ", "x1");
    check_boundary("multipart/form-data; charset=\"a;boundary=z\"; boundary=real", "real");
    check_boundary("multipart/form-data; boundary = spaced", "spaced");
    check_boundary("multipart/form-data", NULL);
    check_boundary("multipart/form-data; boundary=", NULL);
    check_boundary("multipart/form-data; boundary=\"\"", NULL);
    check_boundary("multipart/form-data; xboundary=y", NULL);
    check_boundary("boundary=x", NULL); /* the type comes first */
    check_boundary("", NULL);
}

/* "name|filename|content_type|body\n" per part */
static struct tb_buf parts(const char *body, size_t n, const char *boundary)
{
    struct lt_multipart_iter it;
    struct lt_multipart_part p;
    struct tb_buf out = { 0 };
    lt_multipart_init(&it, (const uint8_t *)body, n, lt_span_cstr(boundary));
    int guard = 0;
    while (lt_multipart_next(&it, &p)) {
        const struct lt_span *s[4] = { &p.name, &p.filename, &p.content_type, &p.body };
        for (int k = 0; k < 4; k++) {
            cr_assert(s[k]->len == 0 ||
                      (s[k]->p >= (const uint8_t *)body && s[k]->p + s[k]->len <= (const uint8_t *)body + n));
            tb_buf_put(&out, s[k]->p, s[k]->len);
            tb_buf_u8(&out, k < 3 ? '|' : '\n');
        }
        cr_assert(++guard <= (int)n + 1);
    }
    cr_assert_not(lt_multipart_next(&it, &p)); /* stays at the end */
    tb_buf_u8(&out, 0);
    return out;
}

static void check(const char *body, const char *boundary, const char *want)
{
    struct tb_buf o = parts(body, strlen(body), boundary);
    cr_assert_str_eq((const char *)o.p, want, "body:\n%s", body);
    tb_buf_release(&o);
}

static const char browser_body[] =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"email\"\r\n"
    "\r\n"
    "a@b.example\r\n"
    "--XyZ\r\n"
    "content-disposition: form-data; filename=\"id.txt\"; name=\"file\"\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "line 1\r\n--XyZ is not at a line start; \n--XyZnot a delimiter\r\nend\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=empty\r\n"
    "\r\n"
    "\r\n"
    "--XyZ--\r\n"
    "epilogue\r\n";

Test(multipart, browser_form)
{
    check(browser_body, "XyZ",
          "email|||a@b.example\n"
          "file|id.txt|text/plain|line 1\r\n--XyZ is not at a line start; \n--XyZnot a delimiter\r\nend\n"
          "empty|||\n");
}

Test(multipart, lf_only_and_preamble)
{
    check("This is a preamble.\n--b\nContent-Disposition: form-data; name=a\n\n1\n--b  \n"
          "Content-Disposition: form-data; name=\"b\"\n\n2\n--b--",
          "b", "a|||1\nb|||2\n");
    /* empty body written without the delimiter's own line break */
    check("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--b--", "b", "a|||\n");
    /* a part without headers */
    check("--b\r\n\r\nraw\r\n--b--\r\n", "b", "|||raw\n");
}

Test(multipart, cut_off_and_broken_bodies)
{
    /* the last part runs to the end of the body when the capture cut it */
    check("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\n"
          "Content-Disposition: form-data; name=\"f\"\r\n\r\npartial da",
          "b", "a|||1\nf|||partial da\n");
    check("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b", "b", "a|||1\n");
    /* cut inside the part headers: nothing to return */
    check("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\nContent-Disp",
          "b", "a|||1\n");
    /* no delimiter, or only the closing one, or another boundary */
    check("just text\r\n", "b", "");
    check("--b--\r\n", "b", "");
    check("--c\r\n\r\nx\r\n--c--", "b", "");
    check("", "b", "");
    check("--b\r\n\r\nx", "", "");
    /* unquoted and quoted names with escapes, odd spacing, unknown headers */
    check("--b\r\nX-Other: 1\r\nContent-Disposition :  form-data ;name = n1 ; filename=\"a\\\"b.txt\"\r\n\r\nv\r\n--b--",
          "b", "n1|a\\\"b.txt||v\n");
}

Test(multipart, random_text_stays_in_bounds)
{
    struct tb_rng rng = tb_rng_seed(0x3a7);
    for (int i = 0; i < 5000; i++) {
        char s[96];
        size_t n = (size_t)tb_rng_below(&rng, sizeof s);
        static const char *tok[] = { "--b", "--", "\r\n", "\n", "b", "x", ":", "name=",
                                     "\"", ";", "Content-Disposition: form-data; ", " " };
        size_t len = 0;
        while (len < n) {
            const char *t = tok[tb_rng_below(&rng, 12)];
            size_t k = strlen(t);
            if (len + k > n)
                k = n - len;
            memcpy(s + len, t, k);
            len += k;
        }
        struct tb_buf o = parts(s, n, "b");
        tb_buf_release(&o);
    }
}
