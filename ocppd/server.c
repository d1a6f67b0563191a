/*
 * server.c — ocppd's life; see server.h.
 *
 * Start-up: log, the user to become, the listening port (probed, so a
 * second daemon stops before it touches the database), the compiled OCPP
 * schemas, the database (retried for ~10 s), migrations, every charge
 * point marked disconnected (a crash leaves no stale flags) and the
 * registered ones read; then the WebSocket listener, root given up, the
 * database workers and the control socket, all on one event loop.
 *
 * The tick (every 100 ms) collects finished jobs, times out commands and
 * probations, closes idle control clients, reloads the registered charge
 * points every 10 s, and runs the shutdown phases: SIGTERM/SIGINT stop
 * new handshakes and calls, then queued work finishes (DRAINING, at most
 * 10 s), then every link is closed (CLOSING, at most 3 s).  SIGHUP
 * reopens the log.
 */
#include "server.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "actions.h"
#include "actions201.h"
#include "batch.h"
#include "calls.h"
#include "cmdlog.h"
#include "control.h"
#include "cp_auth.h"
#include "profile_pending.h"
#include "cp_state.h"
#include "ctl_ops.h"
#include "files_op.h"
#include "db.h"
#include "dbq.h"
#include "dispatch.h"
#include "drain.h"
#include "fleet_counters.h"
#include "charging_profiles.h"
#include "local_list.h"
#include "log.h"
#include "nodes.h"
#include "notify_send.h"
#include "notify_sweep.h"
#include "notify_want.h"
#include "reservations.h"
#include "nodelock.h"
#include "ocpp_schema.h"
#include "oplog.h"
#include "auth_key_op.h"
#include "certs.h"
#include "keeper.h"
#include "load_mgmt.h"
#include "bulk.h"
#include "privdrop.h"
#include "profile_op.h"
#include "session.h"
#include "strmap.h"
#include "takeover.h"
#include "timeutil.h"
#include "ws.h"

#define DB_START_TIMEOUT_MS 10000
#define TICK_MS             100
#define KNOWN_REFRESH_MS    10000
#define DRAIN_TIMEOUT_MS    10000
#define CLOSE_TIMEOUT_MS    3000

enum phase { RUNNING, DRAINING, CLOSING, DONE };

static struct {
	const struct csms_config *cfg;
	enum phase phase;
	int64_t deadline_ms, next_known_ms;
	volatile sig_atomic_t stop_requested, reopen_requested;
} srv;

/* ---- signals ---------------------------------------------------------- */

static void on_stop(int sig)
{
	(void)sig;
	srv.stop_requested = 1;
	ws_wake();
}

static void on_hup(int sig)
{
	(void)sig;
	srv.reopen_requested = 1;
	ws_wake();
}

static void install_signals(void)
{
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
}

/* ---- the links, as the OCPP layer sees them (struct ws_ops) ---------- */

static int link_open(struct conn *c)
{
	char peer[128];
	ws_peer(c, peer, sizeof peer);
	oplog_connected(c->cp_id, peer);
	return takeover_arrive(c, time_now_ms());
}

static void link_close(struct conn *c)
{
	char why[96];
	ws_gone_reason(c, why, sizeof why);
	oplog_disconnected(c->cp_id, why);
	if (!c->up)
		return;
	calls_conn_closed(c);
	dispatch_conn_closed(c);
	if (takeover_leave(c))
		cp_state_submit(c->cp_id, 0, c->up->up_ms, NULL, NULL);
}

static void loop_woke(void)
{
	dbq_run_done();
}

/* The handshake's verdict; a connection let in while a raised profile
 * was pending makes it final or is a fallback. */
static int admit(const struct handshake_hello *h, struct handshake_verdict *v)
{
	if (cp_auth_admit(h, v))
		return -1;
	if (v->pending)
		profile_pending_note(h->cp_id, v->profile, v->pending,
		                     h->now_ms);
	return 0;
}

static const struct ws_ops links = {
    .admit = admit,
    .on_open = link_open,
    .on_frame = dispatch_frame,
    .on_close = link_close,
    .on_refused = oplog_refused,
    .on_wake = loop_woke,
    .up_size = sizeof(struct session),
};

static void wake_loop(void *arg)
{
	(void)arg;
	ws_wake();
}

/* ---- the tick ----------------------------------------------------------- */

