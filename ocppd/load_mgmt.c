/*
 * load_mgmt.c — site load management; see load_mgmt.h.
 */
#include "load_mgmt.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cjson/cJSON.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "db.h"
#include "load_plan.h"
#include "log.h"
#include "ticker.h"

#define SESSIONS_MAX 2000 /* open sessions of one site planned at most */
#define SITES_MAX    1000 /* managed sites planned per run */
#define SENDS_MAX    200  /* profiles one node sends per run */
#define WHO          LM_REQUESTED_BY

static const struct csms_config *cfg;
static atomic_int managed; /* a managed site exists: pokes matter */
/* The control connection in use, so a stop need not wait for a charge
 * point's answer: the event loop that would bring it has stopped. */
static pthread_mutex_t cc_mu = PTHREAD_MUTEX_INITIALIZER;
static int cc_fd = -1;

/* ---- planning (one node) ---- */

enum { ST_NONE = -1, ST_NEW, ST_ACCEPTED, ST_REJECTED, ST_FAILED };

struct sess {
	long long tx;
	char cp[51];
	int conn;
	int has_row, target, accepted, status;
	struct lp_conn lp;
	int eff; /* what it may draw now */
	int online;
	int want; /* the new target */
};

static int status_of(const char *s)
{
	if (!s)
		return ST_NONE;
	if (!strcmp(s, "accepted"))
		return ST_ACCEPTED;
	if (!strcmp(s, "rejected"))
		return ST_REJECTED;
	if (!strcmp(s, "failed"))
		return ST_FAILED;
	return ST_NEW;
}

static int phases_of(const char *s)
{
	if (!s || !strcmp(s, "L1L2L3"))
		return LP_ALL;
	return s[1] == '1' ? LP_L1 : s[1] == '2' ? LP_L2 : LP_L3;
}

/* The live node with the lowest node_id plans; a single node always. */
static int leader(struct db *db)
{
	if (!cfg->node_id[0])
		return 1;
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT MIN(node_id) FROM nodes WHERE seen_at > "
	             "UTC_TIMESTAMP(3) - INTERVAL ? SECOND",
	             "i", CTL_NODE_SILENT_S))
		return 0;
	int me = db_next(&r) == 1 && db_str(&r, 0) &&
	         !strcmp(db_str(&r, 0), cfg->node_id);
	db_rows_end(&r);
	return me;
}

static const char sql_sessions[] =
    "SELECT t.id, t.cp_id, t.connector_id, t.start_ts, cp.lm_phases, "
    "ROUND(cp.lm_min_a * 10), ROUND(cp.lm_max_a * 10), cp.lm_priority, "
    "a.target_da, a.accepted_da, a.status, d.accepted_da, d.status, "
    "cp.connected "
    "FROM charge_points cp "
    "JOIN transactions t ON t.cp_id = cp.id AND t.stop_ts IS NULL "
    "LEFT JOIN load_alloc a ON a.cp_id = t.cp_id "
    "AND a.connector_id = t.connector_id AND a.transaction_id = t.id "
    "LEFT JOIN load_alloc d ON d.cp_id = cp.id AND d.connector_id = 0 "
    "AND d.transaction_id = 0 "
    "WHERE cp.site_id = ? ORDER BY t.start_ts, t.id LIMIT 2000";

/* The open sessions of a site and what each may draw now; -1 on a
 * database error. */
static int load_sessions(struct db *db, int site, struct sess *s, int *n)
{
	struct db_rows r;
	if (db_query(db, &r, sql_sessions, "i", site))
		return -1;
	*n = 0;
	while (*n < SESSIONS_MAX && db_next(&r) == 1) {
		struct sess *x = &s[(*n)++];
		memset(x, 0, sizeof *x);
		x->tx = db_int(&r, 0);
		snprintf(x->cp, sizeof x->cp, "%s", db_str(&r, 1));
		x->conn = (int)db_int(&r, 2);
		x->lp.since = db_time_ms(&r, 3);
		x->lp.phases = phases_of(db_str(&r, 4));
		x->lp.min_da = (int)db_int(&r, 5);
		x->lp.max_da = (int)db_int(&r, 6);
		x->lp.priority = (int)db_int(&r, 7);
		x->has_row = !db_isnull(&r, 8);
		x->target = (int)db_int(&r, 8);
		x->accepted = db_isnull(&r, 9) ? -1 : (int)db_int(&r, 9);
		x->status = status_of(db_str(&r, 10));
		/* Without a limit of its own it draws its default profile's,
		 * when the charge point accepted one, else its maximum. */
		int base = status_of(db_str(&r, 12)) == ST_ACCEPTED &&
		                   !db_isnull(&r, 11)
		               ? (int)db_int(&r, 11)
		               : x->lp.max_da;
		if (x->status == ST_REJECTED || x->status == ST_FAILED) {
			/* It does not obey: count it at its maximum. */
			x->lp.fixed = 1;
			x->lp.fixed_da = x->lp.max_da;
			x->eff = x->lp.max_da;
		} else {
			int now = x->accepted >= 0 ? x->accepted : base;
			/* A change not answered yet may be in force or not:
			 * the higher of the two. */
			x->eff =
			    x->has_row && x->target > now ? x->target : now;
		}
		/* Offline (its node died, its link dropped), it keeps the
		 * limit it has and no new one reaches it: a share it cannot
		 * take would be lost to the others. */
		x->online = db_int(&r, 13) == 1;
		if (!x->online && !x->lp.fixed) {
			x->lp.fixed = 1;
			x->lp.fixed_da = x->eff;
		}
	}
	db_rows_end(&r);
	return 0;
}

