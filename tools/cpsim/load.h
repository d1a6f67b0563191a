/*
 * load.h — load mode: many charge points from one process, to benchmark a
 * central system on this machine.
 */
#ifndef CPSIM_LOAD_H
#define CPSIM_LOAD_H

#include "opts.h"
#include "url.h"

int load_run(const struct cpsim_opts *o, const struct cp_url *u);

#endif
