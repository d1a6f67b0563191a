/*
 * txcost.c — see txcost.h.
 */
#include "txcost.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "tariff.h"
#include "coalesce.h"
#include "tariff_pick.h"
#include "tzif.h"

/*
 * Whether any tariff is assigned at all.  Without one every session is
 * priced by price_per_kwh alone, which needs nothing read (no zone, no
 * bands, no idle time) and no idle marks kept: the path of every
 * StatusNotification and StopTransaction on an install without tariffs,
 * where the reads cost a third of the throughput.  Asked again every
 * ASSIGNED_RECHECK_MS per worker; a tariff assigned meanwhile prices the
 * sessions that stop after that (docs/tariffs.md).
 */
#define ASSIGNED_RECHECK_MS 5000

static atomic_uint generation; /* bumped by this node's assignment ops */

void txcost_assignments_changed(void)
{
	atomic_fetch_add(&generation, 1);
}

static int tariffs_assigned(struct hctx *c)
{
	static __thread int64_t checked;
	static __thread int assigned = -1; /* not read yet */
	static __thread unsigned seen;
	unsigned gen = atomic_load(&generation);
	if (assigned >= 0 && gen == seen && c->now_ms >= checked &&
	    c->now_ms - checked < ASSIGNED_RECHECK_MS)
		return assigned;
	struct db_rows r;
	if (db_query(c->db, &r,
	             "SELECT EXISTS(SELECT 1 FROM tariff_assignments)", ""))
		return -1;
	int rc = db_next(&r);
	int any = rc > 0 && db_int(&r, 0) != 0;
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	assigned = any;
	checked = c->now_ms;
	seen = gen;
	return assigned;
}

int txcost_status(struct hctx *c, int connector, const char *status, int64_t ts)
{
	if (!status || connector < 1)
		return 0;
	int assigned = tariffs_assigned(c);
	if (assigned <= 0)
		return assigned;
	if (!strcmp(status, "Charging"))
		return db_exec(c->db,
		               "DELETE FROM tx_idle WHERE cp_id = ? AND "
		               "connector_id = ?",
		               "si", c->cp_id, connector) < 0
		           ? -1
		           : 0;
	if (strcmp(status, "SuspendedEV") && strcmp(status, "Finishing"))
		return 0;
	/* The first mark of this session stays (SuspendedEV, then
	 * Finishing); another session's old mark is replaced.  idle_since
	 * is assigned before tx_id, which it compares. */
	return db_exec(c->db,
	               "INSERT INTO tx_idle (cp_id, connector_id, tx_id, "
	               "idle_since) SELECT cp_id, connector_id, id, ? FROM "
	               "transactions WHERE cp_id = ? AND connector_id = ? AND "
	               "stop_ts IS NULL ORDER BY start_ts DESC LIMIT 1 "
	               "ON DUPLICATE KEY UPDATE idle_since = IF(tx_id = "
	               "VALUES(tx_id), idle_since, VALUES(idle_since)), "
	               "tx_id = VALUES(tx_id)",
	               "tsi", ts, c->cp_id, connector) < 0
	           ? -1
	           : 0;
}

static int idle_mark(struct hctx *c, const struct txcost_session *s,
                     int64_t *idle_ms)
{
	*idle_ms = 0;
	struct db_rows r;
	if (db_query(c->db, &r,
	             "SELECT idle_since FROM tx_idle WHERE cp_id = ? AND "
	             "connector_id = ? AND tx_id = ?",
	             "sil", c->cp_id, s->connector, s->tx))
		return -1;
	int rc = db_next(&r);
	if (rc > 0)
		*idle_ms = db_time_ms(&r, 0);
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	if (rc > 0 && db_exec(c->db,
	                      "DELETE FROM tx_idle WHERE cp_id = ? AND "
	                      "connector_id = ? AND tx_id = ?",
	                      "sil", c->cp_id, s->connector, s->tx) < 0)
		return -1;
	return 0;
}

/*
 * The session's whole-meter energy readings between its start and stop
 * (MeterValues already committed), so energy is placed in the bands when
 * it was delivered; readings that go backwards, or past the stop's meter,
 * are left out.  At most READINGS_MAX: past that, the last slot keeps
 * the newest reading.
 */
#define READINGS_MAX 1000

