/*
 * sitequery.h — a site's row with its totals, the one query the API's
 * /sites and the dashboard's Sites pages share (docs/sites.md): charge
 * points (retired ones left out), online, connectors charging, and the
 * energy (Wh) of the sessions that started today (UTC) and finished, as
 * the overview counts it.  Bind the day's start (t) first, then the
 * statement's own parameters.
 */
#ifndef CSMS_SITEQUERY_H
#define CSMS_SITEQUERY_H

/* The snapshot ocppd keeps (sql/030) while it is at most 15 s old and of
 * today; else, or with fleet_counters_interval = 0, counted here.
 * COALESCE evaluates a count only when the snapshot has no row. */
#define SITEQ_LIVE_CPS                                                         \
	"(SELECT COUNT(*) FROM charge_points c WHERE c.site_id = s.id AND "    \
	"c.retired = 0)"
#define SITEQ_LIVE_ONLINE                                                      \
	"(SELECT COUNT(*) FROM charge_points c WHERE c.site_id = s.id AND "    \
	"c.retired = 0 AND c.connected = 1)"
#define SITEQ_LIVE_CHARGING                                                    \
	"(SELECT COUNT(*) FROM charge_points c JOIN connectors k ON "          \
	"k.cp_id = c.id WHERE c.site_id = s.id AND c.retired = 0 AND "         \
	"k.connector_id > 0 AND k.status = 'Charging')"
#define SITEQ_LIVE_WH                                                          \
	"(SELECT COALESCE(SUM(GREATEST(t.meter_stop - t.meter_start, 0)), 0) " \
	"FROM charge_points c JOIN transactions t ON t.cp_id = c.id WHERE "    \
	"c.site_id = s.id AND t.start_ts >= ? AND t.meter_stop IS NOT NULL)"
#define SITEQ_COLS                                                             \
	"SELECT s.id, s.name, s.address, s.latitude, s.longitude, "            \
	"s.time_zone, s.grid_limit_a, s.grid_phases, s.grid_voltage, "         \
	"s.grid_limit_unit, s.notes, s.created_at, s.updated_at, "             \
	"COALESCE(sc.cps, " SITEQ_LIVE_CPS "), "                               \
	"COALESCE(sc.online, " SITEQ_LIVE_ONLINE "), "                         \
	"COALESCE(sc.charging, " SITEQ_LIVE_CHARGING "), "                     \
	"COALESCE(sc.energy_today_wh, " SITEQ_LIVE_WH "), "                    \
	"s.load_management FROM sites s LEFT JOIN site_counters sc ON "        \
	"sc.site_id = s.id AND sc.taken_at >= ? AND "                          \
	"sc.taken_at > UTC_TIMESTAMP(3) - INTERVAL 15 SECOND "

/* ? after (id), ? limit */
#define SITEQ_PAGE SITEQ_COLS "WHERE s.id > ? ORDER BY s.id LIMIT ?"
/* ? id */
#define SITEQ_ONE SITEQ_COLS "WHERE s.id = ?"

enum siteq_col {
	SITEQ_ID,
	SITEQ_NAME,
	SITEQ_ADDRESS,
	SITEQ_LAT,
	SITEQ_LON,
	SITEQ_TZ,
	SITEQ_LIMIT_A,
	SITEQ_PHASES,
	SITEQ_VOLTAGE,
	SITEQ_UNIT,
	SITEQ_NOTES,
	SITEQ_CREATED,
	SITEQ_UPDATED,
	SITEQ_N_CPS,
	SITEQ_N_ONLINE,
	SITEQ_N_CHARGING,
	SITEQ_WH_TODAY,
	SITEQ_LM /* load_management */
};

/* kW of a limit in amps per phase, rounded down to 0.1 kW. */
static inline double siteq_kw(double amps, long long phases, long long volts)
{
	return (double)(long long)(amps * (double)(phases * volts) / 100.0) /
	       10.0;
}

#endif
