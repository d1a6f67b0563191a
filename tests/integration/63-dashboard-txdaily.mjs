#!/usr/bin/env node
// 63-dashboard-txdaily.mjs — the transaction history's fast path, shared by
// the dashboard and the API (cgi-bin/txquery.c): totals come from the
// per-day summary tx_daily (sql/002_tx_daily.sql, kept by triggers), a page
// is read from the days that hold it.  Both programs must give exactly what
// plain SQL gives, for every filter and every page, including ties on
// start_ts, running transactions, updates and deletions after the rows were
// counted, and (API only: the dashboard takes dates) from/to times that cut
// a day in two.  The API's CSV export must list the same rows.
//
// It runs in a database of its own (created with the admin account, dropped
// at the end) with every migration of sql/, so its data never meets the
// shared test schema's.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { check, checkEq, done, env, fail, test } from '../node/lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const DB = `csms_t63_${process.pid}`;
const ADMIN = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
const admin = (query, db = '') => execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket,
	'-u', ADMIN, '-N', '-B', '-r', ...(db ? [db] : []), '-e', query], { encoding: 'utf8' });
const sql = (query) => admin(query, DB).split('\n').filter((l) => l.length)
	.map((l) => l.split('\t').map((v) => (v === 'NULL' ? null : v)));

function setup() {
	admin(`CREATE DATABASE \`${DB}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
		GRANT SELECT ON \`${DB}\`.* TO '${process.env.CSMS_DB_RO_USER || 'csms_ro'}'@'localhost'`);
	const files = fs.readdirSync(`${ROOT}sql`).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
	for (const f of files)
		execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket, '-u', ADMIN, DB],
			{ input: fs.readFileSync(`${ROOT}sql/${f}`, 'utf8') });
}

// One of the web programs as plain CGI on this database: status and body.
function cgi(program, path, query) {
	const out = execFileSync(`${env.bin}/${program}`, [], {
		encoding: 'utf8',
		maxBuffer: 64 << 20,
		env: { PATH: process.env.PATH, REQUEST_METHOD: 'GET', PATH_INFO: path,
			QUERY_STRING: query, SCRIPT_NAME: `/cgi-bin/${program}`, CSMS_CONF: env.conf,
			CSMS_DB_SOCKET: env.dbSocket, CSMS_DB_NAME: DB },
	});
	const split = out.indexOf('\r\n\r\n');
	return { status: Number(/^Status: (\d+)/.exec(out)?.[1]), body: out.slice(split + 4) };
}

function dashPage(query) {
	const { status, body } = cgi('dashboard', '/transactions', query);
	const ids = [...body.matchAll(/<tr data-tx="(\d+)"/g)].map((m) => m[1]);
	const count = /id="tx-count">([\d,]+)</.exec(body)?.[1]?.replace(/,/g, '');
	const active = /id="tx-active">([\d,]+)</.exec(body)?.[1]?.replace(/,/g, '');
	const kwh = /id="tx-kwh">([\d,.]+) kWh</.exec(body)?.[1]?.replace(/,/g, '');
	return { status, ids, count: Number(count), active: Number(active), kwh };
}

function apiPage(query) {
	const { status, body } = cgi('api', '/transactions', query);
	const j = JSON.parse(body);
	return { status, ids: (j.items || []).map((t) => String(t.id)), total: j.total, pages: j.pages };
}

function apiCsvIds(query) {
	const { status, body } = cgi('api', '/transactions.csv', query);
	if (status !== 200) throw new Error(`csv ${query}: status ${status}`);
	return body.trim().split('\r\n').slice(1).map((l) => l.split(',')[0]);
}

