#!/usr/bin/env node
// journal-check.mjs — checks a cpsim --journal file against the database:
// every acknowledged StartTransaction is a transactions row with its id,
// charge point, connector, meterStart and start time; every acknowledged
// StopTransaction has its meterStop and stop time.  With --prefix P it
// also checks the invariants of docs/benchmarks-ocppd.md for the charge
// points whose id starts with P (tx_daily = rows, total_kwh = stopped
// sessions, at most one open session per connector).
//
//   node tests/cluster/journal-check.mjs JOURNAL [--prefix P]
//
// The database comes from the environment, as `scripts/cluster.sh env`
// prints it: DB_SOCKET or DB_HOST/DB_PORT, DB_USER, DB_PASS, DB_NAME.
// Prints one JSON object; exit status 0 when nothing is missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const args = process.argv.slice(2);
const file = args[0];
const pi = args.indexOf('--prefix');
const prefix = pi >= 0 ? args[pi + 1] : null;
if (!file) {
	console.error('usage: journal-check.mjs JOURNAL [--prefix P]');
	process.exit(2);
}

export function dbArgs(e = process.env) {
	const a = ['--no-defaults', '-N', '-B', '-r', '-u', e.DB_USER || 'csms', `-p${e.DB_PASS || ''}`];
	if (e.DB_SOCKET) a.push('-S', e.DB_SOCKET);
	else a.push('-h', e.DB_HOST || '127.0.0.1', '-P', String(e.DB_PORT || 3306), '--protocol=tcp');
	a.push(e.DB_NAME || 'csms');
	return a;
}

const q = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
// "2026-01-02T03:04:05.678Z" -> DATETIME(3) literal (ocppd stores UTC)
const dt = (ts) => q(ts.replace('T', ' ').replace(/Z$/, ''));

const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
const rows = [];
let bad = 0;
for (const l of lines) {
	let j;
	try { j = JSON.parse(l); } catch { bad++; continue; }
	if (j.action === 'StartTransaction') {
		rows.push(`(1,${q(j.cp)},${j.connector},${j.transactionId},${j.meterStart},${dt(j.ts)})`);
	} else if (j.action === 'StopTransaction') {
		rows.push(`(2,${q(j.cp)},NULL,${j.transactionId},${j.meterStop},${dt(j.ts)})`);
	} else {
		bad++;
	}
}

let sqlText = `CREATE TEMPORARY TABLE jc (kind TINYINT, cp VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
	connector INT, tx INT, meter INT, ts DATETIME(3), KEY (tx));\n`;
for (let i = 0; i < rows.length; i += 2000) {
	sqlText += `INSERT INTO jc VALUES ${rows.slice(i, i + 2000).join(',')};\n`;
}
sqlText += `SELECT
 (SELECT COUNT(*) FROM jc WHERE kind = 1),
 (SELECT COUNT(*) FROM jc WHERE kind = 2),
 (SELECT COUNT(*) FROM jc LEFT JOIN transactions t ON t.id = jc.tx AND t.cp_id = jc.cp
   AND t.connector_id = jc.connector AND t.meter_start = jc.meter AND t.start_ts = jc.ts
   WHERE jc.kind = 1 AND t.id IS NULL),
 (SELECT COUNT(*) FROM jc LEFT JOIN transactions t ON t.id = jc.tx AND t.cp_id = jc.cp
   AND t.meter_stop = jc.meter AND t.stop_ts = jc.ts
   WHERE jc.kind = 2 AND t.id IS NULL),
 (SELECT COALESCE(GROUP_CONCAT(CONCAT(jc.cp, ':', jc.tx) ORDER BY jc.tx SEPARATOR ' '), '') FROM (SELECT jc.* FROM jc
   LEFT JOIN transactions t ON t.id = jc.tx AND t.cp_id = jc.cp AND
   ((jc.kind = 1 AND t.connector_id = jc.connector AND t.meter_start = jc.meter AND t.start_ts = jc.ts) OR
    (jc.kind = 2 AND t.meter_stop = jc.meter AND t.stop_ts = jc.ts))
   WHERE t.id IS NULL LIMIT 5) jc);\n`;
if (prefix) {
	const like = q(`${prefix.replace(/[%_\\]/g, '\\$&')}%`);
	sqlText += `SELECT
 (SELECT COALESCE(SUM(n), 0) FROM tx_daily) = (SELECT COUNT(*) FROM transactions),
 (SELECT COALESCE(SUM(wh), 0) FROM tx_daily) =
   (SELECT COALESCE(SUM(GREATEST(meter_stop - meter_start, 0)), 0) FROM transactions WHERE meter_stop IS NOT NULL),
 (SELECT ROUND(COALESCE(SUM(total_kwh), 0) * 1000) FROM charge_points WHERE id LIKE ${like}) =
   (SELECT COALESCE(SUM(GREATEST(meter_stop - meter_start, 0)), 0) FROM transactions
    WHERE cp_id LIKE ${like} AND meter_stop IS NOT NULL),
 (SELECT COUNT(*) FROM (SELECT cp_id, connector_id FROM transactions WHERE cp_id LIKE ${like} AND stop_ts IS NULL
   GROUP BY cp_id, connector_id HAVING COUNT(*) > 1) d);\n`;
}
const out = execFileSync('mariadb', dbArgs(), { input: sqlText, encoding: 'utf8', maxBuffer: 1 << 26 })
	.split('\n').filter((l) => l.length).map((l) => l.split('\t'));
const [starts, stops, missStarts, missStops, examples] = out[0];
const res = {
	lines: lines.length, unreadable: bad, starts: +starts, stops: +stops,
	missing_starts: +missStarts, missing_stops: +missStops, examples: examples || '',
};
if (prefix) {
	const [daily, dailyWh, kwh, twoOpen] = out[1];
	Object.assign(res, {
		tx_daily_equals_rows: daily === '1', tx_daily_wh_equals_energy: dailyWh === '1',
		total_kwh_equals_stopped: kwh === '1', connectors_with_two_open: +twoOpen,
	});
}
const ok = !bad && !res.missing_starts && !res.missing_stops &&
	(!prefix || (res.tx_daily_equals_rows && res.tx_daily_wh_equals_energy &&
		res.total_kwh_equals_stopped && res.connectors_with_two_open === 0));
res.ok = ok;
console.log(JSON.stringify(res));
process.exit(ok ? 0 : 1);
