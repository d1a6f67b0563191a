/*
 * ui-overview.c — the home page: counters, then one page of the charge
 * points (all, or those matching the online/offline, connector status and
 * text filters) with their connectors and running transactions.
 *
 * The counters are counters.h's, the same as the API's /stats and
 * /metrics, and today's finished energy comes from the per-day summary
 * tx_daily, as /stats reads it.  A page is PER_PAGE charge points in id
 * order, then the connectors of those charge points alone, in one
 * query, attached through a sorted index: a fleet of 100,000 never puts
 * more than PER_PAGE rows on the page or reads more than their connectors.
 *
 * Paging is by keyset, as the API's after=: the pager's Next asks for the
 * page after the last id shown (after=), Previous for the page before the
 * first (before=), so each step reads one index range from the cursor
 * whatever the depth.  A page named by its number alone (a typed URL, the
 * Last link) is an OFFSET on the index its filter uses, from the nearer
 * end when the count is exact: at most half the matches are skipped.
 * page= stays in the cursor links only to number the page.
 *
 * The number of matches comes from the counters when only the online
 * filter is set (or only a status), and is counted otherwise; a count
 * that scans (a text filter not read through its trigrams) stops at
 * COUNT_CAP and shows "10,000+", so a q that most of the fleet matches
 * costs a page and a bounded count, not a pass over the fleet.
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
/* The trigrams of q the id lookup joins (sql/036's cp_id_grams): the
 * first, the last and three spread between, so the optimizer can start
 * from the rarest of five. */
#define TEXT_GRAMS 5
#define PER_PAGE   UI_CONNECTORS_IDS_MAX
/* A page number past this is a 400: 100,000,000 charge points. */
#define PAGE_MAX 2000000
/* A scanning count stops past this many matches ("10,000+"). */
#define COUNT_CAP 10000
/* A cursor is a charge point id (VARCHAR(50)). */
#define CURSOR_MAX 50

struct filter {
	const char *q; /* "" for none */
	char like[4 * QUERY_MAX + 8];
	int by_grams; /* q is read through cp_id_grams and the triples */
	char grams[TEXT_GRAMS][16];
	int connected;   /* -1 either, 0 offline, 1 online */
	int status;      /* index in counters_status, -1 for any */
	long page;       /* from 1 */
	long long site;  /* 0: any */
	int retired;     /* 1: only retired ones; 0: the others */
	int any_retired; /* some charge point is retired: filter them */
	const char *after, *before; /* keyset cursors, "" for none */
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
	long long matching; /* charge points the filter matches */
	int capped;         /* matching is COUNT_CAP + 1: there are more */
	int has_prev, has_next;
};

enum {
	F_CONNECTED = 1,
	F_TEXT = 2,
	F_STATUS = 4,
	F_SITE = 8,
	F_RETIRED = 16,
	F_GRAMS = 32,   /* with F_TEXT: the candidates of TEXT_CANDIDATES */
	F_AFTER = 64,   /* ids after the cursor */
	F_BEFORE = 128, /* ids before the cursor */
	F_DESC = 256,   /* read from the end (the outer query sorts back) */
	F_MASKS = 512
};
#define F_READ (F_AFTER | F_BEFORE | F_DESC)

/* Charge point ids are binary-collated: compare them case-insensitively
 * like the rest. */
#define WHERE_CONNECTED "cp.connected = ?"
#define WHERE_SITE      "cp.site_id = ?"
#define WHERE_RETIRED   "cp.retired = ?"
#define WHERE_TEXT                                                             \
	"(cp.id COLLATE utf8mb4_general_ci LIKE ? " PARAM_LIKE_ESCAPE          \
	" OR cp.vendor LIKE ? " PARAM_LIKE_ESCAPE                              \
	" OR cp.model LIKE ? " PARAM_LIKE_ESCAPE                               \
	" OR cp.firmware_version LIKE ? " PARAM_LIKE_ESCAPE ")"
/* The charge points q can match, a superset that WHERE_TEXT then checks
 * (sql/036): those with every one of TEXT_GRAMS trigrams of q in their
 * id (the optimizer starts from the rarest, by its range estimates of
 * cp_id_grams' primary key), and those whose vendor, model or firmware is
 * one of the few distinct (vendor, model, firmware) triples of
 * idx_cp_text_retired (sql/041) that match (a loose scan of the index,
 * then its range for each triple).  Each charge point once.  A statement
 * with TEXT_TRIPLES is prepared for each request and closed after it
 * (db_forget): MariaDB 10.11 plans the distinct triples as a loose scan of
 * the index on a statement's first execution only, and as a full scan of
 * it on the next ones (60-400 ms on 100,000 charge points instead of
 * 4 ms); a prepare costs a round trip. */
