/*
 * scenario_run.h — runs a scenario script (scenario.h) against a server.
 *
 * The charge point answers the server's calls while the script runs (with
 * answer.c, or the script's `answer` lines) but takes no initiative of its
 * own: the script says what is sent and when.
 */
#ifndef CPSIM_SCENARIO_RUN_H
#define CPSIM_SCENARIO_RUN_H

#include "opts.h"
#include "url.h"

/* Returns the exit status: 0 only if every expect passed. */
int scenario_run(const struct cpsim_opts *o, const struct cp_url *u);

#endif
