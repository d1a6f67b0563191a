/*
 * files_keep.h — the retention of stored files' records
 * (files_retention_days, docs/files.md): the rows of diagnostics and log
 * files received (cp_files) and the firmware jobs with their steps older
 * than that are deleted by the upkeep thread (keeper.h).  The files
 * themselves are removed by the web tier, which owns files_dir
 * (cgi-bin/filesweep.h), once no row names them.  Firmware images an
 * operator uploaded are kept until an administrator deletes one.
 */
#ifndef OCPPD_FILES_KEEP_H
#define OCPPD_FILES_KEEP_H

#include "config.h"
#include "db.h"

/* One pass (nothing when files_retention_days is 0). */
void files_keep_pass(struct db *db, const struct csms_config *cfg);

#endif
