/* SPDX-License-Identifier: MIT */
/*
 * fuzz_manifest.c - lt_manifest_load_mem() on arbitrary bytes (writes no
 * file). A loaded manifest must satisfy what manifest.h promises: non-empty
 * unique ids, locations in range, and claim must not misbehave on it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf/manifest.h"

static void ignore(void *ud, const char *msg)
{
    (void)ud;
    if (!msg || !*msg)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lt_manifest m;
    char msg[256];
    enum lt_err e = lt_manifest_load_mem(&m, (const char *)data, size, "fuzz", msg, sizeof msg,
                                         ignore, NULL);
    if (e != LT_OK) {
        if (m.n_devices || m.devices || (e != LT_E_MALFORMED && e != LT_E_NOMEM) ||
            strncmp(msg, "manifest 'fuzz'", 15) != 0)
            abort();
        return 0;
    }
    for (size_t i = 0; i < m.n_devices; i++) {
        const struct lt_device *d = &m.devices[i];
        if (!d->id || !d->id[0])
            abort();
        for (size_t j = 0; j < i; j++)
            if (strcmp(m.devices[j].id, d->id) == 0)
                abort();
        for (size_t j = 0; j < d->n_idents; j++) {
            const struct lt_ident *id = &d->idents[j];
            if (id->is_location && (id->lat < -90 || id->lat > 90 || id->lon < -180 || id->lon > 180))
                abort();
            for (size_t k = 0; k < id->n_values; k++)
                if (!id->values[k][0])
                    abort();
        }
        /* a device claims its own literal capture patterns' texts sometimes;
           just exercise the matcher on them */
        for (size_t j = 0; j < d->n_captures; j++) {
            int c = lt_manifest_claim(&m, d->captures[j]);
            if (c < -1 || c >= (int)m.n_devices)
                abort();
        }
    }
    lt_manifest_release(&m);
    return 0;
}
