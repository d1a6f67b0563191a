/*
 * main.c — ocppd, the OCPP 1.6-J central system daemon: the command line
 * and the configuration; server.c does the rest.
 *
 * A configuration problem is one line on stderr and exit status 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "server.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: ocppd [-c FILE] [--print-config | --check-config | "
	        "--migrate]\n"
	        "  -c FILE          configuration (default: $CSMS_CONF or "
	        "./csms.conf)\n"
	        "  --print-config   print the effective configuration and "
	        "exit\n"
	        "  --check-config   validate the configuration and exit\n"
	        "  --migrate        apply database migrations and exit\n");
}

int main(int argc, char **argv)
{
	const char *given = NULL;
	int print = 0, check = 0, migrate_only = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			given = argv[++i];
		} else if (!strcmp(argv[i], "--print-config")) {
			print = 1;
		} else if (!strcmp(argv[i], "--check-config")) {
			check = 1;
		} else if (!strcmp(argv[i], "--migrate")) {
			migrate_only = 1;
		} else if (!strcmp(argv[i], "-h") ||
		           !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "ocppd: unknown argument %s\n",
			        argv[i]);
			usage(stderr);
			return 2;
		}
	}
	/* -c wins; otherwise $CSMS_CONF, else ./csms.conf (which may be
	 * absent: defaults and the environment then suffice). */
	const char *env = getenv("CSMS_CONF");
	const char *path = given ? given : config_default_path(NULL);
	int must_exist = given || (env && *env);

	static struct csms_config cfg;
	char err[1024];
	if (config_load(&cfg, path, must_exist, err, sizeof err)) {
		fprintf(stderr, "ocppd: %s\n", err);
		return 2;
	}
	if (print) {
		config_print(&cfg, stdout);
		return 0;
	}
	if (check)
		return 0;
	return server_main(&cfg, migrate_only ? SERVER_MIGRATE : SERVER_RUN);
}
