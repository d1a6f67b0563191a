/*
 * ui-log.c — /cp/{id}/log: the frames in and out of one charge point,
 * newest first, 100 a page, older pages by a cursor (logquery.h), with
 * the API's filters (from and to as a transaction page links them:
 * ?from=<ISO>&to=<ISO>).  Each CALL shows its answer's type and the
 * latency when the answer is on the page; each frame's JSON, pretty
 * printed, opens in a <details> (no JavaScript needed).  The level form
 * POSTs to /cp/{id}/log-level, which asks ocppd (cp_set_log).
 */
#include "ui-log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "logquery.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"

#define CP_ID_MAX  50 /* charge_points.id */
#define PER_PAGE   100
#define PRETTY_MAX 65536

static const char sql_level[] =
    "SELECT log_level FROM charge_points WHERE id = ?";

/* A page's rows, copied out of the result set (pairing needs them
 * all). */
struct entry {
	struct logq_row w;
	char *buf; /* owns the strings of w */
};

static char *dup_or_null(const char *s, char **p)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = *p;
	memcpy(d, s, n);
	*p += n;
	return d;
}

static int copy_row(struct entry *e, const struct logq_row *w)
{
	const char *s[] = {w->kind,       w->msg_type, w->msg_id, w->action,
	                   w->error_code, w->frame,    w->node_id};
	size_t n = 0;
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		n += s[i] ? strlen(s[i]) + 1 : 0;
	char *p = e->buf = malloc(n + 1);
	if (!p)
		return -1;
	e->w = *w;
	e->w.kind = dup_or_null(w->kind, &p);
	e->w.msg_type = dup_or_null(w->msg_type, &p);
	e->w.msg_id = dup_or_null(w->msg_id, &p);
	e->w.action = dup_or_null(w->action, &p);
	e->w.error_code = dup_or_null(w->error_code, &p);
	e->w.frame = dup_or_null(w->frame, &p);
	e->w.node_id = dup_or_null(w->node_id, &p);
	return 0;
}

static int type_num(const char *t)
{
	return !t                         ? 0
	       : !strcmp(t, "CALL")       ? 2
	       : !strcmp(t, "CALLRESULT") ? 3
	       : !strcmp(t, "CALLERROR")  ? 4
	                                  : 0;
}

/* The frame, pretty printed when it is JSON that parses (a frame cut
 * at 8 KiB does not: shown as it is). */
static char *pretty(const char *frame)
{
	cJSON *j = frame ? cJSON_Parse(frame) : NULL;
	char *s = j ? cJSON_Print(j) : NULL;
	cJSON_Delete(j);
	if (s && strlen(s) > PRETTY_MAX) {
		free(s);
		s = NULL;
	}
	return s;
}

static const char *dir_label(const char *kind)
{
	if (!kind)
		return "";
	if (!strcmp(kind, "in"))
		return "← from CP";
	if (!strcmp(kind, "out"))
		return "→ to CP";
	if (!strcmp(kind, "connect"))
		return "connected";
	if (!strcmp(kind, "disconnect"))
		return "disconnected";
	if (!strcmp(kind, "refused"))
		return "refused";
	return kind;
}

