/*
 * tag_status.h — the status a charge point gets for an id tag, from its
 * users row: one rule for ocppd's idTagInfo and for what the API and the
 * dashboard show, so a screen never lists as Accepted a tag that
 * Authorize answers Expired.
 */
#ifndef CSMS_TAG_STATUS_H
#define CSMS_TAG_STATUS_H

#include <stdint.h>

/*
 * Blocked stays Blocked; a stored Expired, or any other status once
 * expiry_ms (DB_NULL_TIME: none) is not after now_ms, is Expired; the
 * rest is Accepted.  *reason, when reason is not NULL, says why the
 * effective status differs from the stored one ("expiry date passed"),
 * or is NULL when it does not.
 */
const char *tag_status_effective(const char *stored, int64_t expiry_ms,
                                 int64_t now_ms, const char **reason);

#endif
