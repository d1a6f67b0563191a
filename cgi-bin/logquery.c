/*
 * logquery.c — the message log of one charge point; see logquery.h.
 */
#include "logquery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const logq_directions[] = {"in",         "out",     "connect",
                                       "disconnect", "refused", NULL};

/* Every filter in one statement (NULL parameters switch a condition
 * off), so it is prepared once per connection.  day bounds the
 * partitions read; ts and the cursor bound the range of the primary
 * key (cp_id, ts, id, day), read backwards: no sort. */
static const char sql_page[] =
    "SELECT id, ts, kind, msg_type, msg_id, action, error_code, frame, "
    "frame_len, node_id FROM ocpp_log "
    "WHERE cp_id = ? AND day >= DATE(?) AND day <= DATE(?) "
    "AND ts >= ? AND ts < ? "
    "AND (? IS NULL OR kind = ?) "
    "AND (? IS NULL OR action = ?) "
    "AND (? IS NULL OR msg_id = ?) "
    "AND (? IS NULL OR frame LIKE ? " PARAM_LIKE_ESCAPE ") "
    "AND (? = 0 OR ts < ? OR (ts = ? AND id < ?)) "
    "ORDER BY ts DESC, id DESC LIMIT ?";

static const char sql_known[] =
    "SELECT 1 FROM charge_points WHERE id = ? "
    "UNION ALL SELECT 1 FROM (SELECT 1 FROM ocpp_log WHERE cp_id = ? "
    "LIMIT 1) l LIMIT 1";

#define TS_MIN 0LL
#define TS_MAX 253402300799999LL /* 9999-12-31T23:59:59.999Z */

int logq_filter_or_400(const struct param_src *p, const char *cp_id,
                       struct logq_filter *f)
{
	memset(f, 0, sizeof *f);
	f->cp_id = cp_id;
	int present = 0;
	if (param_time_or_400(p, "from", 0, &f->from, &present))
		return -1;
	if (!present)
		f->from = DB_NULL_TIME;
	if (param_time_or_400(p, "to", 1, &f->to_excl, &present))
		return -1;
	if (!present)
		f->to_excl = DB_NULL_TIME;
	if (f->from != DB_NULL_TIME && f->to_excl != DB_NULL_TIME &&
	    f->from >= f->to_excl) {
		p->bad(p->ctx, "to", "must not be before from");
		return -1;
	}
	int k = param_choice_or_400(p, "direction", logq_directions);
	if (k == -2)
		return -1;
	f->kind = k >= 0 ? logq_directions[k] : NULL;
	if (param_text_or_400(p, "action", 64, NULL, &f->action) ||
	    param_text_or_400(p, "msg_id", 64, NULL, &f->msg_id) ||
	    param_text_or_400(p, "q", LOGQ_TEXT_MAX, NULL, &f->q))
		return -1;
	const char *cur = cgi_param(p->cgi, "cursor");
	if (cur && *cur) {
		if (logq_cursor_decode(cur, &f->cur_ts, &f->cur_id)) {
			p->bad(p->ctx, "cursor",
			       "is not a cursor this log gave (next_cursor)");
			return -1;
		}
		f->has_cursor = 1;
	}
	return 0;
}

int logq_open(struct db *db, struct db_rows *rows, const struct logq_filter *f,
              long long limit)
{
	int64_t from = f->from == DB_NULL_TIME ? TS_MIN : f->from;
	int64_t to = f->to_excl == DB_NULL_TIME ? TS_MAX : f->to_excl;
	if (f->has_cursor && f->cur_ts < to - 1)
		to = f->cur_ts + 1; /* the range the cursor leaves */
	char like[4 * LOGQ_TEXT_MAX * 2 + 8];
	const char *pat = NULL;
	if (f->q && *f->q) {
		if (param_like(f->q, PARAM_LIKE_CONTAINS, like, sizeof like))
			return -1;
		pat = like;
	}
	const char *kind = f->kind,
	           *action = f->action && *f->action ? f->action : NULL;
	const char *msg_id = f->msg_id && *f->msg_id ? f->msg_id : NULL;
	return db_query(db, rows, sql_page, "sttttssssssssittll", f->cp_id,
	                from, to - 1, from, to, kind, kind, action, action,
	                msg_id, msg_id, pat, pat, f->has_cursor, f->cur_ts,
	                f->cur_ts, (long long)f->cur_id, limit);
}

