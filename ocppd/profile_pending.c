/*
 * profile_pending.c — the pending profile's outcome; see
 * profile_pending.h.
 */
#include "profile_pending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "control.h"
#include "cp_auth.h"
#include "dbq.h"
#include "log.h"

#define EVENT_FINAL    "SecurityProfileChanged"
#define EVENT_FALLBACK "SecurityProfileFallback"

struct pending_job {
	struct job job;
	char cp[CONTROL_CP_ID_MAX + 1];
	int profile, pending;
	int64_t now_ms;
	int made_final; /* the row moved to the pending profile */
};

static enum hres pending_run(struct job *j, struct batch *b)
{
	struct pending_job *k = (struct pending_job *)j;
	char info[120];
	k->made_final = 0;
	if (k->profile == k->pending) {
		/* Only while that profile is still the pending one: an
		 * operator's cp_set_security meanwhile wins. */
		long long n =
		    db_exec(b->db,
		            "UPDATE charge_points SET security_profile = ?, "
		            "security_profile_pending = NULL, sec_changed_at = "
		            "UTC_TIMESTAMP(3) WHERE id = ? AND "
		            "security_profile_pending = ?",
		            "isi", k->pending, k->cp, k->pending);
		if (n < 0)
			return H_DB_ERROR;
		if (!n)
			return H_OK;
		k->made_final = 1;
		snprintf(info, sizeof info,
		         "connected with security profile %d: it is now "
		         "required",
		         k->pending);
	} else
		snprintf(info, sizeof info,
		         "fell back to profile %d (profile %d pending)",
		         k->profile, k->pending);
	if (db_exec(b->db,
	            "INSERT INTO security_events (cp_id, type, ts, tech_info, "
	            "critical, received_at) VALUES (?, ?, ?, ?, 0, ?)",
	            "sstst", k->cp,
	            k->made_final ? EVENT_FINAL : EVENT_FALLBACK, k->now_ms,
	            info, k->now_ms) < 0)
		return H_DB_ERROR;
	return H_OK;
}

static void pending_done(struct job *j, enum hres r)
{
	struct pending_job *k = (struct pending_job *)j;
	if (r != H_OK) {
		log_warn("ocppd: %s | security profile %d not recorded: "
		         "database error",
		         k->cp, k->profile);
		return;
	}
	/* Again: a reload read before our commit may have brought the
	 * pending state back into the map. */
	if (k->made_final) {
		cp_auth_profile_final(k->cp, k->pending);
		log_info("ocppd: %s | security profile %d is now final", k->cp,
		         k->pending);
	}
}

static void pending_fail(struct job *j)
{
	struct pending_job *k = (struct pending_job *)j;
	log_warn("ocppd: %s | security profile %d not recorded: the "
	         "database is unavailable",
	         k->cp, k->profile);
}

static void pending_free(struct job *j)
{
	free(j);
}

static const struct job_ops pending_ops = {.run = pending_run,
                                           .done = pending_done,
                                           .fail = pending_fail,
                                           .free = pending_free};

void profile_pending_note(const char *cp_id, int profile, int pending,
                          int64_t now_ms)
{
	if (profile == pending)
		/* At once on this node: the old profile is refused from the
		 * next handshake on. */
		cp_auth_profile_final(cp_id, pending);
	else
		log_warn("ocppd: %s | fell back to profile %d (profile %d "
		         "pending)",
		         cp_id, profile, pending);
	struct pending_job *k = calloc(1, sizeof *k);
	if (!k)
		return;
	snprintf(k->cp, sizeof k->cp, "%s", cp_id);
	k->profile = profile;
	k->pending = pending;
	k->now_ms = now_ms;
	k->job.ops = &pending_ops;
	k->job.who = k->cp;
	k->job.what = "security profile";
	/* Worker 0, where credential changes and reloads run (cp_auth.h). */
	if (dbq_submit(&k->job, NULL, 0)) {
		log_warn("ocppd: %s | security profile %d not recorded: the "
		         "database queue is full",
		         cp_id, profile);
		free(k);
	}
}
