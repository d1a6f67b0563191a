/*
 * date_parts.c — the day and month partitions of a table; see
 * date_parts.h.
 */
#include "date_parts.h"

#include <mysql.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "timeutil.h"

static void civil(long day, long *y, int *m, int *d)
{
	int64_t yy;
	time_civil_from_days(day, &yy, m, d);
	*y = (long)yy;
}

void dp_day_str(long day, char out[11])
{
	long y;
	int m, d;
	civil(day, &y, &m, &d);
	char buf[48];
	snprintf(buf, sizeof buf, "%04ld-%02d-%02d", y % 10000, m % 100,
	         d % 100);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

void dp_name(enum dp_unit u, long day, char out[10])
{
	long y;
	int m, d;
	civil(day, &y, &m, &d);
	char buf[48];
	if (u == DP_DAY)
		snprintf(buf, sizeof buf, "p%04ld%02d%02d", y % 10000, m % 100,
		         d % 100);
	else
		snprintf(buf, sizeof buf, "p%04ld%02d", y % 10000, m % 100);
	memcpy(out, buf, 9);
	out[9] = '\0';
}

long dp_start(enum dp_unit u, long day)
{
	if (u == DP_DAY)
		return day;
	long y;
	int m, d;
	civil(day, &y, &m, &d);
	return (long)time_days_from_civil(y, m, 1);
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

long dp_bound(enum dp_unit u, const char *name)
{
	size_t want = u == DP_DAY ? 9 : 7;
	if (!name || name[0] != 'p' || strlen(name) != want)
		return -1;
	int y = digits(name + 1, 4), m = digits(name + 5, 2);
	int d = u == DP_DAY ? digits(name + 7, 2) : 1;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	if (u == DP_DAY)
		return (long)time_days_from_civil(y, m, d) + 1;
	return m == 12 ? (long)time_days_from_civil(y + 1, 1, 1)
	               : (long)time_days_from_civil(y, m + 1, 1);
}

int dp_expired(long bound, long today, int retention_days)
{
	return retention_days > 0 && bound <= today - retention_days + 1;
}

int dp_ddl(struct db *db, const struct date_parts *p, const char *sql)
{
	if (mysql_real_query(db->conn, sql, strlen(sql))) {
		log_warn("ocppd: %s partitions: %s: %s", p->what, sql,
		         mysql_error(db->conn));
		if (mysql_errno(db->conn) >= 2000)
			db->lost = 1; /* client errors: the link */
		return -1;
	}
	return 0;
}

int dp_read(struct db *db, const struct date_parts *p, long today,
            int retention_days, struct dp_plan *plan)
{
	memset(plan, 0, sizeof *plan);
	plan->newest = -1;
	plan->oldest = -1;
	struct db_rows rows;
	/* In bound order, so the expired ones come oldest first. */
	if (db_query(db, &rows,
	             "SELECT PARTITION_NAME FROM information_schema.PARTITIONS "
	             "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
	             "AND PARTITION_NAME IS NOT NULL "
	             "ORDER BY PARTITION_ORDINAL_POSITION",
	             "s", p->table)) {
		log_warn("ocppd: %s partitions: %s", p->what, db_error(db));
		return -1;
	}
	long prev_bound = -1;
	while (db_next(&rows) == 1) {
		const char *name = db_str(&rows, 0);
		if (name && !strcmp(name, "pmax")) {
			plan->ours = 1;
			continue;
		}
		long b = dp_bound(p->unit, name);
		if (b < 0)
			continue;
		if (b > plan->newest)
			plan->newest = b;
		if (dp_expired(b, today, retention_days) &&
		    plan->n_expired < DP_DROP_MAX) {
			snprintf(plan->expired[plan->n_expired], 10, "%s",
			         name);
			plan->expired_bound[plan->n_expired++] = b;
		} else if (plan->oldest < 0) {
			/* The first kept partition holds everything below its
			 * bound that the dropped ones did not. */
			plan->oldest = prev_bound >= 0
			                   ? prev_bound
			                   : dp_start(p->unit, b - 1);
		}
		prev_bound = b;
	}
	db_rows_end(&rows);
	return 0;
}

void dp_split_ahead(struct db *db, const struct date_parts *p, long today,
                    const struct dp_plan *plan)
{
	/* The first day of the last partition wanted ahead. */
	long last = today + DP_DAYS_AHEAD;
	if (p->unit == DP_MONTH) {
		char n[10];
		dp_name(DP_MONTH, today, n);
		last = dp_bound(DP_MONTH, n); /* the next month */
	}
	long from =
	    plan->newest > today ? plan->newest : dp_start(p->unit, today);
	if (from > last)
		return;
	char sql[2048], name[10], bound[11];
	size_t n = (size_t)snprintf(sql, sizeof sql,
	                            "ALTER TABLE %s REORGANIZE PARTITION pmax "
	                            "INTO (",
	                            p->table);
	for (long d = from; d <= last && n < sizeof sql - 200;) {
		dp_name(p->unit, d, name);
		long b = dp_bound(p->unit, name);
		dp_day_str(b, bound);
		n += (size_t)snprintf(sql + n, sizeof sql - n,
		                      "PARTITION %s VALUES LESS THAN ('%s'), ",
		                      name, bound);
		d = b;
	}
	snprintf(sql + n, sizeof sql - n,
	         "PARTITION pmax VALUES LESS THAN (MAXVALUE))");
	if (!dp_ddl(db, p, sql))
		log_info("ocppd: %s partitions added ahead", p->what);
}

int dp_drop(struct db *db, const struct date_parts *p, const char *name)
{
	char sql[256];
	snprintf(sql, sizeof sql, "ALTER TABLE %s DROP PARTITION %s", p->table,
	         name);
	return dp_ddl(db, p, sql);
}
