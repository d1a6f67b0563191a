/*
 * webroute.h — which ocppd a control request from the web tier goes to.
 *
 * One ocppd (no node_id, today's single host) is the configured control
 * socket, as ever.  In a cluster several ocppd share the database; each
 * holds the links of its own charge points (charge_points.node_id while
 * connected) and advertises where its control listener is reached
 * (nodes.control_addr, stamped every 10 s).  An OCPP command must reach
 * the node holding the link, so the web tier looks the owner up on its
 * read-only connection; everything else (id tags, credentials) may run on
 * any live node.  The lookups are reads only: nothing here decides who
 * owns a link, ocppd does.
 */
#ifndef CSMS_WEBROUTE_H
#define CSMS_WEBROUTE_H

#include "ctl_addr.h"
#include "db.h"

#define WEBROUTE_NODES_MAX 64 /* live nodes looked at for a fan-out */

struct webroute_node {
	char node_id[65];
	char addr[CTL_ADDR_MAX + 1]; /* control_addr */
};

/*
 * The node holding cp_id's link: 1 when the charge point is connected on
 * a live node that advertises a control address (*out filled); 0 when it
 * is not (not connected, a single node, a node without control_addr:
 * the configured socket is the one to ask); -1 on a database error.
 */
int webroute_owner(struct db *db, const char *cp_id, struct webroute_node *out);

/* The live nodes that advertise a control address, by node_id, at most
 * max: their count, or -1 on a database error. */
int webroute_live(struct db *db, struct webroute_node *out, int max);

#endif
