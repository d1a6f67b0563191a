/*
 * oplog_part.c — ocpp_log's day partitions; see oplog_part.h.
 *
 * The table starts with one partition, pmax (VALUES LESS THAN MAXVALUE),
 * so a row is never refused for want of a partition.  Each pass splits
 * pmax into pYYYYMMDD partitions up to OPLOG_DAYS_AHEAD days from today
 * (pmax is empty by then, so the split moves nothing) and drops the
 * partitions past retention.  The DDL text is built from dates only;
 * identifiers cannot be bound as parameters.  With several nodes two
 * passes may race: the loser's ALTER fails ("duplicate partition") and
 * the next pass sees the winner's work.
 */
#include "oplog_part.h"

#include <errno.h>
#include <mysql.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"

#define PASS_EVERY_S 600

static struct {
	const struct csms_config *cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop, started;
	struct db db;
} pt = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

void oplog_part_day_str(long day, char out[11])
{
	long y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	char buf[48];
	snprintf(buf, sizeof buf, "%04ld-%02u-%02u", y % 10000, m % 100,
	         d % 100);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

void oplog_part_name(long day, char out[10])
{
	long y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	char buf[48];
	snprintf(buf, sizeof buf, "p%04ld%02u%02u", y % 10000, m % 100,
	         d % 100);
	memcpy(out, buf, 9);
	out[9] = '\0';
}

long oplog_part_bound(const char *name)
{
	if (!name || name[0] != 'p' || strlen(name) != 9)
		return -1;
	for (int i = 1; i < 9; i++)
		if (name[i] < '0' || name[i] > '9')
			return -1;
	long y = (name[1] - '0') * 1000 + (name[2] - '0') * 100 +
	         (name[3] - '0') * 10 + (name[4] - '0');
	unsigned m = (unsigned)((name[5] - '0') * 10 + (name[6] - '0'));
	unsigned d = (unsigned)((name[7] - '0') * 10 + (name[8] - '0'));
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return days_from_civil(y, m, d) + 1;
}

int oplog_part_expired(long bound, long today, int retention_days)
{
	/* Kept: today and the retention_days - 1 days before it. */
	return bound <= today - retention_days + 1;
}

static int ddl(const char *sql)
{
	if (mysql_real_query(pt.db.conn, sql, strlen(sql))) {
		log_warn("ocppd: message log partitions: %s: %s", sql,
		         mysql_error(pt.db.conn));
		if (mysql_errno(pt.db.conn) >= 2000)
			pt.db.lost = 1; /* client errors: the link */
		return -1;
	}
	return 0;
}

static void pass(void)
{
	if (db_ensure(&pt.db))
		return;
	struct db_rows rows;
	if (db_query(&pt.db, &rows,
	             "SELECT PARTITION_NAME FROM information_schema.PARTITIONS "
	             "WHERE TABLE_SCHEMA = DATABASE() "
	             "AND TABLE_NAME = 'ocpp_log' "
	             "AND PARTITION_NAME IS NOT NULL",
	             ""))
		return;
	long newest = -1;
	int has_max = 0;
	char drop[4096] = "";
	size_t dl = 0;
	long today = (long)(time(NULL) / 86400);
	while (db_next(&rows) == 1) {
		const char *name = db_str(&rows, 0);
		if (name && !strcmp(name, "pmax")) {
			has_max = 1;
			continue;
		}
		long b = oplog_part_bound(name);
		if (b < 0)
			continue;
		if (b > newest)
			newest = b;
		if (oplog_part_expired(b, today,
		                       pt.cfg->ocpp_log_retention_days) &&
		    dl + 12 < sizeof drop)
			dl += (size_t)snprintf(drop + dl, sizeof drop - dl,
			                       "%s%s", dl ? "," : "", name);
	}
	db_rows_end(&rows);
	if (!has_max)
		return; /* not our table's layout: leave it alone */
	/* The next days, each its own partition, split off pmax. */
	long from = newest > today ? newest : today;
	if (from <= today + OPLOG_DAYS_AHEAD) {
		char sql[2048], name[10], bound[11];
		size_t n = (size_t)snprintf(
		    sql, sizeof sql,
		    "ALTER TABLE ocpp_log REORGANIZE PARTITION pmax INTO (");
		for (long d = from; d <= today + OPLOG_DAYS_AHEAD; d++) {
			oplog_part_name(d, name);
			oplog_part_day_str(d + 1, bound);
			n += (size_t)snprintf(
			    sql + n, sizeof sql - n,
			    "PARTITION %s VALUES LESS THAN ('%s'), ", name,
			    bound);
		}
		snprintf(sql + n, sizeof sql - n,
		         "PARTITION pmax VALUES LESS THAN (MAXVALUE))");
		if (!ddl(sql))
			log_info("ocppd: message log partitions added up to "
			         "%ld days ahead",
			         (long)OPLOG_DAYS_AHEAD);
	}
	if (dl) {
		char sql[4200];
		snprintf(sql, sizeof sql,
		         "ALTER TABLE ocpp_log DROP PARTITION %s", drop);
		if (!ddl(sql))
			log_info("ocppd: message log partitions dropped "
			         "(older than %d days): %s",
			         pt.cfg->ocpp_log_retention_days, drop);
	}
}

static void *keeper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pt.lock);
	while (!pt.stop) {
		pthread_mutex_unlock(&pt.lock);
		pass();
		pthread_mutex_lock(&pt.lock);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += PASS_EVERY_S;
		while (!pt.stop && pthread_cond_timedwait(&pt.cond, &pt.lock,
		                                          &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&pt.lock);
	return NULL;
}

int oplog_part_start(const struct csms_config *cfg, char *err, size_t errlen)
{
	pt.cfg = cfg;
	pt.stop = 0;
	memset(&pt.db, 0, sizeof pt.db);
	/* A failed connect now is retried by each pass's db_ensure. */
	if (db_connect(&pt.db, cfg, 0))
		log_warn("ocppd: message log partitions: %s", db_error(&pt.db));
	if (pthread_create(&pt.thread, NULL, keeper, NULL)) {
		snprintf(err, errlen, "cannot start the message log thread");
		db_close(&pt.db);
		return -1;
	}
	pt.started = 1;
	return 0;
}

void oplog_part_stop(void)
{
	if (!pt.started)
		return;
	pthread_mutex_lock(&pt.lock);
	pt.stop = 1;
	pthread_cond_signal(&pt.cond);
	pthread_mutex_unlock(&pt.lock);
	pthread_join(pt.thread, NULL);
	db_close(&pt.db);
	pt.started = 0;
}
