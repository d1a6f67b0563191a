/*
 * load_mgmt.h — site load management: a site with load_management on and
 * a grid limit (amps per phase) shares it among its charging connectors,
 * as TxProfiles (OCPP 1.6 Smart Charging, or 2.0.1's shape to a 2.0.1
 * station) ocppd sends and the charge points accept (sql/021,
 * docs/load-management.md).
 *
 * A thread of its own (ticker.h), every load_mgmt_interval seconds and
 * soon after a session starts or stops:
 *  - on one node of a cluster (the live node with the lowest node_id; a
 *    single node always), each managed site is planned from the database
 *    alone (load_plan.h): its open sessions, what each charge point
 *    accepted, and the limit; the plan becomes targets in load_alloc.  A
 *    limit is lowered at once, but raised only while what every connector
 *    may draw now (the higher of its accepted and its pending limit) leaves
 *    room for it, so the site stays under its limit at every step;
 *  - on every node, the targets of the charge points whose links it holds
 *    are sent (SetChargingProfile through its own control socket, so each
 *    is recorded like an operator's) and the answers stored.  A charge
 *    point that rejects or does not answer counts at its maximum until it
 *    accepts; it is asked again after load_mgmt_retry seconds.
 * Each charge point of a managed site also gets a TxDefaultProfile of
 * 0 A, so a new session waits for its share (a second or so) instead of
 * drawing what the others already hold.
 */
#ifndef OCPPD_LOAD_MGMT_H
#define OCPPD_LOAD_MGMT_H

#include <stddef.h>

#include "config.h"

/* chargingProfileId of the default profile; a connector's TxProfile is
 * this plus its connector id. */
#define LM_PROFILE_ID 900000
/* Who the load manager's requests say they are from (requested_by):
 * automatic, every interval, so not on the audit trail (audit.c). */
#define LM_REQUESTED_BY "load-management"

/* Starts the thread (nothing when load_mgmt_interval is 0); -1 with err. */
int load_mgmt_start(const struct csms_config *cfg, char *err, size_t errlen);
void load_mgmt_stop(void);
/* A session started or stopped (event loop; cheap, coalesced). */
void load_mgmt_poke(void);

#endif
