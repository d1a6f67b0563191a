#!/usr/bin/env node
// 63-dashboard-txdaily.mjs — the transaction list's fast path: with the
// per-day summary table tx_daily (kept by triggers), totals come from the
// summary and a deep page jumps to its day.  Both paths must give exactly
// what SQL gives, for every filter and page, including ties on start_ts,
// running transactions, updates and deletions after the rows were counted.
//
// It runs in a database of its own (created with the admin account, dropped
// at the end), so adding triggers never touches the shared test schema.
// When sql/ already creates tx_daily, that migration is used; otherwise the
// table and triggers proposed in docs/benchmarks-dashboard.md.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { check, checkEq, done, env, fail, test } from '../node/lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const DB = `csms_t63_${process.pid}`;
const admin = (query, db = '') => execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket,
	'-u', execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(), '-N', '-B', '-r',
	...(db ? [db] : []), '-e', query], { encoding: 'utf8' });
const sql = (query) => admin(query, DB).split('\n').filter((l) => l.length)
	.map((l) => l.split('\t').map((v) => (v === 'NULL' ? null : v)));

// The proposal (docs/benchmarks-dashboard.md), one statement per line end.
const TX_DAILY = fs.readFileSync(`${ROOT}docs/benchmarks-dashboard.md`, 'utf8')
	.match(/```sql\n(-- tx_daily[\s\S]*?)```/)?.[1];

function setup() {
	admin(`CREATE DATABASE \`${DB}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
		GRANT SELECT ON \`${DB}\`.* TO '${process.env.CSMS_DB_RO_USER || 'csms_ro'}'@'localhost'`);
	const files = fs.readdirSync(`${ROOT}sql`).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
	let haveDaily = false;
	for (const f of files) {
		const text = fs.readFileSync(`${ROOT}sql/${f}`, 'utf8');
		haveDaily ||= /CREATE TABLE\s+(IF NOT EXISTS\s+)?`?tx_daily/i.test(text);
		execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket, '-u',
			execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(), DB], { input: text });
	}
	if (!haveDaily) {
		if (!TX_DAILY) throw new Error('no tx_daily SQL in sql/ or docs/benchmarks-dashboard.md');
		execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket, '-u',
			execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(), DB], { input: TX_DAILY });
	}
	return haveDaily ? 'sql/' : 'docs';
}

// The dashboard as plain CGI on this database: status and body.
function page(query) {
	const out = execFileSync(`${env.bin}/dashboard`, [], {
		encoding: 'utf8',
		env: { PATH: process.env.PATH, REQUEST_METHOD: 'GET', PATH_INFO: '/transactions',
			QUERY_STRING: query, SCRIPT_NAME: '/cgi-bin/dashboard', CSMS_CONF: env.conf,
			CSMS_DB_SOCKET: env.dbSocket, CSMS_DB_NAME: DB },
	});
	const status = Number(/^Status: (\d+)/.exec(out)?.[1]);
	const ids = [...out.matchAll(/<tr data-tx="(\d+)"/g)].map((m) => m[1]);
	const count = /id="tx-count">([\d,]+)</.exec(out)?.[1]?.replace(/,/g, '');
	const active = /id="tx-active">([\d,]+)</.exec(out)?.[1]?.replace(/,/g, '');
	const kwh = /id="tx-kwh">([\d,.]+) kWh</.exec(out)?.[1]?.replace(/,/g, '');
	return { status, ids, count: Number(count), active: Number(active), kwh };
}

let source;
try {
	source = setup();
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
	check('summary_table_present', sql('SELECT COUNT(*) FROM tx_daily')[0][0] > 0, 'tx_daily is empty');
	console.log(`# tx_daily from ${source}`);
} catch (e) {
	fail('setup', e.message);
}

const WH = 'IF(meter_stop IS NULL, 0, GREATEST(meter_stop - meter_start, 0))';
const cases = [
	{ q: {}, where: '1' },
	{ q: { status: 'active' }, where: 'stop_ts IS NULL' },
	{ q: { status: 'completed' }, where: 'stop_ts IS NOT NULL' },
	{ q: { from: '2025-03-05', to: '2025-03-09' }, where: "start_ts >= '2025-03-05' AND start_ts < '2025-03-10'" },
	{ q: { from: '2025-03-02' }, where: "start_ts >= '2025-03-02'" },
	{ q: { to: '2025-03-03', status: 'completed' }, where: "start_ts < '2025-03-04' AND stop_ts IS NOT NULL" },
	{ q: { cp_id: 'CP1' }, where: "cp_id = 'CP1'" },
	{ q: { id_tag: 'tag2', from: '2025-03-04' }, where: "id_tag = 'TAG2' AND start_ts >= '2025-03-04'" },
	{ q: { from: '2030-01-01' }, where: "start_ts >= '2030-01-01'" },
];

for (const c of cases) {
	const name = Object.entries(c.q).map(([k, v]) => `${k}_${v}`).join('_') || 'unfiltered';
	await test(`pages_match_sql_${name}`, async () => {
		const [[n, act, wh]] = sql(`SELECT COUNT(*), COALESCE(SUM(stop_ts IS NULL), 0),
			COALESCE(SUM(${WH}), 0) FROM transactions WHERE ${c.where}`);
		const all = sql(`SELECT id FROM transactions WHERE ${c.where} ORDER BY start_ts DESC, id DESC`)
			.map((r) => r[0]);
		const perPage = 23;
		const pages = Math.max(1, Math.ceil(all.length / perPage));
		// Every page: the first, the middle ones and the last.
		for (let p = 1; p <= pages; p++) {
			const qs = new URLSearchParams({ ...c.q, per_page: perPage, page: p }).toString();
			const r = page(qs);
			if (r.status !== 200) throw new Error(`${qs}: status ${r.status}`);
			const want = all.slice((p - 1) * perPage, p * perPage);
			if (JSON.stringify(r.ids) !== JSON.stringify(want))
				throw new Error(`${qs}: rows ${r.ids.join(',')} != ${want.join(',')}`);
			if (r.count !== Number(n) || r.active !== Number(act) ||
				r.kwh !== (Number(wh) / 1000).toFixed(2))
				throw new Error(`${qs}: totals ${r.count}/${r.active}/${r.kwh}, want ${n}/${act}/${wh} Wh`);
		}
		const past = page(new URLSearchParams({ ...c.q, per_page: perPage, page: pages + 1 }).toString());
		checkEq(`page_past_end_${name}`, past.status, 400);
	});
}

try {
	admin(`DROP DATABASE \`${DB}\``);
} catch (e) {
	fail('cleanup', e.message);
}
done();
