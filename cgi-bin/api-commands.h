/*
 * api-commands.h — commands to a charge point and their history:
 * POST /cps/{cp_id}/commands/{action} (queued: 202, or 200 with the
 * outcome within ?wait=), GET /commands/{uid} (one command, to poll) and
 * GET /cps/{cp_id}/commands (the history).
 */
#ifndef CSMS_API_COMMANDS_H
#define CSMS_API_COMMANDS_H

#include <cjson/cJSON.h>

#include "api-req.h"

void api_command_send(struct api_req *r);
/* The rest of a command's POST once its action is known: ?timeout= and
 * ?wait=, the charge point's existence, the queueing and the answer
 * (api_command_send's).  Takes params (a JSON object) over. */
void api_command_queue(struct api_req *r, const char *action, cJSON *params);
void api_command_one(struct api_req *r);
void api_commands_list(struct api_req *r);

#endif
