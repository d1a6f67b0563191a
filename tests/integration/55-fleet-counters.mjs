#!/usr/bin/env node
// 55-fleet-counters.mjs — the counters snapshot (lib/counters.h,
// fleet_counters_interval): the suite's stack counts on every request
// (interval 0), so an ocppd of this test's own takes snapshots every
// second, and:
//  - /stats then reads the snapshot: its counters are the tables' at
//    counted_at, a charge point added after it shows at the next one;
//  - /metrics and the overview show the same figures;
//  - without a fresh snapshot (its ocppd stopped, the row gone) /stats
//    counts again at once.
import {
	apiCall, checkEq, cpId, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const CP = cpId('fleet');
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
} finally {
	await d.stop();
}

await test('counts_again_without_snapshot', async () => {
	sql('DELETE FROM fleet_counters');
	sql(`DELETE FROM charge_points WHERE id = ${q(CP)}`);
	const s = await apiCall('GET', '/stats');
	checkEq('live_count', s.json?.charge_points?.total, live());
});
done();
