/*
 * ui-overview.c — the home page: counters, then every charge point (or
 * those matching the online/offline and text filters) with its connectors
 * and their running transactions.
 *
 * The counters are counters.h's, the same as the API's /stats and
 * /metrics.  Then cheap queries and one join: energy of today's sessions
 * (from the per-day summary tx_daily), the charge points, then all
 * connectors, which are attached to their charge point through a sorted
 * index.  With 1,000 charge points that is a few thousand rows and no
 * per-charge-point query.
 */
#include "ui-overview.h"

#include <stdlib.h>
#include <string.h>

#include "param.h"
#include "counters.h"
#include "timeutil.h"
#include "txquery.h"
#include "ui-connector.h"
#include "ui-error.h"
#include "ui-format.h"

#define QUERY_MAX 100

struct filter {
	const char *q; /* "" for none */
	char like[4 * QUERY_MAX + 8];
	int connected; /* -1 either, 0 offline, 1 online */
};

struct cp_entry {
	char *id;
	TMPL_varlist *row;
	TMPL_loop *connectors; /* attached to row once all are read */
};

struct overview {
	struct ui_req *r;
	struct cp_entry *cps;     /* in id order, as shown */
	struct cp_entry **sorted; /* by strcmp, for bsearch */
	size_t n, cap;
	struct counters c;
	double wh_today;
	int64_t today;
};

/* connected < 0 means either; q "" means no text filter.  Charge point ids
 * are binary-collated: compare them case-insensitively like the rest. */
static const char sql_cps[] =
    "SELECT id, vendor, model, firmware_version, connected, "
    "connected_since, last_seen, total_kwh, last_boot "
    "FROM charge_points WHERE (? < 0 OR connected = ?) "
    "AND (? = '' OR id COLLATE utf8mb4_general_ci LIKE ? " PARAM_LIKE_ESCAPE
    " OR vendor LIKE ? " PARAM_LIKE_ESCAPE " OR model LIKE ? " PARAM_LIKE_ESCAPE
    " OR firmware_version LIKE ? " PARAM_LIKE_ESCAPE ") "
    "ORDER BY id";

static int cmp_entry(const void *a, const void *b)
{
	const struct cp_entry *x = *(struct cp_entry *const *)a;
	const struct cp_entry *y = *(struct cp_entry *const *)b;
	return strcmp(x->id, y->id);
}

static struct cp_entry *find_cp(struct overview *o, const char *id)
{
	struct cp_entry key = {.id = (char *)id}, *kp = &key;
	if (!o->n)
		return NULL;
	struct cp_entry **hit =
	    bsearch(&kp, o->sorted, o->n, sizeof *o->sorted, cmp_entry);
	return hit ? *hit : NULL;
}

static void on_connector(struct ui_connector *c, void *arg)
{
	struct overview *o = arg;
	if (c->has_tx && c->tx_start >= o->today)
		o->wh_today += c->tx_wh;
	struct cp_entry *e = find_cp(o, c->cp_id);
	/* The whole-station status is news only when it is not Available. */
	if (!e || (c->id == 0 && !strcmp(c->status, "Available"))) {
		TMPL_free_varlist(c->vars);
		return;
	}
	e->connectors = TMPL_add_varlist(e->connectors, c->vars);
}

