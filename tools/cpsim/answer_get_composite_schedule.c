/*
 * answer_get_composite_schedule.c — GetCompositeSchedule (OCPP 1.6
 * §5.7): the limits the connector will follow from now for `duration`
 * seconds (composite.h), in the chargingRateUnit asked for (A when none
 * is).  Rejected for an unknown connector and for a unit the charge point
 * does not schedule in (ChargingScheduleAllowedChargingRateUnit).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "answer_int.h"
#include "composite.h"
#include "timeutil.h"

/* Fills in the window's context for connector cid at st->now_ms. */
void answer_composite_in(const struct cpstate *st, int cid, int duration_s,
                         int unit_w, struct composite_in *in)
{
	int i, drawing = 0;

	memset(in, 0, sizeof *in);
	in->connector = cid;
	in->start = st->now_ms / 1000;
	in->duration_s = duration_s;
	in->unit_w = unit_w;
	in->hw_max_w = st->hw_max_w * (cid ? 1 : st->nconn);
	for (i = 1; i <= st->nconn; i++)
		drawing += st->conn[i].tx == TX_RUNNING;
	in->cp_share = cid && drawing > 1 ? drawing : 1;
	if (cid > 0 && st->conn[cid].tx == TX_RUNNING) {
		in->tx_running = 1;
		in->tx_id = st->conn[cid].tx_id;
		in->tx_start = st->conn[cid].tx_start_wall_ms / 1000;
	}
}

void answer_get_composite_schedule(struct cpstate *st, const cJSON *p,
                                   struct answer *a)
{
	struct composite_in in;
	struct composite_out out;
	const char *unit;
	const char *allowed;
	char ts[32];
	int cid = 0, duration = 0, unit_w, i, o;

	if (answer_int_field(p, "connectorId", 1, &cid, a) < 0 ||
	    answer_int_field(p, "duration", 1, &duration, a) < 0)
		return;
	unit = answer_str_field(p, "chargingRateUnit", 0, 0, a);
	if (a->error)
		return;
	if (unit && strcmp(unit, "A") && strcmp(unit, "W")) {
		answer_set_error(a, "PropertyConstraintViolation",
		                 "chargingRateUnit");
		return;
	}
	unit_w = unit && !strcmp(unit, "W");
	allowed =
	    cpconfig_get(&st->cfg, "ChargingScheduleAllowedChargingRateUnit");
	if (cid < 0 || cid > st->nconn || duration <= 0 ||
	    (unit &&
	     !strstr(allowed ? allowed : "", unit_w ? "Power" : "Current"))) {
		answer_set_status(a, "Rejected");
		return;
	}
	answer_composite_in(st, cid, duration, unit_w, &in);
	composite_compute(&st->prof, &in, &out);
	time_format_iso8601(in.start * 1000, ts);
	o = snprintf(a->payload, sizeof a->payload,
	             "{\"status\":\"Accepted\",\"connectorId\":%d,"
	             "\"scheduleStart\":\"%s\",\"chargingSchedule\":{"
	             "\"duration\":%d,\"startSchedule\":\"%s\","
	             "\"chargingRateUnit\":\"%s\",\"chargingSchedulePeriod\":[",
	             cid, ts, duration, ts, unit_w ? "W" : "A");
	for (i = 0; i < out.n && o < (int)sizeof a->payload - 64; i++)
		o += snprintf(a->payload + o, sizeof a->payload - (size_t)o,
		              "%s{\"startPeriod\":%d,\"limit\":%.1f}",
		              i ? "," : "", out.p[i].start_s, out.p[i].limit);
	snprintf(a->payload + o, sizeof a->payload - (size_t)o, "]}}");
}
