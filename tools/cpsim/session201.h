/*
 * session201.h — the default mode spoken as OCPP 2.0.1 (--ocpp 2.0.1):
 * one charging station that boots, reports its EVSEs, runs --sessions
 * charging sessions as TransactionEvents and then heartbeats, and answers
 * the CSMS's 2.0.1 calls (answer201.h).
 */
#ifndef CPSIM_SESSION201_H
#define CPSIM_SESSION201_H

#include "opts.h"
#include "url.h"

/* Runs until done or Ctrl-C; returns the process exit status (0 ok). */
int session201_run(const struct cpsim_opts *o, const struct cp_url *u);

#endif
