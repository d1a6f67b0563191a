#!/usr/bin/env node
// 37-operator-view.mjs — what an operator reads off the API and the
// dashboard must match what the charge points did, through the real stack
// (ocpp-rpc in strict mode -> ocppd -> MariaDB -> lighttpd -> api/dashboard):
//
//  - a connector named only by StartTransaction / MeterValues exists
//    (status Unknown) and shows its running session with a Remote stop;
//  - last_seen moves with any message, not only Heartbeat;
//  - sampled values are stored in one base unit per quantity, the value
//    and unit as sent kept beside;
//  - GET /users shows the status Authorize answers (effective_status);
//  - a stop timestamped before its start is flagged;
//  - the counters of /stats, /metrics and the overview agree, for a state
//    with an offline charger whose last status was Charging and a
//    connector known only from a StartTransaction;
//  - cpsim's default idTag is accepted by the demo data of `make run`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import {
	cpId, done, env, isoNow, ocppClient, q, sleep, sql, sqlValue, test, until,
} from '../node/lib.mjs';

const API = `${env.httpUrl}/cgi-bin/api`;
const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const ROOT = new URL('../..', import.meta.url).pathname;

async function getJson(path) {
	const r = await fetch(API + path);
	if (r.status !== 200) throw new Error(`${path}: status ${r.status}`);
	return r.json();
}

async function getText(url) {
	const r = await fetch(url);
	if (r.status !== 200) throw new Error(`${url}: status ${r.status}`);
	return r.text();
}

async function boot(cli) {
	const b = await cli.call('BootNotification', { chargePointVendor: 'T37', chargePointModel: 'view' });
	if (b.status !== 'Accepted') throw new Error(`boot ${b.status}`);
}

const tag = `T37_${process.pid % 100000}`;
sql(`INSERT INTO users (id_tag, status) VALUES (${q(tag)}, 'Accepted')`);

// ---- 1. a connector known only from transaction messages -------------
const CP1 = cpId('noStatus');
const c1 = await ocppClient(CP1);
await boot(c1);
const start = await c1.call('StartTransaction', {
	connectorId: 1, idTag: tag, meterStart: 1000, timestamp: isoNow(),
});
const tx = start.transactionId;
await c1.call('MeterValues', {
	connectorId: 2,
	meterValue: [{ timestamp: isoNow(), sampledValue: [{ value: '5', unit: 'Wh' }] }],
});

await test('connector_from_start_transaction', async () => {
	const cp = await getJson(`/cps/${encodeURIComponent(CP1)}`);
	const conn = cp.connectors.find((c) => c.connector_id === 1);
	if (!conn) throw new Error(`connectors ${JSON.stringify(cp.connectors)}`);
	if (conn.status !== 'Unknown') throw new Error(`status ${conn.status}`);
	if (!conn.active_transaction || conn.active_transaction.id !== tx)
		throw new Error(`active_transaction ${JSON.stringify(conn.active_transaction)}, tx ${tx}`);
});
await test('connector_from_meter_values', async () => {
	const cp = await getJson(`/cps/${encodeURIComponent(CP1)}`);
	if (!cp.connectors.some((c) => c.connector_id === 2))
		throw new Error(`connectors ${JSON.stringify(cp.connectors)}`);
});
await test('dashboard_offers_remote_stop', async () => {
	const page = await getText(`${DASH}/cp/${encodeURIComponent(CP1)}`);
	if (!page.includes(`data-stop="${tx}"`)) throw new Error('no Remote stop for the running session');
});
// A later StatusNotification takes over the row.
await c1.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
await test('status_notification_replaces_unknown', async () => {
	const st = await until(() => sqlValue(`SELECT status FROM connectors WHERE cp_id = ${q(CP1)}
		AND connector_id = 1`) === 'Charging', 3000);
	if (!st) throw new Error('status still not Charging');
});

