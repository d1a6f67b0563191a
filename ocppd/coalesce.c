/*
 * coalesce.c — multi-row writes at the end of a worker batch; see
 * coalesce.h.
 */
#include "coalesce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "conncache.h"

/*
 * Statement sizes: every row count up to COALESCE_EXACT, then
 * COALESCE_CHUNK.  A batch's rows of one kind then go out as one
 * statement unless there are more than COALESCE_EXACT of them; with
 * powers of two only, a batch of 15 rows took four (8 + 4 + 2 + 1), and
 * at a fixed rate, where batches are small, those extra round trips were
 * about a fifth of a batch's statements.
 */
#define COALESCE_EXACT 32
#define NSIZES         (COALESCE_EXACT + 1)

enum kind { K_STATUS, K_METER, K_SEEN, K_ENERGY, K_CONN, K_COST, K_COUNT };

/* sql[kind][k]: the statement for size_rows(k) rows. */
static char *sql[K_COUNT][NSIZES];

static int size_rows(int k)
{
	return k < COALESCE_EXACT ? k + 1 : COALESCE_CHUNK;
}

#define STATUS_HEAD                                                            \
	"INSERT INTO connectors (cp_id, connector_id, status, error_code, "    \
	"info, vendor_id, vendor_error_code, status_ts, last_update) VALUES "
#define STATUS_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define STATUS_TAIL                                                            \
	" ON DUPLICATE KEY UPDATE status = VALUES(status), "                   \
	"error_code = VALUES(error_code), info = VALUES(info), "               \
	"vendor_id = VALUES(vendor_id), "                                      \
	"vendor_error_code = VALUES(vendor_error_code), "                      \
	"status_ts = VALUES(status_ts), last_update = VALUES(last_update)"
#define STATUS_COLS 9

#define METER_HEAD                                                             \
	"INSERT INTO meter_values (cp_id, connector_id, transaction_id, ts, "  \
	"measurand, value, value_num, num_unit, unit, phase, context, "        \
	"location, format) VALUES "
#define METER_ROW  "(?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define METER_COLS 13

/* Only existing rows: no message registers a charge point here.  A NULL
 * heartbeat time keeps the stored one (the link sent other messages). */
#define SEEN_HEAD "UPDATE charge_points SET last_seen = CASE id "
#define SEEN_ROW  "WHEN ? THEN ? "
#define SEEN_MID  "END, last_heartbeat = CASE id "
#define SEEN_ROW2 "WHEN ? THEN IFNULL(?, last_heartbeat) "
#define CASE_MID  "END WHERE id IN ("

/* A connector first named by a transaction message; a row that exists
 * (a StatusNotification's, in this batch or before) is left alone, and
 * IGNORE also skips a charge point row that is gone. */
#define CONN_HEAD                                                              \
	"INSERT IGNORE INTO connectors (cp_id, connector_id, status, "         \
	"last_update) VALUES "
#define CONN_ROW "(?, ?, 'Unknown', ?)"

/* A finished session's energy, added once (the StopTransaction that set
 * meter_stop); Wh in, kWh stored, exact (DECIMAL). */
#define ENERGY_HEAD "UPDATE charge_points SET total_kwh = total_kwh + CASE id "
#define ENERGY_ROW  "WHEN ? THEN ? / 1000 "

/* Nothing reads a cost back in the batch that stops its session. */
#define COST_HEAD                                                              \
	"INSERT IGNORE INTO tx_costs (tx_id, tariff_version_id, tariff_name, " \
	"currency, minor_digits, energy_wh, charging_s, idle_s, "              \
	"idle_billed_s, energy_minor, time_minor, idle_minor, fee_minor, "     \
	"adjust_minor, net_minor, vat_minor, gross_minor, vat_rate_bp, "       \
	"prices_include_vat, computed_at) VALUES "
#define COST_ROW                                                               \
	"(?, NULLIF(?, 0), NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "   \
	"?, "                                                                  \
	"?, ?, ?, ?, ?)"

/* head row (sep row)* tail, for n rows. */
static char *repeat(const char *head, const char *row, const char *sep,
                    const char *tail, int n)
{
	size_t len = strlen(head) + strlen(tail) + 1 +
	             (size_t)n * (strlen(row) + strlen(sep));
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	p += sprintf(p, "%s", head);
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? sep : "", row);
	sprintf(p, "%s", tail);
	return s;
}

/* UPDATE ... CASE id WHEN ? THEN ... END WHERE id IN (?, ...), n rows. */
static char *case_sql(const char *head, const char *row, int n)
{
	char *cases = repeat(head, row, "", CASE_MID, n);
	char *s = cases ? repeat(cases, "?", ", ", ")", n) : NULL;
	free(cases);
	return s;
}

/* Both CASEs of the last_seen / last_heartbeat update, n rows. */
static char *seen_sql(int n)
{
	char *first = repeat(SEEN_HEAD, SEEN_ROW, "", SEEN_MID, n);
	char *s = first ? case_sql(first, SEEN_ROW2, n) : NULL;
	free(first);
	return s;
}