static const char *result_name(enum lp_result r)
{
	return r == LP_OK ? "ok" : r == LP_PAUSED ? "paused" : "over";
}

static int record(struct db *db, int site, enum lp_result res, int limit_da,
                  const struct sess *s, int n)
{
	cJSON *plan = cJSON_CreateArray();
	for (int i = 0; i < n && plan; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "cp_id", s[i].cp);
		cJSON_AddNumberToObject(o, "connector_id", s[i].conn);
		cJSON_AddNumberToObject(o, "transaction_id", (double)s[i].tx);
		cJSON_AddNumberToObject(o, "share_a", s[i].lp.out_da / 10.0);
		cJSON_AddNumberToObject(o, "limit_a", s[i].want / 10.0);
		cJSON_AddNumberToObject(o, "drawing_a", s[i].eff / 10.0);
		cJSON_AddBoolToObject(o, "obeys",
		                      s[i].status != ST_REJECTED &&
		                          s[i].status != ST_FAILED);
		cJSON_AddBoolToObject(o, "online", s[i].online);
		cJSON_AddItemToArray(plan, o);
	}
	char *text = plan ? cJSON_PrintUnformatted(plan) : NULL;
	cJSON_Delete(plan);
	if (!text)
		return -1;
	long long rc = db_exec(
	    db,
	    "INSERT INTO load_decisions (site_id, decided_at, node_id, result, "
	    "limit_da, sessions, plan) VALUES (?, UTC_TIMESTAMP(3), "
	    "NULLIF(?, ''), ?, ?, ?, ?)",
	    "issiis", site, cfg->node_id, result_name(res), limit_da, n, text);
	free(text);
	return rc < 0 ? -1 : 0;
}

