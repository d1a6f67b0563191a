/*
 * ui-transactions.c — /transactions: the paginated history with the API's
 * filters (cp_id, id_tag, status=active|completed, from/to dates on the
 * start time, page, per_page), totals of the filtered set, page links and
 * a link to the same list as CSV from the API.
 *
 * The query work is in txquery.c, shared with the API's /transactions;
 * this file validates parameters and fills the template.
 */
#include "ui-transactions.h"

#include <string.h>

#include "param.h"
#include "money.h"
#include "timeutil.h"
#include "txquery.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-txrow.h"

#define PER_PAGE_DEFAULT 50
#define PER_PAGE_MAX     500
#define PAGE_MAX         100000000L
#define CP_ID_MAX        50 /* charge_points.id */
#define ID_TAG_MAX       20 /* OCPP IdToken */

struct params {
	const char *cp_id, *id_tag, *status, *from, *to;
	long long page, per_page;
	struct txq_filter f;
};

/* Reads and checks every parameter; -1 after a 400 page. */
static int read_params(struct ui_req *r, struct params *p)
{
	int64_t to;
	memset(p, 0, sizeof *p);
	const struct param_src *src = &r->params;
	if (param_text_or_400(src, "cp_id", CP_ID_MAX, "", &p->cp_id) ||
	    param_text_or_400(src, "id_tag", ID_TAG_MAX, "", &p->id_tag) ||
	    param_text_or_400(src, "status", 16, "", &p->status) ||
	    param_text_or_400(src, "from", 16, "", &p->from) ||
	    param_text_or_400(src, "to", 16, "", &p->to) ||
	    param_int_or_400(src, "page", 1, 1, PAGE_MAX, &p->page) ||
	    param_int_or_400(src, "per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX,
	                     &p->per_page))
		return -1;

	p->f.cp_id = *p->cp_id ? p->cp_id : NULL;
	p->f.id_tag = *p->id_tag ? p->id_tag : NULL;
	if (!*p->status)
		p->f.status = TXQ_ANY;
	else if (!strcmp(p->status, "active"))
		p->f.status = TXQ_ACTIVE;
	else if (!strcmp(p->status, "completed"))
		p->f.status = TXQ_COMPLETED;
	else {
		ui_bad_param(r, "status", "must be active or completed");
		return -1;
	}
	p->f.from = p->f.to_excl = DB_NULL_TIME;
	if (*p->from && param_parse_date(p->from, &p->f.from)) {
		ui_bad_param(r, "from", "must be a date like 2025-01-31");
		return -1;
	}
	if (*p->to) {
		if (param_parse_date(p->to, &to)) {
			ui_bad_param(r, "to", "must be a date like 2025-01-31");
			return -1;
		}
		/* "to" names the last day shown, all of it. */
		p->f.to_excl = to + MS_PER_DAY;
	}
	if (p->f.from != DB_NULL_TIME && p->f.to_excl != DB_NULL_TIME &&
	    p->f.from >= p->f.to_excl) {
		ui_bad_param(r, "from", "is after \"to\"");
		return -1;
	}
	return 0;
}

/* The filters as a query string, for page links and the CSV link. */
static void filter_qs(const struct params *p, struct ui_qs *qs)
{
	ui_qs_init(qs);
	ui_qs_add(qs, "cp_id", p->cp_id);
	ui_qs_add(qs, "id_tag", p->id_tag);
	ui_qs_add(qs, "status", p->status);
	ui_qs_add(qs, "from", p->from);
	ui_qs_add(qs, "to", p->to);
}

