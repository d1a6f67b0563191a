/*
 * sites_op.h — sites, groups and the charge point lifecycle through the
 * control socket (docs/sites.md, docs/control.md): site_add, site_update,
 * site_delete, group_add, group_update, group_delete, group_add_cp,
 * group_remove_cp, cp_set_site, cp_retire, cp_unretire, cp_delete,
 * cp_set_notes.
 *
 * The request is checked on the event loop (sites_parse.c) and written by
 * a database worker in one transaction; the answer is the row as stored
 * (a site or group) or the charge point's new state.  A site that still
 * has charge points, or a charge point with transactions (retire it
 * instead) or online, is refused with in_use (409); a name taken, exists.
 * Retiring closes the charge point's link when this node holds it and
 * refuses it at the handshake from then on (cp_auth.c); the other nodes
 * see it at their next credential reload.
 */
#ifndef OCPPD_SITES_OP_H
#define OCPPD_SITES_OP_H

#include "control.h"

void sites_request(const struct control_req *r);

#endif
