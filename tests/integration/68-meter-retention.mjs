#!/usr/bin/env node
// 68-meter-retention.mjs — meter values past meter_values_retention_days
// (sql/020, ocppd/mv_keep.c) through the real stack:
//   - the month partitions are made ahead (this month, the next, pmax);
//   - a session whose values were received five months ago (its rows moved
//     into a partition of that month, as a table looks after months of
//     running) is rolled up to one row per series and quarter hour — the
//     last sample, with count, min, max and mean — when an ocppd's upkeep
//     pass runs, and the month's partition is dropped;
//   - the API (JSON and CSV) and the transaction page show the rollup in
//     place of the raw values, a recent session keeps its raw values, and a
//     rollup row whose month is not dropped yet is never shown (no value
//     twice).
import {
	check, checkEq, cpId, done, env, isoNow, ocppClient, ownPort, q, sql, sqlValue,
	startOcppd, test, until,
} from '../node/lib.mjs';

const API = `${env.httpUrl}/cgi-bin/api`;
const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const CP = cpId('retention');
const TAG = `T68${process.pid % 100000}`;

const pad = (n) => String(n).padStart(2, '0');
const now = new Date();
// Five months back: past the default 90 days whatever today is.
const old = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 1));
const OLD_PART = `p${old.getUTCFullYear()}${pad(old.getUTCMonth() + 1)}`;
const OLD_DAY = `${old.getUTCFullYear()}-${pad(old.getUTCMonth() + 1)}-15`;
const OLD_BOUND = (() => {
	const b = new Date(Date.UTC(old.getUTCFullYear(), old.getUTCMonth() + 1, 1));
	return `${b.getUTCFullYear()}-${pad(b.getUTCMonth() + 1)}-01`;
})();
// The old session: 10:00-10:30 on the 15th of that month, charge point time.
const T0 = Date.parse(`${OLD_DAY}T10:00:00Z`);
const at = (m) => new Date(T0 + m * 60000).toISOString();
// [minute, energy Wh, power W]: three samples in each quarter hour.
const SAMPLES = [[2, 1000, 7000], [7, 1600, 7200], [12, 2200, 7400],
	[17, 2800, 11000], [22, 3500, 11200], [27, 4300, 11600]];

const partitions = () => sql(`SELECT PARTITION_NAME FROM information_schema.PARTITIONS
	WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'meter_values' ORDER BY PARTITION_ORDINAL_POSITION`)
	.map((r) => r[0]);

async function get(url) {
	const r = await fetch(url);
	return { status: r.status, text: await r.text() };
}

sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'Retention', 'Accepted')`);

const cli = await ocppClient(CP);
let extra;
try {
	await cli.call('BootNotification', { chargePointVendor: 'T68', chargePointModel: 'Keep' });
	const s1 = await cli.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 400, timestamp: at(0) });
	const OLD_TX = s1.transactionId;
	for (const [m, e, p] of SAMPLES)
		await cli.call('MeterValues', { connectorId: 1, transactionId: OLD_TX, meterValue: [{ timestamp: at(m),
			sampledValue: [
				{ value: String(e), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
				{ value: String(p), measurand: 'Power.Active.Import', unit: 'W' },
			] }] });
	await cli.call('StopTransaction', { transactionId: OLD_TX, idTag: TAG, meterStop: 4300, timestamp: at(30) });
	const s2 = await cli.call('StartTransaction', { connectorId: 2, idTag: TAG, meterStart: 0, timestamp: isoNow() });
	const NEW_TX = s2.transactionId;
	await cli.call('MeterValues', { connectorId: 2, transactionId: NEW_TX, meterValue: [{ timestamp: isoNow(),
		sampledValue: [{ value: '120', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });

	await test('partitions_ahead', async () => {
		const p = partitions();
		const thisMonth = `p${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}`;
		const n = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
		const next = `p${n.getUTCFullYear()}${pad(n.getUTCMonth() + 1)}`;
		check('partitions_ahead', p.includes(thisMonth) && p.includes(next) && p.at(-1) === 'pmax',
			p.join(','));
		checkEq('received_today', sqlValue(`SELECT COUNT(*) FROM meter_values
			WHERE transaction_id = ${NEW_TX} AND day = UTC_DATE()`), '1');
	});

	// The table as it looks after months of running: a partition for that
	// month, holding the old session's values.
	const first = partitions()[0];
	const firstBound = sqlValue(`SELECT PARTITION_DESCRIPTION FROM information_schema.PARTITIONS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'meter_values' AND PARTITION_NAME = ${q(first)}`);
	sql(`ALTER TABLE meter_values REORGANIZE PARTITION ${first} INTO (
		PARTITION ${OLD_PART} VALUES LESS THAN ('${OLD_BOUND}'),
		PARTITION ${first} VALUES LESS THAN (${firstBound}))`);
	sql(`UPDATE meter_values SET day = '${OLD_DAY}' WHERE transaction_id = ${OLD_TX}`);
	checkEq('old_rows_moved', sqlValue(`SELECT COUNT(*) FROM meter_values PARTITION (${OLD_PART})`), '12');
	// A rollup row of a month not dropped yet (a pass between its rollup
	// and its drop): never shown beside the raw values.
	sql(`INSERT INTO meter_rollup (transaction_id, measurand, phase, bucket, cp_id, connector_id, part_bound,
		samples, ts_last, value_last, num_last) VALUES (${NEW_TX}, 'Energy.Active.Import.Register', '',
		UTC_TIMESTAMP(), ${q(CP)}, 2, '2999-01-01', 1, UTC_TIMESTAMP(), '999', 999)`);

	// An ocppd's first upkeep pass runs at its start.
	extra = await startOcppd({ CSMS_OCPP_PORT: ownPort(47) }, '68-keeper');
	await test('old_month_dropped', async () => {
		const gone = await until(() => !partitions().includes(OLD_PART), 30000, 200);
		check('old_month_dropped', gone, partitions().join(','));
		checkEq('old_raw_gone', sqlValue(`SELECT COUNT(*) FROM meter_values WHERE transaction_id = ${OLD_TX}`), '0');
		// The oldest raw day kept: at least the dropped month's bound (the
		// start of the oldest partition left, which the stack's own first
		// pass may have stamped already).
		const below = sqlValue('SELECT dropped_below FROM meter_retention WHERE id = 1');
		check('dropped_below', below >= OLD_BOUND, `${below} < ${OLD_BOUND}`);
	});

	await test('rollup_rows', async () => {
		const rows = sql(`SELECT measurand, bucket, samples, value_last, num_last, num_min, num_max, num_avg
			FROM meter_rollup WHERE transaction_id = ${OLD_TX} ORDER BY measurand, bucket`);
		checkEq('rollup_row_count', rows.length, 4);
		const power = rows.filter((r) => r[0] === 'Power.Active.Import');
		checkEq('power_q1', power[0].slice(1), [`${OLD_DAY} 10:00:00`, '3', '7400', '7400', '7000', '7400', '7200']);
		checkEq('power_q2', power[1].slice(1, 7), [`${OLD_DAY} 10:15:00`, '3', '11600', '11600', '11000', '11600']);
		checkEq('power_q2_avg', Number(power[1][7]).toFixed(3), '11266.667');
	});

	await test('api_rollup', async () => {
		const r = await get(`${API}/transactions/${OLD_TX}/meter-values?measurand=Power.Active.Import`);
		checkEq('api_status', r.status, 200);
		const body = JSON.parse(r.text);
		checkEq('api_count', body.count, 2);
		const [a, b] = body.items;
		checkEq('api_first', [a.ts, a.value, a.value_num, a.num_unit], [at(12), '7400', 7400, 'W']);
		checkEq('api_first_rollup', a.rollup, { samples: 3, min: 7000, max: 7400, avg: 7200 });
		checkEq('api_second_ts', b.ts, at(27));
		const one = JSON.parse((await get(`${API}/transactions/${OLD_TX}`)).text);
		checkEq('api_one_rollups', one.meter_values.filter((m) => m.rollup).length, 4);
		const csv = (await get(`${API}/transactions/${OLD_TX}/meter-values.csv?measurand=Power.Active.Import`)).text
			.trimEnd().split('\r\n');
		checkEq('csv_rollup_cols', csv[1].split(',').slice(-4), ['3', '7000', '7400', '7200']);
	});

	await test('recent_kept_raw', async () => {
		const body = JSON.parse((await get(`${API}/transactions/${NEW_TX}/meter-values`)).text);
		checkEq('recent_count', body.count, 1);
		checkEq('recent_raw', [body.items[0].value, 'rollup' in body.items[0]], ['120', false]);
		const csv = (await get(`${API}/transactions/${NEW_TX}/meter-values.csv`)).text.trimEnd().split('\r\n');
		checkEq('csv_raw_cols_empty', csv[1].split(',').slice(-4), ['', '', '', '']);
	});

	await test('page_rollup', async () => {
		const r = await get(`${DASH}/transactions/${OLD_TX}`);
		checkEq('page_status', r.status, 200);
		check('page_marks_rollup', (r.text.match(/\(last of 3\)/g) || []).length === 4, 'no "(last of 3)" marks');
		check('page_energy_chart', r.text.includes('data-series="energy"'), 'no energy series');
		const fresh = await get(`${DASH}/transactions/${NEW_TX}`);
		check('page_recent_unmarked', fresh.status === 200 && !fresh.text.includes('last of'), 'recent page marked');
	});
} finally {
	await cli.close({ force: true }).catch(() => {});
	if (extra) await extra.stop();
}
done();