int coalesce_init(void)
{
	for (int k = 0; k < NSIZES; k++) {
		int n = size_rows(k);
		sql[K_STATUS][k] =
		    repeat(STATUS_HEAD, STATUS_ROW, ", ", STATUS_TAIL, n);
		sql[K_METER][k] = repeat(METER_HEAD, METER_ROW, ", ", "", n);
		sql[K_SEEN][k] = seen_sql(n);
		sql[K_ENERGY][k] = case_sql(ENERGY_HEAD, ENERGY_ROW, n);
		sql[K_CONN][k] = repeat(CONN_HEAD, CONN_ROW, ", ", "", n);
		sql[K_COST][k] = repeat(COST_HEAD, COST_ROW, ", ", "", n);
		for (int t = 0; t < K_COUNT; t++)
			if (!sql[t][k]) {
				coalesce_cleanup();
				return -1;
			}
	}
	return 0;
}

void coalesce_cleanup(void)
{
	for (int t = 0; t < K_COUNT; t++)
		for (int k = 0; k < NSIZES; k++) {
			free(sql[t][k]);
			sql[t][k] = NULL;
		}
}

void coalesce_reset(struct coalesce *co)
{
	co->nstatus = co->nmeter = co->nseen = co->nenergy = co->nconn = 0;
	co->ncost = 0;
}

static struct db_value str(const char *s)
{
	return (struct db_value){.type = 's', .u.s = s};
}

static struct db_value num_i(int i)
{
	return (struct db_value){.type = 'i', .u.i = i};
}

static struct db_value num_l(long long l)
{
	return (struct db_value){.type = 'l', .u.l = l};
}

static struct db_value tm(int64_t t)
{
	return (struct db_value){.type = 't', .u.t = t};
}

static size_t status_values(struct db_value *v, const struct co_status *r,
                            int n)
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		v[k++] = str(r[i].cp_id);
		v[k++] = num_i(r[i].connector);
		v[k++] = str(r[i].status);
		v[k++] = str(r[i].error);
		v[k++] = str(r[i].info);
		v[k++] = str(r[i].vendor);
		v[k++] = str(r[i].vendor_error);
		v[k++] = tm(r[i].ts);
		v[k++] = tm(r[i].now);
	}
	return k;
}

static size_t meter_values(struct db_value *v, const struct co_meter *r, int n)
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		v[k++] = str(r[i].cp_id);
		v[k++] = num_i(r[i].connector);
		v[k++] = num_l(r[i].tx);
		v[k++] = tm(r[i].ts);
		v[k++] = str(r[i].measurand);
		v[k++] = str(r[i].value);
		v[k++] = r[i].has_num
		             ? (struct db_value){.type = 'd', .u.d = r[i].num}
		             : str(NULL);
		v[k++] = str(r[i].has_num ? r[i].num_unit : NULL);
		v[k++] = str(r[i].unit);
		v[k++] = str(r[i].phase);
		v[k++] = str(r[i].context);
		v[k++] = str(r[i].location);
		v[k++] = str(r[i].format);
	}
	return k;
}

static size_t conn_values(struct db_value *v, const struct co_connector *r,
                          int n, int64_t now)
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		v[k++] = str(r[i].cp_id);
		v[k++] = num_i(r[i].connector);
		v[k++] = tm(now);
	}
	return k;
}

static size_t cost_values(struct db_value *v, const struct co_cost *r, int n)
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		v[k++] = num_l(r[i].tx);
		v[k++] = num_l(r[i].version_id);
		v[k++] = str(r[i].name);
		v[k++] = str(r[i].currency);
		v[k++] = num_i(r[i].minor_digits);
		for (int j = 0; j < 14; j++)
			v[k++] = num_l(r[i].v[j]);
		v[k++] = tm(r[i].computed_at);
	}
	return k;
}

/* The CASE pairs (id, value) (twice for last_seen and last_heartbeat),
 * then the IN list of ids. */
static size_t keyed_values(struct db_value *v, const struct co_keyed *r, int n,
                           enum kind t)
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		v[k++] = str(r[i].cp_id);
		v[k++] = t == K_SEEN ? tm(r[i].v) : num_l(r[i].v);
	}
	for (int i = 0; t == K_SEEN && i < n; i++) {
		v[k++] = str(r[i].cp_id);
		v[k++] = tm(r[i].v2);
	}
	for (int i = 0; i < n; i++)
		v[k++] = str(r[i].cp_id);
	return k;
}

/* Writes rows [0, n) of one kind, in order: full chunks, then one
 * statement for the rest when it is COALESCE_EXACT rows or fewer. */
