/*
 * coalesce.c — multi-row writes at the end of a worker batch; see
 * coalesce.h.
 */
#include "coalesce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSIZES 7 /* 1, 2, 4, ... COALESCE_CHUNK rows */

enum kind { K_STATUS, K_METER, K_BEAT, K_ENERGY, K_COUNT };

/* sql[kind][k]: the statement for 1 << k rows. */
static char *sql[K_COUNT][NSIZES];

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
	"measurand, value, value_num, unit, phase, context, location, "        \
	"format) VALUES "
#define METER_ROW  "(?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define METER_COLS 12

/* Only existing rows: a heartbeat never registers a charge point. */
#define BEAT_HEAD "UPDATE charge_points SET last_heartbeat = CASE id "
#define BEAT_ROW  "WHEN ? THEN ? "
#define CASE_MID  "END WHERE id IN ("

/* A finished session's energy, added once (the StopTransaction that set
 * meter_stop); Wh in, kWh stored, exact (DECIMAL). */
#define ENERGY_HEAD "UPDATE charge_points SET total_kwh = total_kwh + CASE id "
#define ENERGY_ROW  "WHEN ? THEN ? / 1000 "

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

int coalesce_init(void)
{
	for (int k = 0; k < NSIZES; k++) {
		int n = 1 << k;
		sql[K_STATUS][k] =
		    repeat(STATUS_HEAD, STATUS_ROW, ", ", STATUS_TAIL, n);
		sql[K_METER][k] = repeat(METER_HEAD, METER_ROW, ", ", "", n);
		sql[K_BEAT][k] = case_sql(BEAT_HEAD, BEAT_ROW, n);
		sql[K_ENERGY][k] = case_sql(ENERGY_HEAD, ENERGY_ROW, n);
		if (!sql[K_STATUS][k] || !sql[K_METER][k] || !sql[K_BEAT][k] ||
		    !sql[K_ENERGY][k]) {
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
	co->nstatus = co->nmeter = co->nbeat = co->nenergy = 0;
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
		v[k++] = str(r[i].unit);
		v[k++] = str(r[i].phase);
		v[k++] = str(r[i].context);
		v[k++] = str(r[i].location);
		v[k++] = str(r[i].format);
	}
	return k;
}

/* The CASE pairs (id, value), then the IN list of ids. */
static size_t keyed_values(struct db_value *v, const struct co_keyed *r, int n,
                           char type)
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		v[k++] = str(r[i].cp_id);
		v[k++] = type == 't' ? tm(r[i].v) : num_l(r[i].v);
	}
	for (int i = 0; i < n; i++)
		v[k++] = str(r[i].cp_id);
	return k;
}

/* Writes rows [0, n) of one kind in power-of-two chunks, in order. */
static int write_kind(struct coalesce *co, struct db *db, enum kind t, int n)
{
	int done = 0;
	while (done < n) {
		int k = NSIZES - 1;
		while ((1 << k) > n - done)
			k--;
		int m = 1 << k;
		size_t nv =
		    t == K_STATUS
		        ? status_values(co->vals, co->status + done, m)
		    : t == K_METER ? meter_values(co->vals, co->meter + done, m)
		    : t == K_BEAT
		        ? keyed_values(co->vals, co->beat + done, m, 't')
		        : keyed_values(co->vals, co->energy + done, m, 'l');
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

/* 64-bit FNV-1a, to find the same charge point without strcmp on most
 * comparisons. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* One row per charge point: combine(old, new) when it has one. */
static int keyed(struct coalesce *co, struct db *db, enum kind t,
                 const char *cp_id, long long v, int sum)
{
	struct co_keyed *rows = t == K_BEAT ? co->beat : co->energy;
	int *n = t == K_BEAT ? &co->nbeat : &co->nenergy;
	uint64_t h = hash(cp_id);
	for (int i = 0; i < *n; i++)
		if (rows[i].hash == h && !strcmp(rows[i].cp_id, cp_id)) {
			if (sum)
				rows[i].v += v;
			else if (v > rows[i].v)
				rows[i].v = v;
			return 0;
		}
	if (*n == COALESCE_CHUNK) {
		if (write_kind(co, db, t, *n))
			return -1;
		*n = 0;
	}
	rows[(*n)++] = (struct co_keyed){cp_id, h, v};
	return 0;
}

int coalesce_heartbeat(struct coalesce *co, struct db *db, const char *cp_id,
                       int64_t at_ms)
{
	return keyed(co, db, K_BEAT, cp_id, at_ms, 0);
}

int coalesce_energy(struct coalesce *co, struct db *db, const char *cp_id,
                    long long wh)
{
	return wh > 0 ? keyed(co, db, K_ENERGY, cp_id, wh, 1) : 0;
}

int coalesce_flush(struct coalesce *co, struct db *db)
{
	int rc = (co->nstatus && write_kind(co, db, K_STATUS, co->nstatus)) ||
	         (co->nmeter && write_kind(co, db, K_METER, co->nmeter)) ||
	         (co->nbeat && write_kind(co, db, K_BEAT, co->nbeat)) ||
	         (co->nenergy && write_kind(co, db, K_ENERGY, co->nenergy));
	coalesce_reset(co);
	return rc ? -1 : 0;
}
