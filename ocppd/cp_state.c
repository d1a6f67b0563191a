/*
 * cp_state.c — the connection columns of charge_points (connected,
 * connected_since, remote_addr), written by the database workers in the
 * same queue as the charge point's messages.
 */
#include "handlers.h"

int cp_state_connected(struct db *db, const struct csms_config *cfg,
                       const char *cp_id, int64_t since_ms,
                       const char *remote_addr)
{
	long long n;
	if (cfg->allow_unknown_cps)
		/* The original registered any charge point that showed up;
		 * the row must exist before its connectors can. */
		n = db_exec(db,
		            "INSERT INTO charge_points (id, connected, "
		            "connected_since, last_seen, remote_addr) "
		            "VALUES (?, 1, ?, ?, ?) "
		            "ON DUPLICATE KEY UPDATE connected = 1, "
		            "connected_since = VALUES(connected_since), "
		            "last_seen = VALUES(last_seen), "
		            "remote_addr = VALUES(remote_addr)",
		            "stts", cp_id, since_ms, since_ms, remote_addr);
	else
		n = db_exec(
		    db,
		    "UPDATE charge_points SET connected = 1, "
		    "connected_since = ?, last_seen = ?, remote_addr = ? "
		    "WHERE id = ?",
		    "ttss", since_ms, since_ms, remote_addr, cp_id);
	return n < 0 ? -1 : 0;
}

int cp_state_disconnected(struct db *db, const char *cp_id)
{
	return db_exec(db,
	               "UPDATE charge_points SET connected = 0 WHERE id = ?",
	               "s", cp_id) < 0
	           ? -1
	           : 0;
}

int cp_state_all_disconnected(struct db *db)
{
	return db_exec(db,
	               "UPDATE charge_points SET connected = 0 "
	               "WHERE connected <> 0",
	               "") < 0
	           ? -1
	           : 0;
}