static TMPL_varlist *filter_vars(struct ui_req *r, TMPL_varlist *vl,
                                 const struct params *p)
{
	struct ui_qs qs;
	vl = TMPL_add_var(vl, "f_cp", p->cp_id, "f_tag", p->id_tag, "f_from",
	                  p->from, "f_to", p->to, (char *)NULL);
	if (p->f.status == TXQ_ACTIVE)
		vl = TMPL_add_var(vl, "f_active", "1", (char *)NULL);
	if (p->f.status == TXQ_COMPLETED)
		vl = TMPL_add_var(vl, "f_completed", "1", (char *)NULL);
	if (p->per_page != PER_PAGE_DEFAULT)
		vl = ui_add_fmt(vl, "f_per_page", "%lld", p->per_page);
	filter_qs(p, &qs);
	if (qs.len)
		vl = TMPL_add_var(vl, "filtered", "1", (char *)NULL);
	vl = TMPL_add_var(vl, "csv_qs", qs.buf, (char *)NULL);
	(void)r;
	return vl;
}

static TMPL_varlist *totals_vars(struct ui_req *r, TMPL_varlist *vl,
                                 const struct params *p,
                                 const struct txq_totals *tot)
{
	char buf[64];
	long long first = (long long)(p->page - 1) * p->per_page;
	long long last = first + p->per_page;
	if (last > tot->count)
		last = tot->count;
	ui_fmt_count(tot->count, buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_count", buf, (char *)NULL);
	ui_fmt_count(tot->active, buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_active", buf, (char *)NULL);
	if (tot->active)
		vl = TMPL_add_var(vl, "some_active", "1", (char *)NULL);
	ui_fmt_count(tot->count ? first + 1 : 0, buf, sizeof buf);
	vl = TMPL_add_var(vl, "row_from", buf, (char *)NULL);
	ui_fmt_count(last, buf, sizeof buf);
	vl = TMPL_add_var(vl, "row_to", buf, (char *)NULL);
	/* Whole kWh once the total is large: the counter stays one line. */
	ui_fmt_kwh((double)tot->wh, tot->wh >= 100000000 ? 0 : 2, buf,
	           sizeof buf);
	vl = TMPL_add_var(vl, "total_kwh", buf, (char *)NULL);
	/* The stored costs, price_per_kwh for sessions without one: as the
	 * API's /stats counts it. */
	ui_fmt_money(txq_cost_cents(tot, r->ctx->cfg.price_per_kwh), buf,
	             sizeof buf);
	return TMPL_add_var(vl, "total_cost", buf, (char *)NULL);
}

struct row_sink {
	struct ui_req *r;
	TMPL_loop *rows;
};

static void add_row(const struct db_rows *rows, void *arg)
{
	struct row_sink *sink = arg;
	sink->rows = TMPL_add_varlist(sink->rows, ui_tx_vars(sink->r, rows));
}

void ui_transactions(struct ui_req *r, const char *arg)
{
	struct params p;
	struct txq_totals tot;
	struct row_sink sink = {.r = r};
	(void)arg;

	if (read_params(r, &p))
		return;
	struct txq_page page = {
	    .offset = (long long)(p.page - 1) * p.per_page,
	    .limit = p.per_page,
	    .latest_wh = 1,
	    .row = add_row,
	    .arg = &sink,
	};
	int rc = txq_page(r->db, &p.f, &page, &tot);
	TMPL_loop *rows = sink.rows;
	TMPL_varlist *vl =
	    ui_frame_vars(r, NULL, "Transactions", "transactions", 0);
	if (rows)
		vl = TMPL_add_loop(vl, "transactions", rows);
	if (rc != 0) {
		TMPL_free_varlist(vl);
		if (rc < 0) {
			ui_db_error(r, "transactions");
		} else {
			char why[96];
			snprintf(why, sizeof why, "is past the last page (%ld)",
			         ui_page_count(tot.count, p.per_page));
			ui_bad_param(r, "page", why);
		}
		return;
	}
	vl = filter_vars(r, vl, &p);
	vl = totals_vars(r, vl, &p, &tot);
	struct ui_qs qs;
	filter_qs(&p, &qs);
	if (p.per_page != PER_PAGE_DEFAULT)
		ui_qs_add_long(&qs, "per_page", p.per_page);
	vl = ui_pager_vars(r, vl, "/transactions", qs.buf, p.page,
	                   ui_page_count(tot.count, p.per_page));
	ui_render(r, 200, "transactions.tmpl", vl);
}
