/*
 * oplog_part.c — ocpp_log's day partitions; see oplog_part.h.  Expiry is
 * a partition drop, never a DELETE.
 */
#include "oplog_part.h"

#include "date_parts.h"
#include "log.h"

static const struct date_parts parts = {"ocpp_log", "message log", DP_DAY};

void oplog_part_pass(struct db *db, const struct csms_config *cfg, long today)
{
	struct dp_plan plan;
	if (dp_read(db, &parts, today, cfg->ocpp_log_retention_days, &plan) ||
	    !plan.ours)
		return; /* not our table's layout: leave it alone */
	dp_split_ahead(db, &parts, today, &plan);
	for (int i = 0; i < plan.n_expired; i++)
		if (!dp_drop(db, &parts, plan.expired[i]))
			log_info("ocppd: message log partition %s dropped "
			         "(older than %d days)",
			         plan.expired[i], cfg->ocpp_log_retention_days);
}
