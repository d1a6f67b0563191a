/*
 * webdb.h — the one rule both web programs follow before a request reads
 * the database: the process keeps one read-only connection across
 * requests (opened before the FastCGI accept loop), and one that sat idle
 * may have died with a database restart.
 */
#ifndef CSMS_WEBDB_H
#define CSMS_WEBDB_H

#include <stdint.h>

#include "db.h"

/* A connection idle longer than this is checked before use (ms). */
#define WEBDB_IDLE_CHECK_MS 5000

/*
 * Call at the start of each request.  A connection idle for more than
 * WEBDB_IDLE_CHECK_MS gets one round trip (db_ping drops it when dead, so
 * the next query reconnects instead of failing); a busy process never pays
 * for it.  *used_ms is when the previous request ran.
 */
void webdb_check_idle(struct db *db, int64_t now_ms, int64_t *used_ms);

/*
 * webdb_check_idle, then connect when there is no connection: for a page
 * that needs the database before it writes anything.  0 ready, -1 not
 * reachable (db_error and db_conn_lost say why).
 */
int webdb_ready(struct db *db, int64_t now_ms, int64_t *used_ms);

#endif