#define TEXT_BY_GRAMS                                                          \
	"SELECT g0.cp_id AS id FROM cp_id_grams g0, cp_id_grams g1, "          \
	"cp_id_grams g2, cp_id_grams g3, cp_id_grams g4 WHERE g0.gram = ? "    \
	"AND g1.gram = ? AND g1.cp_id = g0.cp_id AND g2.gram = ? AND "         \
	"g2.cp_id = g0.cp_id AND g3.gram = ? AND g3.cp_id = g0.cp_id AND "     \
	"g4.gram = ? AND g4.cp_id = g0.cp_id"
#define TEXT_TRIPLES                                                           \
	"(SELECT DISTINCT vendor, model, firmware_version FROM charge_points " \
	"WHERE vendor LIKE ? " PARAM_LIKE_ESCAPE                               \
	" OR model LIKE ? " PARAM_LIKE_ESCAPE                                  \
	" OR firmware_version LIKE ? " PARAM_LIKE_ESCAPE                       \
	") d STRAIGHT_JOIN charge_points %s ON %s.vendor <=> d.vendor AND "    \
	"%s.model <=> d.model AND %s.firmware_version <=> d.firmware_version"
#define TEXT_CANDIDATES                                                        \
	"(" TEXT_BY_GRAMS " UNION SELECT c.id FROM " TEXT_TRIPLES              \
	") t STRAIGHT_JOIN charge_points cp ON cp.id = t.id"
/* The count by trigrams: the charge points of the matching triples (each
 * one of the class that matches: q does not end in a space), plus those
 * whose id alone matches (neither vendor, model nor firmware does). */
#define TEXT_COUNT                                                             \
	"SELECT (SELECT COUNT(*) FROM " TEXT_TRIPLES "%s%s) + "                \
	"(SELECT COUNT(*) FROM (" TEXT_BY_GRAMS ") t STRAIGHT_JOIN "           \
	"charge_points cp ON cp.id = t.id WHERE cp.id COLLATE "                \
	"utf8mb4_general_ci LIKE ? " PARAM_LIKE_ESCAPE " AND NOT "             \
	"COALESCE(cp.vendor LIKE ? " PARAM_LIKE_ESCAPE                         \
	" OR cp.model LIKE ? " PARAM_LIKE_ESCAPE                               \
	" OR cp.firmware_version LIKE ? " PARAM_LIKE_ESCAPE ", 0)%s%s)"
/* A status filter matches a charge point with at least one connector
 * (id >= 1) in that status. */
#define STATUS_FROM                                                            \
	"FROM connectors s%s WHERE s.status = ? AND s.connector_id > 0%s%s%s"
#define CP_COLS                                                                \
	"cp.id, cp.vendor, cp.model, cp.firmware_version, cp.connected, "      \
	"cp.connected_since, cp.last_seen, cp.total_kwh, cp.last_boot, "       \
	"cp.protocol"

/* The statement for a set of filters, built once per process (the
 * statement cache keys on the text's address).  count: the number of
 * matches instead of a page.  The rows skipped to reach a deep page are
 * only counted off an index, and the page's own rows alone are read in
 * full (a deferred join): without a status filter the index is the
 * primary key (or, for the online filter, idx_cp_connected_kwh, in id
 * order too); with one, idx_conn_status (sql/014), whose range for the
 * status lists its charge points in id order, so page 1 reads 50 of them
 * and a count reads that range, never every charge point.  F_AFTER and
 * F_BEFORE start that range at a cursor; F_DESC reads it backwards (the
 * page before a cursor, or a page nearer the end), and the outer query
 * puts the page back in id order.  A count that scans (the text filter
 * without F_GRAMS) stops at its LIMIT, COUNT_CAP + 1. */
