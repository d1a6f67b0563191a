/*
 * filesweep.h — removes from files_dir what no row names any more (the
 * web tier's half of files_retention_days, docs/files.md).  ocppd owns
 * the rows and deletes expired ones (ocppd/files_keep.c) but cannot
 * write files_dir (the web server's user owns it, docs/deploy.md); the
 * web programs that can, and have the database to ask, sweep it: a file
 * of a name csms-c gives (diagnostics-, log-, firmware-) older than an
 * hour that neither cp_files nor firmware names, and a temporary ".part-"
 * file older than a day, are removed; nothing else is touched.  Rows go first,
 * files after, so no row ever names a missing file.
 */
#ifndef CSMS_FILESWEEP_H
#define CSMS_FILESWEEP_H

#include <stdint.h>

#include "db.h"

/* The stamp in files_dir whose age says when the last sweep ran. */
#define FILESWEEP_STAMP ".sweep"

/* Sweeps files_dir when the last sweep (by any process) is more than 10
 * minutes old; cheap otherwise (one stat). */
void filesweep_maybe(struct db *db, const char *files_dir, int64_t now_ms);

#endif
