/*
 * api-control.h — the REST API's requests that change something: the
 * auth rule, the JSON body, and one call through ocppd's control socket
 * with its error mapped onto an HTTP status (docs/api.md "Changing
 * things").
 */
#ifndef CSMS_API_CONTROL_H
#define CSMS_API_CONTROL_H

#include <cjson/cJSON.h>

#include "api-req.h"

/*
 * Checks that the request may change state (401 when the deployment
 * requires auth and nobody is logged in) and reads its body: a JSON
 * object (empty body = {}), at most WEBCTL_BODY_MAX bytes (413), sent as
 * Content-Type: application/json (415) with nothing after the object
 * (400), and not from a browser on another site (403 cross_site,
 * webctl_cross_site).
 * Returns the object (the caller deletes it), or NULL after answering.
 */
cJSON *api_change_begin(struct api_req *r);

/*
 * Sends op (cp_id may be NULL) with params through the control socket,
 * waiting timeout_ms (0: ctl_default_timeout_ms) plus a margin.  Returns
 * the answer's result (the caller deletes it), or NULL after answering
 * the error: 503 control_unavailable when ocppd cannot be reached, 504
 * when it does not answer in time, else the control error's own code
 * with its field (as "field" and "parameter"), mapped by
 * webctl_http_status.  ocpp_timeout_s > 0 is passed as the request's
 * "timeout".
 */
cJSON *api_control_call(struct api_req *r, const char *op, const char *cp_id,
                        const cJSON *params, int ocpp_timeout_s);

/*
 * The same for a charge point command, asynchronously: ocppd queues it
 * and answers at once; the result is {"uid": ..., "status": "pending"},
 * and the outcome goes to the commands table (webcmd.h).  Refusals
 * (offline, invalid params, busy) are errors as above.
 */
cJSON *api_control_queue(struct api_req *r, const char *op, const char *cp_id,
                         const cJSON *params, int ocpp_timeout_s);

#endif
