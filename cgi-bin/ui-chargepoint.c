/*
 * ui-chargepoint.c — /cp/{id}: one charge point's stored fields (boot
 * information, firmware and diagnostics status), its connectors, its last
 * transactions and a chart of its energy per day over the last 30 days.
 *
 * It also carries the command forms (POSTed to /cp/{id}/command,
 * ui-command.c), the outcome of the last one after the redirect, and the
 * charge point's recent commands from the commands table, and the
 * configuration keys of its last answered GetConfiguration (ui-config.c).
 *
 * All queries use the charge point's indexes (primary key, idx_tx_cp_start,
 * idx_cmd_cp) and touch only this charge point's rows.
 */
#include "ui-chargepoint.h"
#include "ui-firmware.h"

#include <string.h>

#include "timeutil.h"
#include "param.h"
#include "ui-certs.h"
#include "ui-chart.h"
#include "ui-config.h"
#include "ui-local-list.h"
#include "ui-reservations.h"
#include "ui-schedule.h"
#include "ui-security-events.h"
#include "ui-connector.h"
#include "ui-cplife.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"
#include "ui-txrow.h"

#define CP_ID_MAX  50 /* charge_points.id */
#define CHART_DAYS 30
#define LAST_TX    10

static const char sql_cp[] =
    "SELECT id, vendor, model, firmware_version, serial_number, "
    "chargebox_serial, iccid, imsi, meter_type, meter_serial, boot_answer, "
    "last_boot, last_heartbeat, connected, connected_since, remote_addr, "
    "total_kwh, diagnostics_status, diagnostics_ts, firmware_status, "
    "firmware_ts, created_at, last_seen, protocol FROM charge_points "
    "WHERE id = ?";

static const char sql_last_tx[] =
    "SELECT " UI_TX_COLUMNS " FROM transactions t WHERE t.cp_id = ? "
    "ORDER BY t.start_ts DESC, t.id DESC LIMIT 10";

static const char sql_cmds[] =
    "SELECT created_at, finished_at, action, params, status, "
    "requested_by FROM commands WHERE cp_id = ? "
    "ORDER BY created_at DESC, id DESC LIMIT 10";

/* Energy per start day; a running session counts with its energy so far. */
static const char sql_daily[] =
    "SELECT DATE_FORMAT(t.start_ts, '%Y-%m-%d'), "
    "SUM(GREATEST(COALESCE(t.meter_stop, " TXQ_SQL_LATEST_WH(
        "t.id") ", "
                "t.meter_start) - t.meter_start, 0)) "
                "FROM transactions t WHERE t.cp_id = ? AND t.start_ts >= ? "
                "GROUP BY 1";

/* One "label: value" line of the fields list; empty values are left out
 * so a charge point that sent little does not show a wall of dashes. */
static TMPL_loop *field(TMPL_loop *loop, const char *label, const char *value)
{
	if (!value || !*value)
		return loop;
	return TMPL_add_varlist(
	    loop,
	    TMPL_add_var(NULL, "label", label, "value", value, (char *)NULL));
}

/* A time field: "2025-11-25 13:00:01 UTC (12 s ago)". */
static TMPL_loop *time_field(struct ui_req *r, TMPL_loop *loop,
                             const char *label, const struct db_rows *rows,
                             int col)
{
	char when[32], ago[32], iso[32];
	int64_t ms = db_time_ms(rows, col);
	if (ms == DB_NULL_TIME)
		return loop;
	ui_fmt_datetime(ms, when, sizeof when);
	ui_fmt_ago(ms, r->now, ago, sizeof ago);
	ui_fmt_iso(ms, iso, sizeof iso);
	return TMPL_add_varlist(loop, TMPL_add_var(NULL, "label", label,
	                                           "value", when, "ago", ago,
	                                           "iso", iso, (char *)NULL));
}

/* A status with the time it was reported: "Installed (3 h ago)". */
static TMPL_loop *status_field(struct ui_req *r, TMPL_loop *loop,
                               const char *label, const struct db_rows *rows,
                               int col, int ts_col)
{
	char ago[32], iso[32];
	const char *v = db_str(rows, col);
	int64_t ms = db_time_ms(rows, ts_col);
	if (!v || !*v)
		return loop;
	TMPL_varlist *row =
	    TMPL_add_var(NULL, "label", label, "value", v, (char *)NULL);
	if (ms != DB_NULL_TIME) {
		ui_fmt_ago(ms, r->now, ago, sizeof ago);
		ui_fmt_iso(ms, iso, sizeof iso);
		row = TMPL_add_var(row, "ago", ago, "iso", iso, (char *)NULL);
	}
	return TMPL_add_varlist(loop, row);
}