static TMPL_varlist *cp_vars(struct ui_req *r, const struct db_rows *rows)
{
	char buf[64], iso[32];
	const char *s;
	TMPL_varlist *vl =
	    TMPL_add_var(NULL, "id", db_str(rows, 0), (char *)NULL);
	if ((s = db_str(rows, 1)))
		vl = TMPL_add_var(vl, "vendor", s, (char *)NULL);
	if ((s = db_str(rows, 2)))
		vl = TMPL_add_var(vl, "model", s, (char *)NULL);
	if ((s = db_str(rows, 3)))
		vl = TMPL_add_var(vl, "firmware", s, (char *)NULL);

	int online = db_int(rows, 4) != 0;
	/* last_seen moves with every frame (ocppd writes it at most every
	 * 10 s, and at disconnect); a boot is one too. */
	int64_t since = db_time_ms(rows, 5), seen = db_time_ms(rows, 6);
	int64_t boot = db_time_ms(rows, 8);
	if (boot != DB_NULL_TIME && (seen == DB_NULL_TIME || boot > seen))
		seen = boot;
	if (online) {
		vl = TMPL_add_var(vl, "online", "1", (char *)NULL);
		if (since != DB_NULL_TIME) {
			ui_fmt_duration(r->now - since, buf, sizeof buf);
			vl = TMPL_add_var(vl, "presence", buf, (char *)NULL);
		}
	} else if (seen != DB_NULL_TIME) {
		ui_fmt_ago(seen, r->now, buf, sizeof buf);
		vl = TMPL_add_var(vl, "presence", buf, (char *)NULL);
	}
	if (seen != DB_NULL_TIME) {
		ui_fmt_ago(seen, r->now, buf, sizeof buf);
		ui_fmt_iso(seen, iso, sizeof iso);
		vl = TMPL_add_var(vl, "seen", buf, "seen_iso", iso,
		                  (char *)NULL);
	}
	ui_fmt_kwh(db_dbl(rows, 7) * 1000.0, 1, buf, sizeof buf);
	return TMPL_add_var(vl, "total_kwh", buf, (char *)NULL);
}

static int add_cp(struct overview *o, const struct db_rows *rows)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		struct cp_entry *n = realloc(o->cps, cap * sizeof *n);
		if (!n)
			return -1;
		o->cps = n;
		o->cap = cap;
	}
	struct cp_entry *e = &o->cps[o->n];
	memset(e, 0, sizeof *e);
	if (!(e->id = strdup(db_str(rows, 0) ? db_str(rows, 0) : "")))
		return -1;
	e->row = cp_vars(o->r, rows);
	o->n++;
	return 0;
}

static void free_overview(struct overview *o)
{
	for (size_t i = 0; i < o->n; i++) {
		struct cp_entry *e = &o->cps[i];
		free(e->id);
		/* On success rows and loops belong to the page's list; on an
		 * error path a loop can only be freed through its row. */
		if (e->connectors && e->row)
			e->row =
			    TMPL_add_loop(e->row, "connectors", e->connectors);
		TMPL_free_varlist(e->row);
	}
	free(o->cps);
	free(o->sorted);
}

/* The address charge points connect to, for the empty page. */
static void ocpp_url(struct ui_req *r, char *buf, size_t n)
{
	const char *host = cgi_getenv(r->cgi, "SERVER_NAME");
	if (!host || !*host)
		host = "localhost";
	snprintf(buf, n, "ws://%s:%d/{CP_ID}", host, r->ctx->cfg.ocpp_port);
}

/* -1 after a 400 page. */
static int read_filter_or_400(struct ui_req *r, struct filter *f)
{
	const char *conn;
	if (param_text_or_400(&r->params, "q", QUERY_MAX, "", &f->q) ||
	    param_text_or_400(&r->params, "connected", 8, "", &conn))
		return -1;
	if (!strcmp(conn, "1"))
		f->connected = 1;
	else if (!strcmp(conn, "0"))
		f->connected = 0;
	else if (!*conn)
		f->connected = -1;
	else {
		ui_bad_param(r, "connected", "must be 1 or 0");
		return -1;
	}
	if (param_like(f->q, PARAM_LIKE_CONTAINS, f->like, sizeof f->like)) {
		ui_bad_param(r, "q", "is too long");
		return -1;
	}
	return 0;
}

/* The counters that do not depend on the filter; -1 on a db error. */
static int load_counters(struct ui_req *r, struct overview *o)
{
	if (counters_load(r->db, &o->c))
		return -1;
	/* Energy of the sessions that started today (UTC) and finished, from
	 * tx_daily as the API's /stats reads it; running ones are added from
	 * the connector rows, which carry their energy so far. */
	struct txq_filter today = {.from = o->today,
	                           .to_excl = o->today + MS_PER_DAY};
	struct txq_totals tot;
	if (txq_totals(r->db, &today, &tot))
		return -1;
	o->wh_today += (double)tot.wh;
	return 0;
}