static const char *sql_for(unsigned mask, int count)
{
	static char *cache[F_MASKS][2];
	if (count)
		mask &= ~(unsigned)F_READ;
	if (cache[mask][count])
		return cache[mask][count];
	char where[1024] = "";
	const char *cursor = mask & F_AFTER    ? " > ?"
	                     : mask & F_BEFORE ? " < ?"
	                                       : NULL;
	const char *dir = mask & F_DESC ? " DESC" : "";
	int capped = count && mask & F_TEXT && !(mask & F_GRAMS);
	char cp_cursor[16] = "", s_cursor[24] = "";
	if (cursor) {
		snprintf(cp_cursor, sizeof cp_cursor, "cp.id%s", cursor);
		snprintf(s_cursor, sizeof s_cursor, " AND s.cp_id%s", cursor);
	}
	const char *conds[5] = {mask & F_CONNECTED ? WHERE_CONNECTED : NULL,
	                        mask & F_TEXT ? WHERE_TEXT : NULL,
	                        mask & F_SITE ? WHERE_SITE : NULL,
	                        mask & F_RETIRED ? WHERE_RETIRED : NULL,
	                        cursor && !(mask & F_STATUS) ? cp_cursor
	                                                     : NULL};
	for (int i = 0; i < 5; i++)
		if (conds[i])
			snprintf(where + strlen(where),
			         sizeof where - strlen(where), "%s%s",
			         *where ? " AND " : "", conds[i]);
	char *sql = NULL;
	int n;
	if (mask & F_GRAMS && count) {
		char rest[512] = "";
		for (int i = 0; i < 4; i++)
			if (conds[i] && i != 1)
				snprintf(rest + strlen(rest),
				         sizeof rest - strlen(rest), " AND %s",
				         conds[i]);
		const char *w = *rest ? " WHERE " : "";
		n = asprintf(&sql, TEXT_COUNT, "cp", "cp", "cp", "cp", w,
		             *rest ? rest + 5 : "", *rest ? " AND " : "",
		             *rest ? rest + 5 : "");
	} else if (mask & F_GRAMS) {
		const char *w = *where ? " WHERE " : "";
		n = asprintf(&sql,
		             "SELECT " CP_COLS
		             " FROM (SELECT cp.id FROM " TEXT_CANDIDATES "%s%s"
		             " ORDER BY cp.id%s LIMIT ? OFFSET ?) k "
		             "JOIN charge_points cp ON cp.id = k.id "
		             "ORDER BY cp.id",
		             "c", "c", "c", "c", w, where, dir);
	} else if (mask & F_STATUS) {
		const char *join =
		    *where ? " JOIN charge_points cp ON cp.id = s.cp_id" : "";
		const char *and = *where ? " AND " : "";
		if (capped)
			n = asprintf(&sql,
			             "SELECT COUNT(*) FROM (SELECT DISTINCT "
			             "s.cp_id " STATUS_FROM " LIMIT ?) x",
			             join, "", and, where);
		else if (count)
			n = asprintf(
			    &sql, "SELECT COUNT(DISTINCT s.cp_id) " STATUS_FROM,
			    join, "", and, where);
		else
			n = asprintf(&sql,
			             "SELECT " CP_COLS
			             " FROM (SELECT DISTINCT s.cp_id AS "
			             "id " STATUS_FROM
			             " ORDER BY s.cp_id%s LIMIT ? OFFSET ?) k "
			             "JOIN charge_points cp ON cp.id = k.id "
			             "ORDER BY cp.id",
			             join, s_cursor, and, where, dir);
	} else {
		const char *w = *where ? " WHERE " : "";
		if (capped)
			n = asprintf(&sql,
			             "SELECT COUNT(*) FROM (SELECT 1 FROM "
			             "charge_points cp%s%s LIMIT ?) x",
			             w, where);
		else if (count)
			n = asprintf(
			    &sql, "SELECT COUNT(*) FROM charge_points cp%s%s",
			    w, where);
		else
			n = asprintf(
			    &sql,
			    "SELECT " CP_COLS
			    " FROM (SELECT cp.id FROM charge_points cp%s%s"
			    " ORDER BY cp.id%s LIMIT ? OFFSET ?) k "
			    "JOIN charge_points cp ON cp.id = k.id "
			    "ORDER BY cp.id",
			    w, where, dir);
	}
	if (n < 0)
		return NULL;
	cache[mask][count] = sql;
	return sql;
}

static unsigned filter_mask(const struct filter *f)
{
	/* Retired charge points are left out only while there are some, so
	 * the usual statements (and the counters' shortcut) stay as they
	 * were for a fleet without any. */
	unsigned grams = *f->q && f->by_grams && f->status < 0 ? F_GRAMS : 0;
	return (f->connected >= 0 ? F_CONNECTED : 0) | (*f->q ? F_TEXT : 0) |
	       (f->status >= 0 ? F_STATUS : 0) | (f->site ? F_SITE : 0) |
	       (f->any_retired || f->retired ? F_RETIRED : 0) | grams;
}

