/*
 * nodelock.h — "an ocppd uses this database", told to the database itself.
 *
 * Every running ocppd holds one named lock (GET_LOCK) on a connection of
 * its own for its whole life: csms_ocppd:<db_name>:<slot>, the first free
 * slot of NODELOCK_SLOTS, so several ocppd nodes may share a database.  A
 * restore (scripts/backup.sh) takes csms_restore:<db_name> and refuses
 * while any slot is held; ocppd refuses to start while that one is held.
 * The server drops a lock when its connection dies, so a crashed ocppd
 * leaves nothing stale behind — no PID file to trust.
 */
#ifndef CSMS_NODELOCK_H
#define CSMS_NODELOCK_H

#include <stddef.h>

#include "config.h"

#define NODELOCK_SLOTS 64

/* Takes a slot and starts the thread that keeps it (it reconnects and
 * takes a slot again after the database restarted).  -1 with err. */
int nodelock_start(const struct csms_config *cfg, char *err, size_t errlen);
/* Stops the thread and releases the lock. */
void nodelock_stop(void);

#endif
