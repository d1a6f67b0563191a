/*
 * api-stats.c — network totals for people (/stats, JSON) and for
 * monitoring (/metrics, Prometheus text format), from one loader so the
 * two never disagree.
 *
 * The headline counters (charge points, connectors by status, running
 * sessions) are counters.h's, shared with the dashboard.  "Today" and
 * "this month" are UTC periods of start_ts.  Energy and cost
 * count the transactions of the period that have ended (a running one has
 * no meter_stop yet), each as money_energy_wh counts it; cost is the
 * sum of their stored costs (tx_costs, priced at the stop from the
 * tariff in force: docs/tariffs.md) and, for sessions stopped before
 * tariffs existed, their energy times price_per_kwh (txq_cost_cents).  The
 * transaction figures come from the per-day summary tx_daily through txquery.c,
 * as the dashboard's counters do: a few hundred summary rows, not a month of
 * transactions.
 */
#include "api-stats.h"

#include <stdlib.h>
#include <string.h>

#include "api-json.h"
#include "counters.h"
#include "money.h"
#include "timeutil.h"
#include "txquery.h"

struct period {
	const char *name;
	int64_t since;
	long long started, completed, wh, cents;
};

struct stats {
	struct counters c;
	struct period today, month;
};

/* The transactions that started in [since, until). */
static int load_period(struct api_req *r, struct period *p, int64_t until)
{
	struct txq_filter f = {.from = p->since, .to_excl = until};
	struct txq_totals tot;
	if (txq_totals(r->db, &f, &tot))
		return -1;
	p->started = tot.count;
	p->completed = tot.count - tot.active;
	p->wh = tot.wh;
	p->cents = txq_cost_cents(&tot, r->cfg->price_per_kwh);
	return 0;
}

/* 00:00 UTC on the first of the month of t. */
static int64_t month_start(int64_t t)
{
	char iso[32], buf[32];
	int64_t ms = t;
	time_format_iso8601(t, iso);
	snprintf(buf, sizeof buf, "%.8s01T00:00:00Z", iso);
	time_parse_iso8601(buf, &ms);
	return ms;
}

static int load(struct api_req *r, struct stats *st)
{
	memset(st, 0, sizeof *st);
	const int64_t day = MS_PER_DAY;
	st->today.name = "today";
	st->today.since = time_day_start(r->now_ms);
	st->month.name = "month";
	st->month.since = month_start(r->now_ms);
	int64_t until = st->today.since + day;
	if (counters_get(r->db, &st->c) || load_period(r, &st->today, until) ||
	    load_period(r, &st->month, until))
		return -1;
	return 0;
}

static void add_period(cJSON *body, const struct period *p)
{
	cJSON *o = cJSON_AddObjectToObject(body, p->name);
	api_json_time(o, "since", p->since);
	api_json_int(o, "transactions", p->started);
	api_json_int(o, "completed", p->completed);
	api_json_num(o, "energy_kwh", (double)p->wh / 1000);
	api_json_num(o, "cost", (double)p->cents / 100);
}

void api_stats(struct api_req *r)
{
	struct stats st;
	if (load(r, &st)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *o = cJSON_AddObjectToObject(body, "charge_points");
	api_json_int(o, "total", st.c.cps);
	api_json_int(o, "connected", st.c.cps_connected);
	o = cJSON_AddObjectToObject(body, "connectors");
	api_json_int(o, "total", st.c.connectors);
	api_json_int(o, "charging", st.c.charging);
	api_json_int(o, "offline", st.c.connectors_offline);
	cJSON *by = cJSON_AddObjectToObject(o, "by_status");
	for (int i = 0; i < COUNTERS_NSTATUS; i++)
		api_json_int(by, counters_status[i], st.c.by_status[i]);
	o = cJSON_AddObjectToObject(body, "transactions");
	api_json_int(o, "active", st.c.sessions);
	api_json_num(body, "energy_kwh_total", st.c.total_kwh);
	api_json_time(body, "counted_at", st.c.counted_ms);
	add_period(body, &st.today);
	add_period(body, &st.month);
	api_json_str(body, "currency", r->cfg->currency);
	api_json_num(body, "price_per_kwh", r->cfg->price_per_kwh);
	api_json_time(body, "generated_at", r->now_ms);
	api_send_json(r, 200, body);
}

static void metric(FILE *out, const char *name, const char *type,
                   const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value from the config, escaped as the text format requires. */
static void label_value(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			putc('\\', out);
		putc(*s, out);
	}
}

void api_metrics(struct api_req *r)
{
	struct stats st;
	if (load(r, &st)) {
		api_db_error(r);
		return;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out) {
		api_error(r, 500, "internal_error", "out of memory");
		return;
	}
	metric(out, "csms_charge_points_total", "gauge",
	       "Charge points known to the central system.");
	fprintf(out, "csms_charge_points_total %lld\n", st.c.cps);
	metric(out, "csms_charge_points_connected", "gauge",
	       "Charge points with an open OCPP connection.");
	fprintf(out, "csms_charge_points_connected %lld\n", st.c.cps_connected);
	metric(out, "csms_connectors", "gauge",
	       "Connectors (id >= 1) of connected charge points by their last "
	       "reported OCPP status; those of disconnected ones as "
	       "status=\"offline\".");
	for (int i = 0; i < COUNTERS_NSTATUS; i++)
		fprintf(out, "csms_connectors{status=\"%s\"} %lld\n",
		        counters_status[i], st.c.by_status[i]);
	fprintf(out, "csms_connectors{status=\"offline\"} %lld\n",
	        st.c.connectors_offline);
	metric(out, "csms_transactions_active", "gauge",
	       "Transactions started and not yet stopped.");
	fprintf(out, "csms_transactions_active %lld\n", st.c.sessions);
	metric(out, "csms_energy_kwh_total", "counter",
	       "Energy delivered by all charge points, in kWh.");
	fprintf(out, "csms_energy_kwh_total %.3f\n", st.c.total_kwh);

	const struct period *periods[] = {&st.today, &st.month};
	metric(out, "csms_transactions_started", "gauge",
	       "Transactions started in the UTC day or month so far.");
	for (int i = 0; i < 2; i++)
		fprintf(out, "csms_transactions_started{period=\"%s\"} %lld\n",
		        periods[i]->name, periods[i]->started);
	metric(out, "csms_period_energy_kwh", "gauge",
	       "Energy of the ended transactions started in the UTC day or "
	       "month so far, in kWh.");
	char num[32];
	for (int i = 0; i < 2; i++) {
		money_format_kwh(periods[i]->wh, 3, num);
		fprintf(out, "csms_period_energy_kwh{period=\"%s\"} %s\n",
		        periods[i]->name, num);
	}
	metric(out, "csms_period_cost", "gauge",
	       "Cost of those transactions: their stored costs, and "
	       "price_per_kwh for the ones stopped before tariffs existed.");
	for (int i = 0; i < 2; i++) {
		money_format_cents(periods[i]->cents, num);
		fprintf(out, "csms_period_cost{period=\"%s\",currency=\"",
		        periods[i]->name);
		label_value(out, r->cfg->currency);
		fprintf(out, "\"} %s\n", num);
	}
	fclose(out);
	api_send(r, 200, "text/plain; version=0.0.4; charset=utf-8",
	         API_NO_STORE, NULL, buf, len);
	free(buf);
}