/* Plans one site: targets in load_alloc, a decision when one changed. */
static int plan_site(struct db *db, int site, int limit_da, int phases,
                     struct sess *s)
{
	int n;
	if (load_sessions(db, site, s, &n))
		return -1;
	/* A single-phase grid connection has only L1. */
	int limit[3] = {limit_da, phases >= 2 ? limit_da : 0,
	                phases >= 3 ? limit_da : 0};
	struct lp_conn lp[SESSIONS_MAX];
	for (int i = 0; i < n; i++)
		lp[i] = s[i].lp;
	enum lp_result res = lp_plan(limit, lp, n);
	/* Room left now, with every session at what it may draw. */
	int room[3] = {limit[0], limit[1], limit[2]};
	for (int i = 0; i < n; i++) {
		s[i].lp.out_da = lp[i].out_da;
		for (int ph = 0; ph < 3; ph++)
			if (s[i].lp.phases >> ph & 1)
				room[ph] -= s[i].eff;
	}
	int changed = 0;
	for (int i = 0; i < n; i++) {
		struct sess *x = &s[i];
		int plan = x->lp.fixed ? x->lp.fixed_da : x->lp.out_da;
		x->want = plan;
		if (!x->lp.fixed && plan > x->eff) {
			/* Raised only into room there is now. */
			int inc = plan - x->eff, fits = 1;
			for (int ph = 0; ph < 3; ph++)
				if (x->lp.phases >> ph & 1 && room[ph] < inc)
					fits = 0;
			if (fits) {
				for (int ph = 0; ph < 3; ph++)
					if (x->lp.phases >> ph & 1)
						room[ph] -= inc;
			} else {
				x->want = x->has_row ? x->target : x->eff;
				if (x->want > x->eff)
					x->want = x->eff;
			}
		}
		if (x->lp.fixed)
			continue; /* asked again by the sender's retry */
		if (x->has_row && x->want == x->target)
			continue;
		changed = 1;
		if (db_exec(db,
		            "INSERT INTO load_alloc (cp_id, connector_id, "
		            "transaction_id, site_id, target_da, status, "
		            "updated_at) VALUES (?, ?, ?, ?, ?, 'new', "
		            "UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE "
		            "target_da = VALUES(target_da), "
		            "site_id = VALUES(site_id), status = 'new', "
		            "updated_at = VALUES(updated_at)",
		            "siiii", x->cp, x->conn, (int)x->tx, site,
		            x->want) < 0)
			return -1;
	}
	/* The sessions that ended take their rows with them. */
	if (db_exec(db,
	            "DELETE a FROM load_alloc a LEFT JOIN transactions t "
	            "ON t.id = a.transaction_id WHERE a.site_id = ? "
	            "AND a.transaction_id > 0 "
	            "AND (t.id IS NULL OR t.stop_ts IS NOT NULL)",
	            "i", site) < 0)
		return -1;
	/* Every charge point of the site gets its safe default: 0 A, a
	 * session waits for its share rather than take one the others
	 * already hold. */
	if (db_exec(db,
	            "INSERT INTO load_alloc (cp_id, connector_id, "
	            "transaction_id, site_id, target_da, status, updated_at) "
	            "SELECT id, 0, 0, site_id, 0, 'new', "
	            "UTC_TIMESTAMP(3) FROM charge_points WHERE site_id = ? "
	            "ON DUPLICATE KEY UPDATE load_alloc.status = "
	            "IF(load_alloc.target_da = VALUES(target_da) AND "
	            "load_alloc.site_id = VALUES(site_id), load_alloc.status, "
	            "'new'), load_alloc.target_da = VALUES(target_da), "
	            "load_alloc.site_id = VALUES(site_id)",
	            "i", site) < 0)
		return -1;
	if (changed && record(db, site, res, limit_da, s, n))
		return -1;
	return 0;
}

static const char sql_sites[] =
    "SELECT id, ROUND(grid_limit_a * 10), grid_phases FROM sites "
    "WHERE load_management = 1 AND grid_limit_a IS NOT NULL "
    "ORDER BY id LIMIT 1000";

static void plan_all(struct db *db)
{
	struct db_rows r;
	if (db_query(db, &r, sql_sites, ""))
		goto fail;
	int ids[SITES_MAX], lim[SITES_MAX], ph[SITES_MAX], n = 0;
	while (n < SITES_MAX && db_next(&r) == 1) {
		ids[n] = (int)db_int(&r, 0);
		lim[n] = (int)db_int(&r, 1);
		ph[n] = (int)db_int(&r, 2);
		n++;
	}
	db_rows_end(&r);
	atomic_store(&managed, n > 0);
	struct sess *s = malloc(sizeof *s * SESSIONS_MAX);
	if (!s)
		return;
	for (int i = 0; i < n; i++)
		if (plan_site(db, ids[i], lim[i], ph[i], s))
			log_warn("ocppd: load management of site %d: %s",
			         ids[i], db_error(db));
	free(s);
	/* Charge points no longer in a managed site: their profiles go. */
	if (db_exec(db,
	            "UPDATE load_alloc a JOIN charge_points cp ON cp.id = "
	            "a.cp_id LEFT JOIN sites s ON s.id = cp.site_id "
	            "SET a.target_da = -1, a.status = 'new' "
	            "WHERE a.target_da <> -1 AND (s.id IS NULL OR "
	            "s.id <> a.site_id OR s.load_management = 0 OR "
	            "s.grid_limit_a IS NULL)",
	            "") < 0)
		goto fail;
	return;
fail:
	log_warn("ocppd: load management: %s", db_error(db));
}

/* ---- sending (every node, its own links) ---- */

static struct ticker T = {.name = "load management", .min_gap_ms = 500};

static cJSON *profile(int conn, long long tx, int da, int nphases)
{
	cJSON *p = cJSON_CreateObject(), *cs = cJSON_CreateObject();
	cJSON *sched = cJSON_CreateObject(), *periods = cJSON_CreateArray();
	cJSON *period = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "connectorId", conn);
	cJSON_AddNumberToObject(cs, "chargingProfileId", LM_PROFILE_ID + conn);
	if (tx > 0)
		cJSON_AddNumberToObject(cs, "transactionId", (double)tx);
	cJSON_AddNumberToObject(cs, "stackLevel", cfg->load_mgmt_stack_level);
	cJSON_AddStringToObject(cs, "chargingProfilePurpose",
	                        tx > 0 ? "TxProfile" : "TxDefaultProfile");
	/* Relative: from the start of each session, no end. */
	cJSON_AddStringToObject(cs, "chargingProfileKind", "Relative");
	cJSON_AddStringToObject(sched, "chargingRateUnit", "A");
	cJSON_AddNumberToObject(period, "startPeriod", 0);
	cJSON_AddNumberToObject(period, "limit", da / 10.0);
	cJSON_AddNumberToObject(period, "numberPhases", nphases);
	cJSON_AddItemToArray(periods, period);
	cJSON_AddItemToObject(sched, "chargingSchedulePeriod", periods);
	cJSON_AddItemToObject(cs, "chargingSchedule", sched);
	cJSON_AddItemToObject(p, "csChargingProfiles", cs);
	return p;
}

