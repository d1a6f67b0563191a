#!/usr/bin/env node
// 55-fleet-counters.mjs — the counters snapshot (lib/counters.h,
// fleet_counters_interval): the suite's stack counts on every request
// (interval 0), so an ocppd of this test's own takes snapshots every
// second, and:
//  - /stats then reads the snapshot: its counters are the tables' at
//    counted_at, a charge point added after it shows at the next one;
//  - /metrics and the overview show the same figures;
//  - without a fresh snapshot (its ocppd stopped, the row gone) /stats
//    counts again at once;
//  - the overview's status filter counts from the snapshot's charge
//    points per status (sql/032);
//  - each site's totals are a snapshot too (site_counters, sql/030): the
//    ocppd writes them with the fleet's, /sites/{id} reads them while
//    fresh and counts again once they are 15 s old.
import {
	apiCall, checkEq, cpId, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const CP = cpId('fleet');
const SITE_CP = cpId('fleetsite');
sql(`INSERT INTO sites (name, created_at, updated_at)
	VALUES (${q('fleet-site-' + process.pid)}, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`);
const SITE = Number(sqlValue(`SELECT id FROM sites WHERE name = ${q('fleet-site-' + process.pid)}`));
sql(`INSERT INTO charge_points (id, site_id, connected) VALUES (${q(SITE_CP)}, ${SITE}, 1)`);
sql('DELETE FROM fleet_counters');
const live = () => Number(sqlValue('SELECT COUNT(*) FROM charge_points'));
const d = await startOcppd({
	CSMS_OCPP_PORT: String(ownPort(55)), CSMS_FLEET_COUNTERS_INTERVAL: '1',
}, `55-ocppd-${process.pid}`);
try {
	await test('stats_read_the_snapshot', async () => {
		const taken = await until(() => sqlValue('SELECT COUNT(*) FROM fleet_counters') === '1', 10000, 100);
		checkEq('snapshot_taken', taken, true);
		const s = await apiCall('GET', '/stats');
		const row = sql('SELECT cps, taken_at FROM fleet_counters')[0];
		checkEq('stats_from_snapshot', s.json?.charge_points?.total, Number(row[0]));
		checkEq('counted_at_recent', Date.now() - Date.parse(s.json?.counted_at) < 15000, true);
		const before = live();
		sql(`INSERT INTO charge_points (id) VALUES (${q(CP)})`);
		const seen = await until(async () => (await apiCall('GET', '/stats')).json?.charge_points?.total === before + 1,
			10000, 200);
		checkEq('next_snapshot_counts_it', seen, true);
		const m = await (await fetch(`${env.httpUrl}/cgi-bin/api/metrics`)).text();
		const total = Number((m.match(/^csms_charge_points_total (\d+)/m) || [])[1]);
		checkEq('metrics_same', total, Number(sqlValue('SELECT cps FROM fleet_counters')));
	});
	await test('site_totals_snapshot_taken', async () => {
		// Online (after this ocppd's start marked its unowned rows
		// offline) with a connector charging.
		sql(`UPDATE charge_points SET connected = 1 WHERE id = ${q(SITE_CP)}`);
		sql(`INSERT INTO connectors (cp_id, connector_id, status, last_update)
			VALUES (${q(SITE_CP)}, 1, 'Charging', UTC_TIMESTAMP(3))`);
		const ok = await until(() => sqlValue(`SELECT CONCAT(cps, '/', online, '/', charging)
			FROM site_counters WHERE site_id = ${SITE}`) === '1/1/1', 10000, 100);
		checkEq('site_counters_row', ok, true);
	});
} finally {
	await d.stop();
}

await test('status_filter_count_from_snapshot', async () => {
	// No ocppd takes snapshots now: plant one whose Charging count (the
	// third status) no table holds, and the overview shows it.
	const row = sql('SELECT cps_by_status FROM fleet_counters WHERE id = 1')[0];
	checkEq('snapshot_has_counts', (row?.[0] || '').split(',').length, 11);
	sql(`UPDATE fleet_counters SET cps_by_status = '0,0,4321,0,0,0,0,0,0,0,0', taken_at = UTC_TIMESTAMP(3)`);
	const page = await (await fetch(`${env.httpUrl}/cgi-bin/dashboard/?status=Charging`)).text();
	checkEq('count_shown', /of 4,?321 matching charge points/.test(page), true);
	sql('UPDATE fleet_counters SET taken_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE');
	const live = await (await fetch(`${env.httpUrl}/cgi-bin/dashboard/?status=Charging`)).text();
	checkEq('stale_counted_again', /of 4,?321 matching/.test(live), false);
});

await test('site_totals_read_the_snapshot', async () => {
	// No ocppd takes snapshots now: what the row says is what is shown.
	sql(`UPDATE site_counters SET cps = 777, taken_at = UTC_TIMESTAMP(3) WHERE site_id = ${SITE}`);
	const fresh = await apiCall('GET', `/sites/${SITE}`);
	checkEq('fresh_snapshot_read', fresh.json?.totals?.charge_points, 777);
	sql(`UPDATE site_counters SET taken_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE site_id = ${SITE}`);
	const old = await apiCall('GET', `/sites/${SITE}`);
	checkEq('stale_snapshot_counted_again', old.json?.totals?.charge_points, 1);
	sql(`DELETE FROM connectors WHERE cp_id = ${q(SITE_CP)}`);
	sql(`DELETE FROM charge_points WHERE id = ${q(SITE_CP)}`);
	sql(`DELETE FROM sites WHERE id = ${SITE}`);
	checkEq('gone_with_its_site', sqlValue(`SELECT COUNT(*) FROM site_counters WHERE site_id = ${SITE}`), '0');
});

await test('counts_again_without_snapshot', async () => {
	sql('DELETE FROM fleet_counters');
	sql(`DELETE FROM charge_points WHERE id = ${q(CP)}`);
	const s = await apiCall('GET', '/stats');
	checkEq('live_count', s.json?.charge_points?.total, live());
});
done();