try {
	setup();
	// 600 transactions over 20 days on 3 charge points; every 7th shares
	// its start time with the one before (ties are ordered by id); the
	// newest 9 are running; then some stop, one moves, two are deleted.
	const rows = [];
	const base = Date.parse('2025-03-01T00:00:00Z');
	let t = base;
	for (let i = 0; i < 600; i++) {
		if (i % 7) t += (37 + (i * 7919) % 3600) * 1000;
		const ts = new Date(t).toISOString().replace('T', ' ').replace('Z', '');
		const running = i >= 591;
		rows.push(`('CP${i % 3}', 1, 'TAG${i % 5}', ${i * 100}, ${running ? 'NULL' : i * 100 + 10 * (i % 13)},
			'${ts}', ${running ? 'NULL' : `'${ts}' + INTERVAL 30 MINUTE`})`);
	}
	sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, meter_stop, start_ts, stop_ts)
		VALUES ${rows.join(',')}`);
	sql(`UPDATE transactions SET meter_stop = meter_start + 5000, stop_ts = start_ts + INTERVAL 1 HOUR
		WHERE meter_stop IS NULL ORDER BY id LIMIT 3`);
	sql(`UPDATE transactions SET start_ts = '2025-03-02 12:00:00' WHERE id = 500`);
	sql('UPDATE transactions SET meter_stop = meter_start - 10 WHERE id = 10'); // counts 0
	sql('DELETE FROM transactions WHERE id IN (100, 101)');
	// A running session left open on an early day (a lost StopTransaction).
	sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, start_ts)
		VALUES ('CP9', 2, 'TAG0', 0, '2025-03-03 08:00:00')`);
	check('summary_table_present', sql('SELECT COUNT(*) FROM tx_daily')[0][0] > 0, 'tx_daily is empty');
	// An update that changes nothing tx_daily counts (a 2.0.1 event's
	// charging_state, a start_status) writes no tx_daily row at all
	// (sql/035); one that changes the energy still does.  Each in a shard
	// of its own, so what it wrote is visible on its own.
	sql(`SET @csms_shard = 990001; UPDATE transactions SET charging_state = 'EVConnected',
		start_status = 'Accepted' WHERE id = 20`);
	checkEq('tx_daily_unchanged_update_writes_nothing',
		sql('SELECT COUNT(*) FROM tx_daily WHERE shard = 990001')[0][0], '0');
	sql(`SET @csms_shard = 990002; UPDATE transactions SET meter_stop = meter_stop + 7
		WHERE id = (SELECT MIN(id) FROM (SELECT id FROM transactions WHERE meter_stop > meter_start) x)`);
	checkEq('tx_daily_energy_update_counted',
		sql('SELECT n, n_active, wh FROM tx_daily WHERE shard = 990002').join(';'), '0,0,7');
} catch (e) {
	fail('setup', e.message);
}

const WH = 'IF(meter_stop IS NULL, 0, GREATEST(meter_stop - meter_start, 0))';
// Half away from zero on whole Wh, as cgi-bin/money.c rounds.
const kwh2 = (wh) => { const c = (BigInt(wh) + 5n) / 10n; return `${c / 100n}.${String(c % 100n).padStart(2, '0')}`; };
// q: the query of both programs; api: extra API-only parameters (times).
const cases = [
	{ q: {}, where: '1' },
	{ q: { status: 'active' }, where: 'stop_ts IS NULL' },
	{ q: { status: 'completed' }, where: 'stop_ts IS NOT NULL' },
	{ q: { from: '2025-03-05', to: '2025-03-09' }, where: "start_ts >= '2025-03-05' AND start_ts < '2025-03-10'" },
	{ q: { from: '2025-03-02' }, where: "start_ts >= '2025-03-02'" },
	{ q: { to: '2025-03-03', status: 'completed' }, where: "start_ts < '2025-03-04' AND stop_ts IS NOT NULL" },
	{ q: { to: '2025-03-05', status: 'active' }, where: "start_ts < '2025-03-06' AND stop_ts IS NULL" },
	{ q: { cp_id: 'CP1' }, where: "cp_id = 'CP1'" },
	{ q: { cp_id: 'CP2', status: 'completed' }, where: "cp_id = 'CP2' AND stop_ts IS NOT NULL" },
	{ q: { id_tag: 'tag2', from: '2025-03-04' }, where: "id_tag = 'TAG2' AND start_ts >= '2025-03-04'" },
	{ q: { from: '2030-01-01' }, where: "start_ts >= '2030-01-01'" },
	// Times that cut days: only the API takes them.
	{ api: { from: '2025-03-05T06:30:00Z', to: '2025-03-09T12:00:00.500Z' },
		where: "start_ts >= '2025-03-05 06:30:00' AND start_ts < '2025-03-09 12:00:00.501'" },
	{ api: { from: '2025-03-04T10:00:00Z', to: '2025-03-04T20:00:00Z', status: 'completed' },
		where: "start_ts >= '2025-03-04 10:00:00' AND start_ts < '2025-03-04 20:00:00.001' AND stop_ts IS NOT NULL" },
	{ api: { from: '2025-03-10T23:59:59Z' }, where: "start_ts >= '2025-03-10 23:59:59'" },
];