static void tick(void)
{
	int64_t now = time_now_ms();
	dbq_run_done();
	calls_tick(now);
	takeover_tick(now);
	control_tick();
	oplog_links(ws_conn_count());
	oplog_tick(now);
	if (srv.phase == RUNNING) {
		nodes_tick(now);
		notify_want_tick(now);
		reservations_tick(now);
		charging_profiles_tick(now);
		local_list_tick(srv.cfg, now);
		bulk_tick(srv.cfg, now);
		notify_sweep_tick(srv.cfg, now);
		drain_tick(now);
	}
	if (srv.reopen_requested) {
		srv.reopen_requested = 0;
		log_reopen();
		log_info("ocppd: log reopened");
	}
	if (srv.stop_requested && srv.phase == RUNNING) {
		log_info("ocppd: shutting down: finishing queued work");
		srv.phase = DRAINING;
		ws_stop_accepting();
		dispatch_shutdown();
		srv.deadline_ms = now + DRAIN_TIMEOUT_MS;
	}
	if (srv.phase == DRAINING &&
	    ((dbq_idle() && ws_all_flushed()) || now > srv.deadline_ms)) {
		dbq_run_done();
		srv.phase = CLOSING;
		srv.deadline_ms = now + CLOSE_TIMEOUT_MS;
		ws_close_all();
	}
	if (srv.phase == CLOSING && (!ws_conn_count() || now > srv.deadline_ms))
		srv.phase = DONE;
	if (srv.phase == DONE) {
		ws_break();
		return;
	}
	if (srv.phase == RUNNING && now >= srv.next_known_ms) {
		/* Charge points registered meanwhile by the dashboard, and
		 * credentials changed by another writer. */
		srv.next_known_ms = now + KNOWN_REFRESH_MS;
		cp_auth_refresh();
	}
	ws_timer(tick, TICK_MS);
}

/* ---- start-up ----------------------------------------------------------- */

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
	if (srv.cfg && srv.cfg->log_file[0])
		log_error("ocppd: %s", line);
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
	while (nanosleep(&ts, &ts) && errno == EINTR && !srv.stop_requested)
		;
}

static int connect_with_retry(struct db *db, const struct csms_config *cfg)
{
	int64_t deadline = time_now_ms() + DB_START_TIMEOUT_MS;
	memset(db, 0, sizeof *db);
	/* This connection migrates (migrate_on_start, --migrate). */
	db->long_statements = 1;
	for (;;) {
		if (!db_connect(db, cfg, 0))
			return 0;
		if (srv.stop_requested || time_now_ms() >= deadline)
			return -1;
		sleep_ms(250);
	}
}

/* Serves until the shutdown phases are done. */
static void serve(void)
{
	srv.phase = RUNNING;
	srv.next_known_ms = 0;
	ws_timer(tick, TICK_MS);
	if (srv.stop_requested)
		ws_wake();
	ws_run();
}