/* The filtered charge points, then every connector attached to its own;
 * -1 on a database error or when memory runs out (db->err says which). */
static int load_cps(struct ui_req *r, struct overview *o,
                    const struct filter *f)
{
	struct db_rows rows;
	int rc;
	if (db_query(r->db, &rows, sql_cps, "iisssss", f->connected,
	             f->connected, f->q, f->like, f->like, f->like, f->like))
		return -1;
	while ((rc = db_next(&rows)) > 0)
		if (add_cp(o, &rows)) {
			snprintf(r->db->err, sizeof r->db->err,
			         "out of memory");
			rc = -1;
			break;
		}
	db_rows_end(&rows);
	if (rc < 0)
		return -1;
	if (o->n && !(o->sorted = malloc(o->n * sizeof *o->sorted))) {
		snprintf(r->db->err, sizeof r->db->err, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < o->n; i++)
		o->sorted[i] = &o->cps[i];
	if (o->n)
		qsort(o->sorted, o->n, sizeof *o->sorted, cmp_entry);
	return ui_connectors_load(r, NULL, on_connector, o);
}

/* Hands the rows over to the page's list and adds the counters. */
static TMPL_varlist *page_vars(struct ui_req *r, struct overview *o,
                               const struct filter *f)
{
	char buf[64];
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Overview", "overview", 5);
	TMPL_loop *loop = NULL;
	for (size_t i = 0; i < o->n; i++) {
		struct cp_entry *e = &o->cps[i];
		if (e->connectors)
			e->row =
			    TMPL_add_loop(e->row, "connectors", e->connectors);
		e->connectors = NULL;
		loop = TMPL_add_varlist(loop, e->row);
		e->row = NULL;
	}
	if (loop)
		vl = TMPL_add_loop(vl, "cps", loop);

	ui_fmt_count(o->c.cps_connected, buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_online", buf, (char *)NULL);
	ui_fmt_count(o->c.cps, buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_total", buf, (char *)NULL);
	ui_fmt_count(o->c.charging, buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_charging", buf, (char *)NULL);
	ui_fmt_count(o->c.sessions, buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_sessions", buf, (char *)NULL);
	ui_fmt_kwh(o->wh_today, 1, buf, sizeof buf);
	vl = TMPL_add_var(vl, "kwh_today", buf, (char *)NULL);
	ui_fmt_datetime(o->today, buf, sizeof buf);
	buf[10] = '\0';
	vl = TMPL_add_var(vl, "today", buf, (char *)NULL);
	ui_fmt_count((long long)o->n, buf, sizeof buf);
	vl = TMPL_add_var(vl, "shown", buf, "q", f->q, (char *)NULL);
	if (*f->q || f->connected >= 0)
		vl = TMPL_add_var(vl, "filtered", "1", (char *)NULL);
	if (f->connected == 1)
		vl = TMPL_add_var(vl, "sel_online", "1", (char *)NULL);
	if (f->connected == 0)
		vl = TMPL_add_var(vl, "sel_offline", "1", (char *)NULL);
	ocpp_url(r, buf, sizeof buf);
	return TMPL_add_var(vl, "ocpp_url", buf, (char *)NULL);
}

void ui_overview(struct ui_req *r, const char *arg)
{
	struct overview o = {.r = r};
	struct filter f;
	(void)arg;

	if (read_filter_or_400(r, &f))
		return;
	o.today = time_day_start(r->now);
	if (load_counters(r, &o) || load_cps(r, &o, &f)) {
		free_overview(&o);
		ui_db_error(r, "overview");
		return;
	}
	TMPL_varlist *vl = page_vars(r, &o, &f);
	free_overview(&o);
	ui_render(r, 200, "overview.tmpl", vl);
}
