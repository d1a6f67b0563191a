/*
 * evloop.c — see evloop.h.  A thin wrapper so ws.c needs no libev header.
 */
#include "evloop.h"

#include <ev.h>

void *evloop_new(void)
{
	/* EVFLAG_NOSIGMASK: our signal handlers stay ours. */
	return ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
}

void evloop_run(void *loop)
{
	if (loop)
		ev_run(loop, 0);
}

void evloop_break(void *loop)
{
	if (loop)
		ev_break(loop, EVBREAK_ALL);
}

void evloop_destroy(void *loop)
{
	if (loop)
		ev_loop_destroy(loop);
}
