/*
 * evloop.c — see evloop.h.  Only the four libev calls ocppd needs are
 * resolved; libev's ABI for them has been stable since 4.0.
 */
#include "evloop.h"

#include <dlfcn.h>
#include <stddef.h>

#define EVFLAG_NOSIGMASK 0x00400000U /* our signal handlers stay ours */
#define EVBREAK_ALL      2

static struct {
	void *lib;
	void *(*loop_new)(unsigned flags);
	int (*run)(void *loop, int flags);
	void (*brk)(void *loop, int how);
	void (*destroy)(void *loop);
} ev;

static int load(void)
{
	if (ev.lib)
		return 0;
	void *lib = dlopen("libev.so.4", RTLD_NOW | RTLD_GLOBAL);
	if (!lib)
		return -1;
	ev.loop_new = (void *(*)(unsigned))dlsym(lib, "ev_loop_new");
	ev.run = (int (*)(void *, int))dlsym(lib, "ev_run");
	ev.brk = (void (*)(void *, int))dlsym(lib, "ev_break");
	ev.destroy = (void (*)(void *))dlsym(lib, "ev_loop_destroy");
	if (!ev.loop_new || !ev.run || !ev.brk || !ev.destroy) {
		dlclose(lib);
		return -1;
	}
	ev.lib = lib;
	return 0;
}

void *evloop_new(void)
{
	if (load())
		return NULL;
	return ev.loop_new(EVFLAG_NOSIGMASK);
}

void evloop_run(void *loop)
{
	if (loop)
		ev.run(loop, 0);
}

void evloop_break(void *loop)
{
	if (loop)
		ev.brk(loop, EVBREAK_ALL);
}

void evloop_destroy(void *loop)
{
	if (loop)
		ev.destroy(loop);
}
