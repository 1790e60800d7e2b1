/* SPDX-License-Identifier: MIT */
/*
 * manifest.h - the device manifest of SPEC §3 (conf layer; base/, glob.h,
 * jansson for parsing only). Loaded once at startup by cmd/, then shared
 * read-only by every thread. Identifier keys are kept as given: normalising
 * them (imei, mac, ...) is the matcher's job, not this module's.
 * Reading the file is the one fd this layer touches (config, not data).
 */
#ifndef LT_CONF_MANIFEST_H
#define LT_CONF_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/err.h"

/* One "identifiers" entry. For key "location": is_location, lat and lon are
   set and there are no values. Otherwise values holds the strings as given,
   one or more (an empty list gives n_values == 0); a JSON number is turned
   into its decimal text (an integer literal exactly as written, any length;
   a fraction or exponent as the shortest text that reads back the same). */
struct lt_ident {
    char *key;
    char **values;
    size_t n_values;
    bool is_location;
    double lat, lon;
};

struct lt_device {
    char *id;                /* non-empty, unique in the manifest */
    char **captures;         /* glob patterns (glob.h), relative to an INPUT root */
    size_t n_captures;
    char **addresses;        /* as given: IPv4, IPv6 or MAC text, not validated */
    size_t n_addresses;
    struct lt_ident *idents; /* in manifest order */
    size_t n_idents;
};

/* Everything is owned by the manifest and freed by lt_manifest_release(). */
struct lt_manifest {
    struct lt_device *devices;
    size_t n_devices;
};

/* Receives one warning (NUL-terminated, no newline), borrowed for the call. */
typedef void (*lt_warn_fn)(void *ud, const char *msg);

/* The largest manifest file read; a larger one is LT_E_LIMIT. */
#define LT_MANIFEST_MAX_BYTES (64u << 20)

/*
 * lt_manifest_load() - read, parse and validate the manifest at path.
 * Returns:
 *   LT_OK;
 *   LT_E_IO        cannot read: msg "cannot read manifest 'PATH': strerror";
 *   LT_E_LIMIT     the file is larger than LT_MANIFEST_MAX_BYTES;
 *   LT_E_MALFORMED msg "manifest 'PATH' line L column C: what is wrong",
 *                  from jansson (syntax, duplicate key: L/C are jansson's,
 *                  pointing at the end of the offending token) or from
 *                  validation (L/C at the start of the offending value): not
 *                  an object at the top, devices missing or not an array, a
 *                  device that is not an object or has no non-empty string id,
 *                  a duplicate id, captures/addresses not a list of strings,
 *                  identifiers not an object, an identifier value that is not
 *                  a non-empty string, a number or a list of those, a location
 *                  that is not {lat, lon} numbers within [-90, 90] and
 *                  [-180, 180];
 *   LT_E_NOMEM.
 * Columns count characters (UTF-8 sequences), from 1, as jansson does.
 * Unknown fields are not errors: warn(ud, "manifest 'PATH': unknown field
 * 'x'") at the top level, "... unknown field 'x' in device 'ID'" in a device,
 * "... unknown field 'x' in location of device 'ID'" in a location; warn may
 * be NULL. msg (msg_cap bytes, may be NULL/0) is set on every error.
 * On error *m is left empty (nothing to release).
 */
enum lt_err lt_manifest_load(struct lt_manifest *m, const char *path, char *msg, size_t msg_cap,
                             lt_warn_fn warn, void *ud);

/* lt_manifest_load_mem() - the same from text[0..len) (borrowed for the
   call; need not be NUL-terminated); name stands for PATH in messages.
   Never reads a file: the fuzz target and tests use it. */
enum lt_err lt_manifest_load_mem(struct lt_manifest *m, const char *text, size_t len,
                                 const char *name, char *msg, size_t msg_cap, lt_warn_fn warn,
                                 void *ud);

/* Free everything m owns and leave it empty; releasing an empty manifest is fine. */
void lt_manifest_release(struct lt_manifest *m);

/* Index of the first device (manifest order) one of whose captures globs
   matches rel_path (relative to its INPUT root, '/'-separated), or -1.
   Pure: safe from any thread on a loaded manifest. */
int lt_manifest_claim(const struct lt_manifest *m, const char *rel_path);

#endif
