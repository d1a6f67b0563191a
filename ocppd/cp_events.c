/*
 * cp_events.c — see cp_events.h.
 */
#include "cp_events.h"

#include "log.h"

#define SLICE 10000

void cp_events_expire(struct db *db, const struct csms_config *cfg)
{
	long long n;
	do {
		n = db_exec(db,
		            "DELETE FROM cp_events WHERE received_at < "
		            "UTC_TIMESTAMP(3) - INTERVAL ? DAY LIMIT 10000",
		            "i", cfg->security_event_retention_days);
		if (n < 0) {
			log_warn("ocppd: events expiry: %s", db_error(db));
			return;
		}
	} while (n == SLICE);
}