/* The same limit in 2.0.1's shape (K01): the profile's id, its schedule
 * an array of schedules with ids of their own, evseId for connectorId;
 * a TxProfile names the session by the station's own transactionId.
 * NULL when a session's station id is not known (no TxProfile without
 * one: 2.0.1 K01.FR.03). */
static cJSON *profile201(int conn, int evse, long long tx, const char *cp_tx,
                         int da, int nphases)
{
	if (tx > 0 && !cp_tx)
		return NULL;
	cJSON *p = cJSON_CreateObject(), *cs = cJSON_CreateObject();
	cJSON *scheds = cJSON_CreateArray(), *sched = cJSON_CreateObject();
	cJSON *periods = cJSON_CreateArray(), *period = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "evseId", evse);
	cJSON_AddNumberToObject(cs, "id", LM_PROFILE_ID + conn);
	cJSON_AddNumberToObject(cs, "stackLevel", cfg->load_mgmt_stack_level);
	cJSON_AddStringToObject(cs, "chargingProfilePurpose",
	                        tx > 0 ? "TxProfile" : "TxDefaultProfile");
	cJSON_AddStringToObject(cs, "chargingProfileKind", "Relative");
	if (tx > 0)
		cJSON_AddStringToObject(cs, "transactionId", cp_tx);
	cJSON_AddNumberToObject(sched, "id", LM_PROFILE_ID + conn);
	cJSON_AddStringToObject(sched, "chargingRateUnit", "A");
	cJSON_AddNumberToObject(period, "startPeriod", 0);
	cJSON_AddNumberToObject(period, "limit", da / 10.0);
	cJSON_AddNumberToObject(period, "numberPhases", nphases);
	cJSON_AddItemToArray(periods, period);
	cJSON_AddItemToObject(sched, "chargingSchedulePeriod", periods);
	cJSON_AddItemToArray(scheds, sched);
	cJSON_AddItemToObject(cs, "chargingSchedule", scheds);
	cJSON_AddItemToObject(p, "chargingProfile", cs);
	return p;
}

static const char sql_due[] =
    "SELECT a.cp_id, a.connector_id, a.transaction_id, a.target_da, "
    "cp.lm_phases, cp.protocol = 'ocpp2.0.1', t.cp_tx_id, "
    "COALESCE(t.evse_id, a.connector_id) FROM load_alloc a "
    "JOIN charge_points cp ON cp.id = a.cp_id "
    "LEFT JOIN transactions t ON a.transaction_id > 0 AND "
    "t.id = a.transaction_id "
    "WHERE cp.connected = 1 AND cp.node_id <=> NULLIF(?, '') "
    "AND (a.status = 'new' OR (a.status = 'accepted' AND "
    "a.accepted_da <> a.target_da) OR (a.status IN ('rejected', "
    "'failed') AND a.updated_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND)) "
    "ORDER BY a.target_da < IFNULL(a.accepted_da, 2147483647) DESC "
    "LIMIT 200";

struct due {
	char cp[51];
	int conn, tx, da, phases;
	int v201, evse; /* a 2.0.1 station: its shape, its EVSE */
	char cp_tx[37]; /* the station's transactionId (2.0.1) */
};

