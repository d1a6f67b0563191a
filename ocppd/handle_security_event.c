/*
 * handle_security_event.c — SecurityEventNotification (OCPP 1.6 Security
 * Whitepaper): every event a row of security_events, marked critical when
 * the whitepaper's list says so.  Chargers resend an event until it is
 * answered, so answering it (rather than NotSupported) is what stops the
 * resending; a resent event is a second row, as the charge point sent it
 * twice.
 */
#include "handlers.h"
#include "jsonutil.h"
#include "notify.h"
#include "security_events.h"
#include "timeutil.h"

enum hres handle_security_event(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)conf;
	const char *type = json_str(req, "type", NULL);
	const char *when = json_str(req, "timestamp", NULL);
	const char *info = json_str(req, "techInfo", NULL);
	int64_t ts;
	/* The schema checked the format; a time outside what DATETIME
	 * holds is taken as now. */
	if (!when || time_parse_iso8601(when, &ts))
		ts = c->now_ms;
	int critical = security_event_critical(type);
	if (db_exec(c->db,
	            "INSERT INTO security_events (cp_id, type, ts, tech_info, "
	            "critical, received_at) VALUES (?, ?, ?, ?, ?, ?)",
	            "sstsit", c->cp_id, type, ts, info, critical,
	            c->now_ms) < 0)
		return hctx_db_error(c);
	/* In the same transaction: a critical event acknowledged is an
	 * event a subscriber will get. */
	if (critical && notify_security_event(c, type, ts, info))
		return hctx_db_error(c);
	hctx_audit(c, "type=%s%s", type, critical ? " (critical)" : "");
	return H_OK;
}
