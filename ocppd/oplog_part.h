/*
 * oplog_part.h — the upkeep of ocpp_log (sql/011): day partitions made
 * ahead, days older than ocpp_log_retention_days dropped.  Run by the
 * upkeep thread (keeper.h).
 */
#ifndef OCPPD_OPLOG_PART_H
#define OCPPD_OPLOG_PART_H

#include "config.h"
#include "db.h"

/* One pass; today in days since the epoch. */
void oplog_part_pass(struct db *db, const struct csms_config *cfg, long today);

#endif
