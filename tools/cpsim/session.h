/*
 * session.h — the default mode: one charge point that boots, reports its
 * connectors, runs --sessions charging sessions and then heartbeats, and
 * answers the central system's calls like real firmware would.
 */
#ifndef CPSIM_SESSION_H
#define CPSIM_SESSION_H

#include "opts.h"
#include "url.h"

/* Runs until done or Ctrl-C; returns the process exit status (0 ok). */
int session_run(const struct cpsim_opts *o, const struct cp_url *u);

#endif
