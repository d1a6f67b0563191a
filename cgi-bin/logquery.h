/*
 * logquery.h — the OCPP message log of one charge point (table ocpp_log,
 * sql/011_ocpp_log.sql), as the API's /cps/{id}/log and the dashboard's
 * log page both read it: newest first, filtered, one page at a time by a
 * cursor on (ts, id) — never an OFFSET, so a page deep in a busy day
 * costs what the first one does (the primary key, (cp_id, ts, id, day), and
 * only the day partitions the time range touches).
 *
 * The cursor and the pairing of CALLs with their answers are pure (the
 * unit tests call them: tests/unit/test_logquery.c).
 */
#ifndef CSMS_LOGQUERY_H
#define CSMS_LOGQUERY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "param.h"

#define LOGQ_CURSOR_MAX 64  /* an encoded cursor's bytes, NUL included */
#define LOGQ_TEXT_MAX   200 /* q, action, msg_id: characters */

/* The direction filter's values, as the kind column spells them. */
extern const char *const logq_directions[]; /* NULL terminated */

struct logq_filter {
	const char *cp_id;
	int64_t from;     /* ts >= from; DB_NULL_TIME: open */
	int64_t to_excl;  /* ts < to_excl; DB_NULL_TIME: open */
	const char *kind; /* NULL: any (logq_directions) */
	const char *action;
	const char *msg_id;
	const char *q;  /* text in the frame, NULL: any */
	int has_cursor; /* rows before (cur_ts, cur_id) only */
	int64_t cur_ts;
	unsigned long long cur_id;
};

/* One row, as read (strings valid until the next logq_next). */
struct logq_row {
	unsigned long long id;
	int64_t ts;
	const char *kind, *msg_type, *msg_id, *action, *error_code, *frame,
	    *node_id;
	long long frame_len;
};

/* Reads the filter's parameters (from, to, direction, action, msg_id, q,
 * cursor) of a request: 0, or -1 after answering 400. */
int logq_filter_or_400(const struct param_src *p, const char *cp_id,
                       struct logq_filter *f);

/* Starts reading up to limit rows: 0, -1 on a database error. */
int logq_open(struct db *db, struct db_rows *rows, const struct logq_filter *f,
              long long limit);
/* 1 a row, 0 the end, -1 an error. */
int logq_next(struct db_rows *rows, struct logq_row *out);

/* 1 when the charge point is registered or has log rows, 0 not, -1 on a
 * database error. */
int logq_cp_known(struct db *db, const char *cp_id);

/* The cursor after a row: an opaque token of [A-Za-z0-9_-]. */
void logq_cursor_encode(int64_t ts, unsigned long long id,
                        char out[LOGQ_CURSOR_MAX]);
/* 0, or -1 when s is not a token logq_cursor_encode made. */
int logq_cursor_decode(const char *s, int64_t *ts, unsigned long long *id);

/* What pairing needs of a row. */
struct logq_pair_in {
	int out;      /* 1 sent to the charge point, 0 received */
	int msg_type; /* 2, 3, 4; 0 for anything else */
	const char *msg_id;
	int64_t ts;
};
/* For each row i, pair[i] = the index of its partner (a CALL's answer,
 * an answer's CALL: same msg_id, other direction, answer not before the
 * CALL), or -1.  Rows in any order; O(n^2) over a page (at most a few
 * hundred rows). */
void logq_pair(const struct logq_pair_in *rows, size_t n, long *pair);

#endif
