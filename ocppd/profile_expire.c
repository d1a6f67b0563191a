/*
 * profile_expire.c — see profile_expire.h.
 */
#include "profile_expire.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

#define EVENT  "SecurityProfilePendingExpired"
#define SLICE  500
#define ID_MAX 255

struct expired {
	char id[ID_MAX + 1];
	int profile, pending;
};

/* Drops one charge point's pending profile if it is still the one that
 * expired (an operator's cp_set_security or the charge point's
 * connection meanwhile wins; of several nodes only one drops it). */
static int drop(struct db *db, const struct expired *e, int timeout)
{
	long long n = db_exec(
	    db,
	    "UPDATE charge_points SET security_profile_pending = NULL, "
	    "security_profile_pending_since = NULL, sec_changed_at = "
	    "UTC_TIMESTAMP(3) WHERE id = ? AND security_profile_pending = ? "
	    "AND security_profile_pending_since < UTC_TIMESTAMP(3) - "
	    "INTERVAL ? SECOND",
	    "sii", e->id, e->pending, timeout);
	if (n <= 0) {
		if (n < 0)
			log_warn("ocppd: pending profile expiry: %s",
			         db_error(db));
		return 0;
	}
	char info[160];
	snprintf(info, sizeof info,
	         "security profile %d pending for over %d s without a "
	         "connection with it: dropped, profile %d stays",
	         e->pending, timeout, e->profile);
	log_warn("ocppd: %s | %s", e->id, info);
	if (db_exec(db,
	            "INSERT INTO security_events (cp_id, type, ts, tech_info, "
	            "critical, received_at) VALUES (?, ?, UTC_TIMESTAMP(3), ?, "
	            "0, UTC_TIMESTAMP(3))",
	            "sss", e->id, EVENT, info) < 0)
		log_warn("ocppd: %s | pending profile expiry not recorded: %s",
		         e->id, db_error(db));
	return 1;
}

void profile_expire_pass(struct db *db, const struct csms_config *cfg)
{
	int timeout = cfg->security_profile_pending_timeout;
	if (timeout <= 0)
		return;
	static struct expired e[SLICE];
	int n, dropped;
	do {
		struct db_rows rows;
		if (db_query(db, &rows,
		             "SELECT id, security_profile, "
		             "security_profile_pending FROM charge_points "
		             "WHERE security_profile_pending IS NOT NULL AND "
		             "security_profile_pending_since < "
		             "UTC_TIMESTAMP(3) - INTERVAL ? SECOND LIMIT 500",
		             "i", timeout)) {
			log_warn("ocppd: pending profile expiry: %s",
			         db_error(db));
			return;
		}
		int rc = 0;
		n = 0;
		while (n < SLICE && (rc = db_next(&rows)) == 1) {
			const char *id = db_str(&rows, 0);
			snprintf(e[n].id, sizeof e[n].id, "%s", id ? id : "");
			e[n].profile = (int)db_int(&rows, 1);
			e[n].pending = (int)db_int(&rows, 2);
			n++;
		}
		db_rows_end(&rows);
		if (rc < 0)
			return;
		dropped = 0;
		for (int i = 0; i < n && !db->lost; i++)
			dropped += drop(db, &e[i], timeout);
		/* A full slice none of which could be dropped would be read
		 * again: wait for the next pass. */
	} while (n == SLICE && dropped && !db->lost);
}
