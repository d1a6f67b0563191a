/*
 * tag_status.c — see tag_status.h.
 */
#include "tag_status.h"

#include <stddef.h>
#include <string.h>

#include "db.h"

const char *tag_status_effective(const char *stored, int64_t expiry_ms,
                                 int64_t now_ms, const char **reason)
{
	const char *why = NULL, *eff;
	if (stored && !strcmp(stored, "Blocked")) {
		eff = "Blocked";
	} else if (stored && !strcmp(stored, "Expired")) {
		eff = "Expired";
	} else if (expiry_ms != DB_NULL_TIME && expiry_ms <= now_ms) {
		eff = "Expired";
		why = "expiry date passed";
	} else {
		eff = "Accepted";
	}
	if (reason)
		*reason = why;
	return eff;
}
