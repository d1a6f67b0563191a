/*
 * signals.h — Ctrl-C handling: the first SIGINT/SIGTERM asks for a clean
 * shutdown, a second one for an immediate exit.
 */
#ifndef CPSIM_SIGNALS_H
#define CPSIM_SIGNALS_H

void signals_install(void);
/* How many SIGINT/SIGTERM arrived so far. */
int signals_count(void);

#endif