/* The parameters of the filters but q's, in their order. */
static size_t rest_values(const struct filter *f, struct db_value *v)
{
	size_t n = 0;
	if (f->connected >= 0)
		v[n++] = (struct db_value){.type = 'i', .u.i = f->connected};
	if (f->site)
		v[n++] = (struct db_value){.type = 'l', .u.l = f->site};
	if (f->any_retired || f->retired)
		v[n++] = (struct db_value){.type = 'i', .u.i = f->retired};
	return n;
}

static size_t like_values(const struct filter *f, struct db_value *v, int k)
{
	for (int i = 0; i < k; i++)
		v[i] = (struct db_value){.type = 's', .u.s = f->like};
	return (size_t)k;
}

static size_t gram_values(const struct filter *f, struct db_value *v)
{
	for (int i = 0; i < TEXT_GRAMS; i++)
		v[i] = (struct db_value){.type = 's', .u.s = f->grams[i]};
	return TEXT_GRAMS;
}

/* The parameters of sql_for(mask, count) in their order into v (the
 * status first, then its cursor); their number.  A capped count's LIMIT
 * and a page's LIMIT and OFFSET are the caller's. */
static size_t filter_values(const struct filter *f, unsigned mask, int count,
                            struct db_value *v)
{
	size_t n = 0;
	const char *cursor = NULL;
	if (!count && mask & F_AFTER)
		cursor = f->after;
	else if (!count && mask & F_BEFORE)
		cursor = f->before;
	if (mask & F_GRAMS && count) {
		n += like_values(f, v + n, 3);
		n += rest_values(f, v + n);
		n += gram_values(f, v + n);
		n += like_values(f, v + n, 4);
		n += rest_values(f, v + n);
		return n;
	}
	if (mask & F_GRAMS) {
		n += gram_values(f, v + n);
		n += like_values(f, v + n, 3);
	}
	if (f->status >= 0) {
		v[n++] = (struct db_value){.type = 's',
		                           .u.s = counters_status[f->status]};
		if (cursor)
			v[n++] = (struct db_value){.type = 's', .u.s = cursor};
	}
	if (f->connected >= 0)
		v[n++] = (struct db_value){.type = 'i', .u.i = f->connected};
	if (*f->q)
		n += like_values(f, v + n, 4);
	if (f->site)
		v[n++] = (struct db_value){.type = 'l', .u.l = f->site};
	if (f->any_retired || f->retired)
		v[n++] = (struct db_value){.type = 'i', .u.i = f->retired};
	if (cursor && f->status < 0)
		v[n++] = (struct db_value){.type = 's', .u.s = cursor};
	return n;
}

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
	vl = TMPL_add_var(vl, "protocol", ui_protocol_label(db_str(rows, 9)),
	                  (char *)NULL);

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

/* The length of the UTF-8 character at p, 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = *p < 0x80                 ? 1
	           : *p >= 0xf0 && *p < 0xf5 ? 4
	           : *p >= 0xe0              ? 3
	           : *p >= 0xc2 && *p < 0xe0 ? 2
	                                     : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Whether q can be read through the trigrams (sql/036), and which: a q of
 * 3 characters or more whose last is not a space.  Columns compare with
 * trailing spaces ignored, so the one vendor of "ABB" and "ABB " that
 * the distinct triples show may not be the one a q ending in a space
 * matches; such a q, and a shorter one, are the scan's. */
static void pick_grams(struct filter *f)
{
	const unsigned char *q = (const unsigned char *)f->q;
	size_t start[QUERY_MAX * 4 + 1], nc = 0, len = strlen(f->q);
	f->by_grams = 0;
	for (size_t i = 0; i < len && nc < QUERY_MAX * 4;) {
		size_t l = utf8_len(q + i);
		if (!l)
			return;
		start[nc++] = i;
		i += l;
	}
	if (nc < 3 || q[len - 1] == ' ')
		return;
	start[nc] = len;
	size_t windows = nc - 2;
	for (size_t k = 0; k < TEXT_GRAMS; k++) {
		size_t w = windows <= TEXT_GRAMS
		               ? (k < windows ? k : windows - 1)
		               : k * (windows - 1) / (TEXT_GRAMS - 1);
		size_t bytes = start[w + 3] - start[w];
		if (bytes >= sizeof f->grams[k])
			return;
		memcpy(f->grams[k], f->q + start[w], bytes);
		f->grams[k][bytes] = '\0';
	}
	f->by_grams = 1;
}

