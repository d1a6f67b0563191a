/*
 * handle_stop_transaction.c — StopTransaction: close the session and count
 * its energy.
 *
 * The central system cannot prevent a transaction from stopping, so every
 * StopTransaction is answered normally: an unknown transactionId, or one
 * of another charge point (treated as unknown), is logged, not refused —
 * a CALLERROR would make the charge point retry it forever.  Energy is
 * added to charge_points.total_kwh only by the first stop of a session
 * (meter_stop was NULL), so a repeated message never counts twice; a meter
 * that went backwards adds nothing and flags the row.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"
#include "id_tag.h"
#include "jsonutil.h"
#include "timeutil.h"

enum hres handle_stop_transaction(struct hctx *c, const cJSON *req, cJSON *conf)
{
	long long tx = json_int(req, "transactionId", 0);
	long long meter_stop = json_int(req, "meterStop", 0);
	const char *tag = json_str(req, "idTag", NULL);
	const char *reason = json_str(req, "reason", "Local");
	int64_t ts;
	if (time_parse_iso8601(json_str(req, "timestamp", ""), &ts)) {
		snprintf(c->err, sizeof c->err, "timestamp: not a date-time");
		return H_BAD_VALUE;
	}

	/* The session and the stop tag's users row in one round trip.  No
	 * FOR UPDATE: only this charge point's worker writes its sessions,
	 * and the UPDATE below only counts a stop that is still the first. */
	struct db_rows r;
	if (db_query(c->db, &r,
	             "SELECT t.connector_id, t.id_tag, t.meter_start, "
	             "t.meter_stop, u.id_tag, u.status, u.expiry_date, "
	             "u.parent_id_tag FROM transactions t "
	             "LEFT JOIN users u ON u.id_tag = ? "
	             "WHERE t.id = ? AND t.cp_id = ?",
	             "sls", tag, tx, c->cp_id))
		return hctx_db_error(c);
	int rc = db_next(&r);
	int found = rc > 0, first_stop = 0;
	long long connector = 0, meter_start = 0;
	char start_tag[21] = "";
	struct id_tag_info info;
	if (found) {
		connector = db_int(&r, 0);
		snprintf(start_tag, sizeof start_tag, "%s",
		         db_str(&r, 1) ? db_str(&r, 1) : "");
		meter_start = db_int(&r, 2);
		first_stop = db_isnull(&r, 3);
		id_tag_info_from(c, db_str(&r, 4), db_str(&r, 5),
		                 db_time_ms(&r, 6), db_str(&r, 7), &info);
	}
	db_rows_end(&r);
	if (rc < 0)
		return hctx_db_error(c);

	const char *note = "";
	if (found && first_stop) {
		const char *anomaly = NULL;
		if (meter_stop < meter_start)
			anomaly = "meterStop < meterStart: no energy counted";
		else if (tag && *tag && strcasecmp(tag, start_tag)) {
			int same = id_tag_same_group(c, tag, start_tag);
			if (same < 0)
				return hctx_db_error(c);
			if (!same)
				anomaly = "stopped by an idTag outside the "
				          "starting tag's group";
		}
		/* The session and its energy in one statement.  The stale-
		 * closure note of a zombie gives way to the real stop; a real
		 * anomaly replaces it. */
		long long wh =
		    meter_stop >= meter_start ? meter_stop - meter_start : 0;
		if (db_exec(c->db,
		            "UPDATE transactions t "
		            "LEFT JOIN charge_points c ON c.id = t.cp_id "
		            "SET t.meter_stop = ?, t.stop_ts = ?, "
		            "t.stop_reason = ?, t.stop_id_tag = ?, "
		            "t.anomaly = ?, "
		            "c.total_kwh = c.total_kwh + ? / 1000 "
		            "WHERE t.id = ? AND t.meter_stop IS NULL",
		            "ltsssll", meter_stop, ts, reason, tag, anomaly, wh,
		            tx) < 0)
			return hctx_db_error(c);
		const cJSON *data = NULL;
		json_get_array(req, "transactionData", &data, 1);
		if (data && meter_values_store(c, (int)connector, tx, data) < 0)
			return hctx_db_error(c);
		if (anomaly)
			note = meter_stop < meter_start
			           ? " (meterStop < meterStart: flagged)"
			           : " (other tag group: flagged)";
	} else if (found) {
		note = " (repeated: already stopped)";
	} else {
		note = " (unknown transaction: answered, nothing stored)";
	}

	if (tag) {
		if (!found && id_tag_lookup(c, tag, 0, tx, &info))
			return hctx_db_error(c);
		if (id_tag_info_json(&info, conf))
			return H_INTERNAL;
	}
	hctx_audit(c, "tx=%lld meterStop=%lld reason=%s idTag=%s%s", tx,
	           meter_stop, reason, tag ? tag : "-", note);
	return H_OK;
}
