/*
 * site_counters.c — see site_counters.h.
 *
 * One read counts every site in a pass over three small sets (the
 * (site_id, retired, connected) index, the connectors charging, today's
 * sessions), with no locks (a consistent read); the rows go back as
 * multi-row upserts.  INSERT ... SELECT would do it in one statement but
 * lock every charge point row it read for the time of the count, and
 * ocppd's own workers write those rows.
 */
#include "site_counters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

#define CHUNK 64

static const char sql_read[] =
    "SELECT s.id, COALESCE(a.n, 0), COALESCE(a.online, 0), "
    "COALESCE(b.n, 0), COALESCE(e.wh, 0) FROM sites s "
    "LEFT JOIN (SELECT site_id, COUNT(*) AS n, SUM(connected) AS online "
    "FROM charge_points WHERE site_id IS NOT NULL AND retired = 0 "
    "GROUP BY site_id) a ON a.site_id = s.id "
    "LEFT JOIN (SELECT c.site_id, COUNT(*) AS n FROM connectors k "
    "JOIN charge_points c ON c.id = k.cp_id WHERE k.status = 'Charging' "
    "AND k.connector_id > 0 AND c.retired = 0 AND c.site_id IS NOT NULL "
    "GROUP BY c.site_id) b ON b.site_id = s.id "
    "LEFT JOIN (SELECT c.site_id, "
    "SUM(GREATEST(t.meter_stop - t.meter_start, 0)) AS wh "
    "FROM transactions t JOIN charge_points c ON c.id = t.cp_id "
    "WHERE t.start_ts >= ? AND t.meter_stop IS NOT NULL "
    "AND c.site_id IS NOT NULL GROUP BY c.site_id) e ON e.site_id = s.id "
    "ORDER BY s.id";

#define UPSERT_HEAD                                                            \
	"INSERT INTO site_counters (site_id, cps, online, charging, "          \
	"energy_today_wh, taken_at) VALUES "
#define UPSERT_ROW "(?, ?, ?, ?, ?, ?)"
#define UPSERT_TAIL                                                            \
	" ON DUPLICATE KEY UPDATE cps = VALUES(cps), online = "                \
	"VALUES(online), "                                                     \
	"charging = VALUES(charging), "                                        \
	"energy_today_wh = VALUES(energy_today_wh), "                          \
	"taken_at = VALUES(taken_at)"

/* The statements for 1 and CHUNK rows, built once (the statement cache
 * keys on the text's address). */
static const char *upsert_sql(int n)
{
	static char *one, *many;
	char **slot = n == 1 ? &one : &many;
	if (*slot)
		return *slot;
	size_t len = sizeof UPSERT_HEAD + sizeof UPSERT_TAIL +
	             (size_t)n * (sizeof UPSERT_ROW + 2);
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	p += sprintf(p, "%s", UPSERT_HEAD);
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? ", " : "", UPSERT_ROW);
	sprintf(p, "%s", UPSERT_TAIL);
	*slot = s;
	return s;
}

struct row {
	long long v[5]; /* site, cps, online, charging, wh */
};

static int write_rows(struct db *db, const struct row *r, int n, int64_t at)
{
	static __thread struct db_value vals[CHUNK * 6];
	const char *sql = upsert_sql(n);
	if (!sql)
		return -1;
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < 5; j++)
			vals[k++] =
			    (struct db_value){.type = 'l', .u.l = r[i].v[j]};
		vals[k++] = (struct db_value){.type = 't', .u.t = at};
	}
	return db_exec_values(db, sql, vals, k) < 0 ? -1 : 0;
}

int site_counters_refresh(struct db *db, int64_t now_ms)
{
	struct db_rows rows;
	if (db_query(db, &rows, sql_read, "t", time_day_start(now_ms)))
		return -1;
	size_t n = 0, cap = 0;
	struct row *all = NULL;
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		if (n == cap) {
			size_t c = cap ? cap * 2 : 256;
			struct row *m = realloc(all, c * sizeof *m);
			if (!m) {
				rc = -1;
				break;
			}
			all = m;
			cap = c;
		}
		for (int j = 0; j < 5; j++)
			all[n].v[j] = db_int(&rows, j);
		n++;
	}
	db_rows_end(&rows);
	size_t done = 0;
	while (rc == 0 && done < n) {
		int m = n - done >= CHUNK ? CHUNK : 1;
		rc = write_rows(db, all + done, m, now_ms);
		done += (size_t)m;
	}
	free(all);
	return rc < 0 ? -1 : 0;
}