/* Sends one target; the answer goes to its row. */
static void send_one(struct db *db, struct ctl_client *cc, const struct due *d)
{
	cJSON *params, *answer = NULL;
	const char *op;
	if (d->da < 0) {
		op = "ClearChargingProfile";
		params = cJSON_CreateObject();
		cJSON_AddNumberToObject(params,
		                        d->v201 ? "chargingProfileId" : "id",
		                        LM_PROFILE_ID + d->conn);
	} else {
		op = "SetChargingProfile";
		int nph = d->phases == LP_ALL ? 3 : 1;
		params = d->v201 ? profile201(d->conn, d->evse, d->tx,
		                              d->cp_tx[0] ? d->cp_tx : NULL,
		                              d->da, nph)
		                 : profile(d->conn, d->tx, d->da, nph);
		if (!params) {
			/* Its station id not known yet: the next run. */
			return;
		}
	}
	char err[256];
	int rc =
	    ctl_request(cc, op, d->cp, params, WHO, ctl_default_timeout_ms(cfg),
	                &answer, err, sizeof err);
	cJSON_Delete(params);
	const char *status = "failed";
	char why[64] = "";
	if (rc) {
		snprintf(why, sizeof why, "no answer from ocppd");
		log_warn("ocppd: load management: %s %s: %s", op, d->cp, err);
	} else if (!ctl_answer_ok(answer)) {
		snprintf(why, sizeof why, "%s", ctl_answer_code(answer));
	} else {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(
		    ctl_answer_result(answer), "status");
		snprintf(why, sizeof why, "%s",
		         cJSON_IsString(st) ? st->valuestring : "?");
		/* Clearing what is not there is done too. */
		status = !strcmp(why, "Accepted") ||
		                 (d->da < 0 && !strcmp(why, "Unknown"))
		             ? "accepted"
		             : "rejected";
	}
	cJSON_Delete(answer);
	if (d->da < 0 && !strcmp(status, "accepted")) {
		db_exec(db,
		        "DELETE FROM load_alloc WHERE cp_id = ? AND "
		        "connector_id = ? AND transaction_id = ? "
		        "AND target_da = -1",
		        "sii", d->cp, d->conn, d->tx);
		return;
	}
	/* accepted_da is what was sent; the target may have moved on
	 * meanwhile, and is sent next time. */
	if (db_exec(db,
	            "UPDATE load_alloc SET status = ?, answer = ?, "
	            "accepted_da = IF(? = 'accepted', ?, accepted_da), "
	            "updated_at = UTC_TIMESTAMP(3) WHERE cp_id = ? AND "
	            "connector_id = ? AND transaction_id = ?",
	            "sssisii", status, why, status, d->da, d->cp, d->conn,
	            d->tx) < 0)
		log_warn("ocppd: load management: %s", db_error(db));
}

static void send_due(struct db *db)
{
	struct db_rows r;
	if (db_query(db, &r, sql_due, "si", cfg->node_id,
	             cfg->load_mgmt_retry)) {
		log_warn("ocppd: load management: %s", db_error(db));
		return;
	}
	struct due d[SENDS_MAX];
	int n = 0;
	while (n < SENDS_MAX && db_next(&r) == 1) {
		snprintf(d[n].cp, sizeof d[n].cp, "%s", db_str(&r, 0));
		d[n].conn = (int)db_int(&r, 1);
		d[n].tx = (int)db_int(&r, 2);
		d[n].da = (int)db_int(&r, 3);
		d[n].phases = phases_of(db_str(&r, 4));
		d[n].v201 = db_int(&r, 5) == 1;
		snprintf(d[n].cp_tx, sizeof d[n].cp_tx, "%s",
		         db_str(&r, 6) ? db_str(&r, 6) : "");
		d[n].evse = (int)db_int(&r, 7);
		n++;
	}
	db_rows_end(&r);
	if (!n)
		return;
	struct ctl_client cc;
	char err[256];
	if (ctl_connect(&cc, cfg, err, sizeof err)) {
		log_warn("ocppd: load management: %s", err);
		return;
	}
	pthread_mutex_lock(&cc_mu);
	cc_fd = cc.fd;
	pthread_mutex_unlock(&cc_mu);
	/* Lowered limits first (the query's order): room before raises. */
	for (int i = 0; i < n && !ticker_stopping(&T); i++)
		send_one(db, &cc, &d[i]);
	pthread_mutex_lock(&cc_mu);
	cc_fd = -1;
	pthread_mutex_unlock(&cc_mu);
	ctl_close(&cc);
}

static void run(struct db *db, void *arg)
{
	(void)arg;
	if (leader(db))
		plan_all(db);
	send_due(db);
}

int load_mgmt_start(const struct csms_config *c, char *err, size_t errlen)
{
	if (c->load_mgmt_interval <= 0)
		return 0;
	cfg = c;
	T.run = run;
	T.every_s = c->load_mgmt_interval;
	return ticker_start(&T, c, err, errlen);
}

void load_mgmt_stop(void)
{
	pthread_mutex_lock(&cc_mu);
	if (cc_fd >= 0)
		shutdown(cc_fd, SHUT_RDWR);
	pthread_mutex_unlock(&cc_mu);
	ticker_stop(&T);
}

void load_mgmt_poke(void)
{
	if (atomic_load(&managed))
		ticker_poke(&T);
}