int logq_next(struct db_rows *rows, struct logq_row *out)
{
	int rc = db_next(rows);
	if (rc != 1)
		return rc;
	out->id = (unsigned long long)db_int(rows, 0);
	out->ts = db_time_ms(rows, 1);
	out->kind = db_str(rows, 2);
	out->msg_type = db_str(rows, 3);
	out->msg_id = db_str(rows, 4);
	out->action = db_str(rows, 5);
	out->error_code = db_str(rows, 6);
	out->frame = db_str(rows, 7);
	out->frame_len = db_int(rows, 8);
	out->node_id = db_str(rows, 9);
	return 1;
}

int logq_cp_known(struct db *db, const char *cp_id)
{
	struct db_rows rows;
	if (db_query(db, &rows, sql_known, "ss", cp_id, cp_id))
		return -1;
	int rc = db_next(&rows);
	db_rows_end(&rows);
	return rc;
}

/* ---- the cursor: base64url of "1.<ts>.<id>" ----------------------------- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void logq_cursor_encode(int64_t ts, unsigned long long id,
                        char out[LOGQ_CURSOR_MAX])
{
	/* At most "1." + 20 + "." + 20 digits: 44 bytes, 60 encoded. */
	char raw[48];
	int n = snprintf(raw, sizeof raw, "1.%lld.%llu", (long long)ts, id);
	if (n < 0 || n >= (int)sizeof raw)
		n = 0;
	size_t o = 0;
	for (int i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)raw[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)raw[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)raw[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = b64[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = b64[v & 63];
	}
	out[o] = '\0';
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

int logq_cursor_decode(const char *s, int64_t *ts, unsigned long long *id)
{
	size_t n = strlen(s);
	if (n < 4 || n >= LOGQ_CURSOR_MAX || n % 4 == 1)
		return -1;
	char raw[LOGQ_CURSOR_MAX];
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		unsigned v = 0;
		size_t k;
		for (k = 0; k < 4 && i + k < n; k++) {
			int x = b64_val(s[i + k]);
			if (x < 0)
				return -1;
			v |= (unsigned)x << (18 - 6 * k);
		}
		raw[o++] = (char)(v >> 16);
		if (k > 2)
			raw[o++] = (char)(v >> 8);
		if (k > 3)
			raw[o++] = (char)v;
	}
	raw[o] = '\0';
	long long t;
	unsigned long long i;
	int used = 0;
	if (strspn(raw, "0123456789.") != o ||
	    sscanf(raw, "1.%lld.%llu%n", &t, &i, &used) != 2 ||
	    (size_t)used != o || t < 0 || t > TS_MAX || !i)
		return -1;
	/* One spelling per cursor: the encoding of what was read. */
	char again[LOGQ_CURSOR_MAX];
	logq_cursor_encode(t, i, again);
	if (strcmp(again, s))
		return -1;
	*ts = t;
	*id = i;
	return 0;
}

void logq_pair(const struct logq_pair_in *rows, size_t n, long *pair)
{
	for (size_t i = 0; i < n; i++)
		pair[i] = -1;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].msg_type != 2 || !rows[i].msg_id || pair[i] >= 0)
			continue;
		long best = -1;
		for (size_t j = 0; j < n; j++) {
			if (j == i || pair[j] >= 0 ||
			    (rows[j].msg_type != 3 && rows[j].msg_type != 4) ||
			    rows[j].out == rows[i].out || !rows[j].msg_id ||
			    strcmp(rows[j].msg_id, rows[i].msg_id) ||
			    rows[j].ts < rows[i].ts)
				continue;
			/* The earliest answer after the CALL. */
			if (best < 0 || rows[j].ts < rows[best].ts)
				best = (long)j;
		}
		if (best >= 0) {
			pair[i] = best;
			pair[best] = (long)i;
		}
	}
}
