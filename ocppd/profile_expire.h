/*
 * profile_expire.h — a pending security profile (sql/031, sql/034) that
 * the charge point never met is dropped after
 * security_profile_pending_timeout seconds (the whitepaper's fallback is
 * meant to be temporary: a charge point that cannot reach the new profile
 * must not keep the weaker one allowed beside it for ever, nor the
 * operator be left believing the raise is still under way).  The old
 * profile stays; the drop is logged and recorded as the security event
 * SecurityProfilePendingExpired.  Run by the upkeep thread (keeper.h);
 * every node's credential reload sees the change (sec_changed_at).
 */
#ifndef OCPPD_PROFILE_EXPIRE_H
#define OCPPD_PROFILE_EXPIRE_H

#include "config.h"
#include "db.h"

/* Drops the pending profiles set more than the timeout ago (none when
 * the timeout is 0). */
void profile_expire_pass(struct db *db, const struct csms_config *cfg);

#endif