/* -1 after a 400 page. */
static int read_filter_or_400(struct ui_req *r, struct filter *f)
{
	const char *conn;
	long long page;
	f->status = param_choice_or_400(&r->params, "status", counters_status);
	if (f->status == -2 ||
	    param_text_or_400(&r->params, "q", QUERY_MAX, "", &f->q) ||
	    param_text_or_400(&r->params, "connected", 8, "", &conn) ||
	    param_int_or_400(&r->params, "page", 1, 1, PAGE_MAX, &page) ||
	    param_int_or_400(&r->params, "site", 0, 1, 2147483647, &f->site) ||
	    param_text_or_400(&r->params, "after", CURSOR_MAX, "", &f->after) ||
	    param_text_or_400(&r->params, "before", CURSOR_MAX, "", &f->before))
		return -1;
	if (*f->after && *f->before) {
		ui_bad_param(r, "before", "cannot go with after");
		return -1;
	}
	static const char *const retired_v[] = {"0", "1", NULL};
	int ret = param_choice_or_400(&r->params, "retired", retired_v);
	if (ret == -2)
		return -1;
	f->retired = ret == 1;
	f->page = (long)page;
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
	pick_grams(f);
	return 0;
}

/* Whether any charge point is retired (idx_cp_retired); -1 on a db
 * error. */