static int write_kind(struct coalesce *co, struct db *db, enum kind t, int n)
{
	int done = 0;
	while (done < n) {
		int left = n - done;
		int k = left >= COALESCE_CHUNK  ? NSIZES - 1
		        : left > COALESCE_EXACT ? COALESCE_EXACT - 1
		                                : left - 1;
		int m = size_rows(k);
		size_t nv;
		switch (t) {
		case K_STATUS:
			nv = status_values(co->vals, co->status + done, m);
			break;
		case K_METER:
			nv = meter_values(co->vals, co->meter + done, m);
			break;
		case K_SEEN:
			nv = keyed_values(co->vals, co->seen + done, m, t);
			break;
		case K_ENERGY:
			nv = keyed_values(co->vals, co->energy + done, m, t);
			break;
		case K_COST:
			nv = cost_values(co->vals, co->cost + done, m);
			break;
		default:
			nv = conn_values(co->vals, co->conn + done, m,
			                 co->conn_now);
			break;
		}
		if (db_exec_values(db, sql[t][k], co->vals, nv) < 0)
			return -1;
		done += m;
	}
	return 0;
}

int coalesce_status(struct coalesce *co, struct db *db,
                    const struct co_status *row)
{
	if (co->nstatus == COALESCE_CHUNK) {
		if (write_kind(co, db, K_STATUS, co->nstatus))
			return -1;
		co->nstatus = 0;
	}
	co->status[co->nstatus++] = *row;
	return 0;
}

struct co_meter *coalesce_meter(struct coalesce *co, struct db *db)
{
	if (co->nmeter == COALESCE_CHUNK) {
		if (write_kind(co, db, K_METER, co->nmeter))
			return NULL;
		co->nmeter = 0;
	}
	struct co_meter *m = &co->meter[co->nmeter++];
	memset(m, 0, sizeof *m);
	return m;
}

struct co_cost *coalesce_cost(struct coalesce *co, struct db *db)
{
	if (co->ncost == COALESCE_CHUNK) {
		if (write_kind(co, db, K_COST, co->ncost))
			return NULL;
		co->ncost = 0;
	}
	struct co_cost *r = &co->cost[co->ncost++];
	memset(r, 0, sizeof *r);
	return r;
}

/* One row per charge point: energy sums, times keep the newest.  The
 * FNV-1a of the id spares a strcmp on most comparisons. */
static int keyed(struct coalesce *co, struct db *db, enum kind t,
                 const char *cp_id, long long v, long long v2)
{
	struct co_keyed *rows = t == K_SEEN ? co->seen : co->energy;
	int *n = t == K_SEEN ? &co->nseen : &co->nenergy;
	uint64_t h = fnv1a64(cp_id);
	for (int i = 0; i < *n; i++)
		if (rows[i].hash == h && !strcmp(rows[i].cp_id, cp_id)) {
			if (t == K_ENERGY) {
				rows[i].v += v;
				return 0;
			}
			if (v > rows[i].v)
				rows[i].v = v;
			if (v2 > rows[i].v2)
				rows[i].v2 = v2;
			return 0;
		}
	if (*n == COALESCE_CHUNK) {
		if (write_kind(co, db, t, *n))
			return -1;
		*n = 0;
	}
	rows[(*n)++] = (struct co_keyed){cp_id, h, v, v2};
	return 0;
}

int coalesce_seen(struct coalesce *co, struct db *db, const char *cp_id,
                  int64_t seen_ms, int64_t beat_ms)
{
	return keyed(co, db, K_SEEN, cp_id, seen_ms, beat_ms);
}

int coalesce_connector(struct coalesce *co, struct db *db, const char *cp_id,
                       int connector, int64_t now_ms)
{
	if (connector < 1 ||
	    conncache_known(co->known, cp_id, connector, now_ms))
		return 0;
	for (int i = 0; i < co->nconn; i++)
		if (co->conn[i].connector == connector &&
		    !strcmp(co->conn[i].cp_id, cp_id))
			return 0;
	co->conn_now = now_ms;
	if (co->nconn == COALESCE_CHUNK) {
		if (write_kind(co, db, K_CONN, co->nconn))
			return -1;
		co->nconn = 0;
	}
	co->conn[co->nconn++] = (struct co_connector){cp_id, connector};
	return 0;
}

int coalesce_energy(struct coalesce *co, struct db *db, const char *cp_id,
                    long long wh)
{
	return wh > 0 ? keyed(co, db, K_ENERGY, cp_id, wh, 1) : 0;
}

/* The connectors' rows stay listed until coalesce_committed (or the next
 * reset): the cache may only learn of rows that were committed. */
int coalesce_flush(struct coalesce *co, struct db *db)
{
	int rc = (co->nstatus && write_kind(co, db, K_STATUS, co->nstatus)) ||
	         (co->nmeter && write_kind(co, db, K_METER, co->nmeter)) ||
	         (co->nseen && write_kind(co, db, K_SEEN, co->nseen)) ||
	         (co->nenergy && write_kind(co, db, K_ENERGY, co->nenergy)) ||
	         (co->nconn && write_kind(co, db, K_CONN, co->nconn)) ||
	         (co->ncost && write_kind(co, db, K_COST, co->ncost));
	int nconn = co->nconn;
	coalesce_reset(co);
	co->nconn = rc ? 0 : nconn;
	return rc ? -1 : 0;
}

void coalesce_committed(struct coalesce *co, int64_t now_ms)
{
	for (int i = 0; i < co->nconn; i++)
		conncache_put(co->known, co->conn[i].cp_id,
		              co->conn[i].connector, now_ms);
	co->nconn = 0;
}
