/* SPDX-License-Identifier: MIT */
/*
 * fuzz_glob.c - lt_glob_match() on arbitrary pattern/path pairs: input is
 * "pattern\0path". Checks oracles that need no reference matcher: the path
 * with every byte but '/' escaped matches it, "**" matches anything, "*"
 * matches exactly the paths without '/'. Must finish fast on any input
 * (libFuzzer's -timeout catches blow-ups).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf/glob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1), *esc = malloc(2 * size + 1);
    if (!buf || !esc)
        abort();
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *pattern = buf;
    size_t pl = strlen(buf);
    const char *path = pl < size ? buf + pl + 1 : "";

    (void)lt_glob_match(pattern, path);
    (void)lt_glob_match(path, pattern);

    size_t n = 0;
    for (const char *s = path; *s; s++) {
        if (*s != '/')
            esc[n++] = '\\';
        esc[n++] = *s;
    }
    esc[n] = '\0';
    if (!lt_glob_match(esc, path))
        abort();
    if (!lt_glob_match("**", path))
        abort();
    if (lt_glob_match("*", path) != (strchr(path, '/') == NULL))
        abort();
    free(buf);
    free(esc);
    return 0;
}
