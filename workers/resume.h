/* SPDX-License-Identifier: MIT */
/*
 * resume.h - `scan --resume` on top of the journal (journal.h): what the
 * records depend on, and an input's result as the journal keeps it, so a
 * resumed run reports skipped inputs as the run that read them did.
 * Destinations and apps (summary.json devices[]) cover the inputs read in
 * this run only: they are not kept per input.
 */
#ifndef LT_WORKERS_RESUME_H
#define LT_WORKERS_RESUME_H

#include <jansson.h>

#include "journal.h"
#include "scan_run.h"

/* The options fingerprint of a run (a readable string, malloc'ed): the
   version and every option that changes records or their order. NULL when
   out of memory; a manifest that cannot be read gives "manifest=?". */
char *lt_resume_options(const struct lt_scan_opts *o);

/* f's result for the journal: its summary fields, counters, and leaks by
   kind for every device it wrote to (dev->file_leaks). New reference or
   NULL. */
json_t *lt_resume_result_json(const struct lt_scan *s, const struct lt_scan_file *f);

/* Back from the journal into f (res, leaks) and the devices' and run's
   leak counts. LT_OK, LT_E_MALFORMED (not a result this version wrote)
   or LT_E_NOMEM. */
enum lt_err lt_resume_result_load(struct lt_scan *s, struct lt_scan_file *f,
                                  const json_t *r);

#endif
