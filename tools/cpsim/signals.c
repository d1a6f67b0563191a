/*
 * signals.c — the handler only counts; the service loops poll the count
 * on their 100 ms tick, so nothing async-signal-unsafe runs in it.
 */
#include "signals.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t count;

static void on_signal(int sig)
{
	(void)sig;
	count++;
}

void signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int signals_count(void)
{
	return count;
}