for (const c of cases) {
	const params = c.q || c.api;
	const name = Object.entries(params).map(([k, v]) => `${k}_${v}`).join('_').replace(/[^\w-]/g, '') ||
		'unfiltered';
	await test(`pages_match_sql_${name}`, async () => {
		const [[n, act, wh]] = sql(`SELECT COUNT(*), COALESCE(SUM(stop_ts IS NULL), 0),
			COALESCE(SUM(${WH}), 0) FROM transactions WHERE ${c.where}`);
		const all = sql(`SELECT id FROM transactions WHERE ${c.where} ORDER BY start_ts DESC, id DESC`)
			.map((r) => r[0]);
		const perPage = 23;
		const pages = Math.max(1, Math.ceil(all.length / perPage));
		// Every page: the first, the middle ones and the last.
		for (let p = 1; p <= pages; p++) {
			const qs = new URLSearchParams({ ...params, per_page: perPage, page: p }).toString();
			const want = all.slice((p - 1) * perPage, p * perPage);
			if (c.q) {
				const r = dashPage(qs);
				if (r.status !== 200) throw new Error(`dashboard ${qs}: status ${r.status}`);
				if (JSON.stringify(r.ids) !== JSON.stringify(want))
					throw new Error(`dashboard ${qs}: rows ${r.ids.join(',')} != ${want.join(',')}`);
				if (r.count !== Number(n) || r.active !== Number(act) || r.kwh !== kwh2(wh))
					throw new Error(`dashboard ${qs}: totals ${r.count}/${r.active}/${r.kwh}, want ${n}/${act}/${wh} Wh`);
			}
			const a = apiPage(qs);
			if (a.status !== 200) throw new Error(`api ${qs}: status ${a.status}`);
			if (JSON.stringify(a.ids) !== JSON.stringify(want))
				throw new Error(`api ${qs}: rows ${a.ids.join(',')} != ${want.join(',')}`);
			if (a.total !== Number(n) || a.pages !== Math.ceil(Number(n) / perPage))
				throw new Error(`api ${qs}: total ${a.total}, pages ${a.pages}, want ${n}`);
		}
		const past = new URLSearchParams({ ...params, per_page: perPage, page: pages + 1 }).toString();
		if (c.q) checkEq(`dashboard_page_past_end_${name}`, dashPage(past).status, 400);
		const ap = apiPage(past);
		checkEq(`api_page_past_end_${name}`, [ap.status, ap.ids, ap.total], [200, [], Number(n)]);
		const csv = apiCsvIds(new URLSearchParams(params).toString());
		if (JSON.stringify(csv) !== JSON.stringify(all))
			throw new Error(`csv: ${csv.length} rows ${csv.slice(0, 5)}…, want ${all.length} ${all.slice(0, 5)}…`);
	});
}

try {
	admin(`DROP DATABASE \`${DB}\``);
} catch (e) {
	fail('cleanup', e.message);
}
done();
