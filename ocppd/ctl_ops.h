/*
 * ctl_ops.h — the control socket's op table, run on the event loop: every
 * request control.c received goes through here to the code that does it
 * (calls.c for the OCPP actions, tags.c and cp_sec_op.c via a database
 * worker, the daemon's own state for status and cps).  A new command is
 * one row in the table of ctl_ops.c (and its function).
 */
#ifndef OCPPD_CTL_OPS_H
#define OCPPD_CTL_OPS_H

#include "control.h"

void ctl_ops_init(void);
/* control_start's on_request: runs one request; it answers r->client
 * itself, now or later. */
void ctl_ops_request(const struct control_req *r);

#endif
