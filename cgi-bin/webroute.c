/*
 * webroute.c — the owner and live-node lookups; see webroute.h.
 */
#include "webroute.h"

#include <stdio.h>
#include <string.h>

#include "ctl_proto.h"

/* Only a live node: a node silent for CTL_NODE_SILENT_S is dead for the
 * others (its charge points are being marked disconnected). */
static const char sql_owner[] =
    "SELECT n.node_id, n.control_addr FROM charge_points cp "
    "JOIN nodes n ON n.node_id = cp.node_id "
    "WHERE cp.id = ? AND cp.connected <> 0 AND n.control_addr IS NOT NULL "
    "AND n.seen_at >= UTC_TIMESTAMP(3) - INTERVAL ? SECOND";

static const char sql_live[] =
    "SELECT node_id, control_addr FROM nodes "
    "WHERE control_addr IS NOT NULL "
    "AND seen_at >= UTC_TIMESTAMP(3) - INTERVAL ? SECOND "
    "ORDER BY node_id LIMIT ?";

static void fill(const struct db_rows *rows, struct webroute_node *n)
{
	snprintf(n->node_id, sizeof n->node_id, "%s",
	         db_str(rows, 0) ? db_str(rows, 0) : "");
	snprintf(n->addr, sizeof n->addr, "%s",
	         db_str(rows, 1) ? db_str(rows, 1) : "");
}

int webroute_owner(struct db *db, const char *cp_id, struct webroute_node *out)
{
	struct db_rows rows;
	memset(out, 0, sizeof *out);
	if (!db || !cp_id || !*cp_id)
		return 0;
	if (db_query(db, &rows, sql_owner, "si", cp_id, CTL_NODE_SILENT_S))
		return -1;
	int rc = db_next(&rows);
	if (rc == 1)
		fill(&rows, out);
	db_rows_end(&rows);
	return rc < 0 ? -1 : rc == 1 && out->addr[0];
}

int webroute_live(struct db *db, struct webroute_node *out, int max)
{
	struct db_rows rows;
	if (!db || max <= 0)
		return 0;
	if (db_query(db, &rows, sql_live, "ii", CTL_NODE_SILENT_S, max))
		return -1;
	int n = 0, rc = 0;
	while (n < max && (rc = db_next(&rows)) == 1)
		fill(&rows, &out[n++]);
	db_rows_end(&rows);
	return rc < 0 ? -1 : n;
}