static TMPL_varlist *row_vars(const struct entry *rows, size_t i, long pair)
{
	const struct logq_row *w = &rows[i].w;
	char when[32], iso[32], ms[16], buf[64];
	ui_fmt_datetime(w->ts, when, sizeof when);
	ui_fmt_iso(w->ts, iso, sizeof iso);
	snprintf(ms, sizeof ms, ".%03lld", (long long)(w->ts % 1000));
	TMPL_varlist *vl =
	    TMPL_add_var(NULL, "when", when, "ms", ms, "iso", iso, "dir",
	                 dir_label(w->kind), "kind", w->kind ? w->kind : "",
	                 "frame", w->frame ? w->frame : "", (char *)NULL);
	/* Absent rather than empty, so the template's defaults apply. */
	if (w->msg_type)
		vl = TMPL_add_var(vl, "type", w->msg_type, (char *)NULL);
	if (w->action)
		vl = TMPL_add_var(vl, "action", w->action, (char *)NULL);
	if (w->msg_id)
		vl = TMPL_add_var(vl, "msg_id", w->msg_id, (char *)NULL);
	if (w->error_code)
		vl =
		    TMPL_add_var(vl, "error_code", w->error_code, (char *)NULL);
	snprintf(buf, sizeof buf, "r%llu", w->id);
	vl = TMPL_add_var(vl, "row_id", buf, (char *)NULL);
	int type = type_num(w->msg_type);
	if (type == 4 || (w->kind && !strcmp(w->kind, "refused")))
		vl = TMPL_add_var(vl, "is_error", "1", (char *)NULL);
	if (w->frame && (long long)strlen(w->frame) < w->frame_len) {
		ui_fmt_count(w->frame_len, buf, sizeof buf);
		vl = TMPL_add_var(vl, "cut", buf, (char *)NULL);
	}
	char *p = pretty(w->frame);
	if (p) {
		vl = TMPL_add_var(vl, "pretty", p, (char *)NULL);
		free(p);
	}
	if (pair >= 0) {
		const struct logq_row *o = &rows[pair].w;
		snprintf(buf, sizeof buf, "r%llu", o->id);
		vl = TMPL_add_var(vl, "pair_id", buf, (char *)NULL);
		if (type == 2) {
			snprintf(buf, sizeof buf, "%lld ms",
			         (long long)(o->ts - w->ts));
			vl = TMPL_add_var(vl, "answer",
			                  o->msg_type ? o->msg_type : "",
			                  "latency", buf, (char *)NULL);
			if (type_num(o->msg_type) == 4)
				vl = TMPL_add_var(vl, "answer_error", "1",
				                  (char *)NULL);
		} else {
			vl = TMPL_add_var(vl, "answers", "1", (char *)NULL);
		}
	} else if (type == 2) {
		vl = TMPL_add_var(vl, "unanswered", "1", (char *)NULL);
	}
	return vl;
}

/* The filters as a query string (the pager's and the export links'). */
static void filter_qs(struct ui_req *r, struct ui_qs *qs)
{
	static const char *const names[] = {"from",   "to",     "direction",
	                                    "action", "msg_id", "q"};
	ui_qs_init(qs);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = cgi_param(r->cgi, names[i]);
		if (v && *v)
			ui_qs_add(qs, names[i], v);
	}
}

/* The id of /cp/{id}/...: 0, or -1 after answering 404. */
static int cp_id_ok(struct ui_req *r, const char *id)
{
	if (!*id || strlen(id) > CP_ID_MAX || !param_text_ok(id) ||
	    strchr(id, '/')) {
		ui_error(r, 404, "Charge point not found",
		         "No charge point has this id.");
		return -1;
	}
	return 0;
}