static int readings(struct hctx *c, const struct txcost_session *s,
                    int64_t stop, long long wh, struct tariff_point *p, int *n)
{
	p[0] = (struct tariff_point){s->start_ms, 0};
	*n = 1;
	struct db_rows r;
	if (db_query(c->db, &r,
	             "SELECT ts, value_num FROM meter_values WHERE "
	             "transaction_id = ? AND measurand = "
	             "'Energy.Active.Import.Register' AND phase IS NULL AND "
	             "value_num IS NOT NULL AND ts > ? AND ts < ? ORDER BY ts "
	             "LIMIT 20000",
	             "ltt", s->tx, s->start_ms, stop))
		return -1;
	int rc;
	while ((rc = db_next(&r)) > 0) {
		long long v = (long long)db_dbl(&r, 1) - s->meter_start;
		int64_t ts = db_time_ms(&r, 0);
		if (v < p[*n - 1].wh || v > wh || ts <= p[*n - 1].ms)
			continue;
		if (*n < READINGS_MAX - 1)
			p[(*n)++] = (struct tariff_point){ts, v};
		else /* full: keep the newest in the last slot */
			p[*n - 1] = (struct tariff_point){ts, v};
	}
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	p[(*n)++] = (struct tariff_point){stop, wh};
	return 0;
}

int txcost_stop(struct hctx *c, const struct txcost_session *s,
                struct txcost_result *out)
{
	if (out)
		memset(out, 0, sizeof *out);
	struct tariff_pick pick;
	int assigned = tariffs_assigned(c);
	if (assigned < 0)
		return -1;
	int64_t idle = 0;
	if (!assigned)
		tariff_default(c->cfg, &pick);
	else if (tariff_pick(c->db, c->cfg, c->cp_id, s->connector, s->id_tag,
	                     s->start_ms, &pick) ||
	         idle_mark(c, s, &idle))
		return -1;
	/* The zone file is read on the database worker, never on the
	 * event loop; an unknown zone prices in UTC and says so. */
	static __thread struct tzif zone;
	static __thread char zone_name[65];
	int have_zone = 1;
	if (strcmp(zone_name, pick.zone)) {
		if (tzif_load(NULL, pick.zone, &zone)) {
			log_warn("txcost: tx=%lld: time zone %s unreadable, "
			         "priced in UTC",
			         s->tx, pick.zone);
			have_zone = 0;
			zone_name[0] = 0;
		} else {
			snprintf(zone_name, sizeof zone_name, "%s", pick.zone);
		}
	}
	/* A stop before its start (a clock that jumped) lasted 0; a meter
	 * that went backwards delivered nothing. */
	int64_t stop = s->stop_ms > s->start_ms ? s->stop_ms : s->start_ms;
	long long wh =
	    s->meter_stop > s->meter_start ? s->meter_stop - s->meter_start : 0;
	static __thread struct tariff_point p[READINGS_MAX];
	int np = 2;
	/* Only bands make it matter when the energy was delivered. */
	if (pick.t.nbands) {
		if (readings(c, s, stop, wh, p, &np))
			return -1;
	} else {
		p[0] = (struct tariff_point){s->start_ms, 0};
		p[1] = (struct tariff_point){stop, wh};
	}
	struct tariff_session ts = {s->start_ms, stop, idle, p, np};
	struct tariff_cost k;
	if (tariff_cost(&pick.t, have_zone ? &zone : NULL, &ts, &k)) {
		log_warn("txcost: tx=%lld: cannot be priced", s->tx);
		return 0;
	}
	if (out) {
		out->priced = 1;
		out->gross_minor = k.gross_minor;
		out->minor_digits = pick.t.minor_digits;
		snprintf(out->currency, sizeof out->currency, "%s",
		         pick.currency);
	}
	struct co_cost *r = coalesce_cost(c->co, c->db);
	if (!r)
		return -1;
	r->tx = s->tx;
	r->version_id = pick.version_id;
	snprintf(r->name, sizeof r->name, "%s", pick.name);
	snprintf(r->currency, sizeof r->currency, "%s", pick.currency);
	r->minor_digits = pick.t.minor_digits;
	long long v[14] = {k.energy_wh,
	                   (long long)(k.charging_ms / 1000),
	                   (long long)(k.idle_ms / 1000),
	                   (long long)(k.idle_billed_ms / 1000),
	                   k.energy_minor,
	                   k.time_minor,
	                   k.idle_minor,
	                   k.fee_minor,
	                   k.adjust_minor,
	                   k.net_minor,
	                   k.vat_minor,
	                   k.gross_minor,
	                   (long long)pick.t.vat_bp,
	                   (long long)pick.t.prices_include_vat};
	memcpy(r->v, v, sizeof v);
	r->computed_at = c->now_ms;
	return 0;
}
