/*
 * site_counters.h — each site's totals as a snapshot (sql/030), taken
 * with the fleet counters by whichever node takes those.
 */
#ifndef OCPPD_SITE_COUNTERS_H
#define OCPPD_SITE_COUNTERS_H

#include <stdint.h>

#include "db.h"

/* Counts every site's totals as of now_ms and stores them.  0, or -1 on
 * a database error (in db). */
int site_counters_refresh(struct db *db, int64_t now_ms);

#endif