void ui_log(struct ui_req *r, const char *id)
{
	if (cp_id_ok(r, id))
		return;
	struct logq_filter f;
	long long limit;
	if (logq_filter_or_400(&r->params, id, &f) ||
	    param_int_or_400(&r->params, "limit", PER_PAGE, 1, 500, &limit))
		return;
	int known = logq_cp_known(r->db, id);
	if (known < 0) {
		ui_db_error(r, "message log");
		return;
	}
	if (!known) {
		ui_error(r, 404, "Charge point not found",
		         "No charge point with this id is known and none has "
		         "been logged.");
		return;
	}
	/* The charge point's own level. */
	struct db_rows rows;
	char level[16] = "";
	if (db_query(r->db, &rows, sql_level, "s", id)) {
		ui_db_error(r, "message log");
		return;
	}
	int rc = db_next(&rows);
	if (rc == 1 && db_str(&rows, 0))
		snprintf(level, sizeof level, "%s", db_str(&rows, 0));
	db_rows_end(&rows);
	if (rc < 0 || logq_open(r->db, &rows, &f, limit + 1)) {
		ui_db_error(r, "message log");
		return;
	}
	struct entry *ent = calloc((size_t)limit + 1, sizeof *ent);
	size_t n = 0;
	int more = 0, oom = !ent;
	struct logq_row w;
	while ((rc = logq_next(&rows, &w)) == 1) {
		if ((long long)n == limit) {
			more = 1;
			continue;
		}
		if (!oom && copy_row(&ent[n], &w))
			oom = 1;
		if (!oom)
			n++;
	}
	db_rows_end(&rows);
	if (rc < 0 || oom) {
		for (size_t i = 0; ent && i < n; i++)
			free(ent[i].buf);
		free(ent);
		ui_db_error(r, "message log");
		return;
	}
	struct logq_pair_in *pin = calloc(n + 1, sizeof *pin);
	long *pair = calloc(n + 1, sizeof *pair);
	for (size_t i = 0; pin && pair && i < n; i++) {
		pin[i].out = ent[i].w.kind && !strcmp(ent[i].w.kind, "out");
		pin[i].msg_type = type_num(ent[i].w.msg_type);
		pin[i].msg_id = ent[i].w.msg_id;
		pin[i].ts = ent[i].w.ts;
	}
	if (pin && pair)
		logq_pair(pin, n, pair);
	TMPL_loop *loop = NULL;
	for (size_t i = 0; i < n; i++)
		loop = TMPL_add_varlist(
		    loop, row_vars(ent, i, pin && pair ? pair[i] : -1));

	char title[CP_ID_MAX + 16], seg[3 * CP_ID_MAX + 1], buf[64];
	snprintf(title, sizeof title, "%s · OCPP log", id);
	TMPL_varlist *vl = ui_frame_vars(r, NULL, title, "overview", 5);
	ui_path_escape(id, seg, sizeof seg);
	vl = TMPL_add_var(vl, "id", id, "id_path", seg, "forms", "1",
	                  (char *)NULL);
	if (loop)
		vl = TMPL_add_loop(vl, "rows", loop);
	struct ui_qs qs;
	filter_qs(r, &qs);
	vl = TMPL_add_var(vl, "filter_qs", qs.buf, (char *)NULL);
	static const char *const names[] = {"from",   "to",     "direction",
	                                    "action", "msg_id", "q"};
	int filtered = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = cgi_param(r->cgi, names[i]);
		vl = TMPL_add_var(vl, names[i], v ? v : "", (char *)NULL);
		filtered |= v && *v;
	}
	if (filtered)
		vl = TMPL_add_var(vl, "filtered", "1", (char *)NULL);
	if (f.has_cursor)
		vl = TMPL_add_var(vl, "paged", "1", (char *)NULL);
	if (more && n) {
		char cur[LOGQ_CURSOR_MAX];
		logq_cursor_encode(ent[n - 1].w.ts, ent[n - 1].w.id, cur);
		struct ui_qs next = qs;
		ui_qs_add(&next, "cursor", cur);
		vl = TMPL_add_var(vl, "older_qs", next.buf, (char *)NULL);
	}
	ui_fmt_count((long long)n, buf, sizeof buf);
	vl =
	    TMPL_add_var(vl, "n_rows", buf, "level", level[0] ? level : "",
	                 "level_shown", level[0] ? level : r->ctx->cfg.ocpp_log,
	                 "level_default", r->ctx->cfg.ocpp_log, (char *)NULL);
	const char *token = ui_csrf_for(r);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	for (size_t i = 0; i < n; i++)
		free(ent[i].buf);
	free(ent);
	free(pin);
	free(pair);
	ui_render(r, 200, "log.tmpl", vl);
}

void ui_log_level(struct ui_req *r, const char *id)
{
	if (cp_id_ok(r, id))
		return;
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *level = ui_form_get(&f, "level");
	cJSON *p = cJSON_CreateObject();
	if (!level || !*level || !strcmp(level, "default")) {
		cJSON_AddNullToObject(p, "level");
	} else if (!strcmp(level, "all") || !strcmp(level, "errors") ||
	           !strcmp(level, "off")) {
		cJSON_AddStringToObject(p, "level", level);
	} else {
		cJSON_Delete(p);
		ui_form_free(&f);
		ui_bad_param(r, "level", "is not default, all, errors or off");
		return;
	}
	struct ui_outcome o;
	ui_control(r, "cp_set_log", id, p, &o, NULL);
	cJSON_Delete(p);
	if (!strcmp(o.kind, "ok"))
		snprintf(o.msg, sizeof o.msg, "now %s",
		         level && *level ? level : "default");
	ui_form_free(&f);
	char seg[3 * CP_ID_MAX + 1], path[3 * CP_ID_MAX + 16],
	    page[CP_ID_MAX + 16];
	ui_path_escape(id, seg, sizeof seg);
	snprintf(path, sizeof path, "/cp/%s/log", seg);
	snprintf(page, sizeof page, "/cp/%s/log", id);
	ui_redirect_outcome(r, page, path, "Log level", &o);
}
