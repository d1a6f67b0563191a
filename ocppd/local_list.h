/*
 * local_list.h — the charge points' local authorization lists kept in
 * step with the id tag table (local_list = all; sql/016_local_lists.sql,
 * docs/local-list.md).
 *
 * Every tag change made through ocppd is numbered (local_list_state.h, in
 * the change's own transaction).  Every LOCAL_LIST_TICK_MS each node
 * looks at the charge points it holds whose list is behind, a few at a
 * time, and sends each a SendLocalList: Differential with the tags
 * changed since the version it confirmed, or Full when it confirmed none
 * (or the difference is large).  The answer, recorded with the command's
 * history row (cmdlog.c), moves the confirmed version on, or sends the
 * next update Full (Failed, VersionMismatch), or stops (NotSupported).
 * A charge point that booted since its state last changed is asked
 * GetLocalListVersion in the same tick; another version than the one it
 * confirmed makes its next update Full (local_list_state.c).
 */
#ifndef OCPPD_LOCAL_LIST_H
#define OCPPD_LOCAL_LIST_H

#include <stdint.h>

#include "config.h"

#define LOCAL_LIST_TICK_MS 10000
/* Event loop: every LOCAL_LIST_TICK_MS, the updates due (nothing with
 * local_list = off). */
void local_list_tick(const struct csms_config *cfg, int64_t now_ms);

#endif
