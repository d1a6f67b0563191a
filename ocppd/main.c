/*
 * main.c — ocppd, the OCPP 1.6-J central system daemon: command line,
 * start-up order and shutdown.
 *
 * Start-up: config (a problem is one line on stderr, exit 2), log, the
 * compiled OCPP schemas, the database (retried for ~10 s, then exit 1),
 * migrations, every charge point marked disconnected (a crash leaves no
 * stale flags), then the WebSocket server with its database workers.
 * SIGTERM/SIGINT shut down gracefully (ws.c), SIGHUP reopens the log.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "calls.h"
#include "config.h"
#include "cp_auth.h"
#include "cp_sec_op.h"
#include "db.h"
#include "dispatch.h"
#include "handlers.h"
#include "log.h"
#include "nodelock.h"
#include "ocpp_schema.h"
#include "privdrop.h"
#include "strmap.h"
#include "timeutil.h"
#include "ws.h"

#define DB_START_TIMEOUT_MS 10000

static volatile sig_atomic_t stop_early;

static void on_stop(int sig)
{
	(void)sig;
	stop_early = 1;
	ws_request_stop();
}

static void on_hup(int sig)
{
	(void)sig;
	ws_request_reopen();
}

static const struct csms_config *fatal_cfg;

/* A start-up failure: exactly one line on stderr, and the same line in
 * the log file when there is one (with no log file the log is stderr). */
__attribute__((format(printf, 1, 2))) static void fatal(const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "ocppd: %s\n", line);
	if (fatal_cfg && fatal_cfg->log_file[0])
		log_error("ocppd: %s", line);
}

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

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR && !stop_early)
		;
}

static int connect_with_retry(struct db *db, const struct csms_config *cfg)
{
	int64_t deadline = time_now_ms() + DB_START_TIMEOUT_MS;
	memset(db, 0, sizeof *db);
	for (;;) {
		if (!db_connect(db, cfg, 0))
			return 0;
		if (stop_early || time_now_ms() >= deadline)
			return -1;
		sleep_ms(250);
	}
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

	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);

	if (log_open(cfg.log_level, cfg.log_file, err, sizeof err)) {
		fprintf(stderr, "ocppd: log: %s\n", err);
		return 2;
	}

	fatal_cfg = &cfg;
	/* Who to become once the port is bound (ws.c switches). */
	if (!migrate_only && privdrop_prepare(&cfg, err, sizeof err)) {
		fatal("%s", err);
		return 2;
	}
	/* A busy port stops a second daemon before it touches the database;
	 * --migrate alone never listens, so it runs beside a live daemon. */
	if (!migrate_only && ws_probe(&cfg, err, sizeof err)) {
		fatal("%s", err);
		return 1;
	}

	ocpp_schemas *schemas = NULL;
	if (ocpp_schemas_load(&schemas, ocpp16_schemas_json, err, sizeof err)) {
		fatal("schemas: %s", err);
		return 1;
	}

	struct db db;
	if (connect_with_retry(&db, &cfg)) {
		fatal("database: %s", db_error(&db));
		ocpp_schemas_free(schemas);
		return 1;
	}
	if (db_migrate(&db, cfg.sql_dir, err, sizeof err)) {
		fatal("database: %s", err);
		db_close(&db);
		ocpp_schemas_free(schemas);
		return 1;
	}
	if (migrate_only) {
		db_close(&db);
		ocpp_schemas_free(schemas);
		log_close();
		return 0;
	}
	struct strmap *known = calloc(1, sizeof *known);
	if (!known || cp_state_all_disconnected(&db) ||
	    cp_sec_load(&db, known)) {
		fatal("database: %s", known ? db_error(&db) : "out of memory");
		cp_secmap_free(known);
		db_close(&db);
		ocpp_schemas_free(schemas);
		return 1;
	}
	db_close(&db);
	/* Tells a restore that this database is in use, for as long as we
	 * run (and refuses to start while a restore runs). */
	if (nodelock_start(&cfg, err, sizeof err)) {
		fatal("%s", err);
		cp_secmap_free(known);
		ocpp_schemas_free(schemas);
		return 1;
	}

	if (dispatch_init(&cfg, schemas, err, sizeof err) ||
	    calls_init(&cfg, schemas, err, sizeof err)) {
		fatal("%s", err);
		nodelock_stop();
		cp_secmap_free(known);
		ocpp_schemas_free(schemas);
		return 1;
	}
	log_info("ocppd: %zu charge points registered, %d database worker%s",
	         known->len, cfg.db_workers, cfg.db_workers == 1 ? "" : "s");
	if (ws_run(&cfg, known, err, sizeof err)) {
		fatal("%s", err);
		nodelock_stop();
		ocpp_schemas_free(schemas);
		return 1;
	}

	/* Backstop: the workers wrote connected = 0 for every link they
	 * saw close; a link they could not reach must not stay "online". */
	if (!db_connect(&db, &cfg, 0)) {
		if (cp_state_all_disconnected(&db))
			log_warn("ocppd: database: %s", db_error(&db));
		db_close(&db);
	}
	nodelock_stop();
	ocpp_schemas_free(schemas);
	log_info("ocppd: stopped");
	log_close();
	return 0;
}
