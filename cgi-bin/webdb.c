/*
 * webdb.c — see webdb.h.
 */
#include "webdb.h"

void webdb_check_idle(struct db *db, int64_t now_ms, int64_t *used_ms)
{
	if (db->conn && now_ms - *used_ms > WEBDB_IDLE_CHECK_MS)
		db_ping(db);
	*used_ms = now_ms;
}

int webdb_ready(struct db *db, int64_t now_ms, int64_t *used_ms)
{
	webdb_check_idle(db, now_ms, used_ms);
	return db_ensure(db);
}
