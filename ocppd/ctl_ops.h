/*
 * ctl_ops.h — the control socket's op table, run on the event loop: every
 * request control.c received goes through here to the code that does it
 * (calls.c for the OCPP actions, tags.c via a database worker for id
 * tags, the daemon's own state for status and cps).
 */
#ifndef OCPPD_CTL_OPS_H
#define OCPPD_CTL_OPS_H

/* Runs every request waiting (event loop thread). */
void ctl_ops_run(void);

#endif