static TMPL_varlist *cp_fields(struct ui_req *r, TMPL_varlist *vl,
                               const struct db_rows *rows)
{
	char buf[64];
	TMPL_loop *boot = NULL, *live = NULL;

	boot = field(boot, "Vendor", db_str(rows, 1));
	boot = field(boot, "Model", db_str(rows, 2));
	boot = field(boot, "Firmware", db_str(rows, 3));
	boot = field(boot, "Serial number", db_str(rows, 4));
	boot = field(boot, "Charge box serial", db_str(rows, 5));
	boot = field(boot, "Meter type", db_str(rows, 8));
	boot = field(boot, "Meter serial", db_str(rows, 9));
	boot = field(boot, "ICCID", db_str(rows, 6));
	boot = field(boot, "IMSI", db_str(rows, 7));
	boot = field(boot, "Boot answer", db_str(rows, 10));
	boot = field(boot, "OCPP", ui_protocol_label(db_str(rows, 23)));
	boot = time_field(r, boot, "Last boot", rows, 11);
	boot = time_field(r, boot, "Registered", rows, 21);

	int online = db_int(rows, 13) != 0;
	live = time_field(r, live, "Last seen", rows, 22);
	live = time_field(r, live, "Last heartbeat", rows, 12);
	if (online)
		live = time_field(r, live, "Connected since", rows, 14);
	live = field(live, "Address", db_str(rows, 15));
	ui_fmt_kwh(db_dbl(rows, 16) * 1000.0, 3, buf, sizeof buf);
	strncat(buf, " kWh", sizeof buf - strlen(buf) - 1);
	live = field(live, "Energy delivered", buf);
	live = status_field(r, live, "Firmware update", rows, 19, 20);
	live = status_field(r, live, "Diagnostics", rows, 17, 18);

	vl = TMPL_add_var(vl, "id", db_str(rows, 0), (char *)NULL);
	if (online)
		vl = TMPL_add_var(vl, "online", "1", (char *)NULL);
	if (db_str(rows, 1) || db_str(rows, 2))
		vl = TMPL_add_var(
		    vl, "vendor", db_str(rows, 1) ? db_str(rows, 1) : "",
		    "model", db_str(rows, 2) ? db_str(rows, 2) : "",
		    (char *)NULL);
	/* The command forms are the protocol's own (ui-command.c). */
	if (ui_protocol_201(db_str(rows, 23)))
		vl = TMPL_add_var(vl, "ocpp201", "1", (char *)NULL);
	vl = TMPL_add_var(vl, "protocol", ui_protocol_label(db_str(rows, 23)),
	                  (char *)NULL);
	if (boot)
		vl = TMPL_add_loop(vl, "boot_fields", boot);
	if (live)
		vl = TMPL_add_loop(vl, "live_fields", live);
	return vl;
}

static void on_connector(struct ui_connector *c, void *arg)
{
	TMPL_loop **loop = arg;
	*loop = TMPL_add_varlist(*loop, c->vars);
}

static int add_last_tx(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	TMPL_loop *loop = NULL;
	int rc;
	if (db_query(r->db, &rows, sql_last_tx, "s", id))
		return -1;
	while ((rc = db_next(&rows)) > 0)
		loop = TMPL_add_varlist(loop, ui_tx_vars(r, &rows));
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "transactions", loop);
	return rc < 0 ? -1 : 0;
}

static int add_commands(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	TMPL_loop *loop = NULL;
	char when[32], iso[32];
	int rc;
	if (db_query(r->db, &rows, sql_cmds, "s", id))
		return -1;
	while ((rc = db_next(&rows)) > 0) {
		const char *st = db_str(&rows, 4) ? db_str(&rows, 4) : "";
		int64_t ms = db_time_ms(&rows, 0);
		ui_fmt_datetime(ms, when, sizeof when);
		ui_fmt_iso(ms, iso, sizeof iso);
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "when", when, "when_iso", iso, "action",
		    db_str(&rows, 2) ? db_str(&rows, 2) : "", "params",
		    db_str(&rows, 3) ? db_str(&rows, 3) : "", "status", st,
		    "status_class",
		    !strcmp(st, "Accepted") || !strcmp(st, "Unlocked") ||
		            !strcmp(st, "answered")
		        ? "ok"
		    : !strcmp(st, "pending") ? "muted"
		                             : "bad",
		    "by", db_str(&rows, 5) ? db_str(&rows, 5) : "",
		    (char *)NULL);
		loop = TMPL_add_varlist(loop, row);
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "commands", loop);
	return rc < 0 ? -1 : 0;
}

