/*
 * bulk_shape.h — a bulk job's payload in the shape of each target's
 * protocol, for the one action both protocols name alike with payloads
 * that differ and mean the same: Reset.  A site or group of 1.6 and 2.0.1
 * charge points then takes one bulk Reset (docs/bulk-commands.md).
 *
 * 1.6 Hard and Soft both end the sessions and restart: 2.0.1's Immediate.
 * 2.0.1 Immediate (of the whole station) is 1.6's Soft (sessions stopped
 * gracefully, then the restart); OnIdle, or one EVSE's reset, has no 1.6
 * counterpart and is left as it is (that target refuses it, recorded in
 * the job).  Every other action goes as given: a name only the other
 * protocol has is that target's cp_protocol refusal, a payload of the
 * other shape its invalid_params refusal (calls.c).
 */
#ifndef OCPPD_BULK_SHAPE_H
#define OCPPD_BULK_SHAPE_H

#include <cjson/cJSON.h>

/* params of action reshaped for a target speaking proto (enum ocpp_proto;
 * -1: not connected), as a new object the caller frees; NULL when they go
 * as they are. */
cJSON *bulk_shape(const char *action, const cJSON *params, int proto);

#endif
