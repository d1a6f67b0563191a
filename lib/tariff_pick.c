/*
 * tariff_pick.c — the tariff version of a session (tariff_pick.h).
 */
#include "tariff_pick.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tariff_bands.h"

/*
 * The precedence, as one ORDER BY: an id-tag group (a contract) beats a
 * place; among places a connector beats its charge point, which beats
 * its site; an assignment with none of them applies everywhere.  Equal
 * ones: the newest assignment.
 */
static const char sql_pick[] =
    "SELECT v.id, t.name, t.currency, t.minor_digits, v.energy_price, "
    "v.time_price, v.idle_price, v.idle_grace_min, v.session_fee_minor, "
    "v.min_minor, v.max_minor, v.vat_rate_bp, v.prices_include_vat, "
    "v.bands FROM tariff_assignments a "
    "JOIN tariffs t ON t.id = a.tariff_id "
    "JOIN tariff_versions v ON v.tariff_id = a.tariff_id "
    "AND v.valid_from <= ? AND (v.valid_to IS NULL OR v.valid_to > ?) "
    "WHERE (a.cp_id IS NULL OR a.cp_id = ?) "
    "AND (a.connector_id IS NULL OR a.connector_id = ?) "
    "AND (a.site_id IS NULL OR a.site_id = "
    "(SELECT site_id FROM charge_points WHERE id = ?)) "
    "AND (a.id_tag_group IS NULL OR a.id_tag_group = ? OR a.id_tag_group = "
    "(SELECT parent_id_tag FROM users WHERE id_tag = ?)) "
    "ORDER BY (a.id_tag_group IS NOT NULL) * 8 + "
    "(a.connector_id IS NOT NULL) * 4 + (a.cp_id IS NOT NULL) * 2 + "
    "(a.site_id IS NOT NULL) DESC, a.id DESC LIMIT 1";

int tariff_from_columns(const char *energy, const char *time, const char *idle,
                        long long grace, long long fee, const char *min,
                        const char *max, long long vat_bp, long long incl,
                        long long digits, const char *bands, struct tariff *t)
{
	char err[160];
	memset(t, 0, sizeof *t);
	t->idle_grace_min = (int)grace;
	t->fee_minor = fee;
	t->min_minor = min ? atoll(min) : -1;
	t->max_minor = max ? atoll(max) : -1;
	t->vat_bp = (int)vat_bp;
	t->prices_include_vat = incl != 0;
	t->minor_digits = (int)digits;
	if (tariff_parse_micro(energy ? energy : "0", &t->energy_micro) ||
	    tariff_parse_micro(time ? time : "0", &t->time_micro) ||
	    tariff_parse_micro(idle ? idle : "0", &t->idle_micro))
		return -1;
	return tariff_bands_from_text(bands, t, err, sizeof err);
}

void tariff_default(const struct csms_config *cfg, struct tariff_pick *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->currency, sizeof out->currency, "%s", cfg->currency);
	snprintf(out->zone, sizeof out->zone, "UTC");
	out->t.min_minor = out->t.max_minor = -1;
	out->t.minor_digits = 2;
	/* money.h's rule: price_per_kwh in micro-units, rounded once. */
	double p = cfg->price_per_kwh * 1e6;
	out->t.energy_micro = (long long)(p < 0 ? p - 0.5 : p + 0.5);
}

static int zone_of(struct db *db, const char *cp_id, char zone[65])
{
	struct db_rows r;
	snprintf(zone, 65, "UTC");
	if (db_query(db, &r,
	             "SELECT s.time_zone FROM charge_points c JOIN sites s "
	             "ON s.id = c.site_id WHERE c.id = ?",
	             "s", cp_id))
		return -1;
	int rc = db_next(&r);
	if (rc > 0 && db_str(&r, 0))
		snprintf(zone, 65, "%s", db_str(&r, 0));
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

int tariff_pick(struct db *db, const struct csms_config *cfg, const char *cp_id,
                int connector, const char *id_tag, int64_t start_ms,
                struct tariff_pick *out)
{
	tariff_default(cfg, out);
	if (zone_of(db, cp_id, out->zone))
		return -1;
	const char *tag = id_tag ? id_tag : "";
	struct db_rows r;
	if (db_query(db, &r, sql_pick, "ttsisss", start_ms, start_ms, cp_id,
	             connector, cp_id, tag, tag))
		return -1;
	int rc = db_next(&r);
	if (rc > 0) {
		struct tariff t;
		/* A version that cannot be read (hand-edited bands) keeps
		 * the default rather than failing the stop. */
		if (!tariff_from_columns(
		        db_str(&r, 4), db_str(&r, 5), db_str(&r, 6),
		        db_int(&r, 7), db_int(&r, 8), db_str(&r, 9),
		        db_str(&r, 10), db_int(&r, 11), db_int(&r, 12),
		        db_int(&r, 3), db_str(&r, 13), &t)) {
			out->t = t;
			out->version_id = db_int(&r, 0);
			snprintf(out->name, sizeof out->name, "%s",
			         db_str(&r, 1) ? db_str(&r, 1) : "");
			snprintf(out->currency, sizeof out->currency, "%s",
			         db_str(&r, 2) ? db_str(&r, 2) : "");
		}
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}
