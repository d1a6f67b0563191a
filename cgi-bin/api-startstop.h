/*
 * api-startstop.h — POST /cps/{cp_id}/start and /cps/{cp_id}/stop: a
 * remote start or stop in one vocabulary for both protocols, sent as the
 * charge point's protocol's command (RemoteStart/StopTransaction to 1.6,
 * RequestStart/StopTransaction to 2.0.1), queued and answered like any
 * command (api-commands.h).
 */
#ifndef CSMS_API_STARTSTOP_H
#define CSMS_API_STARTSTOP_H

#include "api-req.h"

void api_cp_start(struct api_req *r);
void api_cp_stop(struct api_req *r);

#endif