static int load_any_retired(struct ui_req *r, struct filter *f)
{
	struct db_rows rows;
	if (db_query(r->db, &rows,
	             "SELECT EXISTS (SELECT 1 FROM charge_points WHERE "
	             "retired = 1)",
	             ""))
		return -1;
	int rc = db_next(&rows);
	f->any_retired = rc > 0 && db_int(&rows, 0) == 1;
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

/* The site filter's choices (sites.tmpl's sites, by name); -1 on a db
 * error. */
static int site_choices(struct ui_req *r, const struct filter *f,
                        TMPL_varlist **vl)
{
	struct db_rows rows;
	if (db_query(r->db, &rows,
	             "SELECT id, name FROM sites ORDER BY name LIMIT 500", ""))
		return -1;
	TMPL_loop *loop = NULL;
	int rc;
	while ((rc = db_next(&rows)) > 0) {
		TMPL_varlist *s =
		    ui_add_fmt(NULL, "site_id", "%lld", db_int(&rows, 0));
		s = TMPL_add_var(s, "site_name",
		                 db_str(&rows, 1) ? db_str(&rows, 1) : "",
		                 (char *)NULL);
		if (db_int(&rows, 0) == f->site)
			s = TMPL_add_var(s, "selected", "1", (char *)NULL);
		loop = TMPL_add_varlist(loop, s);
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "site_choices", loop);
	return rc < 0 ? -1 : 0;
}

/* The counters that do not depend on the filter; -1 on a db error. */
static int load_counters(struct ui_req *r, struct overview *o)
{
	if (counters_get(r->db, &o->c))
		return -1;
	/* Energy of the sessions that started today (UTC) and finished, from
	 * tx_daily, the figure of the API's /stats: the energy so far of the
	 * running ones would take a meter value lookup for each of the
	 * fleet's running sessions on every refresh. */
	struct txq_filter today = {.from = o->today,
	                           .to_excl = o->today + MS_PER_DAY};
	struct txq_totals tot;
	if (txq_totals(r->db, &today, &tot))
		return -1;
	o->wh_today += (double)tot.wh;
	return 0;
}

/* Whether q's trigrams are rare enough for the lookup: a charge point
 * found through them costs about ten times one read by the scan, so when
 * an eighth of the fleet or more has each of them (q=BENCH on a fleet
 * named BENCH-...), the scan, which then finds its matches densely, is
 * the cheaper and q goes to it.  The probe counts one trigram's range of
 * cp_id_grams up to that bound, the last trigram first (an id's end is
 * what sets it apart, its beginning is the fleet's naming), and stops at
 * the first rare one; it does not join them: the join's lookups cost as
 * much as the scan's first page and bounded count together (50,000 of
 * them for q=BENCH on 100,000 charge points).  A q whose trigrams are
 * each common but seldom together goes to the scan too, which stays
 * right, only slower: its count passes the fleet when under the cap.  -1
 * on a db error. */
static int check_grams(struct ui_req *r, const struct overview *o,
                       struct filter *f)
{
	if (!(filter_mask(f) & F_GRAMS))
		return 0;
	long long limit = o->c.cps / 8 > 1000 ? o->c.cps / 8 : 1000;
	for (int i = TEXT_GRAMS - 1; i >= 0; i--) {
		int seen = 0;
		for (int j = i + 1; j < TEXT_GRAMS; j++)
			seen |= !strcmp(f->grams[i], f->grams[j]);
		if (seen)
			continue;
		struct db_value v[2] = {
		    {.type = 's', .u.s = f->grams[i]},
		    {.type = 'l', .u.l = limit},
		};
		struct db_rows rows;
		if (db_query_values(r->db, &rows,
		                    "SELECT COUNT(*) FROM (SELECT 1 FROM "
		                    "cp_id_grams WHERE gram = ? LIMIT ?) g",
		                    v, 2))
			return -1;
		int rc = db_next(&rows);
		long long found = rc > 0 ? db_int(&rows, 0) : 0;
		db_rows_end(&rows);
		if (rc < 0)
			return -1;
		if (found < limit)
			return 0;
	}
	f->by_grams = 0;
	return 0;
}

/* How many charge points the filter matches: the counters know when only
 * the online filter is set. */
static int count_matching(struct ui_req *r, struct overview *o,
                          const struct filter *f)
{
	unsigned mask = filter_mask(f);
	/* A status alone: ocppd's snapshot has the count. */
	if (mask == F_STATUS && o->c.has_cps_by_status) {
		o->matching = o->c.cps_by_status[f->status];
		return 0;
	}
	if (!(mask & ~F_CONNECTED)) {
		o->matching = f->connected < 0 ? o->c.cps
		              : f->connected == 1
		                  ? o->c.cps_connected
		                  : o->c.cps - o->c.cps_connected;
		return 0;
	}
	struct db_value v[24];
	size_t n = filter_values(f, mask, 1, v);
	const char *sql = sql_for(mask, 1);
	struct db_rows rows;
	if (!sql) {
		snprintf(r->db->err, sizeof r->db->err, "out of memory");
		return -1;
	}
	int capped = mask & F_TEXT && !(mask & F_GRAMS);
	if (capped)
		v[n++] = (struct db_value){.type = 'l', .u.l = COUNT_CAP + 1};
	if (db_query_values(r->db, &rows, sql, v, n))
		return -1;
	int rc = db_next(&rows);
	if (rc > 0)
		o->matching = db_int(&rows, 0);
	db_rows_end(&rows);
	o->capped = capped && o->matching > COUNT_CAP;
	if (mask & F_GRAMS)
		db_forget(r->db, sql);
	return rc < 0 ? -1 : 0;
}

static void drop_cp(struct overview *o, size_t i)
{
	free(o->cps[i].id);
	TMPL_free_varlist(o->cps[i].row);
	memmove(&o->cps[i], &o->cps[i + 1], (o->n - i - 1) * sizeof *o->cps);
	o->n--;
}

/* The page's charge points, then their connectors attached to each; -1
 * on a database error or when memory runs out (db->err says which).
 * Sets has_prev and has_next: a read from a cursor (or one whose count
 * is capped) asks for one row more than the page to know whether there
 * is a page beyond it. */
static int load_cps(struct ui_req *r, struct overview *o,
                    const struct filter *f)
{
	struct db_value v[28];
	unsigned mask = filter_mask(f);
	long long skip = (long long)(f->page - 1) * PER_PAGE;
	long long limit = PER_PAGE + 1, offset = 0;
	int extra = 1; /* limit has the row past the page */
	if (*f->after) {
		mask |= F_AFTER;
	} else if (*f->before) {
		mask |= F_BEFORE | F_DESC;
	} else if (!o->capped && f->page > 1 && skip > o->matching / 2) {
		/* Nearer the end: skip the matches after the page instead. */
		mask |= F_DESC;
		limit = o->matching - skip < PER_PAGE ? o->matching - skip
		                                      : PER_PAGE;
		offset = o->matching - skip - limit;
		extra = 0;
	} else {
		offset = skip;
	}
	/* Many matches spread over the fleet: the scan in id order (or
	 * backwards from the end) finds the page's sooner than the
	 * candidates are read and sorted.  It reads about (offset + limit) *
	 * cps / matching charge points if the matches are spread evenly; the
	 * candidates cost about two scan reads each (q=Wallbox's 33,333 on
	 * 100,000 charge points: 200 ms; the scan backwards over 10,000: 30
	 * ms), so twice the matches is the bound. */
	long long reach = offset + limit;
	if (mask & F_GRAMS && o->c.cps > 0 &&
	    reach * (long long)o->c.cps < 2 * o->matching * o->matching)
		mask &= ~(unsigned)F_GRAMS;
	size_t n = filter_values(f, mask, 0, v);
	v[n++] = (struct db_value){.type = 'l', .u.l = limit};
	v[n++] = (struct db_value){.type = 'l', .u.l = offset};
	const char *sql = sql_for(mask, 0);
	struct db_rows rows;
	int rc;
	if (!sql) {
		snprintf(r->db->err, sizeof r->db->err, "out of memory");
		return -1;
	}
	if (db_query_values(r->db, &rows, sql, v, n))
		return -1;
	while ((rc = db_next(&rows)) > 0)
		if (add_cp(o, &rows)) {
			snprintf(r->db->err, sizeof r->db->err,
			         "out of memory");
			rc = -1;
			break;
		}
	db_rows_end(&rows);
	if (mask & F_GRAMS)
		db_forget(r->db, sql);
	if (rc < 0)
		return -1;
	/* The row past the page: the last in id order, or the first when
	 * read backwards. */
	int beyond = extra && o->n > PER_PAGE;
	if (beyond)
		drop_cp(o, mask & F_DESC ? 0 : o->n - 1);
	if (*f->after) {
		o->has_prev = 1;
		o->has_next = beyond;
	} else if (*f->before) {
		o->has_prev = beyond;
		o->has_next = 1;
	} else {
		o->has_prev = f->page > 1;
		o->has_next = extra ? beyond : skip + PER_PAGE < o->matching;
	}
	if (!o->n)
		return 0;
	const char *ids[PER_PAGE];
	if (!(o->sorted = malloc(o->n * sizeof *o->sorted))) {
		snprintf(r->db->err, sizeof r->db->err, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < o->n; i++) {
		o->sorted[i] = &o->cps[i];
		ids[i] = o->cps[i].id;
	}
	qsort(o->sorted, o->n, sizeof *o->sorted, cmp_entry);
	return ui_connectors_load(r, ids, o->n, on_connector, o);
}

/* A pager link: the filters, the page's number (for its label) and the
 * cursor, if any. */
static TMPL_varlist *pager_link(struct ui_req *r, TMPL_varlist *vl,
                                const char *name, const struct ui_qs *filters,
                                long page, const char *cursor_name,
                                const char *cursor)
{
	struct ui_qs qs = *filters;
	if (page > 1)
		ui_qs_add_long(&qs, "page", page);
	if (page > 1 && cursor)
		ui_qs_add(&qs, cursor_name, cursor);
	return ui_add_fmt(vl, name, "%s/%s%s", r->base, *qs.buf ? "?" : "",
	                  qs.buf);
}

/* pager.tmpl's variables: First, Previous (before the first id shown),
 * Next (after the last), Last (by number, read from the end) when the
 * count is exact, and "page N of M" ("of M+" when it is capped). */
static TMPL_varlist *pager_vars(struct ui_req *r, TMPL_varlist *vl,
                                const struct overview *o,
                                const struct filter *f,
                                const struct ui_qs *filters)
{
	char buf[40];
	long pages = (long)((o->matching + PER_PAGE - 1) / PER_PAGE);
	ui_fmt_count(f->page, buf, sizeof buf);
	vl = TMPL_add_var(vl, "page", buf, (char *)NULL);
	if (o->capped && o->has_next) {
		long at_least =
		    f->page + 1 > pages - 1 ? f->page + 1 : pages - 1;
		ui_fmt_count(at_least, buf, sizeof buf);
		strcat(buf, "+");
	} else {
		ui_fmt_count(o->capped || pages < f->page ? f->page : pages,
		             buf, sizeof buf);
	}
	vl = TMPL_add_var(vl, "pages", buf, (char *)NULL);
	if (o->has_prev || o->has_next)
		vl = TMPL_add_var(vl, "paged", "1", (char *)NULL);
	if (o->has_prev && o->n) {
		vl = pager_link(r, vl, "first_href", filters, 1, NULL, NULL);
		vl = pager_link(r, vl, "prev_href", filters, f->page - 1,
		                "before", o->cps[0].id);
	}
	if (o->has_next && o->n) {
		vl = pager_link(r, vl, "next_href", filters, f->page + 1,
		                "after", o->cps[o->n - 1].id);
		if (!o->capped && pages > f->page)
			vl = pager_link(r, vl, "last_href", filters, pages,
			                NULL, NULL);
	}
	return vl;
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
	/* "3" when everything fits on the page, else "51–100". */
	long long first = (long long)(f->page - 1) * PER_PAGE + 1;
	if (o->n && o->n < (size_t)o->matching) {
		char a[32], b[32];
		ui_fmt_count(first, a, sizeof a);
		ui_fmt_count(first + (long long)o->n - 1, b, sizeof b);
		snprintf(buf, sizeof buf, "%.24s\xe2\x80\x93%.24s", a, b);
	} else {
		ui_fmt_count((long long)o->n, buf, sizeof buf);
	}
	vl = TMPL_add_var(vl, "shown", buf, "q", f->q, (char *)NULL);
	if (o->matching > (long long)o->n) {
		ui_fmt_count(o->capped ? COUNT_CAP : o->matching, buf,
		             sizeof buf);
		if (o->capped)
			strcat(buf, "+");
		vl = TMPL_add_var(vl, "n_matching", buf, (char *)NULL);
	}
	int filtered = *f->q || f->connected >= 0 || f->status >= 0 ||
	               f->site || f->retired;
	if (filtered)
		vl = TMPL_add_var(vl, "filtered", "1", (char *)NULL);
	if (f->connected == 1)
		vl = TMPL_add_var(vl, "sel_online", "1", (char *)NULL);
	if (f->connected == 0)
		vl = TMPL_add_var(vl, "sel_offline", "1", (char *)NULL);
	if (f->retired)
		vl = TMPL_add_var(vl, "sel_retired", "1", (char *)NULL);
	TMPL_loop *statuses = NULL;
	for (int i = 0; i < COUNTERS_NSTATUS; i++) {
		TMPL_varlist *s = TMPL_add_var(NULL, "name", counters_status[i],
		                               (char *)NULL);
		if (i == f->status)
			s = TMPL_add_var(s, "selected", "1", (char *)NULL);
		statuses = TMPL_add_varlist(statuses, s);
	}
	vl = TMPL_add_loop(vl, "statuses", statuses);
	struct ui_qs qs;
	ui_qs_init(&qs);
	ui_qs_add(&qs, "q", f->q);
	ui_qs_add(&qs, "connected",
	          f->connected < 0 ? ""
	          : f->connected   ? "1"
	                           : "0");
	ui_qs_add(&qs, "status",
	          f->status < 0 ? "" : counters_status[f->status]);
	if (f->site)
		ui_qs_add_long(&qs, "site", (long)f->site);
	if (f->retired)
		ui_qs_add(&qs, "retired", "1");
	vl = pager_vars(r, vl, o, f, &qs);
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
	if (load_any_retired(r, &f) || load_counters(r, &o) ||
	    check_grams(r, &o, &f) || count_matching(r, &o, &f)) {
		free_overview(&o);
		ui_db_error(r, "overview");
		return;
	}
	/* A page by number alone is an OFFSET: within the pages counted
	 * (with a capped count, at most COUNT_CAP matches skipped; past them
	 * the pager's Next goes on by cursor).  A cursor's page number only
	 * labels it. */
	long pages = (long)((o.matching + PER_PAGE - 1) / PER_PAGE);
	if (f.page > 1 && f.page > pages && !*f.after && !*f.before) {
		char why[96];
		snprintf(why, sizeof why,
		         o.capped ? "is past the pages counted (%ld): follow "
		                    "Next from there"
		                  : "is past the last page (%ld)",
		         pages < 1 ? 1 : pages);
		free_overview(&o);
		ui_bad_param(r, "page", why);
		return;
	}
	/* Nothing matched: the page's read would scan again for nothing. */
	if (o.matching > 0 && load_cps(r, &o, &f)) {
		free_overview(&o);
		ui_db_error(r, "overview");
		return;
	}
	TMPL_varlist *vl = page_vars(r, &o, &f);
	free_overview(&o);
	if (site_choices(r, &f, &vl)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "overview");
		return;
	}
	ui_render(r, 200, "overview.tmpl", vl);
}