// ---- 4. meter values in base units -------------------------------------
await c1.call('MeterValues', {
	connectorId: 1, transactionId: tx,
	meterValue: [{
		timestamp: isoNow(),
		sampledValue: [
			{ value: '3.5', measurand: 'Power.Active.Import', unit: 'kW' },
			{ value: '7200', measurand: 'Power.Active.Import', unit: 'W' },
			{ value: '1.5', unit: 'kWh' },
			{ value: '68', measurand: 'Temperature', unit: 'Fahrenheit' },
			{ value: '300', measurand: 'Temperature', unit: 'K' },
			{ value: '50', measurand: 'SoC', unit: 'Percent' },
			{ value: '49.9', measurand: 'Frequency' },
			{ value: '0.98', measurand: 'Power.Factor' },
			{ value: '16', measurand: 'Current.Import' },
		],
	}],
});
await test('meter_values_base_units', async () => {
	const t = await getJson(`/transactions/${tx}`);
	const got = t.meter_values.map((m) => [m.measurand, m.value, m.unit,
		m.value_num === null ? null : Math.round(m.value_num * 1000) / 1000, m.num_unit]);
	const want = [
		['Power.Active.Import', '3.5', 'kW', 3500, 'W'],
		['Power.Active.Import', '7200', 'W', 7200, 'W'],
		['Energy.Active.Import.Register', '1.5', 'kWh', 1500, 'Wh'],
		['Temperature', '68', 'Fahrenheit', 20, 'Celsius'],
		['Temperature', '300', 'K', 26.85, 'Celsius'],
		['SoC', '50', 'Percent', 50, '%'],
		['Frequency', '49.9', null, 49.9, 'Hz'],
		['Power.Factor', '0.98', null, 0.98, null],
		['Current.Import', '16', null, 16, 'A'],
	];
	for (const w of want)
		if (!got.some((g) => JSON.stringify(g) === JSON.stringify(w)))
			throw new Error(`missing ${JSON.stringify(w)} in ${JSON.stringify(got)}`);
});

// ---- 3. last_seen moves with any message --------------------------------
await test('last_seen_any_message', async () => {
	const CP = cpId('seen');
	const c = await ocppClient(CP);
	await boot(c);
	await sleep(1100);
	const before = Date.now();
	await c.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
	await c.close();
	const seen = await until(() => {
		const v = sqlValue(`SELECT UNIX_TIMESTAMP(last_seen) * 1000 FROM charge_points
			WHERE id = ${q(CP)} AND connected = 0`);
		return v && Number(v) >= before - 5 ? Number(v) : 0;
	}, 5000);
	if (!seen) throw new Error(`last_seen ${sqlValue(`SELECT last_seen FROM charge_points WHERE id = ${q(CP)}`)} before ${new Date(before).toISOString()}`);
	const cp = await getJson(`/cps/${encodeURIComponent(CP)}`);
	if (cp.last_heartbeat !== null) throw new Error(`last_heartbeat ${cp.last_heartbeat}`);
	if (!cp.last_seen || Date.parse(cp.last_seen) < before - 5) throw new Error(`API last_seen ${cp.last_seen}`);
	const page = await getText(`${DASH}/cp/${encodeURIComponent(CP)}`);
	if (!/Last seen/.test(page)) throw new Error('charge point page has no "Last seen"');
});

// ---- 6. a stop timestamped before its start ------------------------------
await test('stop_before_start_flagged', async () => {
	const s = await c1.call('StartTransaction', {
		connectorId: 3, idTag: tag, meterStart: 0, timestamp: isoNow(3600e3),
	});
	await c1.call('StopTransaction', { transactionId: s.transactionId, meterStop: 100, timestamp: isoNow() });
	const t = await getJson(`/transactions/${s.transactionId}`);
	if (!t.anomaly || !/before start/.test(t.anomaly)) throw new Error(`anomaly ${t.anomaly}`);
	if (t.duration_s !== 0) throw new Error(`duration_s ${t.duration_s}`);
});

// ---- 5. the effective status of an id tag --------------------------------
await test('users_effective_status', async () => {
	const old = `T37X_${process.pid % 100000}`;
	sql(`INSERT INTO users (id_tag, status, expiry_date) VALUES (${q(old)}, 'Accepted', '2020-01-01 00:00:00')`);
	const a = await c1.call('Authorize', { idTag: old });
	const u = (await getJson('/users')).items.find((i) => i.id_tag === old);
	if (!u) throw new Error('tag not listed');
	if (u.status !== 'Accepted' || u.effective_status !== a.idTagInfo.status || u.effective_status !== 'Expired')
		throw new Error(`stored ${u.status}, effective ${u.effective_status}, Authorize ${a.idTagInfo.status}`);
	if (!u.status_reason) throw new Error('no status_reason');
	const mine = (await getJson('/users')).items.find((i) => i.id_tag === tag);
	if (mine.effective_status !== 'Accepted' || mine.status_reason !== null)
		throw new Error(`accepted tag: ${JSON.stringify(mine)}`);
});

