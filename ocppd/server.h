/*
 * server.h — ocppd's life: start-up order, the loop's tick, the shutdown
 * phases and the signals.  main.c parses the command line and the
 * configuration and hands over here.
 */
#ifndef OCPPD_SERVER_H
#define OCPPD_SERVER_H

#include "config.h"

enum server_mode {
	SERVER_RUN,     /* serve until SIGTERM/SIGINT */
	SERVER_MIGRATE, /* apply the database migrations and return */
};

/* Returns the process's exit status: 0 after a clean shutdown, 1 when
 * it could not start (one line on stderr says why), 2 for a
 * configuration that cannot work (log file, user/group). */
int server_main(const struct csms_config *cfg, enum server_mode mode);

#endif
