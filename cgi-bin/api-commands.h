/*
 * api-commands.h — commands to a charge point and their history:
 * POST /cps/{cp_id}/commands/{action} (queued: 202, or 200 with the
 * outcome within ?wait=), GET /cps/{cp_id}/commands/{uid} (one command,
 * to poll) and GET /cps/{cp_id}/commands (the history).
 */
#ifndef CSMS_API_COMMANDS_H
#define CSMS_API_COMMANDS_H

#include "api.h"

/* POST sends the command named by r->arg2; GET reads the command whose
 * uid is r->arg2. */
void api_command_route(struct api_req *r);
void api_commands_list(struct api_req *r);

#endif