// ---- 2. one definition of each counter ------------------------------------
// An offline charger whose last status was Charging, with its session open.
const CP2 = cpId('offline');
const c2 = await ocppClient(CP2);
await boot(c2);
await c2.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
await c2.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: isoNow() });
await c2.close();
// The first charger: a connector known only from StartTransaction.
await c1.call('StartTransaction', { connectorId: 4, idTag: tag, meterStart: 0, timestamp: isoNow() });
await until(() => sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(CP2)}`) === '0', 5000);

await test('counters_agree', async () => {
	const stats = await getJson('/stats');
	const metrics = await getText(`${API}/metrics`);
	const page = await getText(`${DASH}/`);
	const metric = (re) => Number(re.exec(metrics)?.[1]);
	const stat = (id) => Number(new RegExp(`id="${id}">([\\d,]+)`).exec(page)?.[1]?.replace(/,/g, ''));
	const online = /id="stat-online">([\d,]+) \/ ([\d,]+)/.exec(page);
	// What the definitions say, in plain SQL.
	const want = {
		charging: Number(sqlValue(`SELECT COUNT(*) FROM connectors c JOIN charge_points cp ON cp.id = c.cp_id
			WHERE c.connector_id > 0 AND cp.connected = 1 AND c.status = 'Charging'`)),
		offline: Number(sqlValue(`SELECT COUNT(*) FROM connectors c JOIN charge_points cp ON cp.id = c.cp_id
			WHERE c.connector_id > 0 AND cp.connected = 0`)),
		active: Number(sqlValue('SELECT COUNT(*) FROM transactions WHERE stop_ts IS NULL')),
		connected: Number(sqlValue('SELECT COUNT(*) FROM charge_points WHERE connected = 1')),
	};
	const got = {
		stats: [stats.connectors.charging, stats.connectors.by_status.Charging, stats.connectors.offline,
			stats.transactions.active, stats.charge_points.connected],
		metrics: [metric(/^csms_connectors\{status="Charging"\} (\d+)/m), metric(/^csms_connectors\{status="Charging"\} (\d+)/m),
			metric(/^csms_connectors\{status="offline"\} (\d+)/m), metric(/^csms_transactions_active (\d+)/m),
			metric(/^csms_charge_points_connected (\d+)/m)],
		dashboard: [stat('stat-charging'), stat('stat-charging'), want.offline, stat('stat-sessions'),
			Number(online?.[1]?.replace(/,/g, ''))],
	};
	const expect = [want.charging, want.charging, want.offline, want.active, want.connected];
	for (const [who, v] of Object.entries(got))
		if (JSON.stringify(v) !== JSON.stringify(expect))
			throw new Error(`${who} ${JSON.stringify(v)}, definitions ${JSON.stringify(expect)}`);
	// The offline charger's Charging connector is not counted as charging.
	const offCharging = Number(sqlValue(`SELECT COUNT(*) FROM connectors WHERE cp_id = ${q(CP2)} AND status = 'Charging'`));
	if (offCharging !== 1 || stats.connectors.offline < 1) throw new Error('state not built');
	const byStatus = Object.values(stats.connectors.by_status).reduce((a, b) => a + b, 0);
	if (byStatus + stats.connectors.offline !== stats.connectors.total)
		throw new Error(`by_status ${byStatus} + offline ${stats.connectors.offline} != total ${stats.connectors.total}`);
});
await c1.close();

// ---- 8. cpsim's default idTag against the demo data ----------------------
await test('cpsim_default_tag_accepted', async () => {
	const seed = fs.readFileSync(`${ROOT}sql/seed-demo.sql`, 'utf8');
	const tags = [...seed.matchAll(/\('([A-Z0-9-]+)',/g)].map((m) => m[1]);
	const had = new Set(sql(`SELECT id_tag FROM users WHERE id_tag IN (${tags.map(q).join(',')})`).map((r) => r[0]));
	spawnSync('mariadb', ['--no-defaults', '-S', env.dbSocket, '-u', env.dbUser, `-p${env.dbPassword}`, env.dbName],
		{ input: seed });
	try {
		const r = spawnSync(`${env.bin}/cpsim`, [`${env.ocppUrl}/${cpId('cpsimDefault')}`, '--duration', '1',
			'--meter-interval', '0'], { encoding: 'utf8', timeout: 60000 });
		const out = `${r.stdout}${r.stderr}`;
		if (r.status !== 0 || /Invalid/.test(out)) throw new Error(`cpsim exit ${r.status}: ${out.slice(-400)}`);
	} finally {
		const added = tags.filter((t) => !had.has(t));
		if (added.length) sql(`DELETE FROM users WHERE id_tag IN (${added.map(q).join(',')})`);
	}
});

done();