static int add_chart(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	double kwh[CHART_DAYS] = {0}, total = 0;
	char labels[CHART_DAYS][16], shorts[CHART_DAYS][8];
	const char *lp[CHART_DAYS], *sp[CHART_DAYS];
	int64_t first = time_day_start(r->now) - (CHART_DAYS - 1) * MS_PER_DAY;
	int rc;

	if (db_query(r->db, &rows, sql_daily, "st", id, first))
		return -1;
	while ((rc = db_next(&rows)) > 0) {
		int64_t day;
		if (param_parse_date(db_str(&rows, 0), &day))
			continue;
		int64_t i = (day - first) / MS_PER_DAY;
		if (i >= 0 && i < CHART_DAYS)
			kwh[i] = db_dbl(&rows, 1) / 1000.0;
	}
	db_rows_end(&rows);
	if (rc < 0)
		return -1;
	for (int i = 0; i < CHART_DAYS; i++) {
		ui_fmt_datetime(first + i * MS_PER_DAY, labels[i],
		                sizeof labels[i]);
		labels[i][10] = '\0';
		snprintf(shorts[i], sizeof shorts[i], "%s", labels[i] + 5);
		lp[i] = labels[i];
		sp[i] = shorts[i];
		total += kwh[i];
	}
	struct ui_chart chart;
	ui_chart_layout(kwh, CHART_DAYS, &chart);
	/* Every 5th day is labelled, counted back from today. */
	*vl = ui_chart_vars(*vl, &chart, kwh, lp, sp, 5, "kWh");
	char buf[32];
	ui_fmt_kwh(total * 1000.0, 1, buf, sizeof buf);
	*vl = TMPL_add_var(*vl, "chart_total", buf, "chart_from", labels[0],
	                   "chart_to", labels[CHART_DAYS - 1], (char *)NULL);
	return 0;
}

void ui_chargepoint(struct ui_req *r, const char *id)
{
	struct db_rows rows;
	int rc;

	if (strlen(id) > CP_ID_MAX || !param_text_ok(id)) {
		ui_error(r, 404, "Charge point not found",
		         "No charge point has this id.");
		return;
	}
	if (db_query(r->db, &rows, sql_cp, "s", id)) {
		ui_db_error(r, "charge point");
		return;
	}
	TMPL_varlist *vl = ui_frame_vars(r, NULL, id, "overview", 5);
	rc = db_next(&rows);
	if (rc > 0)
		vl = cp_fields(r, vl, &rows);
	db_rows_end(&rows);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "charge point");
		return;
	}
	if (rc == 0) {
		char msg[160];
		TMPL_free_varlist(vl);
		snprintf(msg, sizeof msg,
		         "No charge point with the id \"%s\" is known. It "
		         "appears here once it connects.",
		         id);
		ui_error(r, 404, "Charge point not found", msg);
		return;
	}

	TMPL_loop *conns = NULL;
	if (ui_connectors_load(r, &id, 1, on_connector, &conns)) {
		if (conns)
			vl = TMPL_add_loop(vl, "connectors", conns);
		TMPL_free_varlist(vl);
		ui_db_error(r, "connectors");
		return;
	}
	if (conns)
		vl = TMPL_add_loop(vl, "connectors", conns);
	if (add_last_tx(r, id, &vl) || add_chart(r, id, &vl)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "transactions");
		return;
	}
	if (add_commands(r, id, &vl) || ui_config_vars(r, id, &vl) ||
	    ui_reservation_vars(r, id, &vl) || ui_schedule_vars(r, id, &vl) ||
	    ui_security_event_vars(r, id, &vl) || ui_files_vars(r, id, &vl) ||
	    ui_cplife_vars(r, id, &vl) || ui_local_list_vars(r, id, &vl) ||
	    ui_certs_vars(r, id, &vl)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "commands");
		return;
	}
	/* Without a token the forms are left out rather than shown to
	 * fail (the reason is in the log). */
	const char *token = ui_csrf_for(r);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	char seg[3 * CP_ID_MAX + 1];
	ui_path_escape(id, seg, sizeof seg);
	vl = TMPL_add_var(vl, "id_path", seg, "forms", "1", (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	struct ui_qs qs;
	ui_qs_init(&qs);
	ui_qs_add(&qs, "cp_id", id);
	vl = TMPL_add_var(vl, "tx_query", qs.buf, (char *)NULL);
	ui_render(r, 200, "chargepoint.tmpl", vl);
}