int server_main(const struct csms_config *cfg, enum server_mode mode)
{
	char err[1024];
	int rc = 1;
	int log_opened = 0, db_open = 0, ws_up = 0, dbq_up = 0, ctl_up = 0;
	int locked = 0;
	ocpp_schemas *schemas = NULL, *schemas201 = NULL;
	struct strmap *known = NULL;
	struct db db;
	memset(&db, 0, sizeof db);
	memset(&srv, 0, sizeof srv);

	raise_nofile();
	install_signals();
	if (log_open(cfg->log_level, cfg->log_file, err, sizeof err)) {
		fprintf(stderr, "ocppd: log: %s\n", err);
		return 2;
	}
	log_opened = 1;
	srv.cfg = cfg;
	/* Who to become once the port is bound. */
	if (mode == SERVER_RUN && privdrop_prepare(cfg, err, sizeof err)) {
		fatal("%s", err);
		rc = 2;
		goto out;
	}
	/* A busy port stops a second daemon before it touches the database;
	 * --migrate alone never listens, so it runs beside a live daemon. */
	if (mode == SERVER_RUN && ws_probe(cfg, err, sizeof err)) {
		fatal("%s", err);
		goto out;
	}
	auth_key_op_init(cfg);
	profile_op_init(cfg);
	/* The CA key is read while ocppd may still be root (it is kept
	 * from the service user like the TLS key). */
	if (mode == SERVER_RUN && certs_load(cfg, err, sizeof err)) {
		fatal("%s", err);
		goto out;
	}
	if (ocpp_schemas_load(&schemas, ocpp16_schemas_json, err, sizeof err)) {
		fatal("schemas: %s", err);
		goto out;
	}
	if (ocpp_schemas_load(&schemas201, ocpp201_schemas_json, err,
	                      sizeof err)) {
		fatal("2.0.1 schemas: %s", err);
		goto out;
	}
	if (connect_with_retry(&db, cfg)) {
		fatal("database: %s", db_error(&db));
		goto out;
	}
	db_open = 1;
	/* migrate_on_start = no: a cluster migrates once, at deploy time. */
	if ((mode == SERVER_MIGRATE || cfg->migrate_on_start)
	        ? db_migrate(&db, cfg->sql_dir, err, sizeof err)
	        : db_schema_check(&db, cfg->sql_dir, err, sizeof err)) {
		fatal("database: %s", err);
		goto out;
	}
	if (mode == SERVER_MIGRATE) {
		rc = 0;
		goto out;
	}
	known = calloc(1, sizeof *known);
	if (known)
		strmap_init(known);
	if (!known || cp_state_all_disconnected(&db, cfg) ||
	    cmdlog_node_restarted(&db, cfg) || cp_sec_load(&db, known)) {
		fatal("database: %s", known ? db_error(&db) : "out of memory");
		goto out;
	}
	db_close(&db);
	db_open = 0;
	/* Tells a restore that this database is in use, for as long as we
	 * run (and refuses to start while a restore runs). */
	if (nodelock_start(cfg, err, sizeof err)) {
		fatal("%s", err);
		goto out;
	}
	locked = 1;

	if (actions_init(schemas, err, sizeof err) ||
	    actions201_init(schemas201, err, sizeof err) ||
	    dispatch_init(cfg, schemas) || oplog_init(cfg, err, sizeof err) ||
	    calls_init(cfg, schemas, err, sizeof err) ||
	    calls_init201(schemas201, err, sizeof err)) {
		fatal("%s", err);
		goto out;
	}
	dispatch_set_201(schemas201);
	log_info("ocppd: %zu charge points registered, %d database worker%s",
	         known->len, cfg->db_workers, cfg->db_workers == 1 ? "" : "s");
	cp_auth_start(cfg, known);
	known = NULL; /* cp_auth's now */
	takeover_init(cfg);
	ctl_ops_init();
	files_init(cfg);
	if (ws_start(cfg, &links, err, sizeof err)) {
		fatal("%s", err);
		goto out;
	}
	ws_up = 1;
	/* The port is bound: root is given up before anything else runs. */
	if (privdrop_apply(err, sizeof err)) {
		fatal("%s", err);
		goto out;
	}
	err[0] = '\0';
	if (batch_init() ||
	    dbq_start(cfg, &batch_ops, wake_loop, NULL, err, sizeof err)) {
		fatal("database workers: %s", err[0] ? err : "out of memory");
		goto out;
	}
	dbq_up = 1;
	if (notify_send_start(cfg, err, sizeof err) ||
	    fleet_counters_start(cfg, err, sizeof err)) {
		fatal("%s", err);
		goto out;
	}
	if (control_start(cfg, ws_context(), ctl_ops_request, err,
	                  sizeof err)) {
		fatal("%s", err);
		goto out;
	}
	ctl_up = 1;
	/* It sends through the control socket, so after it. */
	if (load_mgmt_start(cfg, err, sizeof err) ||
	    certs_start(cfg, err, sizeof err)) {
		fatal("%s", err);
		goto out;
	}
	/* Last: its first pass logs, and a start-up error must be the last
	 * line ocppd writes. */
	if (keeper_start(cfg, err, sizeof err)) {
		fatal("%s", err);
		goto out;
	}

	serve();
	rc = 0;

out:
	certs_stop();
	load_mgmt_stop();
	notify_send_stop();
	fleet_counters_stop();
	/* Connection-state jobs of the links just closed, then the rest;
	 * the message log's last records with them. */
	oplog_flush();
	if (dbq_up)
		dbq_stop();
	keeper_stop();
	oplog_cleanup();
	if (ctl_up)
		control_stop();
	if (ws_up)
		ws_destroy();
	takeover_cleanup();
	cp_auth_cleanup();
	batch_cleanup();
	cp_secmap_free(known);
	if (rc == 0 && mode == SERVER_RUN) {
		/* Backstop: the workers wrote connected = 0 for every link
		 * they saw close; a link they could not reach must not stay
		 * "online". */
		if (!db_open && !db_connect(&db, cfg, 0))
			db_open = 1;
		if (db_open && (cp_state_all_disconnected(&db, cfg) ||
		                nodes_leave(&db, cfg)))
			log_warn("ocppd: database: %s", db_error(&db));
	}
	if (db_open)
		db_close(&db);
	if (locked)
		nodelock_stop();
	ocpp_schemas_free(schemas);
	ocpp_schemas_free(schemas201);
	if (rc == 0 && mode == SERVER_RUN)
		log_info("ocppd: stopped");
	if (log_opened)
		log_close();
	return rc;
}
